"""The dense route's proof: prices found by policy iteration prove optimal assignments, and only those."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from revmatch.engine.certify import assignment_prices, proved


def best_pairs(gain):
    """An optimal assignment of the smaller side (scipy's LSA), as the kernel hands it over."""
    r, c = linear_sum_assignment(gain, maximize=True)
    return np.asarray(r, np.int64), np.asarray(c, np.int64)


def check_prices(gain, r, c, u, v):
    assert (u >= 0).all() and (v >= 0).all()
    assert (u[:, None] + v[None, :] >= gain).all()
    assert u.sum() + v.sum() == gain[r, c].sum()


@given(
    st.integers(1, 7),
    st.integers(1, 7),
    st.integers(0, 2**32 - 1),
    st.sampled_from([2, 5, 1000, 2**40]),
)
@settings(max_examples=300, deadline=None)
def test_optimal_assignments_are_proved_and_others_not(n_rows, n_cols, seed, top):
    rng = np.random.default_rng(seed)
    gain = rng.integers(0, top, (n_rows, n_cols)).astype(float)
    r, c = best_pairs(gain)
    assert proved(gain, r, c)
    u, v = assignment_prices(gain, r, c)
    check_prices(gain, r, c, u, v)
    # Every other assignment of the smaller side: proved exactly when it is as good (brute force).
    small, large = min(n_rows, n_cols), max(n_rows, n_cols)
    best = gain[r, c].sum()
    for chosen in itertools.islice(itertools.permutations(range(large), small), 200):
        other = np.array(chosen, np.int64)
        rows, cols = (np.arange(small), other) if n_rows <= n_cols else (other, np.arange(small))
        assert proved(gain, rows, cols) == (gain[rows, cols].sum() == best)


@pytest.mark.parametrize("shape", [(60, 60), (40, 90), (90, 40)])
@pytest.mark.parametrize("family", ["uniform", "binary", "machol"])
def test_larger_families(shape, family):
    rng = np.random.default_rng(7)
    if family == "uniform":
        gain = np.round(rng.random(shape) * 2**40)
    elif family == "binary":
        gain = rng.integers(1, 3, shape).astype(float)
    else:  # Machol–Wien costs i·j + 1, as gains: deep chains of exchanges
        gain = 1 + shape[0] * shape[1] - np.outer(np.arange(1, shape[0] + 1.0), np.arange(1, shape[1] + 1.0))
    r, c = best_pairs(gain)
    u, v = assignment_prices(gain, r, c)
    check_prices(gain, r, c, u, v)
    worse = c.copy()
    worse[[0, 1]] = worse[[1, 0]]
    assert proved(gain, r, worse) == (gain[r, worse].sum() == gain[r, c].sum())


def test_a_gaining_exchange_is_found_as_a_cycle():
    gain = np.array([[5.0, 1.0], [1.0, 5.0]])
    assert assignment_prices(gain, np.array([0, 1]), np.array([1, 0])) is None
    assert not proved(gain, np.array([0, 1]), np.array([1, 0]))


def test_a_hint_that_holds_is_enough_and_a_wrong_one_is_not_trusted():
    gain = np.array([[4.0, 2.0], [3.0, 0.0]])
    r, c = np.array([0, 1]), np.array([1, 0])  # 2 + 3 = 5 is the best
    assert proved(gain, r, c, hint=(np.array([2.0, 3.0]), np.array([0.0, 0.0])))
    # Prices that do not cover every pair are not a proof; the prices are then found afresh.
    assert proved(gain, r, c, hint=(np.array([0.0, 0.0]), np.array([0.0, 0.0])))
    worse = np.array([0, 1]), np.array([0, 1])  # 4 + 0
    assert not proved(gain, *worse, hint=(np.array([4.0, 0.0]), np.array([0.0, 0.0])))


def test_wrong_shapes_are_not_proved():
    gain = np.ones((3, 4))
    assert not proved(gain, np.array([0, 1]), np.array([0, 1]))  # a row left out
    assert not proved(gain, np.array([0, 0, 1]), np.array([0, 1, 2]))  # a row paired twice
    assert not proved(gain, np.array([0, 1, 2]), np.array([0, 1, 4]))  # a column outside
    assert not proved(gain, np.array([0, 1, -1]), np.array([0, 1, 2]))  # a row outside
    assert proved(np.ones((0, 4)), np.zeros(0, np.int64), np.zeros(0, np.int64))


@pytest.mark.parametrize("solver", ["lapjvh", "lapjvx"])
@pytest.mark.parametrize("shape", [(30, 30), (20, 45), (45, 20), (29, 30)])
def test_the_kernels_leave_their_costs_untouched(solver, shape):
    # The dense route hands the kernel its gains negated in place and negates them back for the
    # proof: the proof is about the right matrix only if the kernel does not write to its input.
    import lap

    cost = -np.round(np.random.default_rng(1).random(shape) * 2**40)
    before = cost.copy()
    getattr(lap, solver)(cost, extend_cost=True, return_cost=False)
    assert np.array_equal(cost, before)


@pytest.mark.parametrize("sweeps", [0, 1, 12])
@pytest.mark.parametrize("seed", range(8))
def test_sweeps_first_or_policy_iteration_alone_agree(sweeps, seed):
    # Rectangular matrices try Bellman–Ford sweeps before policy iteration; each path alone (and a
    # budget too small to finish) must prove the optimum and refuse anything worse.
    rng = np.random.default_rng(seed)
    gain = rng.integers(0, 50, (12, 30)).astype(float)
    if seed % 2:
        gain = np.ascontiguousarray(gain.T)
    r, c = best_pairs(gain)
    u, v = assignment_prices(gain, r, c, sweeps=sweeps)
    check_prices(gain, r, c, u, v)
    worse = c.copy()
    worse[[0, 1]] = worse[[1, 0]]
    assert proved(gain, r, worse, sweeps=sweeps) == (gain[r, worse].sum() == gain[r, c].sum())
