"""End to end: optimal against an independent solver, rules on every pair, nobody lost, true reasons."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given

import revmatch as rm
from oracles import check_feasible, highs_optimum
from strategies import programs, workforce_frames

# Random workforces draw levels at random, managers junior to their reports included: that notice is noise here.
pytestmark = pytest.mark.filterwarnings("ignore::revmatch.errors.LevelOrderWarning")


def positions(result):
    s = result.scores
    r = [int(np.flatnonzero(s.mentor_ids == m)[0]) for m in result.pairs["mentor_id"]]
    c = [int(np.flatnonzero(s.mentee_ids == e)[0]) for e in result.pairs["mentee_id"]]
    return list(zip(r, c))


def check_result(wf, program, result):
    s = result.scores
    pairs = positions(result)
    check_feasible(pairs, s.allowed, s.mentor_capacity, s.mentee_capacity)
    assert result.objective == pytest.approx(highs_optimum(s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity))
    assert np.allclose(result.pairs["score"], result.pairs["forward"] + result.pairs["backward"])
    # Nobody who opted in is lost: each is paired or listed unmatched, never both.
    opted = set(wf.ids[wf.employees["role"].to_numpy() != "none"])
    paired = set(result.pairs["mentor_id"]) | set(result.pairs["mentee_id"])
    unmatched = set(result.unmatched["employee_id"])
    assert paired | unmatched == opted and not paired & unmatched
    assert result.unmatched["reason"].str.len().min() > 0 if len(unmatched) else True


@given(workforce_frames(max_people=12), programs)
def test_random_workforces(frames, program):
    wf = rm.Workforce.from_frames(*frames)
    check_result(wf, program, rm.match(wf, program))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_synthetic_company(seed):
    wf = rm.synthetic_workforce(600, seed=seed)
    program = rm.Program(min_level_gap=2)
    result = rm.match(wf, program)
    assert result.status == "optimal" and len(result.pairs) > 20
    check_result(wf, program, result)


def test_same_input_same_pairs_whatever_the_row_order():
    emp, skills = rm.models.workforce_frames(rm.synthetic_workforce(400, seed=5))
    program = rm.Program(min_level_gap=2)
    first = rm.match(rm.Workforce.from_frames(emp, skills), program)
    again = rm.match(rm.Workforce.from_frames(emp, skills), program)
    shuffled = rm.match(
        rm.Workforce.from_frames(emp.sample(frac=1, random_state=1), skills.sample(frac=1, random_state=2)), program
    )
    pd.testing.assert_frame_equal(first.pairs, again.pairs)
    pd.testing.assert_frame_equal(first.pairs, shuffled.pairs)
    pd.testing.assert_frame_equal(first.unmatched, shuffled.unmatched)


def example_workforce():
    E = rm.Employee
    return rm.Workforce.from_employees(
        [
            E(
                employee_id="tom",
                name="Tom",
                level=6,
                department="Finance",
                role="mentee",
                skills={"stakeholder management": 5, "generative AI": 1},
                needs={"generative AI": 3, "data visualisation": 2},
            ),
            E(
                employee_id="priya",
                name="Priya",
                level=2,
                department="IT",
                role="mentor",
                skills={"generative AI": 4, "data visualisation": 2},
                needs={"stakeholder management": 1},
            ),
            E(
                employee_id="sam",
                name="Sam",
                level=2,
                department="IT",
                role="mentor",
                skills={"generative AI": 2},
                needs={},
            ),
            E(employee_id="lee", name="Lee", level=3, department="HR", role="mentor", skills={}, needs={}),
            E(
                employee_id="kim",
                name="Kim",
                level=3,
                department="HR",
                role="mentee",
                manager_id="tom",
                skills={},
                needs={"generative AI": 1},
            ),
        ]
    )


def test_worked_example_pairs_and_reasons():
    # Priya teaches Tom generative AI 3 × (4 − 1) + data visualisation 2 × (2 − 0) = 13 need points; Tom
    # gives back stakeholder management 1 × (5 − 0) = 5, at the default weight 0.5: score 13 + 2.5.
    result = rm.match(example_workforce(), rm.Program(min_level_gap=2))
    assert result.pairs[["mentor_id", "mentee_id", "score"]].values.tolist() == [["priya", "tom", 15.5]]
    assert result.pairs["reason"][0] == (
        "Priya (L2, IT) can teach generative AI (+9) and data visualisation (+4); "
        "Tom (L6, Finance) gives back stakeholder management (+5)"
    )
    reasons = dict(zip(result.unmatched["employee_id"], result.unmatched["reason"]))
    waitlist = dict(zip(result.unmatched["employee_id"], result.unmatched["waitlist_rank"]))
    assert reasons["lee"] == (
        "as mentor: no skills survey answers (no rows for lee in the skills file): add their skills and needs"
    )
    assert reasons["sam"] == (
        "as mentor: waitlisted (3 mentors for 2 places) — all 1 eligible mentees with complementary skills "
        "are taken by partners who score at least as high with them (best: tom, 3 vs 15.5 with priya)"
    )
    assert reasons["kim"] == "as mentee: no eligible mentor — of 3 mentors, excluded by minimum level gap 3"
    assert waitlist["sam"] == 1 and pd.isna(waitlist["lee"]) and pd.isna(waitlist["kim"])
    e = result.explain("priya", "tom")
    assert e.paired and e.score == 15.5 and e.parts == {"forward": 13.0, "backward": 2.5}
    assert [t.skill for t in e.taught] == ["generative AI", "data visualisation"]
    other = result.explain("sam", "tom")
    assert not other.paired and other.score == 3 and other.text.startswith("Sam (L2, IT) can teach generative AI (+3)")
    with pytest.raises(rm.UnknownPersonError, match="did not opt in as a mentor"):
        result.explain("tom", "priya")


def test_why_not_names_the_rule_or_prices_the_pair_exactly():
    result = rm.match(example_workforce(), rm.Program(min_level_gap=2))
    assert result.why_not("priya", "tom").paired
    rule = result.why_not("priya", "kim")
    assert rule.broken_rules == ("minimum level gap",)
    assert "not allowed: minimum level gap (their level gap is 1: lower min_level_gap to allow it)" in rule.text
    forced = result.why_not("sam", "tom")
    assert forced.cost == 15.5 - 3 and forced.undone == (("priya", "tom"),) and forced.objective_if_forced == 3
    assert "undone: priya → tom" in forced.text


@pytest.mark.parametrize("seed", [0, 1])
def test_why_not_cost_equals_a_resolve_with_the_pair_locked(seed):
    wf = rm.synthetic_workforce(300, seed=seed)
    result = rm.match(wf, rm.Program(min_level_gap=2))
    s = result.scores
    made = set(result.assignment.pairs)
    rng = np.random.default_rng(seed)
    for i, j in np.argwhere(s.allowed & (s.matrix > 0))[rng.choice(int((s.allowed & (s.matrix > 0)).sum()), 5)]:
        if (i, j) in made:
            continue
        w = result.why_not(s.mentor_ids[i], s.mentee_ids[j])
        others = s.allowed & (s.matrix > 0)
        others[i, j] = False  # a pair is made at most once
        ref = (
            highs_optimum(
                np.where(s.allowed, s.matrix, 0),
                others,
                s.mentor_capacity - (np.arange(len(s.mentor_ids)) == i),
                s.mentee_capacity - (np.arange(len(s.mentee_ids)) == j),
            )
            + s.matrix[i, j]
        )
        assert w.cost >= 0 and w.objective_if_forced == pytest.approx(ref)


def test_explanation_carries_match_percent_and_ranks():
    result = rm.match(example_workforce(), rm.Program(min_level_gap=2))
    e = result.explain("priya", "tom")
    assert e.match_percent == 100 and e.rank_for_mentee == 1 and e.rank_for_mentor == 1
    # Tom's best teacher teaches 13 need points; Sam teaches 3 of them.
    other = result.explain("sam", "tom")
    assert other.match_percent == pytest.approx(100 * 3 / 13) and other.rank_for_mentee == 2
    # Give-back: Tom is the only mentee Priya may have, and gives back all he can.
    assert e.give_back_percent == 100
