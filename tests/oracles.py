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
    res = milp(
        -w[rows, cols],
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        constraints=[LinearConstraint(a_rows, 0, row_cap), LinearConstraint(a_cols, 0, col_cap)],
    )
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


def highs_lexicographic(
    w,
    allowed,
    row_cap,
    col_cap,
    objective="total",
    locks=(),
    col_group=None,
    least=None,
    row_group=None,
    pair_limit=None,
    first=None,
) -> tuple[float, ...] | None:
    """Optimal values of each lexicographic stage, as 0/1 programmes on HiGHS, stage by stage.

    total: (total,) over positive pairs when there is no quota, else over all allowed pairs;
    coverage: (people matched per side, total); fair: (pairs, lowest pair score, total), where the
    lowest score is found by trying every distinct score as a floor (no big-M numerics); with
    ``first`` (rows, cols bool vectors), total: (favoured people matched, total). None when the rules
    cannot hold.
    """
    use = allowed & (w > 0) if objective == "total" and least is None and first is None else allowed.copy()
    if objective != "fair":
        stages = ["total"] if objective == "total" else ["people", "total"]
        if first is not None:
            stages = ["favoured", "total"]
        return _highs_stages(w, use, row_cap, col_cap, stages, locks, col_group, least, row_group, pair_limit, first)
    first = _highs_stages(w, use, row_cap, col_cap, ["pairs"], locks, col_group, least, row_group, pair_limit)
    if first is None:
        return None
    locked_scores = [w[r, c] for r, c in locks]
    for floor in sorted(set(w[use].tolist()) | set(locked_scores), reverse=True):
        if locked_scores and floor > min(locked_scores):
            continue
        above = use & (w >= floor)
        got = _highs_stages(
            w, above, row_cap, col_cap, ["pairs", "total"], locks, col_group, least, row_group, pair_limit
        )
        if got is not None and got[0] >= first[0] - 0.5:
            return (first[0], floor, got[1])
    return (first[0], None, 0.0)


def _highs_stages(w, use, row_cap, col_cap, stages, locks, col_group, least, row_group, pair_limit, first=None):
    n_r, n_c = w.shape
    use = use.copy()
    for r, c in locks:
        use[r, c] = True
    rows, cols = np.nonzero(use)
    n = len(rows)
    nv = n + n_r + n_c  # x per arc, then "matched" per row and per column
    cons = []

    def add(a, lo, hi):
        cons.append(LinearConstraint(csr_array(np.atleast_2d(a)), lo, hi))

    for r in range(n_r):
        a = np.zeros(nv)
        a[:n][rows == r] = 1
        add(a, 0, row_cap[r])
        a2 = a.copy()
        a2[n + r] = -1  # matched ≤ Σ x
        add(a2, 0, np.inf)
    for c in range(n_c):
        a = np.zeros(nv)
        a[:n][cols == c] = 1
        add(a, 0, col_cap[c])
        a2 = a.copy()
        a2[n + n_r + c] = -1
        add(a2, 0, np.inf)
    for r, c in locks:
        a = np.zeros(nv)
        a[np.flatnonzero((rows == r) & (cols == c))] = 1
        add(a, 1, 1)
    if least is not None:
        for g, need in enumerate(least):
            a = np.zeros(nv)
            a[n + n_r + np.flatnonzero(col_group == g)] = 1
            add(a, need, np.inf)
    if pair_limit is not None:
        for rg in set(row_group.tolist()) - {-1}:
            for cg in set(col_group.tolist()) - {-1}:
                a = np.zeros(nv)
                a[:n][(row_group[rows] == rg) & (col_group[cols] == cg)] = 1
                add(a, 0, pair_limit)
    vectors = {
        "total": np.r_[w[rows, cols], np.zeros(n_r + n_c)],
        "people": np.r_[np.zeros(n), np.ones(n_r + n_c)],
        "pairs": np.r_[np.ones(n), np.zeros(n_r + n_c)],
    }
    if first is not None:
        vectors["favoured"] = np.r_[np.zeros(n), np.asarray(first[0], float), np.asarray(first[1], float)]
    if nv == 0:
        return tuple(0.0 for _ in stages)
    values = []
    for stage in stages:
        res = milp(-vectors[stage], integrality=np.ones(nv), bounds=Bounds(0, 1), constraints=cons)
        if res.status != 0:
            return None
        values.append(-res.fun)
        add(vectors[stage], values[-1] - 1e-6, np.inf)
    return tuple(values)
