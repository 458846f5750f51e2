r"""Exact assignment on the whole matrix: a compiled Jonker–Volgenant kernel, proved by dual prices.

The candidate route (top-k pairs, dual pricing) wins when each person has a few strong partners. On
matrices where nearly every pair is close to tight (uniform or 0/1 scores, distances, Machol–Wien
:math:`c_{ij} = ij + 1`) pricing adds pairs for many rounds; a dense shortest-augmenting-path kernel
solves those in one go. The kernel is ``lapx``'s ``lapjvh`` (Jonker–Volgenant, rectangular without
padding): it returns pairs only, so the proof is ours — the dual prices of
:func:`revmatch.engine.certify.proved`, checked on every pair.

The b-matching with mentor capacities :math:`r_i` is the assignment problem with mentor :math:`i`
repeated :math:`r_i` times (likewise mentees). When both sides take several pairs, the repeated
problem could make one pair twice; such a result is handed back as None, for the flow route.

Scores are made whole numbers as the flow route does (:func:`~revmatch.engine.mincost.integer_scale`),
below :math:`2^{52}/(n + m)` so the kernel's float64 sums and the prices are exact.
"""

from __future__ import annotations

import time

import lap
import numpy as np

from .arrays import take
from .assignment import Assignment, Status
from .certify import BLOCK_ROWS, proved
from .mincost import integer_scale, score_grain
from .tuning import DEFAULT, Tuning


def dense_assignment(
    w: np.ndarray,
    useful: np.ndarray,
    row_cap: np.ndarray,
    col_cap: np.ndarray,
    *,
    tuning: Tuning = DEFAULT,
) -> Assignment | None:
    r"""The best b-matching of a dense score matrix, proved optimal; None when the kernel cannot serve it.

    Parameters
    ----------
    w : ndarray of float, shape (n_rows, n_cols)
        Pair scores (finite wherever ``useful``).
    useful : ndarray of bool, same shape
        The pairs that may be made and are worth making (allowed, score > 0).
    row_cap, col_cap : ndarray of int
        Most pairs per mentor (row) and per mentee (column).
    tuning : Tuning, optional
        Unused here; kept so every route takes the same knobs.

    Returns
    -------
    Assignment or None
        The pairs maximising :math:`\sum w_{ij} x_{ij}` with ``status="optimal"`` and ``bound`` the
        proved dual bound; None when both sides have capacities above 1 and the kernel's result makes a
        pair twice, or (never seen) the proof fails.
    """
    start = time.perf_counter()
    n_rows, n_cols = w.shape
    max_pairs = int(min(row_cap.sum(), col_cap.sum()))
    gain = np.where(useful, w, 0.0)
    if max_pairs == 0 or not useful.any():
        return Assignment([], 0.0, 0.0, Status.OPTIMAL, "dense_jv", time.perf_counter() - start, 0.0)
    grain = score_grain(gain)  # the zeros of pairs not made are multiples of any grain
    scale, exact = integer_scale(float(gain.max()), grain, n_rows + n_cols + 2, precision=2.0**52)
    if scale != 1.0:
        np.multiply(gain, scale, out=gain)
        np.round(gain, out=gain)
    tolerance = 0.0 if exact else max_pairs / scale
    row_of = np.repeat(np.arange(n_rows), row_cap)
    col_of = np.repeat(np.arange(n_cols), col_cap)
    repeated = take(gain, row_of, col_of)
    r, c, hint = _kernel(repeated)
    if not proved(repeated, r, c, hint=hint):
        return None
    rows, cols = row_of[r], col_of[c]
    if row_cap.max(initial=0) > 1 and col_cap.max(initial=0) > 1:
        keys = rows * n_cols + cols
        if len(np.unique(keys)) != len(keys):
            return None  # a pair made twice: the repeated problem is looser than the b-matching
    keep = useful[rows, cols]  # a pair the kernel filled in with gain 0 (not allowed, or ≤ 0) is not made
    rows, cols = rows[keep], cols[keep]
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    objective = float(w[rows, cols].sum())
    return Assignment(
        list(zip(rows.tolist(), cols.tolist())),
        objective,
        objective + tolerance,
        Status.OPTIMAL,
        "dense_jv",
        time.perf_counter() - start,
        tolerance,
        arcs=n_rows * n_cols,
    )


def _kernel(gain: np.ndarray):
    """Pairs (min(N, M) of them, fillers of gain 0 included) maximising the gain, and prices to try first.

    Returns ``(rows, cols, hint)``: ``hint`` is a Monge matrix's staircase prices, or None.
    """
    if gain.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), None
    cost = np.negative(gain)
    monge = staircase(cost)
    if monge is not None:
        r, c, u, v = monge
        # Min-cost duals u + v ≤ cost are prices −u, −v of the gains, shifted to be ≥ 0 (square: same sum).
        shift = float((-u).min())
        return r, c, (-u - shift, -v + shift)
    if (solver := getattr(lap, "lapjvh", None)) is not None:
        r, c = solver(cost, extend_cost=True, return_cost=False)
    else:  # gatagat's lap (same import name) has only lapjv
        x, _ = lap.lapjv(cost, extend_cost=True, return_cost=False)
        r = np.flatnonzero(x >= 0)
        c = x[r]
    return np.asarray(r, np.int64), np.asarray(c, np.int64), None


def staircase(cost: np.ndarray):
    r"""The optimal assignment of a square Monge cost matrix (or one with its columns reversed), else None.

    A Monge matrix, :math:`c_{ij} + c_{i'j'} \le c_{ij'} + c_{i'j}` for :math:`i < i'`, :math:`j < j'`
    (Machol–Wien's :math:`ij + 1` reversed, distances between sorted points on a line), has the
    diagonal as an optimal assignment (Hoffman 1963), with duals along the staircase
    :math:`(i, i), (i, i + 1)`: :math:`v_j - v_{j-1} = c_{j-1,j} - c_{j-1,j-1}`, :math:`u_i = c_{ii} - v_i`.
    Checking the property costs a pass over the matrix; the first two rows usually settle it.

    Returns
    -------
    (rows, cols, u, v) or None
        The assignment and duals :math:`u_i + v_j \le c_{ij}` (equal on it), or None.
    """
    n, m = cost.shape
    if n != m or n < 2:
        return None
    for flipped in (False, True):
        c = cost[:, ::-1] if flipped else cost
        if not _is_monge(c):
            continue
        steps = np.diagonal(c, offset=1) - np.diagonal(c)[:-1]
        v = np.concatenate([[0.0], np.cumsum(steps)])
        u = np.diagonal(c) - v
        cols = np.arange(n)[::-1] if flipped else np.arange(n)
        return np.arange(n), cols.copy(), u, (v[::-1] if flipped else v).copy()
    return None


def _is_monge(c: np.ndarray) -> bool:
    """Every adjacent 2 × 2 block satisfies the Monge inequality (which implies it for all), rows in blocks."""
    if not np.all(c[0, :-1] + c[1, 1:] <= c[0, 1:] + c[1, :-1]):
        return False
    for k in range(1, c.shape[0] - 1, BLOCK_ROWS):
        top, bottom = c[k : k + BLOCK_ROWS], c[k + 1 : k + 1 + BLOCK_ROWS]
        top = top[: len(bottom)]
        if not np.all(top[:, :-1] + bottom[:, 1:] <= top[:, 1:] + bottom[:, :-1]):
            return False
    return True
