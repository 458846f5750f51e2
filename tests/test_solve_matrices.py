"""rm.solve on any score matrix: scipy's assignment test cases, extreme magnitudes, classic hard families."""

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

import revmatch as rm


def scipy_best(w, allowed=None):
    """The best total by scipy's LSA on the positive, allowed part (nobody is forced into a pair)."""
    gain = np.where(allowed if allowed is not None else True, np.maximum(w, 0), 0)
    r, c = linear_sum_assignment(gain, maximize=True)
    return float(gain[r, c].sum())


@pytest.mark.parametrize("factor", [1e-300, 1e-200, 1e-20, 1.0, 1e20, 1e300])
def test_any_magnitude_solves(factor):
    # A 3 × 3 matrix scaled by 1e-300 overflowed the integer scale (issue 21).
    w = np.array([[4.0, 2.0, 1.0], [3.0, 0.0, 2.0], [1.0, 1.0, 5.0]]) * factor
    a = rm.solve(w)
    assert a.pairs == [(0, 1), (1, 0), (2, 2)] and a.status == "optimal"
    assert a.objective == pytest.approx(10 * factor, rel=1e-14)
    assert 0 <= a.gap <= 10 * factor * 1e-12 and a.tolerance <= 10 * factor * 1e-12


def test_scores_spanning_600_orders_of_magnitude():
    rng = np.random.default_rng(5)
    w = 10.0 ** rng.uniform(-300, 300, size=(12, 9))
    a = rm.solve(w)
    assert a.status == "optimal"
    assert a.objective == pytest.approx(scipy_best(w), rel=1e-12)


# ---- scipy's test_linear_assignment.py cases, as scores (maximise) --------------------------------
# scipy minimises cost; rm.solve maximises scores and never forces a pair, so each case is handed
# over as ``M − cost`` (M above every cost: every pair is worth making, as scipy makes them all).


@pytest.mark.parametrize(
    "cost, expected",
    [
        # square
        ([[400, 150, 400], [400, 450, 600], [300, 225, 300]], [150, 400, 300]),
        # rectangular, wide
        ([[400, 150, 400, 1], [400, 450, 600, 2], [300, 225, 300, 3]], [150, 2, 300]),
        # square, with ties
        ([[10, 10, 8], [9, 8, 1], [9, 7, 4]], [10, 1, 7]),
        # rectangular, tall (the transpose of scipy's wide case with ties)
        ([[10, 6], [6, 10], [11, 10]], [6, 6]),
    ],
)
def test_scipy_standard_cases(cost, expected):
    cost = np.array(cost, dtype=float)
    m = cost.max() + 1
    a = rm.solve(m - cost)
    assert a.status == "optimal" and a.gap == 0
    assert sorted(cost[r, c] for r, c in a.pairs) == sorted(expected)


def test_infeasible_pairs_are_masked_not_inf():
    # scipy's infeasible case: inf marks a forbidden pair; here allowed=False does.
    cost = np.array([[0, 1, np.inf], [1, np.inf, 0], [np.inf, 0, 1]])
    allowed = np.isfinite(cost)
    a = rm.solve(np.where(allowed, 2 - cost, 0.0), allowed)
    assert a.pairs == [(0, 0), (1, 2), (2, 1)] and a.objective == 6
    with pytest.raises(rm.InputError, match="invalid numeric entries"):
        rm.solve(2 - cost)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_in_allowed_cells_are_rejected(bad):
    w = np.array([[1.0, 2.0], [3.0, bad]])
    with pytest.raises(rm.InputError, match="row 1, column 1"):
        rm.solve(w)


@pytest.mark.parametrize("shape", [(0, 0), (0, 3), (3, 0)])
def test_empty(shape):
    a = rm.solve(np.zeros(shape))
    assert a.pairs == [] and a.objective == 0 and a.status == "optimal"


KERNELS = [rm.Tuning(), rm.Tuning(compiled_kernel=False)]  # ours (with its prices), lapx's (proved by certify)


