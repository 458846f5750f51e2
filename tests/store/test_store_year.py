"""A whole programme year on the store gives what the file-based path gives, kept by hand."""

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

import revmatch as rm
from revmatch.kpis import programme_kpis, read_checkins
from revmatch.lifecycle import next_round, read_history, rematch

PROGRAM = rm.Program(min_level_gap=2)
KEY = ["mentor_id", "mentee_id"]


def pair_set(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["mentor_id"], frame["mentee_id"]))


def people_of(frame: pd.DataFrame) -> set[str]:
    return set(frame["mentor_id"]) | set(frame["mentee_id"])


def same_pairs(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """The same pairs with the same scores (reasons differ on purpose: the store names no one by name)."""
    columns = [*KEY, "score", "forward", "backward"]
    ordered = lambda f: f[columns].sort_values(KEY).reset_index(drop=True).astype({"mentor_id": str, "mentee_id": str})
    assert_frame_equal(ordered(got), ordered(expected))


def june_workforce(wf: rm.Workforce, leavers: set[str]) -> rm.Workforce:
    """The workforce after ``leavers`` left and two people joined (a mentor and a mentee)."""
    employees, skills = rm.models.workforce_frames(wf)
    joiners = pd.DataFrame(
        {
            "employee_id": ["N000001", "N000002"],
            "level": [1, 7],
            "department": ["IT", "Finance"],
            "manager_id": ["", ""],
            "role": ["mentor", "mentee"],
        }
    )
    joiner_skills = pd.DataFrame(
        {
            "employee_id": ["N000001", "N000001", "N000002", "N000002"],
            "skill": ["generative AI", "budgeting", "generative AI", "budgeting"],
            "proficiency": [5, 0, 0, 5],
            "need": [0, 4, 5, 0],
        }
    )
    return rm.Workforce.from_frames(
        pd.concat([employees[~employees["employee_id"].isin(leavers)], joiners]),
        pd.concat([skills[~skills["employee_id"].isin(leavers)], joiner_skills]),
        external_managers=True,
    )


def checkins_for(pairs: pd.DataFrame, first: date, seed: int) -> pd.DataFrame:
    """Simulated check-in reports: most pairs meet every few weeks; some go quiet; ratings vary."""
    rng = np.random.default_rng(seed)
    rows = []
    for m, e in zip(pairs["mentor_id"], pairs["mentee_id"]):
        day = first + timedelta(days=int(rng.integers(0, 20)))
        for _ in range(int(rng.integers(0, 4))):
            side = str(rng.choice(["mentor", "mentee"]))
            rows.append((m, e, day.isoformat(), int(rng.integers(1, 6)), side, "generative AI;budgeting"))
            day += timedelta(days=int(rng.integers(14, 40)))
    return pd.DataFrame(rows, columns=[*KEY, "date", "rating", "rated_by", "skills"])


def same_kpis(got: rm.kpis.Kpis, expected: rm.kpis.Kpis) -> None:
    assert got.figures == pytest.approx(expected.figures)
    for name in ("per_pair", "at_risk", "satisfaction", "skills"):
        assert_frame_equal(
            getattr(got, name).reset_index(drop=True), getattr(expected, name).reset_index(drop=True), check_dtype=False
        )


def test_a_year_on_the_store_equals_the_file_based_path(store_url, tmp_path):
    store = rm.ProgrammeStore(store_url)
    wf = rm.synthetic_workforce(400, seed=3)

    # January: the first cohort; the file-based admin keeps pairs.csv.
    first = rm.match(wf, PROGRAM)
    assert store.save(first, round="2027-H1") == "2027-H1"

    # Two proposed pairs are declined. By hand: drop them from the running pairs and forbid them.
    answers = first.pairs[KEY].assign(response="accept", responded_by="mentee")
    answers.loc[[1, 4], "response"] = "decline"
    answers.to_csv(tmp_path / "responses.csv", index=False)
    assert store.record_responses(tmp_path / "responses.csv") == len(answers)
    declined = first.pairs.loc[[1, 4], KEY]
    running = first.pairs.drop(index=[1, 4])

    # June: two mentors and a mentee in running pairs leave; a mentor and a mentee join.
    leavers = {running["mentor_id"].iloc[0], running["mentor_id"].iloc[3], running["mentee_id"].iloc[6]}
    june = june_workforce(wf, leavers)
    on_store = rematch(None, june, PROGRAM, store=store)
    forbid = PROGRAM.model_copy(update={"forbidden": tuple(pair_set(declined))})
    on_files = rematch(running[KEY], june, forbid)
    same_pairs(on_store.result.pairs, on_files.result.pairs)
    for name in ("kept", "made", "broken"):
        assert_frame_equal(getattr(on_store, name), getattr(on_files, name))
    assert set(on_store.result.unmatched["employee_id"]) == set(on_files.result.unmatched["employee_id"])
    assert on_store.leavers == on_files.leavers == tuple(sorted(leavers))
    assert on_store.joiners == ("N000001", "N000002")  # the files alone cannot tell who joined
    assert store.save(on_store) == "2027-H1"
    same_pairs(store.pairs(), on_files.result.pairs)

    # February to June: check-in reports, one export a month would do the same.
    reports = checkins_for(first.pairs, date(2027, 2, 1), seed=1)
    reports.to_csv(tmp_path / "checkins.csv", index=False)
    assert store.record_checkins(tmp_path / "checkins.csv") == len(reports)
    assert store.record_checkins(tmp_path / "checkins.csv") == 0  # the same export again changes nothing
    by_hand = read_checkins(tmp_path / "checkins.csv")
    as_of = date(2027, 6, 30)
    same_kpis(store.kpis(as_of, workforce=june), programme_kpis(on_files.result.pairs, by_hand, as_of, workforce=june))

    # Next January: no pair again, priority to last round's unplaced volunteers.
    history = pd.concat([first.pairs[KEY], on_files.made]).assign(round="2027-H1")
    history.to_csv(tmp_path / "history.csv", index=False)
    unplaced = set(on_files.result.unmatched["employee_id"]) | (
        people_of(declined) - people_of(on_files.result.pairs) - leavers
    )
    kept = store.history(june)
    assert set(kept.pairs) == pair_set(history) and kept.priority == tuple(sorted(unplaced))
    second = next_round(None, june, PROGRAM, store=store, priority_weight=3)
    by_files = next_round(
        read_history(tmp_path / "history.csv"), june, PROGRAM, priority=sorted(unplaced), priority_weight=3
    )
    same_pairs(second.pairs, by_files.pairs)
    ever = pair_set(history) | {(e, m) for m, e in pair_set(history)}
    assert not pair_set(second.pairs) & ever
    store.save(second, round="2028-H1")

    # The year's KPIs of the new cohort; the old cohort's check-ins count as outside its pairs.
    later = checkins_for(second.pairs, date(2028, 2, 1), seed=2)
    store.record_checkins(later)
    both = pd.concat([by_hand, read_checkins(later)], ignore_index=True)
    as_of = date(2028, 5, 1)
    same_kpis(store.kpis(as_of), programme_kpis(second.pairs, both, as_of))
    assert store.rounds()[["round", "runs", "pairs_declined"]].values.tolist() == [["2027-H1", 2, 2], ["2028-H1", 1, 0]]

    # The export is the hand-kept files: history (every pair of both rounds), check-ins, the running pairs.
    files = store.export(tmp_path / "export")
    assert set(read_history(files["history.csv"])) == pair_set(history) | pair_set(second.pairs)
    exported = read_checkins(files["checkins.csv"])
    assert_frame_equal(exported, both, check_dtype=False)
    pairs = pd.read_csv(files["pairs.csv"], dtype={"mentor_id": str, "mentee_id": str})
    same_pairs(pairs[(pairs["round"] == "2028-H1") & (pairs["status"] == "running")], second.pairs)
