"""Independent references for the optimum: brute force (tiny) and HiGHS via scipy (small to medium)."""

from itertools import combinations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array


def brute_force(w, allowed, row_cap, col_cap) -> float:
    """Best total over every set of allowed positive pairs within capacities (tiny instances only)."""
    arcs = [(i, j) for i, j in zip(*np.nonzero(allowed & (w > 0)))]
    best = 0.0
    for k in range(1, len(arcs) + 1):
        for subset in combinations(arcs, k):
            rows = np.bincount([a[0] for a in subset], minlength=w.shape[0])
            cols = np.bincount([a[1] for a in subset], minlength=w.shape[1])
            if np.all(rows <= row_cap) and np.all(cols <= col_cap):
                best = max(best, float(sum(w[a] for a in subset)))
    return best


def highs_optimum(w, allowed, row_cap, col_cap) -> float:
    """The b-matching optimum as a 0/1 integer programme solved by HiGHS (scipy.optimize.milp)."""
    rows, cols = np.nonzero(allowed & (w > 0))
    if len(rows) == 0:
        return 0.0
    n = len(rows)
    a_rows = csr_array((np.ones(n), (rows, np.arange(n))), shape=(w.shape[0], n))
    a_cols = csr_array((np.ones(n), (cols, np.arange(n))), shape=(w.shape[1], n))
    res = milp(-w[rows, cols], integrality=np.ones(n), bounds=Bounds(0, 1),
               constraints=[LinearConstraint(a_rows, 0, row_cap), LinearConstraint(a_cols, 0, col_cap)])
    assert res.status == 0, res.message
    return -res.fun


def check_feasible(pairs, allowed, row_cap, col_cap) -> None:
    """Every pair allowed, made once, and nobody over capacity."""
    assert len(set(pairs)) == len(pairs)
    r = np.array([p[0] for p in pairs], dtype=int)
    c = np.array([p[1] for p in pairs], dtype=int)
    if len(pairs):
        assert allowed[r, c].all()
    assert np.all(np.bincount(r, minlength=allowed.shape[0]) <= row_cap)
    assert np.all(np.bincount(c, minlength=allowed.shape[1]) <= col_cap)