@pytest.mark.parametrize("tuning", KERNELS, ids=["compiled", "lapx"])
@pytest.mark.parametrize("seed", range(40))
def test_random_matrices_equal_scipy(seed, tuning):
    # scipy's "100 random matrices through two algorithms" check, on every score family.
    rng = np.random.default_rng(seed)
    n, m = rng.integers(1, 40, size=2)
    family = seed % 4
    if family == 0:
        w = rng.uniform(-5, 20, (n, m))
    elif family == 1:
        w = rng.integers(-3, 4, (n, m)).astype(float)
    elif family == 2:
        w = rng.integers(0, 2, (n, m)).astype(float)
    else:
        w = 10 ** rng.uniform(-20, 20, (n, m))
    allowed = rng.random((n, m)) < 0.8
    a = rm.solve(w, allowed, tuning=tuning)
    assert a.status == "optimal"
    assert a.objective == pytest.approx(scipy_best(w, allowed), rel=1e-12, abs=1e-12)
    assert all(allowed[p] and w[p] > 0 for p in a.pairs)


@pytest.mark.parametrize("mentor_cap, mentee_cap", [(3, 1), (1, 3), (2, 2)])
def test_b_matching_equals_highs(mentor_cap, mentee_cap):
    from oracles import check_feasible, highs_optimum

    rng = np.random.default_rng(mentor_cap * 10 + mentee_cap)
    w = rng.uniform(0, 10, (30, 45))
    allowed = rng.random(w.shape) < 0.9
    rcap, ccap = np.full(30, mentor_cap), np.full(45, mentee_cap)
    a = rm.solve(w, allowed, rcap, ccap)
    check_feasible(a.pairs, allowed, rcap, ccap)
    assert a.status == "optimal"
    assert a.objective == pytest.approx(highs_optimum(w, allowed, rcap, ccap), abs=a.tolerance + 1e-9)


def test_dense_route_is_deterministic():
    w = np.random.default_rng(3).integers(0, 2, (200, 200)).astype(float)
    assert rm.solve(w).pairs == rm.solve(w.copy()).pairs


# ---- Machol–Wien: c_ij = i·j + 1 (1-based), hard for shortest-augmenting-path codes ---------------
# The optimum pairs i with n + 1 − i (rearrangement inequality): an oracle independent of any solver.


@pytest.mark.parametrize("n", [850, 5000])
def test_machol_wien_proved_optimal(n):
    i = np.arange(1, n + 1.0)
    cost = np.outer(i, i) + 1
    top = cost.max() + 1
    a = rm.solve(top - cost)
    assert a.status == "optimal" and a.gap == 0 and len(a.pairs) == n
    assert n * top - a.objective == (i * i[::-1]).sum() + n


def test_machol_wien_with_capacities():
    # 40 mentors taking 3 mentees each, 120 mentees: the mentors repeated by capacity stay Monge.
    i, j = np.arange(1, 41.0), np.arange(1, 121.0)
    cost = np.outer(i, j) + 1
    w = cost.max() + 1 - cost
    a = rm.solve(w, mentor_capacity=3)
    r, c = linear_sum_assignment(np.repeat(w, 3, axis=0), maximize=True)
    assert a.status == "optimal" and a.objective == np.repeat(w, 3, axis=0)[r, c].sum()


# ---- OR-Library assignment instances (J E Beasley), minimising cost ----------------------------------
# The files are not shipped with revmatch; point REVMATCH_ORLIB at a folder holding assign100.txt …
# assign800.txt (format: n, then the n × n costs row by row) to run these.
ORLIB_OPTIMA = {100: 305, 200: 475, 300: 626, 400: 804, 500: 991, 600: 1176, 700: 1362, 800: 1552}


