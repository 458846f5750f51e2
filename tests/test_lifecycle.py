"""Programme lifecycle: re-matching after leavers and joiners, next rounds, check-in KPIs, fairness audit."""

from datetime import date
from itertools import product

import numpy as np
import pandas as pd
import pytest

import revmatch as rm
from revmatch.fairness import fairness_audit
from revmatch.kpis import poorly_rated_pairs, programme_kpis, read_checkins
from revmatch.lifecycle import next_round, read_history, rematch

E = rm.Employee


def people(*extra):
    base = [
        E(employee_id="top", level=9, department="Exec", role="none"),
        E(
            employee_id="m1",
            level=1,
            department="IT",
            manager_id="top",
            role="mentor",
            skills={"ai": 5},
            needs={"plan": 2},
        ),
        E(
            employee_id="m2",
            level=1,
            department="IT",
            manager_id="top",
            role="mentor",
            skills={"ai": 3},
            needs={"plan": 1},
        ),
        E(employee_id="m3", level=2, department="HR", manager_id="top", role="mentor", skills={"ai": 2}),
        E(
            employee_id="s1",
            level=6,
            department="Fin",
            manager_id="top",
            role="mentee",
            skills={"plan": 5},
            needs={"ai": 3},
        ),
        E(
            employee_id="s2",
            level=6,
            department="Fin",
            manager_id="top",
            role="mentee",
            skills={"plan": 4},
            needs={"ai": 2},
        ),
    ]
    return rm.Workforce.from_employees(base + list(extra))


def without(wf, *ids):
    emp, sk = rm.models.workforce_frames(wf)
    return rm.Workforce.from_frames(emp[~emp["employee_id"].isin(ids)], sk[~sk["employee_id"].isin(ids)])


def test_a_leaver_breaks_one_pair_and_the_partner_is_rematched():
    wf = people()
    first = rm.match(wf)
    assert set(zip(first.pairs["mentor_id"], first.pairs["mentee_id"])) == {("m1", "s1"), ("m2", "s2")}
    joiner = E(employee_id="s3", level=7, department="Fin", manager_id="top", role="mentee", needs={"ai": 1})
    later = without(people(joiner), "m1")
    changed = rematch(first, later)
    assert changed.kept.values.tolist() == [["m2", "s2"]]
    assert changed.broken.values.tolist() == [["m1", "s1", "m1 left"]]
    assert set(map(tuple, changed.made.values.tolist())) == {("m3", "s1")}  # s1 gets the free mentor
    assert changed.leavers == ("m1",) and changed.joiners == ("s3",)
    # Locked survivors: m2 stays with s2 (10) + m3 → s1 (6), although m2 → s1 (14) + m3 → s2 (4) would total more.
    assert ("m2", "s2") in set(zip(changed.result.pairs["mentor_id"], changed.result.pairs["mentee_id"]))


def test_survivors_that_break_a_new_rule_are_reported():
    wf = people()
    first = rm.match(wf)
    changed = rematch(first, wf, rm.Program(forbidden=[("m2", "s2")]))
    assert changed.broken.values.tolist() == [["m2", "s2", "no longer allowed: forbidden by the admin"]]


def brute_reshuffle(scores, previous):
    """Best total, then most previous pairs kept, over every 1:1 matching of allowed pairs (tiny instances).

    Totals are compared to 9 decimals: float sums of the same pair scores in another order may differ
    in the last bit.
    """
    n_r, n_c = scores.shape
    best = (-np.inf, -1)
    for choice in product(range(-1, n_c), repeat=n_r):
        pairs = [(r, c) for r, c in enumerate(choice) if c >= 0]
        if len({c for _, c in pairs}) != len(pairs) or not all(scores.allowed[r, c] for r, c in pairs):
            continue
        value = (round(sum(scores.matrix[r, c] for r, c in pairs), 9), sum((r, c) in previous for r, c in pairs))
        best = max(best, value)
    return best


