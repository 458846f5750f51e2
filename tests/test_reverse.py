"""Reverse mentoring by default: consent, the junior teaches first, the CEO can take part, the waitlist, next round."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import revmatch as rm
from oracles import check_feasible, highs_lexicographic, highs_optimum
from strategies import workforce_frames

# Random workforces draw levels at random, managers junior to their reports included: that notice is noise here.
pytestmark = pytest.mark.filterwarnings("ignore::revmatch.errors.LevelOrderWarning")

E = rm.Employee


@given(workforce_frames(max_people=10), st.data())
def test_defaults_never_enrol_a_blank_opt_in_and_every_pair_teaches(frames, data):
    employees, skills = frames
    # Some people left the role cell blank: they did not volunteer.
    blank = data.draw(st.lists(st.booleans(), min_size=len(employees), max_size=len(employees)))
    employees = employees.assign(role=np.where(blank, "", employees["role"]))
    with pytest.warns(rm.NotOptedInWarning) if any(blank) else _nothing():
        wf = rm.Workforce.from_frames(employees, skills)
    result = rm.match(wf)
    not_in = set(employees["employee_id"][np.array(blank, dtype=bool)]) | set(
        employees["employee_id"][employees["role"] == "none"]
    )
    paired = set(result.pairs["mentor_id"]) | set(result.pairs["mentee_id"])
    assert not paired & not_in and not set(result.unmatched["employee_id"]) & not_in
    assert (result.pairs["forward"] >= rm.Program().min_forward).all()  # the junior teaches, in every pair


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_default_weights_put_the_seniors_learning_first():
    program = rm.Program()
    assert program.backward_weight <= program.forward_weight / 2 and program.min_forward == 1
    result = rm.match(rm.synthetic_workforce(5000, seed=0))
    s = result.summary()
    assert s["teaching_share"] > 0.5  # the junior teaching the senior is the larger share of the score
    assert s["mentees_matched"] >= 0.8 * s["mentees_opted_in"]  # the believable company: most seniors matched
    assert (result.pairs["forward"] >= 1).all() and s["status"] == "optimal"


def whole_company_under_the_ceo():
    """A CEO over two VPs over a manager each over juniors: everyone is in the CEO's reporting line."""
    people = [E(employee_id="ceo", level=9, department="Exec", role="mentee", needs={"ai": 5, "video": 3})]
    for k, dept in enumerate(["IT", "Sales"]):
        people.append(
            E(employee_id=f"vp{k}", level=7, department=dept, manager_id="ceo", role="mentee", needs={"ai": 3})
        )
        people.append(E(employee_id=f"mg{k}", level=4, department=dept, manager_id=f"vp{k}", role="none"))
        for j in range(3):
            people.append(
                E(
                    employee_id=f"j{k}{j}",
                    level=2,
                    department=dept,
                    manager_id=f"mg{k}",
                    role="mentor",
                    skills={"ai": 5 - j, "video": j},
                    needs={"strategy": 2},
                )
            )
    return rm.Workforce.from_employees(people)


