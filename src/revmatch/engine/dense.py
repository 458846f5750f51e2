r"""Exact assignment on the whole matrix: a compiled Jonker–Volgenant kernel, proved by its dual prices.

The candidate route (top-k pairs, dual pricing) wins when each person has a few strong partners. On
matrices where nearly every pair is close to tight (uniform or 0/1 scores, distances, Machol–Wien
:math:`c_{ij} = ij + 1`) pricing adds pairs for many rounds; a dense shortest-augmenting-path kernel
solves those in one go. The kernel is revmatch's own (:mod:`revmatch.engine.jv`, built from C with
the package): it keeps the dual prices it works with, so the proof is one pass over the matrix, and
it solves Monge matrices by their structure. Without a C compiler at install, ``lapx``'s ``lapjvh``
takes its place, and the proof is :func:`revmatch.engine.certify.proved`'s (dual prices found
afresh from the pairs).

The b-matching with mentor capacities :math:`r_i` is the assignment problem with mentor :math:`i`
repeated :math:`r_i` times (likewise mentees). When both sides take several pairs, the repeated
problem could make one pair twice; such a result is handed back as None, for the flow route.

Scores are made whole numbers as the flow route does (:func:`~revmatch.engine.mincost.integer_scale`),
below :math:`2^{52}/(n + m)` (the repeated sizes) so the kernel's float64 sums and the prices are exact.
"""

from __future__ import annotations

import math
import time

import lap
import numpy as np

from . import jv
from .arrays import take
from .assignment import Assignment, Status, rescaled
from .certify import BLOCK_CELLS, proved
from .mincost import MAX_EXPONENT, integer_scale, score_grain
from .monge import monge_assignment
from .tuning import DEFAULT, Tuning

# Scores beyond 2**±EXTREME_EXPONENT are rescaled by a power of two before they are made whole numbers.
EXTREME_EXPONENT = 256
# Up to this many pairs, Bellman–Ford sweeps come before policy iteration in a rectangular proof.
SWEEP_CELLS = 2**17


def dense_assignment(
    w: np.ndarray,
    useful: np.ndarray | None,
    row_cap: np.ndarray | int,
    col_cap: np.ndarray | int,
    *,
    tuning: Tuning = DEFAULT,
    start: float | None = None,
) -> Assignment | None:
    r"""The best b-matching of a dense score matrix, proved optimal; None when the kernel cannot serve it.

    Parameters
    ----------
    w : ndarray of float, shape (n_rows, n_cols)
        Pair scores (finite wherever ``useful``, everywhere when it is None).
    useful : ndarray of bool, same shape, or None
        The pairs that may be made; only those scoring > 0 are worth making. None: every pair may.
    row_cap, col_cap : ndarray of int, or int
        Most pairs per mentor (row) and per mentee (column); one number for everyone.
    tuning : Tuning, optional
        ``compiled_kernel`` picks the kernel (ours with its prices, or ``lapx``'s).
    start : float, optional
        The :func:`time.perf_counter` reading the result's ``solve_time`` counts from (default: now).

    Returns
    -------
    Assignment or None
        The pairs maximising :math:`\sum w_{ij} x_{ij}` with ``status="optimal"`` and ``bound`` the
        proved dual bound; None when both sides have capacities above 1 and the kernel's result makes a
        pair twice, or (never seen) the proof fails.
    """
    start = time.perf_counter() if start is None else start
    if not w.flags.c_contiguous:
        w = np.ascontiguousarray(w)
    if useful is not None and not useful.flags.c_contiguous:
        useful = np.ascontiguousarray(useful)
    row_of, col_of = _repeated(row_cap, w.shape[0]), _repeated(col_cap, w.shape[1])
    n = w.shape[0] if row_of is None else len(row_of)
    m = w.shape[1] if col_of is None else len(col_of)
    if n == 0 or m == 0:
        return _result(w, [], 0.0, 0.0, start)
    route = _compiled if jv.AVAILABLE and tuning.compiled_kernel else _lapx_proved
    found = route(w, useful, row_of, col_of, n, m)
    if found is None:
        return None
    if isinstance(found, int):  # scores far from 1 (1e-300, 1e300): solved as scores × 2**-exponent
        result = dense_assignment(np.ldexp(w, -found), useful, row_cap, col_cap, tuning=tuning, start=start)
        return None if result is None else rescaled(result, found)
    pairs, total, tolerance = found
    return _result(w, pairs, total, tolerance, start)


def _result(w: np.ndarray, pairs: list[tuple[int, int]], total: float, tolerance: float, start: float) -> Assignment:
    return Assignment(
        pairs, total, total + tolerance, Status.OPTIMAL, "dense_jv", time.perf_counter() - start, tolerance, arcs=w.size
    )


# A route's answer: the pairs with their total and tolerance; the exponent to rescale by first; or
# None (a pair made twice, or not proved).
_Found = tuple[list[tuple[int, int]], float, float] | int | None