def reshuffle_against_brute_force(wf, program, previous):
    """The reshuffle's (total without bonuses, kept) and the brute-force best, both by plain scores."""
    changed = rematch(previous, wf, program, reshuffle=True)
    plain = rm.score(wf, program)
    at = lambda m, e: (int(np.flatnonzero(plain.mentor_ids == m)[0]), int(np.flatnonzero(plain.mentee_ids == e)[0]))
    made = list(zip(changed.result.pairs["mentor_id"], changed.result.pairs["mentee_id"]))
    got = (round(sum(plain.matrix[at(m, e)] for m, e in made), 9), len(changed.kept))
    return got, brute_reshuffle(plain, {at(m, e) for m, e in previous})


@pytest.mark.parametrize("seed", range(5))
def test_reshuffle_keeps_the_best_total_then_the_most_pairs(seed):
    rng = np.random.default_rng(seed)
    extra = [
        E(
            employee_id=f"x{k}",
            level=int(rng.integers(5, 8)),
            department="Ops",
            manager_id="top",
            role="mentee",
            needs={"ai": int(rng.integers(1, 3))},
        )
        for k in range(2)
    ]
    wf = people(*extra)
    previous = [("m1", "s2"), ("m2", "s1"), ("m3", "x0")]
    changed = rematch(previous, wf, reshuffle=True)
    plain = rm.score(wf)
    index = {
        (m, e): (int(np.flatnonzero(plain.mentor_ids == m)[0]), int(np.flatnonzero(plain.mentee_ids == e)[0]))
        for m, e in previous
    }
    total, kept = brute_reshuffle(plain, set(index.values()))
    made = set(zip(changed.result.pairs["mentor_id"], changed.result.pairs["mentee_id"]))
    got_total = sum(
        plain.matrix[index.get(p, (0, 0))]
        if p in index
        else plain.matrix[
            int(np.flatnonzero(plain.mentor_ids == p[0])[0]), int(np.flatnonzero(plain.mentee_ids == p[1])[0])
        ]
        for p in made
    )
    assert got_total == total and len(changed.kept) == kept


def volunteer(employee_id, side, skills, needs):
    """A volunteer on one side only: 0 places on the other (so ``k``, the most pairs, is the side's count)."""
    level, dept, other = (1, "IT", "mentee_capacity") if side == "mentor" else (6, "Fin", "mentor_capacity")
    return E(
        employee_id=employee_id,
        level=level,
        department=dept,
        manager_id="top",
        role=side,
        skills=skills,
        needs=needs,
        **{other: 0},
    )


TOP = E(employee_id="top", level=9, department="Exec", role="none", mentor_capacity=0, mentee_capacity=0)


def swap_worth(n1, n2, q1, q2):
    """Two mentors who want to learn planning (needs n1, n2) were paired with two mentees who plan at
    q1, q2; the forward parts are equal either way, so swapping changes the total by
    ``backward_weight · (n1 − n2)(q2 − q1)``."""
    mentors = [volunteer(f"m{k}", "mentor", {"ai": 3}, {"plan": n}) for k, n in ((1, n1), (2, n2))]
    mentees = [volunteer(f"s{k}", "mentee", {"plan": q}, {"ai": 2}) for k, q in ((1, q1), (2, q2))]
    return rm.Workforce.from_employees([TOP, *mentors, *mentees])


@pytest.mark.parametrize("program", [{}, {"backward_weight": 0.3}, {"backward_weight": 0.3, "forward_weight": 0.7}])
def test_reshuffle_never_trades_a_better_total_for_continuity(program):
    # Swapping the two survivors gains backward_weight points (half a point by default): the swap wins,
    # however many survivors it breaks. A bonus of 1/(k+1) per survivor (2/3 here) kept them instead.
    previous = [("m1", "s1"), ("m2", "s2")]
    got, best = reshuffle_against_brute_force(swap_worth(2, 1, 3, 4), rm.Program(**program), previous)
    assert got == best and got[1] == 0
    # With equal totals (q1 = q2) both survivors are kept.
    got, best = reshuffle_against_brute_force(swap_worth(2, 1, 4, 4), rm.Program(**program), previous)
    assert got == best and got[1] == 2


