"""The benchmark baselines: valid matchings, Gale–Shapley stable, and never above revmatch's optimum."""

import sys
from pathlib import Path

import numpy as np
import pytest

import revmatch as rm

sys.path.insert(0, str(Path(__file__).parents[1] / "benchmarks"))
from baselines import blocking_pairs, check_matching, gale_shapley, greedy, lsa, total


def instance(seed: int, ones: bool = False):
    """3–8 per side, scores −3..9 with ties, about a quarter of the pairs disallowed, capacities 1–2."""
    rng = np.random.default_rng(seed)
    n, m = rng.integers(3, 9, size=2)
    w = rng.integers(-3, 10, size=(n, m)).astype(float)
    allowed = rng.random((n, m)) > 0.25
    if ones:
        return w, allowed, np.ones(n, int), np.ones(m, int)
    return w, allowed, rng.integers(1, 3, size=n), rng.integers(1, 3, size=m)


def brute_force_blocking(pairs, w, allowed, rc, cc):
    """Blocking pairs one by one: acceptable, unmade, and each side would take the other (higher score
    first, ties to the lower index) over its worst partner or an empty slot."""
    of_row = {i: [j for i2, j in pairs if i2 == i] for i in range(w.shape[0])}
    of_col = {j: [i for i, j2 in pairs if j2 == j] for j in range(w.shape[1])}
    out = []
    for i in range(w.shape[0]):
        for j in range(w.shape[1]):
            if not allowed[i, j] or w[i, j] <= 0 or (i, j) in pairs:
                continue
            row_ok = len(of_row[i]) < rc[i] or (w[i, j], -j) > min((w[i, k], -k) for k in of_row[i])
            col_ok = len(of_col[j]) < cc[j] or (w[i, j], -i) > min((w[k, j], -k) for k in of_col[j])
            if row_ok and col_ok:
                out.append((i, j))
    return out


@pytest.mark.parametrize("seed", range(60))
def test_baselines_are_valid_stable_and_below_the_optimum(seed):
    w, allowed, rc, cc = instance(seed)
    best = rm.solve(w, allowed, rc, cc).objective
    for name, pairs in (("greedy", greedy(w, allowed, rc, cc)), ("gale_shapley", gale_shapley(w, allowed, rc, cc))):
        check_matching(pairs, w, allowed, rc, cc, name)
        assert all(w[i, j] > 0 for i, j in pairs)
        assert total(w, pairs) <= best + 1e-9
    assert brute_force_blocking(gale_shapley(w, allowed, rc, cc), w, allowed, rc, cc) == []
    assert gale_shapley(w, allowed, rc, cc) == greedy(w, allowed, rc, cc)  # common scores: one stable matching
    for pairs in (greedy(w, allowed, rc, cc), rm.solve(w, allowed, rc, cc).pairs, []):  # the fast check agrees
        assert blocking_pairs(pairs, w, allowed, rc, cc) == brute_force_blocking(pairs, w, allowed, rc, cc)
        by_score = blocking_pairs(pairs, w, allowed, rc, cc, by_index=False)
        assert set(by_score) <= set(blocking_pairs(pairs, w, allowed, rc, cc))


@pytest.mark.parametrize("seed", range(30))
def test_lsa_is_optimal_with_capacities_one(seed):
    w, allowed, rc, cc = instance(seed, ones=True)
    pairs = lsa(w, allowed)
    check_matching(pairs, w, allowed, rc, cc, "lsa")
    assert total(w, pairs) == pytest.approx(rm.solve(w, allowed).objective)


def test_greedy_takes_the_best_pair_first_and_breaks_ties_by_index():
    w = np.array([[5.0, 4.0], [4.0, 0.0]])
    assert greedy(w, np.ones((2, 2), bool)) == [(0, 0)]  # greedy 5, optimum 8
    assert greedy(np.full((2, 2), 3.0), np.ones((2, 2), bool)) == [(0, 0), (1, 1)]


def test_gale_shapley_is_stable_where_the_optimum_is_not():
    w = np.array([[5.0, 4.0], [4.0, 0.0]])
    assert gale_shapley(w, np.ones((2, 2), bool)) == [(0, 0)]  # (0, 1) + (1, 0) = 8 is blocked by (0, 0)
    assert blocking_pairs([(0, 1), (1, 0)], w, np.ones((2, 2), bool)) == [(0, 0)]
    assert brute_force_blocking([(0, 1), (1, 0)], w, np.ones((2, 2), bool), [1, 1], [1, 1]) == [(0, 0)]


def test_check_matching_rejects_invalid_results():
    w, allowed = np.ones((2, 2)), np.array([[True, False], [True, True]])
    with pytest.raises(ValueError, match="hard rule"):
        check_matching([(0, 1)], w, allowed)
    with pytest.raises(ValueError, match="capacity"):
        check_matching([(0, 0), (1, 0)], w, allowed)
    with pytest.raises(ValueError, match="twice"):
        check_matching([(0, 0), (0, 0)], w, allowed, 2, 2)
