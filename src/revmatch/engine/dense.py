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

import math
import time

import lap
import numpy as np

from .arrays import take
from .assignment import Assignment, Status
from .certify import BLOCK_CELLS, proved
from .mincost import integer_scale, score_grain
from .monge import monge_assignment
from .tuning import DEFAULT, Tuning

# Up to this many pairs, Bellman–Ford sweeps come before policy iteration in a rectangular proof.
SWEEP_CELLS = 2**17


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
    tall = row_cap.sum() > col_cap.sum()  # the kernel and the proof both work with rows ≤ columns
    gain = _private_gain(w, useful, tall)
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
    repeated = take(gain, col_of, row_of) if tall else take(gain, row_of, col_of)
    r, c, hint, monge = _kernel(repeated)
    # Sweeps pay on small rectangular matrices, not on Monge ones (their exchange paths are long).
    sweeps = 12 if repeated.size <= SWEEP_CELLS and not monge else 0
    if not proved(repeated, r, c, hint=hint, sweeps=sweeps):
        return None
    rows, cols = (row_of[c], col_of[r]) if tall else (row_of[r], col_of[c])
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


def _private_gain(w: np.ndarray, useful: np.ndarray, transposed: bool) -> np.ndarray:
    """The scores where useful, else 0: a private C-ordered copy, transposed if asked.

    The transposed copy is written tile by tile, then masked: transposing a fresh masked copy
    instead took several times as long on large matrices, one whole transposed copy about half again.
    """
    if not transposed:
        return np.where(useful, w, 0.0)
    gain = np.empty(w.shape[::-1])
    edge = math.isqrt(BLOCK_CELLS)  # square tiles: both sides' lines stay in cache while copied
    for i in range(0, w.shape[0], edge):
        for j in range(0, w.shape[1], edge):
            gain[j : j + edge, i : i + edge] = w[i : i + edge, j : j + edge].T
    if not useful.all():
        gain[~useful.T] = 0.0
    return gain


def _kernel(gain: np.ndarray):
    """Pairs (min(N, M) of them, fillers of gain 0 included) maximising the gain, and how they were found.

    ``gain`` must be the caller's own array: it holds the costs while the kernel runs.

    Returns ``(rows, cols, hint, monge)``: ``hint`` is a square Monge matrix's staircase prices, or
    None; ``monge`` whether the matrix was Monge (solved by its structure, not by a kernel).
    """
    if gain.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), None, False
    small, large = sorted(gain.shape)
    padded = small != large and 20 * small >= 19 * large and not _tied(gain)
    cost = np.negative(gain, out=gain)  # the costs in place (a private array), the gains back below
    try:
        monge = monge_assignment(cost)
        if monge is not None:
            return (*monge, True)
        if getattr(lap, "lapjvh", None) is None:  # gatagat's lap (same import name) has only lapjv
            x, _ = lap.lapjv(cost, extend_cost=True, return_cost=False)
            r = np.flatnonzero(x >= 0)
            return r, np.asarray(x[r], np.int64), None, False
        if padded:
            # Nearly square (people repeated by capacity): padding to a square lets lapjvx's
            # initialisation work, where lapjvh's rectangular path augments row by row. Tied
            # scores (0/1, a few levels) are the exception: lapjvh stays fastest there.
            r, c = lap.lapjvx(cost, extend_cost=True, return_cost=False)
        else:
            r, c = lap.lapjvh(cost, extend_cost=True, return_cost=False)
        return np.asarray(r, np.int64), np.asarray(c, np.int64), None, False
    finally:
        np.negative(cost, out=gain)


def _tied(gain: np.ndarray) -> bool:
    """Whether 1 024 evenly spread pairs show fewer than 1/16 as many distinct scores (0/1, a few levels)."""
    sample = gain.reshape(-1)[:: max(1, gain.size // 1024)]
    return 16 * len(np.unique(sample)) < len(sample)