def random_company(rng, n_mentors, n_mentees):
    """Tiny random company of one-sided volunteers on two skills, every level gap allowed."""
    skill = lambda: {s: int(rng.integers(0, 6)) for s in ("ai", "plan")}
    mentors = [volunteer(f"m{k}", "mentor", skill(), skill()) for k in range(n_mentors)]
    mentees = [volunteer(f"s{k}", "mentee", skill(), skill()) for k in range(n_mentees)]
    return rm.Workforce.from_employees([TOP, *mentors, *mentees])


PROGRAMS = {
    "default weights": {},
    "no power-of-two grain": {"backward_weight": 0.3},
    "shared language preferred": {"shared_language_weight": 0.25, "min_forward": 0},
}


@pytest.mark.parametrize("name", PROGRAMS)
@pytest.mark.parametrize("seed", range(12))
def test_reshuffle_is_lexicographic_against_brute_force(name, seed):
    rng = np.random.default_rng(seed)
    wf = random_company(rng, 3, 3)
    program = rm.Program(**PROGRAMS[name])
    plain = rm.score(wf, program)
    allowed = [(plain.mentor_ids[r], plain.mentee_ids[c]) for r, c in zip(*np.nonzero(plain.allowed))]
    previous = [allowed[k] for k in rng.permutation(len(allowed))[:3]]
    previous = [p for k, p in enumerate(previous) if all(p[0] != q[0] and p[1] != q[1] for q in previous[:k])]
    got, best = reshuffle_against_brute_force(wf, program, previous)
    assert got == best


def test_next_round_repeats_no_pair_and_favours_priority(tmp_path):
    wf = people()
    first = rm.match(wf)
    history = tmp_path / "history.csv"
    first.pairs[["mentor_id", "mentee_id"]].assign(round=1).to_csv(history, index=False)
    second = next_round(read_history(history), wf)
    again = set(zip(second.pairs["mentor_id"], second.pairs["mentee_id"]))
    assert not again & set(zip(first.pairs["mentor_id"], first.pairs["mentee_id"]))
    # m3 was left out in round one; with priority, m3 is matched even though m1 would score more.
    favoured = next_round([], wf, rm.Program(), priority=["m3"], priority_weight=100)
    assert "m3" in set(favoured.pairs["mentor_id"])
    assert "m3" not in set(first.pairs["mentor_id"])


CHECKINS = """mentor_id,mentee_id,date,rating,rated_by,skills,notes
m1,s1,2026-01-10,5,mentee,AI;plan,private words
m1,s1,2026-02-10,4,mentor,ai,
m2,s2,2026-01-05,2,mentee,,
m2,s2,2026-01-20,1,mentor,plan,
x,y,2026-01-20,3,mentor,,
"""


