r"""The proof that a b-matching is optimal: dual potentials read off its residual graph, checked on every pair.

A matching found by any algorithm (a compiled Jonker–Volgenant kernel, a rule such as "the
anti-diagonal") is proved optimal the way the flow route is: as a flow in the network source →
mentors → mentees → sink (with a source → sink bypass, so nobody is forced into a pair), it is
optimal exactly when its residual graph has no negative cycle, and then the shortest distances
:math:`d` from a virtual root are potentials. With the source and sink merged into one node
:math:`o` (the bypass makes them equal), the LP duals of

.. math::

    \max \sum w_{ij} x_{ij} \ \text{s.t.}\ \sum_j x_{ij} \le r_i,\ \sum_i x_{ij} \le c_j,\ 0 \le x \le 1

are :math:`U_i = \max(0, d_i - d_o)`, :math:`V_j = \max(0, d_o - d_j)` and, on made pairs,
:math:`Z_{ij} = \max(0, w_{ij} - U_i - V_j)`. Their value :math:`\sum r U + \sum c V + \sum Z` bounds
every matching (weak duality) and equals the matching's total when the distances are exact.

Distances come from Bellman–Ford by frontier: only the rows whose distance fell are relaxed again, a
block of the matrix at a time; on larger matrices along a growing set of pairs, with one pass over
the whole matrix per round to find the pairs that must join (a few rounds suffice). All arithmetic
is on whole numbers held in float64 (below 2**52), so it is exact: a sweep count beyond the node
count means a negative cycle, i.e. the matching was not optimal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .arrays import sorted_unique

# Rows relaxed at once in a dense sweep: a block of this many rows × every column stays in cache.
BLOCK_ROWS = 256


@dataclass
class _Graph:
    """The residual graph of a matching, as what a sweep needs: loads, made pairs, and the distances."""

    gain: np.ndarray  # whole-number gains ≥ 0 (mentors × mentees)
    pair_rows: np.ndarray
    pair_cols: np.ndarray
    row_spare: np.ndarray  # bool: the mentor could take another pair (o → row)
    row_loaded: np.ndarray  # bool: the mentor has a pair (row → o)
    col_spare: np.ndarray
    col_loaded: np.ndarray
    d_row: np.ndarray
    d_col: np.ndarray
    d_o: float = 0.0


def potentials(
    gain: np.ndarray,
    pair_rows: np.ndarray,
    pair_cols: np.ndarray,
    row_cap: np.ndarray,
    col_cap: np.ndarray,
    *,
    start: tuple[np.ndarray, np.ndarray] | None = None,
    sweep_cells: int = 2**14,
) -> tuple[np.ndarray, np.ndarray, float] | None:
    """Shortest distances ``(d_row, d_col, d_o)`` in the residual graph of a matching; None if not optimal.

    Parameters
    ----------
    gain : ndarray of float, shape (n_rows, n_cols)
        Whole-number gains ≥ 0 (scaled scores, 0 for pairs never worth making), below 2**52 / (n + m).
    pair_rows, pair_cols : ndarray of int
        The made pairs, within ``row_cap`` and ``col_cap``.
    start : (d_row, d_col), optional
        Distances to start from (any values converge; good ones converge in a sweep or two).
    sweep_cells : int, default=2**14
        Up to this many pairs every sweep relaxes every pair. Larger matrices are relaxed along a
        growing set of pairs, and every pair is checked once per round (see :func:`_rounds`).

    Returns
    -------
    tuple or None
        The distances, or None when a negative cycle shows the matching is not optimal.
    """
    n_rows, n_cols = gain.shape
    row_load = np.bincount(pair_rows, minlength=n_rows)
    col_load = np.bincount(pair_cols, minlength=n_cols)
    d_row, d_col = (np.zeros(n_rows), np.zeros(n_cols)) if start is None else (start[0].copy(), start[1].copy())
    g = _Graph(
        gain, pair_rows, pair_cols, row_load < row_cap, row_load > 0, col_load < col_cap, col_load > 0, d_row, d_col
    )
    # A made pair's forward arc is saturated. When a side has capacity 1 it may stay in the sweeps:
    # with its reverse arc it only forms a zero-cost cycle, since no pair can be made twice anyway.
    made = None
    if row_cap.max(initial=0) > 1 and col_cap.max(initial=0) > 1:
        made = np.zeros(gain.shape, bool)
        made[pair_rows, pair_cols] = True
    ok = _bellman_ford(g, _dense_relax(gain, made)) if gain.size <= sweep_cells else _rounds(g, made)
    return (g.d_row, g.d_col, g.d_o) if ok else None


def dual_bound(
    gain: np.ndarray,
    pair_rows: np.ndarray,
    pair_cols: np.ndarray,
    row_cap: np.ndarray,
    col_cap: np.ndarray,
    distances: tuple[np.ndarray, np.ndarray, float],
) -> float:
    """``Σ r U + Σ c V + Σ Z`` from converged distances (their fixpoint already holds on every unmade pair)."""
    d_row, d_col, d_o = distances
    u = np.maximum(0.0, d_row - d_o)
    v = np.maximum(0.0, d_o - d_col)
    z = np.maximum(0.0, gain[pair_rows, pair_cols] - u[pair_rows] - v[pair_cols])
    return float(row_cap @ u + col_cap @ v + z.sum())


def _dense_relax(gain: np.ndarray, made: np.ndarray | None) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    """``best_j = min over the given rows i of d_i − gain_ij``, a block of rows at a time."""

    def relax(rows: np.ndarray, d_row: np.ndarray) -> np.ndarray:
        best = np.full(gain.shape[1], np.inf)
        for k in range(0, len(rows), BLOCK_ROWS):
            block = rows[k : k + BLOCK_ROWS]
            reach = np.subtract(d_row[block, None], gain[block])
            if made is not None:
                reach[made[block]] = np.inf
            np.minimum(best, reach.min(axis=0), out=best)
        return best

    return relax


def _rounds(g: _Graph, made: np.ndarray | None) -> bool:
    """Bellman–Ford on a growing set of pairs, checked against every pair once per round.

    Each round relaxes to a fixpoint along the pairs kept so far (cheap: a few per mentor), then
    one pass over the matrix finds the mentees whose distance some mentor beats, ``min_i d_i −
    gain_ij < d_j``; each one's best mentor joins. No mentee left proves the distances for all. The
    first pairs are each mentor's and each mentee's best.
    """
    n_rows, n_cols = g.gain.shape
    keys = np.zeros(0, np.int64)
    if made is None:
        by_row = g.gain.argmax(axis=1)
        keys = sorted_unique(np.concatenate([np.arange(n_rows) * n_cols + by_row, _best_rows(g, None)]))
    for _ in range(n_rows + n_cols + 3):
        if len(keys) and not _bellman_ford(g, _sparse_relax(g.gain, keys // n_cols, keys % n_cols)):
            return False
        joining = _best_rows(g, made)
        if len(joining) == 0:
            return True
        keys = sorted_unique(np.concatenate([keys, joining]))
    return False


def _best_rows(g: _Graph, made: np.ndarray | None) -> np.ndarray:
    """Keys ``i * n_cols + j`` of each mentee ``j`` that mentor ``i`` reaches below ``d_j`` (the best such ``i``)."""
    gain, d_row = g.gain, g.d_row
    n_rows, n_cols = gain.shape
    best = np.full(n_cols, np.inf)
    for k in range(0, n_rows, BLOCK_ROWS):
        reach = np.subtract(d_row[k : k + BLOCK_ROWS, None], gain[k : k + BLOCK_ROWS])
        if made is not None:
            reach[made[k : k + BLOCK_ROWS]] = np.inf
        np.minimum(best, reach.min(axis=0), out=best)
    falls = np.flatnonzero(best < g.d_col)
    if len(falls) == 0:
        return falls
    # Only the falling mentees' columns are searched for their mentor (a small gather after the first round).
    reach = d_row[:, None] - gain[:, falls]
    if made is not None:
        reach[made[:, falls]] = np.inf
    return reach.argmin(axis=0) * n_cols + falls


def _sparse_relax(gain: np.ndarray, rows: np.ndarray, cols: np.ndarray):
    """The same relaxation along the given pairs only (sorted by row), a subgraph: distances stay valid."""
    n_rows, n_cols = gain.shape
    arc_gain = gain[rows, cols]
    start = np.searchsorted(rows, np.arange(n_rows + 1))

    def relax(changed: np.ndarray, d_row: np.ndarray) -> np.ndarray:
        counts = start[changed + 1] - start[changed]
        arcs = np.repeat(start[changed] - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        best = np.full(n_cols, np.inf)
        np.minimum.at(best, cols[arcs], d_row[rows[arcs]] - arc_gain[arcs])
        return best

    return relax


def _bellman_ford(g: _Graph, relax: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> bool:
    """Relax until nothing falls; False after more sweeps than nodes (a negative cycle)."""
    pair_gain = g.gain[g.pair_rows, g.pair_cols]
    changed = np.arange(len(g.d_row))
    for _ in range(len(g.d_row) + len(g.d_col) + 3):
        # Mentor → mentee along unmade pairs.
        falls = np.zeros(0, np.int64)
        if len(changed):
            best = relax(changed, g.d_row)
            falls = np.flatnonzero(best < g.d_col)
            g.d_col[falls] = best[falls]
        # The merged source–sink node o: a loaded mentor → o, a mentee with room → o, then back.
        d_o = min(
            g.d_o,
            float(g.d_row[g.row_loaded].min(initial=np.inf)),
            float(g.d_col[g.col_spare].min(initial=np.inf)),
        )
        o_fell = d_o < g.d_o
        g.d_o = d_o
        if o_fell:
            np.minimum(g.d_col, np.where(g.col_loaded, d_o, np.inf), out=g.d_col)
        # Mentee → their mentor along made pairs (reverse arcs), and o → mentors with room.
        new_row = np.where(g.row_spare, np.minimum(g.d_row, d_o), g.d_row)
        np.minimum.at(new_row, g.pair_rows, g.d_col[g.pair_cols] + pair_gain)
        changed = np.flatnonzero(new_row < g.d_row)
        g.d_row = new_row
        if len(changed) == 0 and len(falls) == 0 and not o_fell:
            return True
    return False
