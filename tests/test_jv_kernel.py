"""The compiled kernel (revmatch.engine.jv): optimal against brute force, its proof sound, both dense kernels alike."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy.optimize import linear_sum_assignment

import revmatch as rm
from revmatch.engine import jv
from revmatch.engine.dense import dense_assignment

pytestmark = pytest.mark.skipif(not jv.AVAILABLE, reason="revmatch was built without its compiled kernel")


def brute_force_least(cost: np.ndarray) -> float:
    """The least total over every way of pairing each row with its own column (rows ≤ columns)."""
    n, m = cost.shape
    return min(sum(cost[i, c] for i, c in enumerate(cols)) for cols in itertools.permutations(range(m), n))


@st.composite
def cost_matrices(draw):
    n = draw(st.integers(1, 6))
    m = draw(st.integers(n, 7))
    low = draw(st.sampled_from([-1, -3, -1000]))  # 0/1, a few levels (ties), spread out
    return draw(hnp.arrays(np.float64, (n, m), elements=st.integers(low, 0).map(float)))


@settings(max_examples=300, deadline=None)
@given(cost_matrices(), st.sampled_from([None, 0, 1, 100]))
def test_the_kernel_is_optimal_and_its_prices_prove_it(cost, steps):
    cols, u, v = jv.assignment(cost, reduction_steps=steps)
    n, m = cost.shape
    assert sorted(set(cols.tolist())) == sorted(cols.tolist()) and cols.min() >= 0 and cols.max() < m
    assert cost[np.arange(n), cols].sum() == brute_force_least(cost)
    assert jv.proved(cost, cols, u, v)
    # What the proof stands for, checked here in numpy: feasible prices, tight on the pairs, free columns at 0.
    assert (u[:, None] + v[None, :] <= cost).all()
    assert np.array_equal(u + v[cols], cost[np.arange(n), cols])
    if n < m:
        free = np.setdiff1d(np.arange(m), cols)
        assert (v <= 0).all() and (v[free] == 0).all()


@settings(max_examples=200, deadline=None)
@given(cost_matrices(), st.data())
def test_the_proof_refuses_what_is_not_optimal(cost, data):
    cols, u, v = jv.assignment(cost)
    n, m = cost.shape
    best = cost[np.arange(n), cols].sum()
    other = np.array(data.draw(st.permutations(range(m)))[:n], np.int64)
    if cost[np.arange(n), other].sum() > best:
        # No prices make a worse assignment optimal: try the kernel's own, and ones fitted to it.
        assert not jv.proved(cost, other, u, v)
        fitted = cost[np.arange(n), other] - v[other]
        assert not jv.proved(cost, other, fitted, v)
    if n >= 2:
        twice = cols.copy()
        twice[1] = twice[0]
        assert not jv.proved(cost, twice, u, v)


def test_the_proof_refuses_positive_costs_and_loose_prices():
    cost = np.array([[-2.0, -1.0], [-1.0, -3.0]])
    cols, u, v = jv.assignment(cost)
    assert jv.proved(cost, cols, u, v)
    assert not jv.proved(cost, cols, u - 1, v)  # not tight on the pairs
    raised, lowered = u.copy(), v.copy()
    raised[0] += 10
    lowered[cols[0]] -= 10
    assert not jv.proved(cost, cols, raised, lowered)  # tight, but not feasible everywhere
    assert not jv.proved(-cost, *jv.assignment(-cost))  # costs must be ≤ 0


def test_buffers_that_do_not_fit_are_refused():
    cost = np.zeros((3, 2))  # more rows than columns
    with pytest.raises(ValueError, match="n <= m"):
        jv.assignment(cost)
    w = np.ones((3, 4))
    with pytest.raises(ValueError, match="do not fit"):
        jv.prepare(w, None, np.array([0, 5], np.int64), None, False)  # a row outside the matrix


@pytest.mark.parametrize("transpose", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_prepare_repeats_transposes_and_masks_like_numpy(transpose, masked):
    rng = np.random.default_rng(4)
    w = rng.integers(-3, 5, (5, 7)).astype(float)
    useful = rng.random(w.shape) < 0.7 if masked else None
    row_of = np.array([0, 0, 1, 3, 3, 3, 4], np.int64)
    col_of = np.array([1, 2, 2, 6], np.int64)
    cost, largest, whole = jv.prepare(w, useful, row_of, col_of, transpose)
    made = (w > 0) & (True if useful is None else useful)
    expected = np.where(made, -w, 0.0)[np.ix_(row_of, col_of)]
    assert np.array_equal(cost, expected.T if transpose else expected)
    assert largest == -expected.min() and whole


def test_prepare_tells_whole_numbers_and_digits():
    assert jv.prepare(np.array([[3.0, 0.5]]), None, None, None, False)[1:] == (3.0, False)
    assert jv.digits(jv.prepare(np.array([[3.0, 0.25, 0.5]]), None, None, None, False)[0]) == 2
    assert jv.digits(jv.prepare(np.array([[0.1]]), None, None, None, False)[0]) == 31  # no binary grain
    assert jv.prepare(np.array([[2.0**60]]), None, None, None, False)[2] is False  # too large for the quick test
    assert jv.digits(jv.prepare(np.array([[2.0**60]]), None, None, None, False)[0]) == 0


@pytest.mark.parametrize("seed", range(30))
def test_compiled_and_lapx_kernels_reach_the_same_optimum(seed):
    # Both dense kernels on one matrix (masks, capacities, every shape): the same proved total.
    rng = np.random.default_rng(seed)
    n, m = rng.integers(1, 50, size=2)
    w = [rng.uniform(-5, 20, (n, m)), rng.integers(-2, 4, (n, m)).astype(float), 10 ** rng.uniform(-9, 9, (n, m))][
        seed % 3
    ]
    useful = rng.random((n, m)) < 0.8 if seed % 2 else None
    row_cap, col_cap = rng.integers(0, 3, n), np.ones(m, np.int64)
    if seed % 4 == 3:
        row_cap, col_cap = np.ones(n, np.int64), rng.integers(0, 4, m)
    ours = dense_assignment(w, useful, row_cap, col_cap)
    theirs = dense_assignment(w, useful, row_cap, col_cap, tuning=rm.Tuning(compiled_kernel=False))
    assert ours is not None and theirs is not None
    assert ours.objective == pytest.approx(theirs.objective, rel=1e-12, abs=ours.tolerance + theirs.tolerance + 1e-12)
    for r, c in ours.pairs:
        assert w[r, c] > 0 and (useful is None or useful[r, c])
    assert np.all(np.bincount([r for r, _ in ours.pairs], minlength=n) <= row_cap)
    assert np.all(np.bincount([c for _, c in ours.pairs], minlength=m) <= col_cap)


@settings(max_examples=150, deadline=None)
@given(cost_matrices().filter(lambda c: c.shape[0] < c.shape[1]), st.booleans())
def test_nearly_square_problems_padded_to_a_square_keep_their_optimum(cost, masked):
    # Padding with rows of cost 0 lets the square start work; the prices are shifted back to those of
    # the real rows (free columns at 0) and proved on them: the same optimum as brute force.
    w = -cost
    useful = (np.arange(w.size).reshape(w.shape) % 5 != 0) if masked else None
    made = (w > 0) & (True if useful is None else useful)
    prepared, _, _ = jv.prepare(w, useful, None, None, False, pad=True)
    assert prepared.shape == (w.shape[1],) * 2 and not prepared[w.shape[0] :].any()
    for pad in (False, True):
        status, pairs, total, exact, scale = jv.dense(
            w, useful, None, None, False, pad=pad, limit=2.0**40, max_exponent=1000
        )
        if not made.any():
            assert status == jv.NO_USEFUL_PAIR
            continue
        assert status == jv.PROVED and exact and scale == 1.0
        assert total == -brute_force_least(np.where(made, cost, 0.0))
        assert all(made[r, c] for r, c in pairs) and pairs == sorted(pairs)


@pytest.mark.parametrize("seed", range(20))
def test_the_compiled_scale_is_integer_scale(seed):
    # The one compiled call picks the power of two revmatch.engine.mincost.integer_scale picks.
    from revmatch.engine.mincost import MAX_EXPONENT, integer_scale, score_grain

    rng = np.random.default_rng(seed)
    n, m = (int(k) for k in rng.integers(1, 30, size=2))
    w = [rng.uniform(0, 1, (n, m)), rng.integers(0, 9, (n, m)) / 8, rng.integers(0, 2**50, (n, m)) * 1.0][seed % 3]
    lines = min(n, m) + max(n, m)
    status, *_, exact, scale = jv.dense(
        w, None, None, None, n > m, pad=False, limit=min(2.0**53, 2.0**52 / (lines + 3)), max_exponent=MAX_EXPONENT
    )
    if status == jv.NO_USEFUL_PAIR:
        return
    values = w[w > 0]
    assert (scale, exact) == integer_scale(float(values.max()), score_grain(values), lines + 2, precision=2.0**52)


@pytest.mark.parametrize("family", ["lognormal", "pareto", "log-uniform", "exponential", "uniform"])
@pytest.mark.parametrize("shape", [(60, 60), (119, 120), (40, 90)])
def test_heavy_and_light_tailed_scores_equal_scipy(family, shape):
    # Heavy tails (a row's best score far above its second) take the rectangular start, light ones
    # column reduction: both reach scipy's optimum, within the rounding tolerance they report.
    rng = np.random.default_rng(abs(hash((family, shape))) % 2**32)
    w = {
        "lognormal": lambda: rng.lognormal(0, 3, shape),
        "pareto": lambda: rng.pareto(0.7, shape) + 1e-6,
        "log-uniform": lambda: 10 ** rng.uniform(-20, 20, shape),
        "exponential": lambda: rng.exponential(1, shape),
        "uniform": lambda: rng.uniform(0, 1, shape),
    }[family]()
    a = rm.solve(w)
    r, c = linear_sum_assignment(w, maximize=True)
    assert a.status == "optimal"
    assert a.objective == pytest.approx(w[r, c].sum(), rel=1e-12, abs=a.tolerance)


def random_monge(rng, n: int, m: int) -> np.ndarray:
    """Whole-number costs with c_ij + c_i'j' ≤ c_ij' + c_i'j: a double running sum of a non-positive density."""
    density = -rng.integers(0, 4, (n, m))
    return (np.cumsum(np.cumsum(density, 0), 1) + rng.integers(-5, 5, (n, 1)) + rng.integers(-50, 50, (1, m))).astype(
        float
    )


@pytest.mark.parametrize("seed", range(40))
def test_monge_matrices_by_their_structure_equal_scipy(seed):
    # Monge scores (and Monge with the columns reversed, as Machol–Wien), every shape, ties, rows
    # repeated by capacity: solved by the increasing path and proved by its prices, against scipy.
    rng = np.random.default_rng(seed)
    n, m = (int(k) for k in rng.integers(2, 40, size=2))
    cost = random_monge(rng, n, m)
    if seed % 2:
        cost = cost[:, ::-1].copy()
    w = cost.max() + 1 - cost
    cap = 1 + seed % 3
    a = rm.solve(w, mentor_capacity=cap)
    repeated = np.repeat(w, cap, axis=0)
    r, c = linear_sum_assignment(repeated, maximize=True)
    assert a.status == "optimal" and a.objective == repeated[r, c].sum()


def test_large_rectangular_machol_wien_is_quick_and_exact():
    n, m = 1500, 3000
    cost = np.outer(np.arange(1, n + 1.0), np.arange(1, m + 1.0)) + 1
    a = rm.solve(cost.max() + 1 - cost)
    # Rows in order take the first n columns in reverse: the rearrangement inequality's only optimum.
    assert a.pairs == [(i, n - 1 - i) for i in range(n)]
    assert a.status == "optimal" and a.gap == 0
