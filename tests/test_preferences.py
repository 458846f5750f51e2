"""Stated preferences end to end: reading, avoid never made, must honoured or reported, rank points,
rank-maximal and stable matches, against oracles written out pair by pair."""

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import revmatch as rm
from oracles import highs_lexicographic
from strategies import volunteering_company, workforce_frames
from voice_oracles import highs_sequential


def frame(rows):
    return pd.DataFrame(rows, columns=["employee_id", "partner_id", "preference"])


def test_read_preferences_from_a_csv(tmp_path):
    path = tmp_path / "prefs.csv"
    path.write_text("employee_id;partner_id;preference\nE1;E2;1\nE1;E3; Avoid\nE2;E1;MUST\nE3;E1;2\n", encoding="utf-8")
    prefs = rm.read_preferences(path)
    assert prefs.frame[["employee_id", "partner_id", "kind", "rank"]].values.tolist() == [
        ["E1", "E2", "rank", 1],
        ["E1", "E3", "avoid", 0],
        ["E2", "E1", "must", 0],
        ["E3", "E1", "rank", 2],
    ]
    assert prefs.frame["row"].tolist() == [2, 3, 4, 5]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("E1", "E2", "first")], r"row 2, column 'preference': 'first' is not a rank"),
        ([("E1", "E2", "0")], r"'0' is not a rank \(a whole number from 1"),
        ([("E1", "E2", "1.5")], r"'1.5' is not a rank"),
        ([("E1", "E1", "1")], r"row 2, column 'partner_id': a preference about oneself"),
        ([("E1", "", "1")], r"row 2, column 'partner_id': missing value"),
        (
            [("E1", "E2", "1"), ("E1", "E2", "avoid")],
            r"row 3, column 'partner_id': E1 states a .* again \(first at row 2\)",
        ),
        ([("E1", "E2", "1"), ("E1", "E3", "1")], r"row 3, column 'preference': E1 gives this rank to a second partner"),
    ],
)
def test_bad_preferences_are_named_by_row_and_column(tmp_path, rows, message):
    path = tmp_path / "prefs.csv"
    frame(rows).to_csv(path, index=False)
    with pytest.raises(rm.InputError, match=message):
        rm.read_preferences(path)


def test_a_missing_column_is_named(tmp_path):
    path = tmp_path / "prefs.csv"
    path.write_text("employee_id,partner_id\nE1,E2\n", encoding="utf-8")
    with pytest.raises(rm.InputError, match=r"column 'preference': required column is missing"):
        rm.read_preferences(path)


def test_an_unknown_person_is_named_when_matching():
    wf = rm.synthetic_workforce(100, seed=0)
    prefs = rm.read_preferences(frame([(wf.ids[0], "NOBODY", "1")]))
    with pytest.raises(
        rm.InputError, match=r"preferences, row 0, column 'partner_id': 'NOBODY' is not in the workforce"
    ):
        rm.match(wf, preferences=prefs)


def test_a_programme_file_cannot_hold_preferences():
    with pytest.raises(rm.ConfigError, match=r"read them with rm\.read_preferences"):
        rm.Program.from_dict({"preferences": "prefs.csv"})


def naive_points(prefs, a, b):
    """Rank points stated about people a and b, in either direction, written out."""
    f = prefs.frame
    about = f[
        (f["kind"] == "rank")
        & (((f.employee_id == a) & (f.partner_id == b)) | ((f.employee_id == b) & (f.partner_id == a)))
    ]
    return float(sum(2.0 ** (1 - r) for r in about["rank"]))


def naive_avoided(prefs, a, b):
    f = prefs.frame[prefs.frame["kind"] == "avoid"]
    return bool((((f.employee_id == a) & (f.partner_id == b)) | ((f.employee_id == b) & (f.partner_id == a))).any())


@st.composite
def statements(draw, ids, kinds=("1", "2", "3", "avoid", "must")):
    """Random statements over the ids: one per (author, partner) at most, distinct ranks per author."""
    rows, used = [], set()
    for _ in range(draw(st.integers(0, 12))):
        a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        said = draw(st.sampled_from(kinds))
        if a == b or (a, b) in used or (said not in ("avoid", "must") and (a, said) in used):
            continue
        used |= {(a, b), (a, said)}
        rows.append((a, b, said))
    return rm.read_preferences(frame(rows))


