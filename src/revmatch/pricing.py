r"""Dual pricing tile by tile: the proof that the candidates' optimum is the optimum over all pairs.

Both routes — the dense one (:func:`revmatch.solve` on a score matrix) and the blocked sparse one
(:func:`revmatch.sparse.sparse_assignment`, which never holds the matrix) — solve on each person's
``k`` best pairs, then hand the solve's duals :math:`u_i, v_j` to a :class:`TilePricer`. It reads
scores a tile at a time from a ``score_tile(rows, cols) -> (scores, valid)`` function (slices of a
matrix, or :func:`revmatch.scoring.score_block`) and finds every valid pair outside the candidates
that violates, :math:`\mathrm{round}(s\,w_{ij}) > u_i + v_j`. All violations are summed into the
bound; the ``k`` worst of each mentor and each mentee join the candidates, and the solve repeats
until none is left.

Pricing skips, exactly and without knowing the score formula, the pairs that cannot violate: a
pair that did not violate last round can violate now only if its price :math:`u_i + v_j` fell, so
later rounds price only those (both sides sorted by their change in price make them a staircase of
whole tiles) and the lines whose violators did not all join; and no pair scores more than its
mentor's best or its mentee's best pair (both are candidates).

Given a :class:`Bounded` (a cheap upper bound of every score of a tile, and exact scores of chosen
pairs), the candidate pass and each pricing tile compute the bound and score exactly only the pairs
whose bound beats the floor or the price: most of a tile is never scored once the floors are set or
the duals are close. A tile where more than ``SPARSE_SHARE`` of the pairs clear the bar is scored
whole instead; either way the result is the same.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

TILE_BYTES = 256 * 2**20   # temporaries of one tile in flight (two are in flight: one per core)
BYTES_PER_CELL = 48        # measured peak of score_block ≈ 27 B per cell, plus the masks and gains here
MAX_TILE_MENTEES = 4096    # candidate tiles' width: merges touch at most this many mentees per tile
PRICING_TILE = 1024        # pricing tiles are at most this square: small enough to skip the pairs whose price rose
WORKERS = 2                # tiles scored at once (threads: numpy and BLAS release the GIL in the heavy parts)
SMALL_CELLS = 2**24        # below this many mentor × mentee pairs, one worker
SAMPLE = 16                # early pricing passes of a large problem read one block in SAMPLE (see TilePricer)
SAMPLE_FIRST = 32          # … the first FIRST_TURNS of them one in this many (where each side has that many
FIRST_TURNS = 2            # blocks): a quarter of all pairs violate then, so a line still meets far more
                           # than k (100k × 100k: 58.9 → 54.4 s; 20k and 30k unchanged)
SAMPLE_CELLS = 2**28       # from this many mentor × mentee pairs (16k × 16k) a full pass is worth sampling
SAMPLE_BLOCK = 1024        # … in a pattern of blocks this square, whatever the tile shape (same pairs for any)
SPARSE_SHARE = 1 / 50      # a tile whose bound lets more pairs than this through is scored whole (measured
                           # here: a pair scored alone costs ~200 ns, a cell of a whole tile ~10 ns)

ScoreTile = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class PricingRound:
    """One pricing pass over every pair outside the candidates."""

    violators: int   # valid pairs whose integer cost beat their dual price u_i + v_j
    added: int       # of which joined the candidates: the k worst of each mentor and each mentee
    excess: float    # Σ (cost − u_i − v_j) over the violators, in the solver's integer cost units
    cells: int       # mentor × mentee cells scored; the bounds skipped the others
    seconds: float
    bounded: int = 0  # cells read through a Bounded score bound (only those clearing it are in ``cells``)
    sampled: bool = False  # read one block in SAMPLE: finds violators, proves nothing (infinite excess)


@dataclass(frozen=True)
class Bounded:
    """Scores read through a cheap upper bound: a pass scores exactly only the pairs whose bound clears its bar.

    ``bound(rows, cols)`` is a float32 tile at least every valid score of the tile (e.g.
    :func:`revmatch.scoring.skill_bound`); ``pairs(rows, cols)`` the exact scores and valid flags of
    the pairs ``(rows[k], cols[k])``. Both take positions, like ``score_tile``.
    """

    bound: Callable[[np.ndarray, np.ndarray], np.ndarray]
    pairs: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

    def above(self, rows: np.ndarray, cols: np.ndarray, clears: Callable[[np.ndarray], np.ndarray]):
        """Tile positions ``(r, c)`` whose bound clears the bar, with their exact scores and valid flags.

        None when more than ``SPARSE_SHARE`` of the tile clears it: scoring the tile whole is cheaper.
        """
        cleared = clears(self.bound(rows, cols))
        if np.count_nonzero(cleared) > SPARSE_SHARE * cleared.size:
            return None
        r, c = sparse_nonzero(cleared)
        w, valid = self.pairs(rows[r], cols[c])
        return r, c, w, valid


def sparse_nonzero(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a mostly False 2-D mask, reading it 8 cells to a word (5× faster at 1 % True)."""
    flat = mask.reshape(-1)
    if flat.size % 8:
        return np.nonzero(mask)
    words = np.flatnonzero(flat.view(np.uint64))
    cells = (words[:, None] * 8 + np.arange(8)).reshape(-1)
    cells = cells[flat[cells]]
    return np.divmod(cells, mask.shape[1])