def _compiled(w: np.ndarray, useful, row_of, col_of, n: int, m: int) -> _Found:
    """Our kernel, one compiled call: costs, whole numbers, solve, proof, pairs."""
    small, large = min(n, m), max(n, m)
    status, pairs, total, exact, scale = jv.dense(
        w,
        useful,
        row_of,
        col_of,
        n > m,  # the kernel and the proof work with rows ≤ columns
        pad=small < large and 20 * small >= 19 * large,  # nearly square (people repeated by capacity)
        limit=_whole_limit(n + m),
        max_exponent=MAX_EXPONENT,
    )
    if status == jv.NO_USEFUL_PAIR:
        return [], 0.0, 0.0
    if status == jv.EXTREME:
        return _extreme_exponent(w, useful)
    if status != jv.PROVED:
        return None
    return pairs, total, 0.0 if exact else small / scale


def _whole_limit(lines: int) -> float:
    """The largest whole cost for ``lines`` rows and columns: sums along any path stay below 2**52."""
    return min(2.0**53, 2.0**52 / (lines + 3))


def _extreme_exponent(w: np.ndarray, useful) -> int:
    """The binary exponent of the largest useful score (beyond 2**±EXTREME_EXPONENT: rescaled first)."""
    return math.frexp(float(_useful_values(w, useful).max()))[1]


def _lapx_proved(w: np.ndarray, useful, row_of, col_of, n: int, m: int) -> _Found:
    """``lapx``'s kernel on the whole-number gains, proved by :func:`revmatch.engine.certify.proved`."""
    values = _useful_values(w, useful)
    if len(values) == 0:
        return [], 0.0, 0.0
    largest = float(values.max())
    if abs(math.frexp(largest)[1]) > EXTREME_EXPONENT:
        return math.frexp(largest)[1]
    # The zeros of pairs not made are multiples of any grain.
    scale, exact = integer_scale(largest, score_grain(values), n + m + 2, precision=2.0**52)
    tall = n > m
    found = _lapx(_private_gain(w, useful, scale, tall), row_of, col_of, tall)
    if found is None:
        return None
    rows, cols = (found[1], found[0]) if tall else found
    rows = rows if row_of is None else row_of[rows]
    cols = cols if col_of is None else col_of[cols]
    if row_of is not None and col_of is not None:
        keys = rows * w.shape[1] + cols
        if len(np.unique(keys)) != len(keys):
            return None  # a pair made twice: the repeated problem is looser than the b-matching
    values = w[rows, cols]
    keep = values > 0  # a pair the kernel filled in with gain 0 (not allowed, or ≤ 0) is not made
    if useful is not None:
        keep &= useful[rows, cols]
    order = np.lexsort((cols[keep], rows[keep]))
    rows, cols, values = rows[keep][order], cols[keep][order], values[keep][order]
    return list(zip(rows.tolist(), cols.tolist())), float(values.sum()), 0.0 if exact else min(n, m) / scale


def _repeated(cap: np.ndarray | int, n: int) -> np.ndarray | None:
    """Each of the ``n`` line indices repeated by its capacity; None when every capacity is 1 (each line once)."""
    if isinstance(cap, int):
        return None if cap == 1 else np.repeat(np.arange(n), cap)
    if cap.min(initial=1) == 1 and cap.max(initial=1) == 1:
        return None
    return np.repeat(np.arange(len(cap)), cap)


def _lapx(gain: np.ndarray, row_of, col_of, tall: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """The pairs of the whole-number gains by ``lapx``'s kernel, proved by :func:`revmatch.engine.certify.proved`."""
    if row_of is not None or col_of is not None:
        n_rows, n_cols = gain.shape[::-1] if tall else gain.shape
        rows = np.arange(n_rows) if row_of is None else row_of
        cols = np.arange(n_cols) if col_of is None else col_of
        gain = take(gain, cols, rows) if tall else take(gain, rows, cols)
    r, c, hint, monge = _kernel(gain)
    # Sweeps pay on small rectangular matrices, not on Monge ones (their exchange paths are long).
    sweeps = 12 if gain.size <= SWEEP_CELLS and not monge else 0
    return (r, c) if proved(gain, r, c, hint=hint, sweeps=sweeps) else None


def _useful_values(w: np.ndarray, useful: np.ndarray | None) -> np.ndarray:
    return w[(w > 0) & useful] if useful is not None else w[w > 0]


def _private_gain(w: np.ndarray, useful: np.ndarray | None, scale: float, transposed: bool) -> np.ndarray:
    """The whole gains ``rint(scale · w)`` where useful and > 0, else 0: a private C-ordered copy, transposed if asked.

    The transposed copy is written tile by tile, then masked: transposing a fresh masked copy
    instead took several times as long on large matrices, one whole transposed copy about half again.
    """
    made = (w > 0) if useful is None else (useful & (w > 0))
    if not transposed:
        gain = np.where(made, w, 0.0)
    else:
        gain = np.empty(w.shape[::-1])
        edge = math.isqrt(BLOCK_CELLS)  # square tiles: both sides' lines stay in cache while copied
        for i in range(0, w.shape[0], edge):
            for j in range(0, w.shape[1], edge):
                gain[j : j + edge, i : i + edge] = w[i : i + edge, j : j + edge].T
        gain[~made.T] = 0.0
    if scale != 1.0:
        np.multiply(gain, scale, out=gain)
        np.round(gain, out=gain)
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
