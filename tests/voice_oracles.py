"""Oracles for the participants' voice: HiGHS stage by stage, and stability checked pair by pair."""

from itertools import product

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_array


def highs_sequential(rows, cols, stages, row_cap, col_cap, shape):
    """Each stage's optimum as a 0/1 programme, the earlier stages held at their optima (HiGHS)."""
    n = len(rows)
    a_rows = csr_array((np.ones(n), (rows, np.arange(n))), shape=(shape[0], n))
    a_cols = csr_array((np.ones(n), (cols, np.arange(n))), shape=(shape[1], n))
    cons = [LinearConstraint(a_rows, 0, row_cap), LinearConstraint(a_cols, 0, col_cap)]
    values = []
    for gain in stages:
        res = milp(-gain, integrality=np.ones(n), bounds=Bounds(0, 1), constraints=cons)
        assert res.status == 0
        values.append(-res.fun)
        cons.append(LinearConstraint(np.atleast_2d(gain), -res.fun - 1e-6, np.inf))
    return values


def blocking(pairs, mentee_rank, mentor_rank, row_cap, col_cap):
    """Every acceptable (mentor, mentee) not paired that both would rather have (brute force)."""
    made = set(pairs)
    out = []
    for i, j in product(range(len(row_cap)), range(len(col_cap))):
        if (i, j) in made or mentee_rank[i, j] < 0 or row_cap[i] == 0 or col_cap[j] == 0:
            continue
        mine = [mentor_rank[i, b] for a, b in made if a == i]
        theirs = [mentee_rank[a, j] for a, b in made if b == j]
        mentor_wants = len(mine) < row_cap[i] or mentor_rank[i, j] < max(mine)
        mentee_wants = len(theirs) < col_cap[j] or mentee_rank[i, j] < max(theirs)
        if mentor_wants and mentee_wants:
            out.append((i, j))
    return out