def test_checkin_kpis_hand_checked(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(CHECKINS)
    checkins = read_checkins(path)
    assert "notes" not in checkins.columns  # free text is never loaded
    k = programme_kpis([("m1", "s1"), ("m2", "s2")], checkins, as_of=date(2026, 3, 1), risk_weeks=4, workforce=people())
    f = k.figures
    assert f["pairs"] == 2 and f["checkins"] == 4 and f["checkins_outside_pairs"] == 1
    assert f["active_pairs"] == 1  # m2-s2 silent since 20 January (> 4 weeks)
    assert f["mentee_satisfaction"] == pytest.approx(3.5)  # (5 + 2) / 2
    assert f["mentor_satisfaction"] == pytest.approx(2.5)  # (4 + 1) / 2
    months = (date(2026, 3, 1) - date(2026, 1, 5)).days / 30.44
    assert k.per_pair["per_month"].tolist() == pytest.approx([2 / months, 2 / months])
    assert k.at_risk.values.tolist()[0][:2] == ["m2", "s2"]
    assert k.at_risk["risk"][0] == "no check-in since 2026-01-20; mean rating 1.5"
    ai = k.skills.set_index("skill").loc["ai"]
    assert ai["checkins"] == 2 and ai["pairs_needing"] == 2 and ai["pairs_needing_and_worked"] == 1
    assert poorly_rated_pairs(checkins) == [("m2", "s2")]


@pytest.mark.parametrize(
    "row, message",
    [
        ("m1,s1,2026-13-01,3,mentor,,", r"row 3, column 'date': '2026-13-01' is not a date"),
        ("m1,s1,2026-01-01,7,mentor,,", r"row 3, column 'rating': 7 is out of range"),
        ("m1,s1,2026-01-01,3,boss,,", r"row 3, column 'rated_by': 'boss' is not mentor or mentee"),
    ],
)
def test_bad_checkins(tmp_path, row, message):
    path = tmp_path / "c.csv"
    path.write_text("mentor_id,mentee_id,date,rating,rated_by,skills,notes\nm1,s1,2026-01-01,3,mentor,,\n" + row + "\n")
    with pytest.raises(rm.InputError, match=message):
        read_checkins(path)


def test_fairness_audit_hand_checked():
    result = rm.match(people())
    audit = pd.DataFrame({"employee_id": ["m1", "m2", "m3", "s1", "s2"], "gender": ["a", "a", "b", "b", "b"]})
    table = fairness_audit(result, audit, min_group_size=1).set_index(["side", "group"])
    # Mentors — a: m1, m2 both matched (rate 1); b: m3 unmatched (rate 0, flagged against a). Overall 2/3.
    assert table.loc[("mentor", "a"), "match_rate"] == 1 and table.loc[("mentor", "b"), "match_rate"] == 0
    assert bool(table.loc[("mentor", "b"), "flag"]) and not bool(table.loc[("mentor", "a"), "flag"])
    assert table.loc[("mentor", "a"), "overall_rate"] == pytest.approx(2 / 3)
    assert table.loc[("mentor", "a"), "ratio_to_overall"] == pytest.approx(3 / 2)
    # Mentees — only group b (s1, s2), both matched: nothing to flag, and no mentor surplus mixed in.
    assert table.loc[("mentee", "b"), "match_rate"] == 1 and not bool(table.loc[("mentee", "b"), "flag"])
    scores = result.pairs.set_index("mentor_id")["score"]
    assert table.loc[("mentor", "a"), "mean_score"] == pytest.approx((scores["m1"] + scores["m2"]) / 2)
    # Groups under the minimum size are suppressed: no figures, never flagged, not the best to compare with.
    small = fairness_audit(result, audit, min_group_size=2).set_index(["side", "group"])
    assert bool(small.loc[("mentor", "b"), "suppressed"]) and np.isnan(small.loc[("mentor", "b"), "match_rate"])
    assert not small["flag"].any() and not bool(small.loc[("mentor", "a"), "suppressed"])


def test_cli_rematch_and_kpis(tmp_path, capsys):
    from revmatch.cli import main

    assert main(["synth", "--employees", "300", "--seed", "5", "-o", str(tmp_path)]) == 0
    emp, sk = str(tmp_path / "employees.csv"), str(tmp_path / "skills.csv")
    assert main(["match", emp, sk, "-o", str(tmp_path / "p0.csv")]) == 0
    assert (
        main(
            [
                "rematch",
                str(tmp_path / "p0.csv"),
                emp,
                sk,
                "-o",
                str(tmp_path / "p1.csv"),
                "--changes",
                str(tmp_path / "changes.csv"),
            ]
        )
        == 0
    )
    changes = pd.read_csv(tmp_path / "changes.csv")
    assert set(changes["change"]) == {"kept"}
    pairs = pd.read_csv(tmp_path / "p1.csv", dtype=str)
    (tmp_path / "c.csv").write_text(
        f"mentor_id,mentee_id,date,rating,rated_by\n{pairs.mentor_id[0]},{pairs.mentee_id[0]},2026-02-01,4,mentee\n"
    )
    pd.DataFrame({"employee_id": pd.read_csv(emp, dtype=str)["employee_id"], "gender": "x"}).to_csv(
        tmp_path / "a.csv", index=False
    )
    capsys.readouterr()
    assert (
        main(
            [
                "kpis",
                str(tmp_path / "c.csv"),
                str(tmp_path / "p1.csv"),
                "--as-of",
                "2026-02-15",
                "--employees",
                emp,
                "--skills",
                sk,
                "--audit",
                str(tmp_path / "a.csv"),
                "--report",
                str(tmp_path / "k.html"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "active_pairs             1" in out and '<section id="kpis">' in (tmp_path / "k.html").read_text()
