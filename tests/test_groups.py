"""One programme per group: the same as matching each group by hand, failures kept per group, Dask = serial."""

import math
import pickle

import numpy as np
import pandas as pd
import pytest

import revmatch as rm
from revmatch import groups
from revmatch.groups import group_frames, match_frame, match_groups
from revmatch.models import workforce_frames
from strategies import volunteering_company

PROGRAM = rm.Program(min_level_gap=2)
FINANCE_QUOTA = rm.Program(min_level_gap=2, min_matched_share={"Finance": 1.0})


@pytest.fixture(scope="module")
def company():
    return volunteering_company(600, seed=4)


def by_hand(wf, by, value):
    """One group's input frames, each manager replaced by the nearest one up the chain in the same group."""
    employees, skills = workforce_frames(wf)
    manager = dict(zip(employees["employee_id"], employees["manager_id"]))
    group = dict(zip(employees["employee_id"], employees[by]))
    members = employees[employees[by] == value].copy()

    def nearest(person):
        boss = manager.get(person, "")
        while boss and group.get(boss) != value:
            boss = manager.get(boss, "")
        return boss if boss in group else ""

    members["manager_id"] = [nearest(p) for p in members["employee_id"]]
    return members, skills[skills["employee_id"].isin(set(members["employee_id"]))]


def rows_of(frame, value):
    return frame[frame["group"] == value].drop(columns="group").reset_index(drop=True)


def test_serial_equals_match_per_group_by_hand(company):
    out = match_groups(company, PROGRAM, by="location")
    names = sorted(set(company.employees["location"]))
    assert out.groups["group"].tolist() == names and list(out.results) == names
    assert out.groups.columns.tolist() == ["group", "people", "pairs", "status", "objective", "seconds", "error"]
    for name in names:
        expected = rm.match(rm.Workforce.from_frames(*by_hand(company, "location", name)), PROGRAM)
        pd.testing.assert_frame_equal(rows_of(out.pairs, name), expected.pairs)
        pd.testing.assert_frame_equal(rows_of(out.unmatched, name), expected.unmatched)
        row = out.groups.set_index("group").loc[name]
        assert (row.people, row.pairs, row.status, row.objective, row.error) == (
            (company.employees["location"] == name).sum(),
            len(expected.pairs),
            "optimal",
            expected.objective,
            "",
        )
        assert out.results[name].objective == expected.objective


def test_groups_add_up_to_the_whole_company_with_a_same_location_rule(company):
    # Pairs within a location, reporting lines of the whole company: the optimum splits by location.
    out = match_groups(company, PROGRAM, by="location")
    whole = rm.match(company, PROGRAM.model_copy(update={"require_same_location": True}))
    assert out.groups["objective"].sum() == pytest.approx(whole.objective)
    # Nobody lost either way (which of equal optima each picks may differ): paired or told why.
    opted = set(company.ids[company.employees["role"].to_numpy() != "none"])
    for pairs, unmatched in ((out.pairs, out.unmatched), (whole.pairs, whole.unmatched)):
        paired = set(pairs["mentor_id"]) | set(pairs["mentee_id"])
        assert paired | set(unmatched["employee_id"]) == opted and not paired & set(unmatched["employee_id"])


def test_a_reporting_line_through_another_group_still_counts():
    E = rm.Employee
    wf = rm.Workforce.from_employees(
        [
            E(employee_id="a", level=2, department="IT", location="Berlin", role="mentor", skills={"genai": 5}),
            E(employee_id="x", level=4, department="IT", location="London", role="none", manager_id="a"),
            E(
                employee_id="b",
                level=6,
                department="IT",
                location="Berlin",
                role="mentee",
                manager_id="x",
                needs={"genai": 3},
            ),
            E(employee_id="c", level=2, department="HR", location="Berlin", role="mentor", skills={"genai": 2}),
        ]
    )
    berlin = {g: e for g, e, _ in group_frames(wf, "location")}["Berlin"]
    assert dict(zip(berlin["employee_id"], berlin["manager_id"])) == {"a": "", "b": "a", "c": ""}
    out = match_groups(wf, rm.Program(), by="location")
    # a is b's manager's manager: only c may mentor b.
    assert rows_of(out.pairs, "Berlin")[["mentor_id", "mentee_id"]].values.tolist() == [["c", "b"]]
    # Two steps apart in the company (one in Berlin): a step limit of 1 lets a mentor b, as it would company-wide.
    out = match_groups(wf, rm.Program(reporting_line_depth=1), by="location")
    assert rows_of(out.pairs, "Berlin")[["mentor_id", "mentee_id"]].values.tolist() == [["a", "b"]]