def test_the_ceo_gets_a_mentor_with_a_reporting_line_depth():
    wf = whole_company_under_the_ceo()
    whole_chain = rm.match(wf)
    assert "ceo" not in set(whole_chain.pairs["mentee_id"])
    reason = whole_chain.unmatched.set_index("employee_id").loc["ceo", "reason"]
    assert "excluded by same reporting line 6" in reason and "reporting_line_depth = 2" in reason
    # Locking the pair the CEO asked for says which rule, and how to relax just that one.
    with pytest.raises(
        rm.InfeasibleError,
        match=r"same reporting line \(they are 3 steps apart in one chain: "
        r"reporting_line_depth = 2 allows it\)",
    ):
        rm.match(wf, rm.Program(locked=[("j00", "ceo")]))
    program = rm.Program(reporting_line_depth=2)
    result = rm.match(wf, program)
    assert "ceo" in set(result.pairs["mentee_id"])
    # No pair is within two steps of each other's chain: the CEO's mentor is no one's direct report of
    # the CEO, nor of the CEO's reports; the VPs are never paired with their own juniors.
    depth = dict(zip(wf.ids, wf.depth))
    for m, e in zip(result.pairs["mentor_id"], result.pairs["mentee_id"]):
        i, j = wf.index_of([m, e])
        same_chain = bool(wf.in_reporting_line(np.array(i), np.array(j)))
        assert not same_chain or abs(depth[m] - depth[e]) > 2, (m, e)
    s = rm.score(wf, program)
    check_feasible(
        [
            (int(np.flatnonzero(s.mentor_ids == m)[0]), int(np.flatnonzero(s.mentee_ids == e)[0]))
            for m, e in zip(result.pairs["mentor_id"], result.pairs["mentee_id"])
        ],
        s.allowed,
        s.mentor_capacity,
        s.mentee_capacity,
    )
    assert result.objective == pytest.approx(highs_optimum(s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity))


def test_levels_per_side_keep_juniors_who_tick_both_on_the_teaching_side():
    people = [
        E(employee_id="s", level=7, department="A", role="mentee", needs={"ai": 4}),
        E(employee_id="j", level=1, department="B", role="both", skills={"ai": 5}, needs={"ai": 0, "plan": 3}),
        E(employee_id="m", level=4, department="C", role="both", skills={"ai": 3, "plan": 4}, needs={"ai": 2}),
    ]
    wf = rm.Workforce.from_employees(people)
    program = rm.Program(mentor_max_level=3, mentee_min_level=5)
    s = rm.score(wf, program)
    assert list(s.mentor_ids) == ["j"] and list(s.mentee_ids) == ["s"]
    result = rm.match(wf, program)
    assert result.pairs[["mentor_id", "mentee_id"]].values.tolist() == [["j", "s"]]
    reason = result.unmatched.set_index("employee_id").loc["m", "reason"]
    assert reason == (
        "as mentor: not eligible — level 4 is above mentor_max_level 3; "
        "as mentee: not eligible — level 4 is below mentee_min_level 5"
    )


def test_capacities_in_the_programme_win_over_the_file_and_stay_optimal():
    wf = rm.synthetic_workforce(400, seed=3)
    base = rm.score(wf)
    some = str(base.mentor_ids[0])
    program = rm.Program(mentor_capacity=2, mentee_capacity={str(base.mentee_ids[0]): 0}, min_level_gap=1)
    s = rm.score(wf, program)
    assert (s.mentor_capacity == 2).all() and s.mentee_capacity[0] == 0 and (s.mentee_capacity[1:] >= 1).all()
    result = rm.match(wf, program)
    assert result.objective == pytest.approx(highs_optimum(s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity))
    assert (result.pairs["mentor_id"].value_counts() <= 2).all() and str(base.mentee_ids[0]) not in set(
        result.pairs["mentee_id"]
    )
    with pytest.raises(rm.ConfigError, match="mentor_capacity names people who are not in the workforce: ghost"):
        rm.score(wf, rm.Program(mentor_capacity={"ghost": 2, some: 1}))
    toml = rm.Program.from_dict({"mentor_capacity": {some: 3}})
    assert toml.mentor_capacity == {some: 3}


def test_waitlist_ranks_the_surplus_by_their_best_score_and_says_the_supply():
    wf = rm.synthetic_workforce(1500, seed=2)
    result = rm.match(wf)
    u = result.unmatched
    s = result.scores
    waitlisted = u[u["waitlist_side"] == "mentor"]
    assert (
        len(waitlisted)
        and (waitlisted["waitlist_rank"].sort_values().to_numpy() == np.arange(1, len(waitlisted) + 1)).all()
    )
    supply = f"{s.shape[0]} mentors for {int(s.mentee_capacity.sum())} places"
    assert waitlisted["reason"].str.contains(f"waitlisted \\({supply}\\)", regex=True).all()
    # The order: best available score first (ties by id), checked against the dense scores.
    allowed = np.where(s.allowed & (s.matrix > 0), s.matrix, -np.inf)
    best = {str(m): allowed[k].max() for k, m in enumerate(s.mentor_ids)}
    ordered = waitlisted.sort_values("waitlist_rank")["employee_id"].tolist()
    assert ordered == sorted(ordered, key=lambda i: (-best[i], i))
    # Everyone else unmatched has a reason of another kind, and no place in the queue.
    others = u[u["waitlist_side"] == ""]
    assert others["waitlist_rank"].isna().all() and not others["reason"].str.contains("waitlisted").any()