@given(st.data())
def test_avoid_must_and_rank_points_against_oracles(data):
    wf = rm.Workforce.from_frames(*data.draw(workforce_frames(max_people=8)))
    prefs = data.draw(statements(list(wf.ids)))
    program = rm.Program(min_level_gap=data.draw(st.sampled_from([None, 0, 1])), preference_weight=3.0)
    base = rm.score(wf, program)
    result = rm.match(wf, program, preferences=prefs, route="dense")
    s = result.scores
    for i, m in enumerate(s.mentor_ids):
        for j, e in enumerate(s.mentee_ids):
            # Rank points are added to the score; avoid forbids the pair, whoever said it.
            assert s.matrix[i, j] == pytest.approx(base.matrix[i, j] + 3.0 * naive_points(prefs, m, e))
            assert s.allowed[i, j] == (base.allowed[i, j] and not naive_avoided(prefs, m, e))
    made = set(zip(result.pairs.mentor_id, result.pairs.mentee_id))
    assert not any(naive_avoided(prefs, m, e) for m, e in made)
    musts = result.voice.musts
    assert len(musts) == (prefs.frame["kind"] == "must").sum()
    for row in musts.itertuples():
        assert row.honoured == ((row.mentor_id, row.mentee_id) in made)
        assert row.honoured or row.reason
        if row.mentor_id:  # the direction chosen is allowed and names the two people
            assert {row.mentor_id, row.mentee_id} == {row.employee_id, row.partner_id}
            assert s.allowed[list(s.mentor_ids).index(row.mentor_id), list(s.mentee_ids).index(row.mentee_id)]
    # As many allowed musts as the capacities allow are honoured (brute force over their subsets).
    options = sorted({(r.mentor_id, r.mentee_id) for r in musts.itertuples() if r.mentor_id})
    best = 0
    for k in range(len(options) + 1):
        for subset in combinations(options, k):
            load_r = pd.Series([m for m, _ in subset]).value_counts()
            load_c = pd.Series([e for _, e in subset]).value_counts()
            cap_r = dict(zip(s.mentor_ids, s.mentor_capacity))
            cap_c = dict(zip(s.mentee_ids, s.mentee_capacity))
            if all(load_r.get(m, 0) <= cap_r[m] for m in load_r.index) and all(
                load_c.get(e, 0) <= cap_c[e] for e in load_c.index
            ):
                best = max(best, k)
    assert len({(r.mentor_id, r.mentee_id) for r in musts.itertuples() if r.honoured}) == best
    # The rest is the optimum around the honoured musts (HiGHS).
    locks = [(list(s.mentor_ids).index(m), list(s.mentee_ids).index(e)) for m, e in result.program.locked]
    expected = highs_lexicographic(s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity, locks=locks)
    assert result.objective == pytest.approx(expected[0])


def ranked_company(n=400, seed=3, choices=3, weight=8.0):
    wf = volunteering_company(n, seed)
    scores = rm.score(wf)
    rng = np.random.default_rng(seed)
    rows = []
    for j, e in enumerate(scores.mentee_ids):
        ok = scores.mentor_ids[scores.allowed[:, j]]
        for r, m in enumerate(rng.permutation(ok)[:choices], start=1):
            rows.append((e, m, str(r)))
    ranked = {e for e, _, _ in rows}  # one ranking per person, whichever side they take
    for i, m in enumerate(scores.mentor_ids[::3]):
        ok = scores.mentee_ids[scores.allowed[3 * i]]
        if m not in ranked:
            rows += [(m, e, str(r)) for r, e in enumerate(rng.permutation(ok)[:2], start=1)]
    for i in range(1, len(scores.mentor_ids), 7):  # a few avoid their best-scoring partner
        if scores.allowed[i].any() and i % 3:
            rows.append(
                (scores.mentor_ids[i], scores.mentee_ids[np.argmax(scores.matrix[i] * scores.allowed[i])], "avoid")
            )
    return wf, rm.read_preferences(frame(rows)), rm.Program(preference_weight=weight)


@pytest.mark.parametrize("weight", [8.0, 0.3])
def test_ranks_give_the_same_pairs_on_both_routes(weight):
    wf, prefs, program = ranked_company(weight=weight)
    dense = rm.match(wf, program, preferences=prefs, route="dense")
    sparse = rm.match(wf, program, preferences=prefs, route="sparse")
    assert sparse.objective == pytest.approx(dense.objective)
    assert sparse.pairs[["mentor_id", "mentee_id"]].equals(dense.pairs[["mentor_id", "mentee_id"]])
    assert dense.voice.avoids_respected == dense.voice.avoids > 0


def test_ranks_raise_first_choices_and_are_explained():
    wf, prefs, program = ranked_company()
    without = rm.match(wf, program.model_copy(update={"preference_weight": 0.0}), preferences=prefs)
    with_ranks = rm.match(wf, program, preferences=prefs)
    assert with_ranks.voice.shares()["first"] > without.voice.shares()["first"]
    stated = with_ranks.pairs[with_ranks.pairs.reason.str.contains("stated preference")]
    assert len(stated) > 0