def bounded_candidates(bounded: Bounded, rows: np.ndarray, cols: np.ndarray, row_floor: np.ndarray,
                       col_floor: np.ndarray):
    """``(r, c, value)`` of the tile's valid cells beating their row's or column's floor, read through the
    bound, and how many cells were scored exactly to find them.

    None when the bound lets too many cells through (floors not yet set, say): score the tile whole.
    A cell can beat a floor only if its bound does, so no contender is missed.
    """
    rf, cf = row_floor.astype(np.float32), col_floor.astype(np.float32)   # scores: exact in float32 here
    got = bounded.above(rows, cols, lambda ub: ub > np.minimum.outer(rf, cf))
    if got is None:
        return None
    r, c, w, valid = got
    keep = valid & ((w > row_floor[r]) | (w > col_floor[c]))
    return (r[keep], c[keep], w[keep]), len(r)


# ---- running top-k ------------------------------------------------------------------------------

class TopK:
    """The ``k`` best entries of each line (a mentor or a mentee) seen so far.

    Ranked by value, ties to the lower index on the other side, so the result never depends on the
    order in which tiles arrive. ``extra`` rides along (the score of a pair ranked by violation).
    """

    def __init__(self, n_lines: int, k: int):
        self.k = k
        self.value = np.full((n_lines, k), -np.inf)
        self.index = np.full((n_lines, k), -1, dtype=np.int64)
        self.extra = np.zeros((n_lines, k))

    def threshold(self, lines: np.ndarray) -> np.ndarray:
        """The k-th best value held per line (-inf while fewer are held): a newcomer must reach it."""
        return self.value[lines, -1]

    def merge(self, line: np.ndarray, index: np.ndarray, value: np.ndarray, extra: np.ndarray) -> None:
        """Offer entries (line, index, value, extra); each line keeps its k best.

        Entries are distinct (line, index) pairs, none already held (tiles and rounds never offer a pair twice).
        """
        if len(line) == 0:
            return
        lines = np.unique(line)
        held_line, held_slot = np.nonzero(np.isfinite(self.value[lines]))
        held = lines[held_line], held_slot
        key = np.concatenate([held[0], line])
        val = np.concatenate([self.value[held], value])
        idx = np.concatenate([self.index[held], index])
        ext = np.concatenate([self.extra[held], extra])
        order = line_order(key, val, idx)
        key, val, idx, ext = key[order], val[order], idx[order], ext[order]
        first = np.r_[True, key[1:] != key[:-1]]
        local = np.cumsum(first) - 1          # runs of a line, in the order of ``lines``
        rank = np.arange(len(key)) - np.flatnonzero(first)[local]
        keep = rank < self.k
        new_value = np.full((len(lines), self.k), -np.inf)
        new_index = np.full((len(lines), self.k), -1, dtype=np.int64)
        new_extra = np.zeros((len(lines), self.k))
        at = local[keep], rank[keep]
        new_value[at], new_index[at], new_extra[at] = val[keep], idx[keep], ext[keep]
        self.value[lines], self.index[lines], self.extra[lines] = new_value, new_index, new_extra


