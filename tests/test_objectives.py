"""Objectives, locks and quotas at the solver level, each against a stage-by-stage HiGHS reference."""

import numpy as np
import pytest

import revmatch as rm
from oracles import check_feasible, highs_lexicographic
from revmatch.engine import GroupPairCap, MenteeQuota


def instance(seed, n=7, m=6, fractional=False):
    rng = np.random.default_rng(seed)
    w = (rng.integers(-1, 6, size=(n, m)) * rng.integers(0, 4, size=(n, m))).astype(float)
    if fractional:
        w += rng.random((n, m)).round(3)
    allowed = rng.random((n, m)) < 0.6
    return w, allowed, rng.integers(0, 3, size=n), rng.integers(0, 3, size=m), rng


def values(a, w, objective):
    rows = np.array([p[0] for p in a.pairs], dtype=int)
    cols = np.array([p[1] for p in a.pairs], dtype=int)
    total = float(w[rows, cols].sum())
    if objective == "coverage":
        return (len(set(rows)) + len(set(cols)), total)
    if objective == "fair":
        return (len(a.pairs), float(w[rows, cols].min()) if len(rows) else None, total)
    return (total,)


def assert_same(got, ref, tol=1e-6):
    assert len(got) == len(ref)
    for g, r in zip(got, ref):
        if g is None:  # no pairs: the lowest score is undefined
            continue
        assert g == pytest.approx(r, abs=tol)


@pytest.mark.parametrize("objective", ["total", "coverage", "fair"])
@pytest.mark.parametrize("seed", range(10))
def test_objectives_match_the_reference(objective, seed):
    w, allowed, rcap, ccap, _ = instance(seed, fractional=seed % 3 == 0)
    a = rm.solve(w, allowed, rcap, ccap, objective=objective)
    check_feasible(a.pairs, allowed, rcap, ccap)
    assert a.status == "optimal"
    assert_same(values(a, w, objective), highs_lexicographic(w, allowed, rcap, ccap, objective))


@pytest.mark.parametrize("objective", ["total", "coverage", "fair"])
@pytest.mark.parametrize("seed", range(8))
def test_locks_are_made_and_the_rest_is_optimal(objective, seed):
    w, allowed, rcap, ccap, rng = instance(seed)
    rcap, ccap = rcap + 1, ccap + 1
    cells = np.argwhere(allowed)
    locks = [tuple(map(int, cells[k])) for k in rng.choice(len(cells), size=min(2, len(cells)), replace=False)]
    if len({r for r, _ in locks}) < len(locks) or len({c for _, c in locks}) < len(locks):
        locks = locks[:1]
    a = rm.solve(w, allowed, rcap, ccap, objective=objective, locked=locks)
    assert set(locks) <= set(a.pairs)
    check_feasible(a.pairs, allowed, rcap, ccap)
    assert_same(values(a, w, objective), highs_lexicographic(w, allowed, rcap, ccap, objective, locks=locks))


@pytest.mark.parametrize("objective", ["total", "coverage", "fair"])
@pytest.mark.parametrize("seed", range(8))
def test_minimum_matched_per_group(objective, seed):
    w, allowed, rcap, ccap, rng = instance(seed, n=8, m=7)
    rcap = rcap + 1
    group = rng.integers(-1, 2, size=w.shape[1])
    least = np.array([1, 2])
    ref = highs_lexicographic(w, allowed, rcap, ccap, objective, col_group=group, least=least)
    quota = MenteeQuota(group, least, ("A", "B"))
    if ref is None:
        with pytest.raises(rm.InfeasibleError):
            rm.solve(w, allowed, rcap, ccap, objective=objective, mentee_quota=quota)
        return
    a = rm.solve(w, allowed, rcap, ccap, objective=objective, mentee_quota=quota)
    check_feasible(a.pairs, allowed, rcap, ccap)
    matched = {c for _, c in a.pairs}
    for g, need in enumerate(least):
        assert len(matched & set(np.flatnonzero(group == g).tolist())) >= need
    assert_same(values(a, w, objective), ref)


@pytest.mark.parametrize("objective", ["total", "coverage", "fair"])
@pytest.mark.parametrize("seed", range(6))
def test_most_pairs_per_group_pair(objective, seed):
    w, allowed, rcap, ccap, rng = instance(seed, n=8, m=7)
    rg, cg = rng.integers(0, 2, size=w.shape[0]), rng.integers(0, 2, size=w.shape[1])
    cap = GroupPairCap(rg, cg, 1, ("R0", "R1"), ("C0", "C1"))
    a = rm.solve(w, allowed, rcap, ccap, objective=objective, pair_cap=cap)
    assert a.engine == "cp_sat" and a.status == "optimal"
    check_feasible(a.pairs, allowed, rcap, ccap)
    counts = {}
    for r, c in a.pairs:
        counts[(rg[r], cg[c])] = counts.get((rg[r], cg[c]), 0) + 1
    assert max(counts.values(), default=0) <= 1
    assert_same(
        values(a, w, objective),
        highs_lexicographic(w, allowed, rcap, ccap, objective, row_group=rg, col_group=cg, pair_limit=1),
    )


def test_impossible_locks_are_named():
    w = np.ones((2, 2))
    with pytest.raises(rm.InfeasibleError, match="2 locks on mentor row 0 exceed its capacity 1"):
        rm.solve(w, locked=[(0, 0), (0, 1)])
    with pytest.raises(rm.InfeasibleError, match=r"locked pair \(row 0, column 1\) is not allowed"):
        rm.solve(w, allowed=np.array([[True, False], [True, True]]), locked=[(0, 1)])


def test_conflicting_quota_and_cap_are_named_by_cp_sat():
    w = np.ones((2, 3))
    quota = MenteeQuota(np.array([0, 0, 0]), np.array([2]), ("Finance",))
    cap = GroupPairCap(np.array([0, 0]), np.array([0, 0, 0]), 1, ("IT",), ("Finance",))
    with pytest.raises(rm.InfeasibleError) as info:
        rm.solve(w, objective="fair", mentee_quota=quota, pair_cap=cap)
    text = str(info.value)
    assert "Finance: at least 2 mentees matched" in text and "at most 1 pairs from IT mentors" in text
