"""What-if advice: every row against a from-scratch match with that one change, and against HiGHS."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import revmatch as rm
from oracles import highs_lexicographic
from revmatch.advice import ADVICE_COLUMNS, smallest_changes
from revmatch.reporting.summary import pair_figures, summary
from revmatch.rules import capacities, participants
from revmatch.whatif import Change, as_change, dropped_overrides, longest_chain, relaxations
from strategies import rule_programs, volunteering_company, workforce_frames

E = rm.Employee


def changed(program: rm.Program, change: Change) -> rm.Program:
    """The changed programme built independently of Change.applied_to: from the written-out settings
    (stated preferences are never written out: they are given as rm.match takes them)."""
    rebuilt = rm.Program.from_dict(program.model_dump() | change.update)
    return rebuilt if program.preferences is None else rebuilt.model_copy(update={"preferences": program.preferences})


def people(result: rm.MatchResult) -> set[str]:
    return set(result.pairs["mentor_id"]) | set(result.pairs["mentee_id"])


def check_against_match(workforce: rm.Workforce, program: rm.Program, advice: rm.Advice) -> None:
    """Every row: people, teaching, total and ids identical to rm.match on the changed programme, from scratch."""
    base = rm.match(workforce, program)
    before = summary(base)
    assert advice.base["mentees_matched"] == before["mentees_matched"]
    assert advice.base["teaching_points"] == before["teaching_points"]
    assert list(advice.table.columns) == list(ADVICE_COLUMNS)
    assert len(advice.table) == len(advice.changes) == len(advice.seconds)
    for k, change in enumerate(advice.changes):
        row = advice.table.iloc[k]
        assert (row["field"], row["from"], row["to"]) == (change.field, change.before, change.after)
        try:
            after = rm.match(workforce, changed(program, change))
        except rm.InfeasibleError:
            assert row["status"] == "infeasible" and advice.notes[k]
            continue
        now = summary(after)
        assert row["status"] == str(after.status)
        assert row["mentees_matched"] == now["mentees_matched"] - before["mentees_matched"], change.words
        assert row["mentors_matched"] == now["mentors_matched"] - before["mentors_matched"], change.words
        assert row["teaching"] == now["teaching_points"] - before["teaching_points"], change.words
        assert row["total"] == after.objective - base.objective, change.words
        assert row["newly_matched"] == tuple(sorted(people(after) - people(base)))
        assert row["no_longer_matched"] == tuple(sorted(people(base) - people(after)))


PROGRAMMES = {
    "defaults": rm.Program(),
    "rules": rm.Program(
        min_level_gap=2,
        mentor_max_level=3,
        mentee_min_level=3,
        reporting_line_depth=2,
        require_different_department=True,
        min_timezone_overlap=4,
        shared_language_weight=1,
        same_location_weight=2,
    ),
    "capacities": rm.Program(mentor_capacity=1, mentee_capacity=2, objective="coverage", require_shared_language=True),
    "fair": rm.Program(objective="fair", min_forward=3),
}


@pytest.mark.parametrize("name", PROGRAMMES)
def test_every_row_is_the_match_with_that_change(name):
    workforce = volunteering_company(300, seed=7)
    program = PROGRAMMES[name]
    advice = rm.advise(workforce, program)
    assert len(advice.table) >= 3
    assert (advice.table["status"] == "optimal").all()
    check_against_match(workforce, program, advice)


def test_locks_forbids_and_quotas_rows_are_the_match_with_that_change():
    workforce = volunteering_company(160, seed=3)
    first = rm.match(workforce, rm.Program(min_level_gap=2))
    s = first.scores
    made = set(first.assignment.pairs)
    # A lock off the optimum costs something; dropping one the optimum makes anyway cannot raise the total.
    i, j = next((int(i), int(j)) for i, j in np.argwhere(s.allowed & (s.matrix > 0)) if (i, j) not in made)
    costly = (str(s.mentor_ids[i]), str(s.mentee_ids[j]))
    forbidden = [tuple(p) for p in first.pairs[["mentor_id", "mentee_id"]].head(3).to_numpy()]
    program = rm.Program(min_level_gap=2, locked=[costly], forbidden=forbidden, max_pairs_per_department_pair=6)
    free = next(p for p in rm.match(workforce, program).pairs[["mentor_id", "mentee_id"]].itertuples(index=False)
                if tuple(p) != costly)  # fmt: skip
    program = program.model_copy(update={"locked": (costly, tuple(free))})
    advice = rm.advise(workforce, program)
    check_against_match(workforce, program, advice)
    locks = advice.table[advice.table["field"] == "locked"].set_index("from")
    assert locks.loc[f"{costly[0]} → {costly[1]}", "total"] > 0
    assert locks["total"].get(f"{free[0]} → {free[1]}", 0) == 0
    # Every drop left out of the table changes nothing at all, from scratch.
    kept = {c.words for c in advice.changes}
    base = rm.match(workforce, program)
    left_out = [c for c in dropped_overrides(workforce, program) if c.words not in kept]
    assert left_out or len(locks) == 2
    for change in left_out:
        after = rm.match(workforce, changed(program, change))
        assert after.objective == base.objective and people(after) == people(base)
        assert summary(after)["teaching_points"] == summary(base)["teaching_points"]


@given(workforce_frames(max_people=10), st.data())
def test_rows_on_random_programmes_match_and_are_optimal_against_highs(frames, data):
    workforce = rm.Workforce.from_frames(*frames)
    program = data.draw(rule_programs(list(frames[0]["employee_id"])))
    advice = rm.advise(workforce, program)
    check_against_match(workforce, program, advice)
    base = rm.match(workforce, program)
    for k, change in enumerate(advice.changes):
        row = advice.table.iloc[k]
        other = changed(program, change)
        s = rm.score(workforce, other)
        expected = highs_lexicographic(s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity, other.objective)
        assert expected is not None and row["status"] == "optimal"
        assert base.objective + row["total"] == pytest.approx(expected[-1], abs=1e-6)


def test_the_default_steps_move_each_rule_one_step():
    workforce = volunteering_company(300, seed=1)
    program = PROGRAMMES["rules"].model_copy(update={"min_forward": 2, "min_matched_share": 0.2})
    steps = {c.field: c.update for c in relaxations(workforce, program)}
    assert steps["min_level_gap"] == {"min_level_gap": 1}
    assert steps["min_forward"] == {"min_forward": 1}
    assert steps["mentor_max_level"] == {"mentor_max_level": 4}
    assert steps["mentee_min_level"] == {"mentee_min_level": 2}
    assert steps["reporting_line_depth"] == {"reporting_line_depth": 1}
    assert steps["require_different_department"] == {"require_different_department": False}
    assert steps["min_timezone_overlap"] == {"min_timezone_overlap": 3}
    assert steps["min_matched_share"] == {"min_matched_share": None}
    assert "require_same_location" not in steps and "max_pairs_per_department_pair" not in steps
    one = relaxations(workforce, rm.Program(reporting_line_depth=1, min_timezone_overlap=0.5))
    assert {c.field: c.update for c in one}["exclude_reporting_line"] == {"exclude_reporting_line": False}
    assert {c.field: c.update for c in one}["min_timezone_overlap"] == {"min_timezone_overlap": None}


@given(workforce_frames(max_people=12))
def test_longest_chain_against_every_pair(frames):
    workforce = rm.Workforce.from_frames(*frames)
    mentors, mentees = participants(workforce)
    depth = workforce.depth
    longest = 0
    for a in mentors:
        for b in mentees:
            if a != b and workforce.in_reporting_line(np.array([a]), np.array([b]))[0]:
                longest = max(longest, abs(int(depth[a]) - int(depth[b])))
    assert longest_chain(workforce, mentors, mentees) == longest


def test_the_reporting_line_step_frees_someone_the_whole_chain_held():
    workforce = rm.synthetic_workforce(2000, seed=0)
    program = rm.Program()
    (step,) = [c for c in relaxations(workforce, program) if c.field == "reporting_line_depth"]
    mentors, mentees = participants(workforce, program)
    reach = longest_chain(workforce, mentors, mentees)
    assert step.update == {"reporting_line_depth": reach - 1} and step.before == "whole chain"
    whole = rm.score(workforce, program).allowed
    shorter = rm.score(workforce, step.applied_to(program)).allowed
    assert (shorter >= whole).all() and shorter.sum() > whole.sum()


def test_soft_wishes_become_rules_only_when_wished():
    workforce = volunteering_company(200, seed=2)
    wishes = rm.Program(different_department_weight=2, timezone_overlap_weight=0.5, shared_language_weight=-1)
    advice = rm.advise(workforce, wishes)
    tight = advice.table[[c.kind == "tighten" for c in advice.changes]]
    assert tight["field"].tolist() == ["require_different_department", "min_timezone_overlap"]
    assert tight["to"].tolist() == ["true", "1"]
    assert not [c for c in rm.advise(workforce, rm.Program()).changes if c.kind == "tighten"]


def hand_company(mentor_capacity: int = 1):
    """Known answers, one skill per intended pair: s_gap needs the level gap at 1, s_loc a mentor
    elsewhere, s_forb its only mentor forbidden, s_full and s_wait want one mentor (s_full scores
    higher), s_none needs what nobody can teach."""
    rows = [
        E(employee_id="s_gap", level=5, department="A", location="L", role="mentee", needs={"g": 4}),
        E(employee_id="j_gap", level=4, department="B", location="L", role="mentor", skills={"g": 5}),
        E(employee_id="s_loc", level=6, department="A", location="L", role="mentee", needs={"l": 4}),
        E(employee_id="j_loc", level=1, department="B", location="P", role="mentor", skills={"l": 5}),
        E(employee_id="s_forb", level=6, department="A", location="P", role="mentee", needs={"f": 4}),
        E(employee_id="j_forb", level=1, department="B", location="P", role="mentor", skills={"f": 5}),
        E(employee_id="s_full", level=7, department="A", location="B", role="mentee", needs={"b": 5}),
        E(employee_id="s_wait", level=7, department="A", location="B", role="mentee", needs={"b": 4}),
        E(employee_id="j_both", level=1, department="B", location="B", role="mentor", skills={"b": 5},
          mentor_capacity=mentor_capacity),
        E(employee_id="s_none", level=7, department="A", location="L", role="mentee", needs={"law": 3}),
    ]  # fmt: skip
    return rm.Workforce.from_employees(rows)


def test_per_person_advice_on_a_company_built_so_the_answer_is_known():
    workforce = hand_company()
    program = rm.Program(min_level_gap=2, require_same_location=True, forbidden=[("j_forb", "s_forb")])
    advice = rm.advise(workforce, program)
    check_against_match(workforce, program, advice)
    advice_of = dict(zip(advice.per_person["employee_id"], advice.per_person["advice"]))
    assert advice_of["s_gap"] == "would be matched if the minimum level gap were 1"
    assert advice_of["j_gap"] == "would be matched if the minimum level gap were 1"
    assert advice_of["s_loc"] == "would be matched if the same location were not required"
    assert advice_of["s_forb"] == "would be matched if the forbid j_forb → s_forb were dropped"
    assert advice_of["s_wait"] == "would be matched if mentor j_both could take 2 mentees"
    assert advice_of["s_none"] == "no single change in this table matches them"
    assert "s_full" not in advice_of  # matched already
    (place,) = [c for c in advice.changes if c.kind == "capacity"]
    assert (place.field, place.before, place.after) == ("mentor_capacity", "j_both: 1", "j_both: 2")


@pytest.mark.parametrize("given", [None, 1, {"j_loc": 3}])
def test_one_more_place_changes_that_mentor_only(given):
    workforce = hand_company()
    program = rm.Program(mentor_capacity=given)
    advice = rm.advise(workforce, program, capacity_mentors=5)
    (place,) = [c for c in advice.changes if c.kind == "capacity"]
    before = capacities(workforce, program, "mentor")
    after = capacities(workforce, place.applied_to(program), "mentor")
    mentors, _ = participants(workforce, program)
    bumped = np.zeros(len(before), np.int64)
    bumped[list(workforce.ids).index("j_both")] = 1
    assert (after[mentors] == (before + bumped)[mentors]).all()
    assert not [c for c in rm.advise(workforce, program, capacity_mentors=0).changes if c.kind == "capacity"]


def test_the_smallest_change_costs_the_others_least():
    table = pd.DataFrame(
        {
            "change": ["a", "b", "c", "d"],
            "field": ["f"] * 4,
            "from": ["1"] * 4,
            "to": ["0"] * 4,
            "total": [5.0, 9.0, 7.0, 20.0],
            "newly_matched": [("x", "y"), ("x", "z"), ("x", "y", "z"), ("w",)],
            "no_longer_matched": [("q",), (), (), ()],
            "status": ["optimal", "optimal", "optimal", "infeasible"],
        }
    )
    changes = [Change({}, w, f"{w} were so", "f", "1", "0") for w in "abcd"]

    class Result:  # what smallest_changes reads of a match: who is unmatched
        unmatched = pd.DataFrame({"employee_id": ["x", "y", "w", "v"], "role": ["mentee"] * 4})

    out = smallest_changes(Result(), table, changes)  # type: ignore[arg-type]
    got = dict(zip(out["employee_id"], out["change"]))
    # x: b and c lose nobody, b has the larger total; y: c loses nobody; w: only an infeasible row.
    assert got == {"x": "b", "y": "c", "w": "", "v": ""}


def test_own_changes_are_checked_before_anything_runs():
    workforce = hand_company()
    program = rm.Program()
    with pytest.raises(rm.ConfigError, match=r"changes\[1\]: 'min_level_gp' is not a programme setting \(did you"):
        rm.advise(workforce, program, [{"min_level_gap": 0}, {"min_level_gp": 0}])
    with pytest.raises(rm.ConfigError, match=r"(?s)changes\[0\]: .*'min_level_gap': must be a number"):
        rm.advise(workforce, program, [{"min_level_gap": "one"}])
    with pytest.raises(rm.ConfigError, match="a change is a dict"):
        rm.advise(workforce, program, [{}])
    with pytest.raises(rm.InputError, match="expected a file path or a DataFrame"):
        rm.advise(workforce, program, preferences={"s_gap": ["j_gap"]})
    for other in PROGRAMMES.values():  # every other setting kept as it was
        moved = as_change({"min_level_gap": 0, "locked": [["j_gap", "s_gap"]]}, other).applied_to(other)
        assert moved.model_dump() == other.model_dump() | {"min_level_gap": 0, "locked": (("j_gap", "s_gap"),)}
    change = as_change({"min_level_gap": 0, "require_same_location": True}, program)
    assert (change.field, change.before, change.after) == (
        "min_level_gap, require_same_location",
        "1, false",
        "0, true",
    )


def test_a_change_that_breaks_the_rules_is_a_row_not_a_failure():
    workforce = hand_company()
    advice = rm.advise(workforce, rm.Program(), [{"locked": [("s_gap", "j_gap")]}, {"min_level_gap": 0}])
    assert advice.table["status"].tolist() == ["infeasible", "optimal"]
    assert "did not opt in as a mentor" in advice.notes[0]
    assert pd.isna(advice.table.loc[0, "mentees_matched"]) and advice.table.loc[0, "newly_matched"] == ()
    assert advice.per_person["change"].isin(["", "min_level_gap 1 → 0"]).all()


def test_advice_is_deterministic():
    workforce = volunteering_company(200, seed=5)
    a, b = rm.advise(workforce, rm.Program()), rm.advise(workforce, rm.Program())
    pd.testing.assert_frame_equal(a.table, b.table)
    pd.testing.assert_frame_equal(a.per_person, b.per_person)


@given(workforce_frames(max_people=12), st.data())
def test_pair_figures_are_the_summary_figures(frames, data):
    workforce = rm.Workforce.from_frames(*frames)
    program = data.draw(rule_programs(list(frames[0]["employee_id"])))
    for route in ("dense", "sparse") if program.objective == "total" else ("dense",):
        result = rm.match(workforce, program, route=route)
        figures, full = pair_figures(result.scores, result.assignment.pairs), summary(result)
        assert figures == {key: full[key] for key in figures}


def test_tradeoffs_are_each_objective_run():
    workforce = volunteering_company(300, seed=4)
    program = rm.Program(min_level_gap=2, mentee_capacity=2)
    table = rm.tradeoffs(workforce, program)
    assert table["objective"].tolist() == ["total", "coverage", "fair"]
    assert table["current"].tolist() == [True, False, False]
    for row in table.to_dict("records"):
        result = rm.match(workforce, program.model_copy(update={"objective": row["objective"]}))
        s = summary(result)
        assert row["status"] == "optimal"
        assert (row["pairs"], row["mentees_matched"], row["mentors_matched"]) == (
            s["pairs"],
            s["mentees_matched"],
            s["mentors_matched"],
        )
        assert (row["teaching"], row["give_back"], row["min_pair_score"]) == (
            s["teaching_points"],
            s["give_back_points"],
            s["min_pair_score"],
        )
        assert row["total"] == result.objective
    # Each objective wins on what it maximises first.
    assert table.loc[0, "total"] == table["total"].max()
    people = table["mentees_matched"] + table["mentors_matched"]
    assert people[1] == people.max() and table.loc[2, "pairs"] == table["pairs"].max()


def test_tradeoffs_say_which_objective_cannot_be_solved():
    workforce = volunteering_company(200, seed=4)
    program = rm.Program(priority=["E000001"], priority_first=True)
    table = rm.tradeoffs(workforce, program)
    assert table["status"].tolist() == ["optimal", "not solved", "not solved"]
    assert "priority_first" in table.loc[1, "note"]
    with pytest.raises(rm.InputError, match="expected a file path or a DataFrame"):
        rm.tradeoffs(workforce, program, preferences=[])


def hand_preferences() -> rm.Preferences:
    """s_full avoids j_both (the only mentor both B seniors want), s_wait must have j_both, s_loc ranks j_loc first."""
    stated = [("s_full", "j_both", "avoid"), ("s_wait", "j_both", "must"), ("s_loc", "j_loc", "1")]
    return rm.read_preferences(pd.DataFrame(stated, columns=["employee_id", "partner_id", "preference"]))


def test_advice_and_tradeoffs_solve_with_the_stated_preferences():
    """Every what-if and every objective carries the statements, exactly as rm.match with them."""
    workforce, prefs = hand_company(), hand_preferences()
    program = rm.Program(min_level_gap=2, require_same_location=True, forbidden=[("j_forb", "s_forb")])
    stated = program.model_copy(update={"preferences": prefs})
    advice = rm.advise(workforce, program, preferences=prefs)
    check_against_match(workforce, stated, advice)
    pairs = set(zip(advice.result.pairs["mentor_id"], advice.result.pairs["mentee_id"]))
    assert ("j_both", "s_wait") in pairs and ("j_both", "s_full") not in pairs  # without them: s_full
    assert ("j_both", "s_full") in set(
        zip(*(rm.match(workforce, program).pairs[c] for c in ("mentor_id", "mentee_id")))
    )
    table = rm.tradeoffs(workforce, program, preferences=prefs)
    assert table["objective"].tolist() == ["total", "coverage", "fair", "rank_maximal", "stable"]
    for row in table.to_dict("records"):
        result = rm.match(workforce, stated.model_copy(update={"objective": row["objective"]}))
        assert (row["status"], row["total"], row["pairs"]) == (str(result.status), result.objective, len(result.pairs))


def test_the_documented_example_holds():
    """docs/advice.md's worked example, figure for figure (the synthetic company of the defaults)."""
    workforce = rm.synthetic_workforce(5000, seed=0)
    advice = rm.advise(workforce, rm.Program())
    b = advice.base
    assert (b["mentees_matched"], b["mentors_matched"], b["teaching_points"], b["total_score"]) == (
        176,
        178,
        7667,
        10917,
    )
    rows = advice.table.assign(
        newly=advice.table["newly_matched"].map(len), gone=advice.table["no_longer_matched"].map(len)
    )
    figures = rows[["field", "to", "mentees_matched", "mentors_matched", "teaching", "total", "newly", "gone"]]
    assert figures.to_numpy().tolist() == [
        ["min_level_gap", "0", 25, 20, 535.0, 683.0, 50, 14],
        ["min_forward", "0", 0, -1, -4.0, 0.0, 2, 3],
        ["reporting_line_depth", "7", 1, 1, 105.0, 136.5, 3, 1],
    ]
    helped = advice.per_person[advice.per_person["change"] != ""]
    assert (len(helped), len(advice.per_person)) == (52, 688)
    # The 25 seniors the level gap keeps out are the level-1 people who ticked "both"; the CEO needs the chain.
    level = workforce.employees.set_index("employee_id")["level"]
    gap = next(c for c in advice.changes if c.field == "min_level_gap")
    seniors = set(rm.match(workforce, gap.applied_to(rm.Program())).pairs["mentee_id"])
    new = seniors - set(advice.result.pairs["mentee_id"])
    assert len(new) == 25 and set(level[sorted(new)]) == {1}
    assert "E000001" in rows.loc[2, "newly_matched"] and level["E000001"] == level.max()
    own = rm.advise(
        workforce,
        rm.Program(),
        [{"reporting_line_depth": 2}, {"require_different_department": True}, {"min_level_gap": 2}],
    )
    assert own.table[["mentees_matched", "mentors_matched", "teaching", "total"]].to_numpy().tolist() == [
        [1, 0, 141.0, 172.5],
        [0, -1, -74.0, -37.0],
        [-12, -14, -274.0, -370.5],
    ]
    table = rm.tradeoffs(workforce, rm.Program())
    columns = ["pairs", "mentees_matched", "mentors_matched", "teaching", "give_back", "min_pair_score", "total"]
    assert table[columns].to_numpy().tolist() == [
        [186, 176, 178, 7667.0, 3250.0, 13.0, 10917.0],
        [186, 176, 186, 7629.0, 3251.0, 13.0, 10880.0],
        [186, 176, 176, 7679.0, 3233.0, 14.0, 10912.0],
    ]