def line_order(line: np.ndarray, value: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``np.lexsort((index, -value, line))`` for non-negative ints ``line``, ``index``: by line, value
    descending, index; one int64 sort of the three packed (4× faster) when they fit 63 bits."""
    ranks, value_rank = np.unique(-value, return_inverse=True)
    bits_v, bits_i = len(ranks).bit_length(), int(index.max()).bit_length()
    if int(line.max()).bit_length() + bits_v + bits_i > 63:
        return np.lexsort((index, -value, line))
    packed = (line.astype(np.int64) << (bits_v + bits_i)) | (value_rank.astype(np.int64) << bits_i) | index
    return np.argsort(packed, kind="stable")


def _kth_best(value: np.ndarray, k: int, axis: int) -> np.ndarray:
    """The k-th largest entry of each line along ``axis`` (-inf where the line is shorter than k)."""
    size = value.shape[axis]
    if size < k:
        return np.full(value.shape[1 - axis], -np.inf)
    return np.partition(value, size - k, axis=axis).take(size - k, axis=axis)


def contenders(value: np.ndarray, row_floor: np.ndarray, col_floor: np.ndarray, k: int, strict: bool = True):
    """Cells that may still enter their mentor's k best or their mentee's: (r, c, to_row, to_col).

    A floor is what a cell must reach on its line: the k-th best value held so far, or 0 (only
    positive values compete; -inf marks a cell that does not). When tiles arrive in increasing index
    order on both sides (``strict``), a cell tied with the k-th held value loses on index, so it must
    beat it; otherwise a tie may still win and is let through. When a floor still lets many through,
    the line's own k-th best in this tile raises it (k cells of the tile are at least as good, and a
    cell tied with it may still win on index).
    """
    need = []
    keep = []
    beats = np.greater if strict else np.greater_equal
    for axis, floor in ((1, row_floor[:, None]), (0, col_floor[None, :])):
        side = value > floor if strict else (value >= floor) & (value > 0)
        kth = None
        if np.count_nonzero(side) > 2 * k * value.shape[1 - axis]:
            kth = _kth_best(value, k, axis)
            side &= value >= (kth[:, None] if axis == 1 else kth[None, :])
        need.append(kth)
        keep.append(side)
    r, c = sparse_nonzero(keep[0] | keep[1])
    v = value[r, c]
    to_row = beats(v, row_floor[r]) & (v > 0)
    to_col = beats(v, col_floor[c]) & (v > 0)
    if need[0] is not None:
        to_row &= v >= need[0][r]
    if need[1] is not None:
        to_col &= v >= need[1][c]
    return r, c, to_row, to_col


def in_order(fn, jobs, workers: int):
    """``fn(*job)`` for each job, computed ``workers`` at a time, yielded in job order.

    A job is built (``jobs`` is a generator) only when a worker frees up, so it can read the latest
    state; results are consumed in order, so the caller's merges are deterministic.
    """
    if workers <= 1:
        for job in jobs:
            yield fn(*job)
        return
    # One BLAS thread per tile: two tiles' GEMMs side by side, each on all cores, oversubscribe them
    # (10k candidate pass 1.6 → 1.3 s). Exact either way: the products are integers below 2**24.
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        pending = []
        for job in jobs:
            pending.append(pool.submit(fn, *job))
            if len(pending) > workers:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def candidate_tile_shape(n_rows: int, n_cols: int) -> tuple[int, int]:
    """``MAX_TILE_MENTEES`` wide and as tall as ``TILE_BYTES`` of temporaries allow."""
    cols = max(1, min(n_cols, MAX_TILE_MENTEES))
    return max(1, min(n_rows, TILE_BYTES // (BYTES_PER_CELL * cols))), cols


def tiles(n_rows: int, n_cols: int, shape: tuple[int, int], strip_first: bool = False):
    """(rows, cols) index ranges of every tile, row band by row band, in index order.

    ``strip_first``: the first column strip top to bottom first, then the rest band by band, so each
    band's row floors are set before its other tiles; every line still sees its tiles in index order.
    """
    bands, strips = range(0, n_rows, shape[0]), range(0, n_cols, shape[1])
    order = ([(r0, 0) for r0 in bands] + [(r0, c0) for r0 in bands for c0 in strips[1:]] if strip_first
             else [(r0, c0) for r0 in bands for c0 in strips])
    for r0, c0 in order:
        yield np.arange(r0, min(r0 + shape[0], n_rows)), np.arange(c0, min(c0 + shape[1], n_cols))


def candidate_pass(shape: tuple[int, int], tile_values: Callable, k: int, tile: tuple[int, int],
                   workers: int = 1, collect: Callable | None = None) -> tuple[TopK, TopK]:
    """Every mentor's and every mentee's ``k`` best positive values, tile by tile in index order.

    ``tile_values(rows, cols, row_floor, col_floor)`` returns the tile's values (-inf, or ≤ 0, for a
    pair that may not be a candidate) and anything else the caller wants from the tile (computed in
    the worker), which ``collect`` receives in tile order. The values may instead be ``(r, c, value)``
    arrays of the tile's cells, every cell beating its row's or its column's floor among them (what a
    :class:`Bounded` read gives). Ties go to the lower index on the other side.
    """
    n_rows, n_cols = shape
    by_row, by_col = TopK(n_rows, k), TopK(n_cols, k)

    def jobs():
        for rows, cols in tiles(n_rows, n_cols, tile, strip_first=True):
            yield rows, cols, np.maximum(by_row.threshold(rows), 0), np.maximum(by_col.threshold(cols), 0)

    def one(rows, cols, row_floor, col_floor):
        w, extra = tile_values(rows, cols, row_floor, col_floor)
        if isinstance(w, tuple):
            r, c, value = w
            to_row, to_col = (value > row_floor[r]) & (value > 0), (value > col_floor[c]) & (value > 0)
            return rows[r], cols[c], value, to_row, to_col, extra
        r, c, to_row, to_col = contenders(w, row_floor, col_floor, k)
        return rows[r], cols[c], w[r, c], to_row, to_col, extra

    for r, c, w, to_row, to_col, extra in in_order(one, jobs(), workers):
        by_row.merge(r[to_row], c[to_row], w[to_row], w[to_row])
        by_col.merge(c[to_col], r[to_col], w[to_col], w[to_col])
        if collect is not None:
            collect(extra)
    return by_row, by_col


def held_arcs(rows: tuple[np.ndarray, np.ndarray, np.ndarray], cols: tuple[np.ndarray, np.ndarray, np.ndarray],
              row_offset: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The union of the pairs each mentor and each mentee holds, as sorted (row · n_cols + col) keys.

    ``rows`` and ``cols`` are (value, index, weight) arrays of shape (lines, k), a line's held
    entries first and -inf values after them (as :class:`TopK` keeps them); ``row_offset`` is the
    first mentor's row. Returns the keys and each pair's weight.
    """
    n_cols = len(cols[0])
    keys, weights = [], []
    for (value, index, weight), rows_are_lines in ((rows, True), (cols, False)):
        line, slot = np.nonzero(np.isfinite(value))
        other = index[line, slot].astype(np.int64)
        r, c = (line + row_offset, other) if rows_are_lines else (other, line)
        keys.append(r.astype(np.int64) * n_cols + c)
        weights.append(weight[line, slot])
    keys, first = np.unique(np.concatenate(keys), return_index=True)
    return keys, np.concatenate(weights)[first]