@given(st.data())
def test_rank_maximal_meets_the_most_first_choices_then_second_then_the_best_total(data):
    wf = rm.Workforce.from_frames(*data.draw(workforce_frames(max_people=8)))
    prefs = data.draw(statements(list(wf.ids), kinds=("1", "2", "3", "avoid")))
    program = rm.Program(min_level_gap=data.draw(st.sampled_from([None, 0])), objective="rank_maximal")
    result = rm.match(wf, program, preferences=prefs)
    s = result.scores
    rows, cols = np.nonzero(s.allowed)
    ranks = sorted(set(prefs.frame.loc[prefs.frame["kind"] == "rank", "rank"]))
    stages = [np.array([_said(prefs, s.mentor_ids[i], s.mentee_ids[j], r) for i, j in zip(rows, cols)]) for r in ranks]
    if not len(rows):
        assert result.pairs.empty
        return
    expected = highs_sequential(
        rows, cols, [*stages, s.matrix[rows, cols]], s.mentor_capacity, s.mentee_capacity, s.shape
    )
    made = [(s.mentor_ids[i], s.mentee_ids[j]) for i, j in result.assignment.pairs]
    achieved = [sum(_said(prefs, m, e, r) for m, e in made) for r in ranks]
    assert [*achieved, result.objective] == pytest.approx(expected)


def _said(prefs, a, b, r):
    """How many of the two people ranked the other r (0, 1 or 2)."""
    f = prefs.frame[(prefs.frame["kind"] == "rank") & (prefs.frame["rank"] == r)]
    return int((((f.employee_id == a) & (f.partner_id == b)) | ((f.employee_id == b) & (f.partner_id == a))).sum())


def full_order(prefs, person, partner, score):
    f = prefs.frame[
        (prefs.frame["kind"] == "rank") & (prefs.frame.employee_id == person) & (prefs.frame.partner_id == partner)
    ]
    return (int(f["rank"].iloc[0]) if len(f) else 10**9, -score)


@given(st.data())
def test_stable_leaves_no_blocking_pair_among_all_allowed_pairs(data):
    wf = rm.Workforce.from_frames(*data.draw(workforce_frames(max_people=9)))
    prefs = data.draw(statements(list(wf.ids), kinds=("1", "2", "3", "avoid")))
    result = rm.match(wf, rm.Program(min_level_gap=None, objective="stable"), preferences=prefs)
    s = result.scores
    made = set(result.assignment.pairs)
    assert result.voice.blocking.empty
    for i, j in zip(*np.nonzero(s.allowed)):
        if (i, j) in made or not s.mentor_capacity[i] or not s.mentee_capacity[j]:
            continue
        m, e = s.mentor_ids[i], s.mentee_ids[j]
        mine = [full_order(prefs, m, s.mentee_ids[b], s.matrix[a, b]) for a, b in made if a == i]
        theirs = [full_order(prefs, e, s.mentor_ids[a], s.matrix[a, b]) for a, b in made if b == j]
        mentor_wants = len(mine) < s.mentor_capacity[i] or full_order(prefs, m, e, s.matrix[i, j]) < max(mine)
        mentee_wants = len(theirs) < s.mentee_capacity[j] or full_order(prefs, e, m, s.matrix[i, j]) < max(theirs)
        assert not (mentor_wants and mentee_wants), f"{m} → {e} blocks"
    total = rm.match(wf, rm.Program(min_level_gap=None), preferences=prefs)
    assert result.voice.total_optimum == pytest.approx(total.objective)
    assert result.objective <= total.objective + 1e-9


def test_stated_objectives_need_preferences():
    with pytest.raises(rm.ConfigError, match="needs stated preferences"):
        rm.match(rm.synthetic_workforce(100, seed=0), rm.Program(objective="stable"))


def test_reasons_say_what_was_stated_about_the_pair():
    wf = volunteering_company(300, 1)
    plain = rm.match(wf)
    (m, e), (m2, e2) = zip(plain.pairs.mentor_id[:2], plain.pairs.mentee_id[:2])
    prefs = frame([(e, m, "1"), (m, e, "2"), (e2, m2, "must")])
    result = rm.match(wf, preferences=prefs)
    reason = dict(zip(zip(result.pairs.mentor_id, result.pairs.mentee_id), result.pairs.reason))
    assert reason[(m, e)].endswith(f"; stated: {e}'s 1st choice, {m}'s 2nd choice")
    assert "stated preference (+12)" in reason[(m, e)]  # 8 for a first choice, 4 for a second
    assert reason[(m2, e2)].endswith(f"; stated: {e2} asked for this pair (must)")
    assert result.explain(m2, e2).text == reason[(m2, e2)]


def test_why_not_names_an_avoid_and_who_can_lift_it():
    wf = volunteering_company(300, 1)
    m, e = rm.match(wf).pairs[["mentor_id", "mentee_id"]].iloc[0]
    result = rm.match(wf, preferences=frame([(m, e, "avoid")]))
    why = result.why_not(m, e)
    assert why.broken_rules == ("one of them asked not to be paired",)
    assert "only the person who said avoid can lift it" in why.text
    with pytest.raises(rm.InfeasibleError, match=r"lock .* breaks the hard rule.*asked not to be paired"):
        rm.match(wf, rm.Program(locked=((m, e),)), preferences=frame([(e, m, "avoid")]))