def test_a_group_applies_the_company_reporting_rule_with_a_depth():
    wf = rm.synthetic_workforce(3000, seed=0)
    program = rm.Program(reporting_line_depth=2)
    whole = rm.score(wf, program)
    mentor_at = dict(zip(whole.mentor_ids, range(len(whole.mentor_ids))))
    mentee_at = dict(zip(whole.mentee_ids, range(len(whole.mentee_ids))))
    out = match_groups(wf, program, by="location")
    assert out.failed.empty
    for name, result in out.results.items():
        group = result.scores
        rows = [mentor_at[i] for i in group.mentor_ids]
        cols = [mentee_at[i] for i in group.mentee_ids]
        np.testing.assert_array_equal(group.allowed, whole.allowed[np.ix_(rows, cols)], err_msg=str(name))
    # Every opted-in mentor and mentee of the company was in some group's comparison.
    assert sum(len(r.scores.mentor_ids) for r in out.results.values()) == len(whole.mentor_ids)
    assert sum(len(r.scores.mentee_ids) for r in out.results.values()) == len(whole.mentee_ids)


def test_groups_sort_by_the_column_type(company):
    out = match_groups(company, PROGRAM, by="level")
    assert out.groups["group"].tolist() == sorted(set(company.employees["level"].tolist()))
    assert all(type(g) is int for g in out.groups["group"])


def test_a_failing_group_is_reported_and_the_others_run(company):
    out = match_groups(company, FINANCE_QUOTA, by="location")
    failed, ok = out.failed, out.groups[out.groups["error"] == ""]
    assert len(failed) and len(ok)
    assert (failed["status"] == "infeasible").all() and failed["objective"].isna().all()
    assert (failed["pairs"] == 0).all()
    assert failed["error"].str.match(r"InfeasibleError: the programme's rules cannot all hold:\n  quota Finance").all()
    assert not set(failed["group"]) & (set(out.pairs["group"]) | set(out.unmatched["group"]))
    assert set(out.results) == set(ok["group"])
    dept = company.employees.set_index("employee_id")["department"]
    held = 0
    for name in ok["group"]:
        result = out.results[name]
        mentees = set(result.scores.mentee_ids[dept[result.scores.mentee_ids].to_numpy() == "Finance"])
        assert mentees <= set(result.pairs["mentee_id"])  # the quota holds where it could
        held += bool(mentees)
        # A group with no Finance mentees has no quota to hold (the whole-company match would call it a typo).
        program = FINANCE_QUOTA if mentees else PROGRAM
        expected = rm.match(rm.Workforce.from_frames(*by_hand(company, "location", name)), program)
        assert result.objective == expected.objective
    assert held  # some group met the quota, not only groups without Finance mentees
    for name in failed["group"]:
        with pytest.raises(rm.InfeasibleError, match="quota Finance"):
            rm.match(rm.Workforce.from_frames(*by_hand(company, "location", name)), FINANCE_QUOTA)


def test_any_exception_is_kept_with_its_group(company, monkeypatch):
    real = groups.match

    def flaky(wf, program):
        if "Berlin" in set(wf.employees["location"]):
            raise RuntimeError("disk full")
        return real(wf, program)

    monkeypatch.setattr(groups, "match", flaky)
    out = match_groups(company, PROGRAM, by="location")
    row = out.groups.set_index("group").loc["Berlin"]
    assert (row.status, row.error, row.pairs) == ("error", "RuntimeError: disk full", 0)
    assert len(out.failed) == 1 and "Berlin" not in out.results and len(out.results) == len(out.groups) - 1


