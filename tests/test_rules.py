"""Programme rules end to end: every hard rule on every pair, locks, quotas and the named diagnoses."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import revmatch as rm
from oracles import check_feasible, highs_lexicographic
from strategies import rule_programs, workforce_frames

# Random workforces draw levels at random, managers junior to their reports included: that notice is noise here.
pytestmark = pytest.mark.filterwarnings("ignore::revmatch.errors.LevelOrderWarning")

OFFSET = {"Europe/London": 0, "Asia/Kolkata": 5.5, "America/New_York": -5, "Asia/Tokyo": 9}  # on 15 January


def naive_allowed(wf, program, i, j):
    """Every hard rule for one (mentor row, mentee row), written out plainly."""
    e = wf.employees
    a, b = e.iloc[i], e.iloc[j]
    ok = i != j
    # The junior teaches first: at least min_forward need points taught.
    taught = sum(
        int(wf.need[j, s]) * max(0, int(wf.proficiency[i, s]) - int(wf.proficiency[j, s]))
        for s in range(len(wf.skill_names))
    )
    ok &= taught >= program.min_forward
    if program.min_level_gap is not None:
        ok &= b.level - a.level >= program.min_level_gap
    if program.exclude_reporting_line:
        depth = program.reporting_line_depth or len(wf)

        def chain(k, steps=0):  # k and everyone above it, up to the depth
            up = int(wf.parent[k])
            return {k} | (chain(up, steps + 1) if up >= 0 and steps < depth else set())

        ok &= i not in chain(j) and j not in chain(i)
    if program.require_different_department:
        ok &= a.department != b.department
    if program.require_shared_language:
        ok &= bool({x.lower() for x in a.languages.split(";") if x} & {x.lower() for x in b.languages.split(";") if x})
    if program.require_same_location:
        ok &= a.location != "" and a.location == b.location
    if program.min_timezone_overlap is not None:
        hours = 0.0
        if a.timezone and b.timezone:
            hours = max(0.0, 8 - abs(OFFSET[a.timezone] - OFFSET[b.timezone]))
        ok &= hours >= program.min_timezone_overlap
    ok &= (a.employee_id, b.employee_id) not in program.forbidden
    ok &= (a.employee_id, b.employee_id) not in program.past_pairs and (
        b.employee_id,
        a.employee_id,
    ) not in program.past_pairs
    return bool(ok)


@given(st.data())
def test_every_rule_on_every_pair_and_the_optimum(data):
    frames = data.draw(workforce_frames(max_people=9))
    wf = rm.Workforce.from_frames(*frames)
    program = data.draw(rule_programs(list(wf.ids)))
    scores = rm.score(wf, program)
    for a, i in enumerate(scores.mentor_rows):
        for b, j in enumerate(scores.mentee_rows):
            assert scores.allowed[a, b] == naive_allowed(wf, program, i, j), (wf.ids[i], wf.ids[j])
    result = rm.match(wf, program)
    pos = [
        (int(np.flatnonzero(scores.mentor_ids == m)[0]), int(np.flatnonzero(scores.mentee_ids == e)[0]))
        for m, e in zip(result.pairs["mentor_id"], result.pairs["mentee_id"])
    ]
    check_feasible(pos, scores.allowed, scores.mentor_capacity, scores.mentee_capacity)
    ref = highs_lexicographic(
        scores.matrix, scores.allowed, scores.mentor_capacity, scores.mentee_capacity, program.objective
    )
    assert result.objective == pytest.approx(ref[-1], abs=1e-6)


def small_company():
    E = rm.Employee
    people = [E(employee_id="boss", level=8, department="Exec", role="none")]
    for k, dept in enumerate(["Finance", "Finance", "Finance", "IT", "IT"]):
        people.append(
            E(
                employee_id=f"s{k}",
                level=6,
                department=dept,
                manager_id="boss",
                role="mentee",
                skills={"strategy": 5},
                needs={"genai": 3},
            )
        )
    for k, dept in enumerate(["IT", "IT", "HR"]):
        people.append(
            E(
                employee_id=f"j{k}",
                level=2,
                department=dept,
                manager_id="boss",
                role="mentor",
                skills={"genai": 4 - k},
                needs={"strategy": 2},
            )
        )
    return rm.Workforce.from_employees(people)


def test_locks_and_forbids_at_the_workforce_level():
    wf = small_company()
    free = rm.match(wf, rm.Program())
    best = tuple(free.pairs[["mentor_id", "mentee_id"]].iloc[0])
    forced = rm.match(wf, rm.Program(locked=[("j2", "s4")], forbidden=[best]))
    made = set(map(tuple, forced.pairs[["mentor_id", "mentee_id"]].values))
    assert ("j2", "s4") in made and best not in made
    assert forced.objective <= free.objective


def test_a_lock_that_breaks_a_hard_rule_is_named():
    wf = small_company()
    with pytest.raises(rm.InfeasibleError, match=r"lock j0 → s3 breaks the hard rule\(s\): same department"):
        rm.match(wf, rm.Program(locked=[("j0", "s3")], require_different_department=True))
    with pytest.raises(rm.InfeasibleError, match=r"lock j0 → s0 breaks the hard rule.*forbidden by the admin"):
        rm.match(wf, rm.Program(locked=[("j0", "s0")], forbidden=[("j0", "s0")]))
    with pytest.raises(rm.InfeasibleError, match="lock s0 → j0: s0 did not opt in as a mentor"):
        rm.match(wf, rm.Program(locked=[("s0", "j0")]))
    with pytest.raises(rm.InfeasibleError, match="lock j0 → nobody: nobody is not in the workforce"):
        rm.match(wf, rm.Program(locked=[("j0", "nobody")]))


def test_two_locks_over_a_capacity_are_named():
    with pytest.raises(
        rm.InfeasibleError, match="2 locks on mentor row 0 exceed its capacity 1: lock j0 → s0; lock j0 → s1"
    ):
        rm.match(small_company(), rm.Program(locked=[("j0", "s0"), ("j0", "s1")]))


def test_quota_that_cannot_be_met_names_the_department_and_people():
    program = rm.Program(min_matched_share={"Finance": 1.0}, forbidden=[("j0", "s1"), ("j1", "s1"), ("j2", "s1")])
    with pytest.raises(
        rm.InfeasibleError,
        match=r"quota Finance ≥ 100% needs 3 of 3 Finance mentees matched, "
        r"but only 2 have any eligible mentor \(see: s1\)",
    ):
        rm.match(small_company(), program)


def test_quota_met_exactly_and_optimal_among_quota_solutions():
    wf = small_company()
    program = rm.Program(min_matched_share={"IT": 1.0})
    result = rm.match(wf, program)
    assert {"s3", "s4"} <= set(result.pairs["mentee_id"])
    s = result.scores
    it = (wf.employees.set_index("employee_id").loc[s.mentee_ids, "department"] == "IT").to_numpy()
    ref = highs_lexicographic(
        s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity, "total", col_group=np.where(it, 0, -1), least=[2]
    )
    assert result.objective == pytest.approx(ref[0])
    assert result.engine == "min_cost_flow"


def test_department_pair_cap_uses_cp_sat_and_holds():
    wf = small_company()
    result = rm.match(wf, rm.Program(max_pairs_per_department_pair=1))
    dept = wf.employees.set_index("employee_id")["department"]
    flows = list(zip(dept[result.pairs["mentor_id"]], dept[result.pairs["mentee_id"]]))
    assert result.engine == "cp_sat" and len(flows) == len(set(flows))


def test_soft_preference_moves_the_score_and_is_explained():
    wf = small_company()
    plain = rm.score(wf, rm.Program())
    soft = rm.score(wf, rm.Program(different_department_weight=5))
    differs = soft.parts["different_department"] == 1
    assert np.array_equal(soft.matrix, plain.matrix + 5 * differs)
    result = rm.match(wf, rm.Program(different_department_weight=5))
    assert result.pairs["reason"].str.contains(r"preferences: different departments \(\+5\)").any()
    assert np.allclose(result.pairs[["forward", "backward", "different_department"]].sum(axis=1), result.pairs["score"])


def test_rules_from_toml(tmp_path):
    cfg = tmp_path / "p.toml"
    cfg.write_text(
        '[program]\nobjective = "coverage"\nlocked = [["j0", "s0"]]\nforbidden = [["j1", "s1"]]\n'
        "min_matched_share = { Finance = 0.5 }\nrequire_different_department = true\n"
        "min_timezone_overlap = 4\nshared_language_weight = 1.5\n"
    )
    program = rm.Program.from_toml(cfg)
    assert program.locked == (("j0", "s0"),) and program.min_matched_share == {"Finance": 0.5}
    assert program.objective == "coverage" and program.has_quotas


def test_unknown_quota_department_is_a_config_error():
    with pytest.raises(rm.ConfigError, match="no opted-in mentees: Marketing"):
        rm.match(small_company(), rm.Program(min_matched_share={"Marketing": 0.5}))
