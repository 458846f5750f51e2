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