def test_locks_within_across_and_outside_groups(company):
    out = match_groups(company, PROGRAM, by="location")
    berlin = out.results["Berlin"].pairs
    london = out.results["London"].pairs
    mentor, mentee = berlin["mentor_id"].iloc[0], london["mentee_id"].iloc[0]
    inside = (berlin["mentor_id"].iloc[0], berlin["mentee_id"].iloc[1])
    locked = match_groups(company, PROGRAM.model_copy(update={"locked": (inside,)}), by="location")
    assert inside in set(map(tuple, locked.pairs[["mentor_id", "mentee_id"]].values))
    assert locked.failed.empty

    across = match_groups(company, PROGRAM.model_copy(update={"locked": ((mentor, mentee),)}), by="location")
    assert set(across.failed["group"]) == {"Berlin", "London"}
    assert (
        across.failed["error"]
        .str.contains(f"lock {mentor} → {mentee} crosses groups 'Berlin' and 'London' \\(location\\)")
        .all()
    )
    assert len(across.results) == len(across.groups) - 2

    with pytest.raises(rm.InfeasibleError, match="lock ghost → nobody: neither ghost nor nobody is in the workforce"):
        match_groups(company, rm.Program(locked=[("ghost", "nobody")]), by="location")


def test_bad_grouping_column_and_quota_typo(company):
    with pytest.raises(
        rm.ConfigError, match=r"cannot group by 'country': not an employees column \(columns: employee_id"
    ):
        match_groups(company, PROGRAM, by="country")
    with pytest.raises(rm.ConfigError, match="min_matched_share names departments with no opted-in mentees: Fnance"):
        match_groups(company, rm.Program(min_matched_share={"Fnance": 0.5}), by="location")


def test_match_frame_round_trip(company):
    assert pickle.loads(pickle.dumps(match_frame)) is match_frame
    small = rm.synthetic_workforce(200, seed=3)
    pairs = match_frame(*workforce_frames(small), PROGRAM)
    expected = rm.match(small, PROGRAM)
    assert pairs.columns.tolist() == [*expected.pairs.columns, "status", "objective"]
    pd.testing.assert_frame_equal(pairs.drop(columns=["status", "objective"]), expected.pairs)
    assert set(pairs["status"]) == {"optimal"} and set(pairs["objective"]) == {expected.objective}

    out = match_groups(company, PROGRAM, by="location")
    for name, employees, skills in group_frames(company, "location"):
        pairs = match_frame(employees, skills, PROGRAM)
        pd.testing.assert_frame_equal(pairs.drop(columns=["status", "objective"]), rows_of(out.pairs, name))
        assert math.isclose(pairs["objective"].iloc[0], out.groups.set_index("group").loc[name, "objective"])

    nobody = rm.Program(min_level_gap=9)
    empty = match_frame(*workforce_frames(small), nobody)
    assert empty.empty and empty.columns.tolist() == [*expected.pairs.columns, "status", "objective"]


def test_dask_gives_the_serial_result(company):
    distributed = pytest.importorskip("distributed")
    serial = match_groups(company, FINANCE_QUOTA, by="location")
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        spread = match_groups(company, FINANCE_QUOTA, by="location", client=client)
    assert len(serial.failed) and len(serial.failed) < len(serial.groups)
    pd.testing.assert_frame_equal(spread.pairs, serial.pairs)
    pd.testing.assert_frame_equal(spread.unmatched, serial.unmatched)
    pd.testing.assert_frame_equal(spread.groups.drop(columns="seconds"), serial.groups.drop(columns="seconds"))
    assert spread.results == {} and np.all(spread.groups["seconds"] > 0)


def test_groups_by_several_columns(company):
    # One group per (location, department): the same as grouping by a column holding both.
    out = match_groups(company, PROGRAM, by=["location", "department"])
    emp = company.employees
    names = sorted(set(emp["location"] + " / " + emp["department"]))
    assert out.groups["group"].tolist() == names and out.by == ["location", "department"]
    name = names[0]
    location, department = name.split(" / ")
    inside = company.employees[(emp["location"] == location) & (emp["department"] == department)]
    assert out.groups.set_index("group").loc[name, "people"] == len(inside)
    assert set(out.pairs.loc[out.pairs["group"] == name, "mentor_id"]) <= set(inside["employee_id"])
    with pytest.raises(
        rm.ConfigError, match=r"cannot group by \['location', 'country'\]: 'country' is not an employees"
    ):
        match_groups(company, PROGRAM, by=["location", "country"])


def test_keep_results_false_keeps_the_frames_only(company):
    kept, lean = (match_groups(company, PROGRAM, by="location", keep_results=k) for k in (True, False))
    assert lean.results == {} and len(kept.results) == len(kept.groups)
    pd.testing.assert_frame_equal(kept.pairs, lean.pairs)
    pd.testing.assert_frame_equal(kept.groups.drop(columns="seconds"), lean.groups.drop(columns="seconds"))