def candidate_arcs_of(by_row: TopK, by_col: TopK) -> tuple[np.ndarray, np.ndarray]:
    """The union of both running top-k's pairs as sorted keys, with their ``extra`` as weights."""
    return held_arcs((by_row.value, by_row.index, by_row.extra), (by_col.value, by_col.index, by_col.extra))


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` by sorting (numpy 2's hash-based unique is tens of times slower on int64 keys)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


def pricing_tile_shape(n_rows: int, n_cols: int) -> tuple[int, int]:
    """Squares of at most ``PRICING_TILE`` (twice that from ``SAMPLE_CELLS`` pairs on, where most tiles
    are read through a bound and the cost per tile outweighs the finer skipping) that fit ``TILE_BYTES``."""
    largest = PRICING_TILE * (2 if n_rows * n_cols >= SAMPLE_CELLS else 1)   # 30k × 30k pricing 5.4 → 4.5 s
    side = min(largest, math.isqrt(TILE_BYTES // BYTES_PER_CELL))
    return max(1, min(n_rows, side)), max(1, min(n_cols, side))


def line_top(n_lines: int, line: np.ndarray, values: np.ndarray, k: int) -> np.ndarray:
    """Each line's k largest values (descending, -inf padded) among the entries (line, value)."""
    order = np.lexsort((-values, line))
    line, values = line[order], values[order]
    rank = np.arange(len(line)) - np.searchsorted(line, line)
    top = np.full((n_lines, k), -np.inf)
    keep = rank < k
    top[line[keep], rank[keep]] = values[keep]
    return top


def take(matrix: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """``matrix[np.ix_(rows, cols)]``, without copying the side that is every row (or column) in order."""
    whole_rows, whole_cols = (len(ix) == n and bool(np.all(ix == np.arange(n)))
                              for ix, n in zip((rows, cols), matrix.shape))
    if whole_cols:
        return matrix if whole_rows else matrix[rows]
    return matrix[:, cols] if whole_rows else matrix[np.ix_(rows, cols)]


def sampled_blocks(shape: tuple[int, int], turn: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges of the ``SAMPLE_BLOCK`` blocks on both sides, and which blocks (i, j) a sampled pass reads
    on ``turn``: those with ``(i + j + turn) % SAMPLE == 0`` — on the first ``FIRST_TURNS``, ``% m`` with
    ``m`` up to ``SAMPLE_FIRST`` but no more than the smaller side's block count (nor less than
    ``SAMPLE``), so a line meets as many blocks as before. Depends on the shape and the turn only."""
    row_edges = np.r_[np.arange(0, shape[0], SAMPLE_BLOCK), shape[0]]
    col_edges = np.r_[np.arange(0, shape[1], SAMPLE_BLOCK), shape[1]]
    blocks = min(len(row_edges), len(col_edges)) - 1
    modulus = SAMPLE if turn >= FIRST_TURNS else max(SAMPLE, min(SAMPLE_FIRST, blocks))
    read = (np.arange(len(row_edges) - 1)[:, None] + np.arange(len(col_edges) - 1) + turn) % modulus == 0
    return row_edges, col_edges, read


def sample_tiles(shape: tuple[int, int], tile: tuple[int, int], turn: int):
    """Tiles of a sampled pass: the blocks of :func:`sampled_blocks`, each cut into tiles of at most
    ``tile``; blocks and their tiles come row-major, so every line still meets its tiles in index order."""
    row_edges, col_edges, read = sampled_blocks(shape, turn)
    for i, j in np.argwhere(read):
        b0, b1, c0, c1 = int(row_edges[i]), int(row_edges[i + 1]), int(col_edges[j]), int(col_edges[j + 1])
        for r0 in range(b0, b1, tile[0]):
            for s0 in range(c0, c1, tile[1]):
                yield np.arange(r0, min(r0 + tile[0], b1)), np.arange(s0, min(s0 + tile[1], c1))


def sampled_share(shape: tuple[int, int], turn: int) -> float:
    """The share of all pairs that :func:`sample_tiles` visits on ``turn``."""
    row_edges, col_edges, read = sampled_blocks(shape, turn)
    return float(np.outer(np.diff(row_edges), np.diff(col_edges))[read].sum()) / max(1, shape[0] * shape[1])


# ---- the pricer ---------------------------------------------------------------------------------

class TilePricer:
    """The ``price(u, v, scale)`` callback of :func:`revmatch.solver.solve_arcs`, tile by tile.

    ``candidate_keys`` (sorted ``row · n_cols + col``) and ``weights`` are the first solve's arcs;
    every line's best valid pair must be among them (then no pair beats its line's best candidate,
    the bound that lets pricing skip tiles). ``score_tile(rows, cols)`` returns the tile's scores and
    its valid mask (pairs the solver may use), or None when invalid pairs score -inf; rows and cols
    arrive sorted and unique. Each call returns the violators that join (rows, cols, weights) and
    the total excess, and records a :class:`PricingRound`. :meth:`forget` takes back arcs the solver
    dropped.

    On a large problem (``SAMPLE_CELLS``) the first solves' duals are far from the optimum (a tenth
    of all pairs violate at 100k × 100k) and only the k worst per person can join, so the first
    passes read one block in ``SAMPLE`` (a diagonal pattern that moves each pass, so each person meets
    1/SAMPLE of the other side; the first two, one in ``SAMPLE_FIRST``) and report an infinite excess:
    they find plenty of violators at a fraction of the cost and prove nothing. Once a sampled pass
    suggests at most k·(n + m) violators in all (its count over the share it read), or no longer half
    the last one's, and on the solver's ``last`` round, every pass reads all tiles again, and only such
    a pass with none proves the optimum.
    """

    def __init__(self, shape: tuple[int, int], score_tile: ScoreTile, candidate_keys: np.ndarray,
                 weights: np.ndarray, k: int, tile: tuple[int, int] | None = None, workers: int = WORKERS,
                 progress: Callable[[str], None] | None = None, bounded: Bounded | None = None):
        self.n_rows, self.n_cols = shape
        self.score_tile, self.k, self.progress, self.bounded = score_tile, k, progress, bounded
        self.tile = tile or pricing_tile_shape(*shape)
        self.workers = workers if self.n_rows * self.n_cols >= SMALL_CELLS else 1
        self.candidate_keys = candidate_keys
        rows, cols = candidate_keys // self.n_cols, candidate_keys % self.n_cols
        self.row_best = line_top(self.n_rows, rows, weights, 1)[:, 0]
        self.col_best = line_top(self.n_cols, cols, weights, 1)[:, 0]
        self.rounds: list[PricingRound] = []
        self.last: dict[str, np.ndarray] = {}   # last round's duals, and the lines whose violators did not all join
        self.sampling = self.n_rows * self.n_cols >= SAMPLE_CELLS
        self.estimate = math.inf   # violators in all, by the last sampled pass

    def __call__(self, u: np.ndarray, v: np.ndarray, scale: float, last: bool = False):
        if self.sampling and not last:   # the solver's last round gets a full pass: a finite bound
            share = sampled_share((self.n_rows, self.n_cols), len(self.rounds))
            new_rows, new_cols, new_weights, _ = self._pass(u, v, scale, sampled=True)
            # Sample while the violators, scaled from the sample, are more than can join at once and
            # still at least halve each pass; then price every pair.
            estimate = self.rounds[-1].violators / share if share else 0.0
            self.sampling = estimate > self.k * (self.n_rows + self.n_cols) and estimate < self.estimate / 2
            self.estimate = estimate
            if len(new_rows):
                return new_rows, new_cols, new_weights, math.inf
        return self._pass(u, v, scale, sampled=False)

    def _pass(self, u: np.ndarray, v: np.ndarray, scale: float, sampled: bool):
        """One pricing pass: every tile that may hold a violator, or (``sampled``) one in ``SAMPLE``."""
        t0 = time.perf_counter()
        n_rows, n_cols, k, last = self.n_rows, self.n_cols, self.k, self.last
        shape = n_rows, n_cols
        top_row = np.where(np.isfinite(self.row_best), np.round(self.row_best * scale), 0)
        top_col = np.where(np.isfinite(self.col_best), np.round(self.col_best * scale), 0)
        # A pair that did not violate last round can violate now only if its price u_i + v_j fell:
        # only pairs with du_i + dv_j < 0 are priced again, plus every pair of a line that kept
        # violators out last round. Sorting both sides by their change makes those pairs a
        # staircase of whole tiles. The first full pass prices everything, both sides sorted by price
        # (highest first), so a tile's cheapest partner is dear and more people cannot gain in it.
        if last:
            du = (u - last["u"]).astype(np.float64)
            dv = (v - last["v"]).astype(np.float64)
            du[last["dirty_rows"]] = -np.inf
            dv[last["dirty_cols"]] = -np.inf
            row_order, col_order = np.argsort(du, kind="stable"), np.argsort(dv, kind="stable")
        else:
            du, dv = np.full(n_rows, -np.inf), np.full(n_cols, -np.inf)
            row_order, col_order = np.argsort(-u, kind="stable"), np.argsort(-v, kind="stable")
        strict = sampled   # index order (sampled blocks only): a tie with a held value loses (see contenders)
        held_start = np.searchsorted(self.candidate_keys, np.arange(n_rows + 1) * n_cols)
        held_cols = self.candidate_keys % n_cols
        worst_row, worst_col = TopK(n_rows, k), TopK(n_cols, k)
        per_row, per_col = np.zeros(n_rows, np.int64), np.zeros(n_cols, np.int64)
        totals = {"violators": 0, "excess": 0.0, "cells": 0, "bounded": 0}
        # Try the bound while it pays: not after a tile it let too much through, nor after a whole tile
        # with many violators (they all clear the bound). Only the time depends on it, never the result.
        use_bound = [self.bounded is not None]
        exact32 = scale == 1.0 and max(np.abs(u).max(initial=0), np.abs(v).max(initial=0)) < 2**23
        u32, v32 = u.astype(np.float32), v.astype(np.float32)
        beats = np.greater if strict else np.greater_equal
        tile_rows, tile_cols = self.tile

        def staircase():
            for r0 in range(0, n_rows, tile_rows):
                band = row_order[r0:r0 + tile_rows]
                for c0 in range(0, n_cols, tile_cols):
                    if du[band[0]] + dv[col_order[c0]] >= 0:
                        break   # sorted: every later tile of the band has risen in price too
                    yield band, col_order[c0:c0 + tile_cols]

        def jobs():
            for rows_, cols_ in (sample_tiles(shape, self.tile, len(self.rounds)) if sampled else staircase()):
                # Prices that rose against every partner in the tile; and, as no pair beats its
                # mentor's best nor its mentee's best score, those who cannot gain even against
                # the cheapest partner in the tile.
                rows_ = rows_[(du[rows_] + dv[cols_].min() < 0) & (top_row[rows_] - u[rows_] > v[cols_].min())]
                if len(rows_):
                    cols_ = cols_[(dv[cols_] + du[rows_].min() < 0) & (top_col[cols_] - v[cols_] > u[rows_].min())]
                if len(rows_) and len(cols_):
                    rows_, cols_ = np.sort(rows_), np.sort(cols_)
                    yield (rows_, cols_, np.maximum(worst_row.threshold(rows_), 0),
                           np.maximum(worst_col.threshold(cols_), 0))

        def bounded_tile(rows_, cols_, row_floor, col_floor):
            """The violators of a tile among the pairs whose bound beats their price; None: too many."""
            u_t, v_t = u[rows_], v[cols_]
            if exact32:   # the float32 bound, whole prices below 2**23: exact in float32
                u_32, v_32 = u32[rows_], v32[cols_]
                got = self.bounded.above(rows_, cols_, lambda ub: ub - v_32 > u_32[:, None])
            else:
                got = self.bounded.above(rows_, cols_, lambda ub: np.round(ub * np.float64(scale)) - v_t > u_t[:, None])
            if got is None:
                return None
            r, c, w, valid = got
            gain = (np.round(w * scale) if scale != 1.0 else w.astype(np.float64)) - u_t[r] - v_t[c]
            keys = rows_[r] * n_cols + cols_[c]
            at = np.minimum(np.searchsorted(self.candidate_keys, keys), len(self.candidate_keys) - 1)
            violating = valid & (gain > 0) & (self.candidate_keys[at] != keys)   # candidates: the solver's
            r, c, g, w = r[violating], c[violating], gain[violating], w[violating]
            cells = (len(violating), len(rows_) * len(cols_))
            if not len(r):
                return None, 0, 0.0, cells
            counts = (rows_, np.bincount(r, minlength=len(rows_)), cols_, np.bincount(c, minlength=len(cols_)))
            entries = rows_[r], cols_[c], g, w, beats(g, row_floor[r]), beats(g, col_floor[c]), counts
            return entries, len(r), float(g.sum()), cells

        def pricing_tile(rows_, cols_, row_floor, col_floor):
            if use_bound[0]:
                out = bounded_tile(rows_, cols_, row_floor, col_floor)
                use_bound[0] = out is not None
                if out is not None:
                    return out
            w, valid = self.score_tile(rows_, cols_)
            if exact32 and w.dtype == np.float32:   # whole scores and prices: float32 is exact, half the traffic
                gain = np.subtract(w, u32[rows_, None])
                gain -= v32[None, cols_]
            else:
                gain = np.subtract(np.round(w.astype(np.float64) * scale) if scale != 1.0 else w, u[rows_, None])
                gain -= v[None, cols_]
            if valid is not None:   # None: invalid pairs already score -inf
                np.copyto(gain, -np.inf, where=~valid)   # invalid pairs never violate
            # Candidates are priced by the solver itself: drop those in the tile (each tile row's
            # candidates are a slice of the row-sorted candidate list).
            starts, counts = held_start[rows_], held_start[rows_ + 1] - held_start[rows_]
            at = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
            held_r, held_c = np.repeat(np.arange(len(rows_)), counts), held_cols[at]
            at_c = np.minimum(np.searchsorted(cols_, held_c), len(cols_) - 1)
            inside = cols_[at_c] == held_c
            gain[held_r[inside], at_c[inside]] = -np.inf
            violating = gain > 0
            n_violating = int(np.count_nonzero(violating))
            use_bound[0] = self.bounded is not None and n_violating < SPARSE_SHARE / 2 * w.size
            if not n_violating:
                return None, 0, 0.0, (w.size, 0)
            excess = float(np.sum(gain, where=violating, dtype=np.float64))
            counts = (rows_, np.count_nonzero(violating, axis=1), cols_, np.count_nonzero(violating, axis=0))
            r, c, to_row, to_col = contenders(gain, row_floor, col_floor, k, strict)
            return (rows_[r], cols_[c], gain[r, c], w[r, c], to_row, to_col, counts), n_violating, excess, (w.size, 0)

        for entries, n_violating, excess, (cells, bounded) in in_order(pricing_tile, jobs(), self.workers):
            totals["cells"] += cells
            totals["bounded"] += bounded
            if n_violating:
                r, c, g, w, to_row, to_col, (rows_, n_r, cols_, n_c) = entries
                worst_row.merge(r[to_row], c[to_row], g[to_row], w[to_row])
                worst_col.merge(c[to_col], r[to_col], g[to_col], w[to_col])
                totals["violators"] += n_violating
                totals["excess"] += excess
                # Violators per line, to know which lines keep some out of the candidates.
                per_row[rows_] += n_r
                per_col[cols_] += n_c
        new_keys, new_weights = candidate_arcs_of(worst_row, worst_col)
        new_rows, new_cols = new_keys // n_cols, new_keys % n_cols
        self.candidate_keys = sorted_unique(np.concatenate([self.candidate_keys, new_keys]))
        if sampled:   # the next full pass prices every pair: no state to keep
            self.rounds.append(PricingRound(totals["violators"], len(new_keys), math.inf, totals["cells"],
                                            time.perf_counter() - t0, totals["bounded"], sampled=True))
            self._report(n_rows * n_cols)
            return new_rows, new_cols, new_weights, math.inf
        # Lines with violators left out must be priced in full next round; one side suffices (each
        # left-out violator has both its lines left wanting): the one with fewer cells.
        dirty_rows = per_row > np.bincount(new_rows, minlength=n_rows)
        dirty_cols = per_col > np.bincount(new_cols, minlength=n_cols)
        if dirty_rows.sum() * n_cols <= dirty_cols.sum() * n_rows:
            dirty_cols[:] = False
        else:
            dirty_rows[:] = False
        last.update(u=u.copy(), v=v.copy(), dirty_rows=dirty_rows, dirty_cols=dirty_cols)
        self.rounds.append(PricingRound(totals["violators"], len(new_keys), totals["excess"], totals["cells"],
                                        time.perf_counter() - t0, totals["bounded"]))
        self._report(n_rows * n_cols)
        return new_rows, new_cols, new_weights, totals["excess"]

    def _report(self, pairs: int) -> None:
        if self.progress:
            p = self.rounds[-1]
            self.progress(f"pricing round {len(self.rounds)}{' (sampled)' if p.sampled else ''}: {p.violators} "
                          f"violators, {p.added} added, {p.cells / max(1, pairs):.1%} of pairs scored"
                          + (f" ({p.bounded / max(1, pairs):.1%} bounded)" if p.bounded else "")
                          + f", {p.seconds:.1f} s")

    def forget(self, rows: np.ndarray, cols: np.ndarray) -> None:
        """Arcs the solver dropped: priced again from now on (they did not violate at the last duals)."""
        gone = np.sort(rows * self.n_cols + cols)
        at = np.minimum(np.searchsorted(gone, self.candidate_keys), len(gone) - 1)
        self.candidate_keys = self.candidate_keys[gone[at] != self.candidate_keys]

    @property
    def seconds(self) -> float:
        return sum(p.seconds for p in self.rounds)
