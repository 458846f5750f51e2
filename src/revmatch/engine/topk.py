"""Running top-k per line and the candidate pass: every mentor's and every mentee's k best pairs, tile by tile."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .arrays import line_order, sparse_nonzero
from .tiles import in_order, tiles


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
        local = np.cumsum(first) - 1  # runs of a line, in the order of ``lines``
        rank = np.arange(len(key)) - np.flatnonzero(first)[local]
        keep = rank < self.k
        new_value = np.full((len(lines), self.k), -np.inf)
        new_index = np.full((len(lines), self.k), -1, dtype=np.int64)
        new_extra = np.zeros((len(lines), self.k))
        at = local[keep], rank[keep]
        new_value[at], new_index[at], new_extra[at] = val[keep], idx[keep], ext[keep]
        self.value[lines], self.index[lines], self.extra[lines] = new_value, new_index, new_extra


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


def candidate_pass(
    shape: tuple[int, int],
    tile_values: Callable,
    k: int,
    tile: tuple[int, int],
    workers: int = 1,
    collect: Callable | None = None,
) -> tuple[TopK, TopK]:
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


def held_arcs(
    rows: tuple[np.ndarray, np.ndarray, np.ndarray],
    cols: tuple[np.ndarray, np.ndarray, np.ndarray],
    row_offset: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """The union of the pairs each mentor and each mentee holds, as sorted (row · n_cols + col) keys.

    ``rows`` and ``cols`` are (value, index, weight) arrays of shape (lines, k), a line's held
    entries first and -inf values after them (as :class:`TopK` keeps them); ``row_offset`` is the
    first mentor's row. Returns the keys and each pair's weight.
    """
    n_cols = len(cols[0])
    key_parts: list[np.ndarray] = []
    weight_parts: list[np.ndarray] = []
    for (value, index, weight), rows_are_lines in ((rows, True), (cols, False)):
        line, slot = np.nonzero(np.isfinite(value))
        other = index[line, slot].astype(np.int64)
        r, c = (line + row_offset, other) if rows_are_lines else (other, line)
        key_parts.append(r.astype(np.int64) * n_cols + c)
        weight_parts.append(weight[line, slot])
    keys, first = np.unique(np.concatenate(key_parts), return_index=True)
    return keys, np.concatenate(weight_parts)[first]


def candidate_arcs_of(by_row: TopK, by_col: TopK) -> tuple[np.ndarray, np.ndarray]:
    """The union of both running top-k's pairs as sorted keys, with their ``extra`` as weights."""
    return held_arcs((by_row.value, by_row.index, by_row.extra), (by_col.value, by_col.index, by_col.extra))