def test_people_without_survey_answers_are_told_so():
    people = [
        E(employee_id="s", level=7, department="A", role="mentee"),  # no survey rows at all
        E(employee_id="t", level=7, department="A", role="mentee", skills={"plan": 5}),  # answered, no needs
        E(employee_id="j", level=1, department="B", role="mentor", skills={"ai": 5}),
    ]
    result = rm.match(rm.Workforce.from_employees(people))
    reasons = result.unmatched.set_index("employee_id")["reason"]
    assert reasons["s"] == (
        "as mentee: no skills survey answers (no rows for s in the skills file): add their skills and needs"
    )
    assert reasons["t"] == (
        "as mentee: no learning needs in the skills survey answers, so nothing to learn: "
        "add t's learning needs to the skills file"
    )


def test_next_round_puts_last_rounds_unplaced_first_exactly():
    wf = rm.synthetic_workforce(600, seed=5)
    first = rm.match(wf)
    second = rm.next_round(first, wf)
    unplaced = set(first.unmatched["employee_id"])
    assert set(second.program.priority) == unplaced and second.program.priority_first
    past = set(zip(first.pairs["mentor_id"], first.pairs["mentee_id"]))
    assert not past & set(zip(second.pairs["mentor_id"], second.pairs["mentee_id"]))
    # Lexicographic, against HiGHS: the most of the unplaced paired, then the best total.
    s = rm.score(wf, second.program)
    favoured_rows = np.isin(s.mentor_ids, list(unplaced))
    favoured_cols = np.isin(s.mentee_ids, list(unplaced))
    paired = set(second.pairs["mentor_id"]) | set(second.pairs["mentee_id"])
    reached = len(paired & unplaced)
    best = highs_lexicographic(
        s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity, "total", first=(favoured_rows, favoured_cols)
    )
    assert reached == round(best[0]) and second.objective == pytest.approx(best[-1])
    # With a weight instead, the unplaced are favoured by points, traded against the skills.
    soft = rm.next_round(first, wf, priority_weight=5)
    assert soft.program.priority_weight == 5 and not soft.program.priority_first


def test_next_round_from_the_command_line(tmp_path, capsys):
    from revmatch.cli import main

    assert main(["synth", "--employees", "500", "--seed", "2", "-o", str(tmp_path)]) == 0
    emp, sk = str(tmp_path / "employees.csv"), str(tmp_path / "skills.csv")
    assert main(["match", emp, sk, "-o", str(tmp_path / "round1" / "pairs.csv")]) == 0  # a new folder is made
    assert (
        main(
            [
                "next-round",
                str(tmp_path / "round1" / "pairs.csv"),
                emp,
                sk,
                "-o",
                str(tmp_path / "r2.csv"),
                "--unmatched",
                str(tmp_path / "u2.csv"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "not yet paired in the history go first" in out
    first = pd.read_csv(tmp_path / "round1" / "pairs.csv", dtype=str)
    second = pd.read_csv(tmp_path / "r2.csv", dtype=str)
    assert not set(zip(first.mentor_id, first.mentee_id)) & set(zip(second.mentor_id, second.mentee_id))
    # Outputs never clobber inputs, and a bad output fails before the match runs.
    assert main(["next-round", str(tmp_path / "r2.csv"), emp, sk, "-o", emp]) == 2
    assert "is the employees input" in capsys.readouterr().err