@pytest.mark.parametrize("n, optimum", sorted(ORLIB_OPTIMA.items()))
def test_or_library_assignment_optima(n, optimum):
    import os
    from pathlib import Path

    folder = os.environ.get("REVMATCH_ORLIB")
    path = Path(folder) / f"assign{n}.txt" if folder else None
    if path is None or not path.exists():
        pytest.skip("OR-Library files not available (set REVMATCH_ORLIB)")
    numbers = np.array(path.read_text().split(), dtype=np.int64)
    cost = numbers[1:].reshape(numbers[0], numbers[0]).astype(float)
    top = cost.max() + 1
    a = rm.solve(top - cost)
    assert a.status == "optimal" and len(a.pairs) == n
    assert n * top - a.objective == optimum


@pytest.mark.parametrize("shape", [(40, 90), (90, 40), (2, 7), (150, 300)])
def test_rectangular_machol_wien_solves_in_order(shape):
    # A rectangular Monge matrix: rows paired in order with increasing columns (dynamic programming),
    # then the same proof; scipy's LSA is the reference.
    cost = np.outer(np.arange(1, shape[0] + 1.0), np.arange(1, shape[1] + 1.0)) + 1
    w = cost.max() + 1 - cost
    a = rm.solve(w)
    r, c = linear_sum_assignment(w, maximize=True)
    assert a.status == "optimal" and a.gap == 0 and a.objective == w[r, c].sum()
    assert len(a.pairs) == min(shape)


@pytest.mark.parametrize("seed", range(30))
def test_random_monge_matrices_equal_scipy(seed):
    # Squared distances between sorted points on a line are Monge; reversed columns too.
    from revmatch.engine.monge import monge_assignment

    rng = np.random.default_rng(seed)
    n, m = rng.integers(2, 9, size=2)
    x, y = np.sort(rng.integers(0, 30, n)), np.sort(rng.integers(0, 30, m))
    cost = ((x[:, None] - y[None, :]) ** 2).astype(float)
    if seed % 2:
        cost = cost[:, ::-1].copy()
    rows, cols, _ = monge_assignment(cost)
    r, c = linear_sum_assignment(cost)
    assert cost[rows, cols].sum() == cost[r, c].sum()
    a = rm.solve(cost.max() + 1 - cost)
    assert a.status == "optimal" and a.objective == (cost.max() + 1 - cost)[r, c].sum()


@pytest.mark.parametrize("tuning", KERNELS, ids=["compiled", "lapx"])
@pytest.mark.parametrize("seed", range(24))
@pytest.mark.parametrize("shape", ["wide", "tall", "cap3"])
def test_rectangular_and_repeated_rows_equal_scipy(seed, shape, tuning):
    # Wide and tall matrices (the proof sweeps the paired columns, reading the free ones once) and
    # mentors taking 3 each (rows repeated: equal first rows, not Monge), against scipy on the
    # repeated matrix; ties (few values) and masks included.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(6, 60))
    rows, cols, cap = {"wide": (n // 2, n, 1), "tall": (n, n // 2, 1), "cap3": (n // 3, n, 3)}[shape]
    family = seed % 4
    if family == 0:
        w = rng.uniform(1, 20, (rows, cols))
    elif family == 1:
        w = rng.integers(1, 4, (rows, cols)).astype(float)
    elif family == 2:
        w = rng.integers(0, 2, (rows, cols)).astype(float)
    else:
        w = 10 ** rng.uniform(-20, 20, (rows, cols))
    allowed = rng.random((rows, cols)) < 0.9 if seed % 3 == 0 else None
    a = rm.solve(w, allowed, mentor_capacity=cap, tuning=tuning)
    assert a.status == "optimal"
    assert a.bound == pytest.approx(a.objective, rel=1e-12, abs=a.tolerance + 1e-12)
    repeated_allowed = None if allowed is None else np.repeat(allowed, cap, axis=0)
    expected = scipy_best(np.repeat(w, cap, axis=0), repeated_allowed)
    assert a.objective == pytest.approx(expected, rel=1e-12, abs=1e-12)
