"""Array helpers the engine shares: sorted unique keys, sparse masks, per-line rankings, block reads."""

from __future__ import annotations

import numpy as np


def sparse_nonzero(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.nonzero`` of a mostly False 2-D mask, reading it 8 cells to a word."""
    flat = mask.reshape(-1)
    if flat.size % 8:
        rows, cols = np.nonzero(mask)
        return rows, cols
    words = np.flatnonzero(flat.view(np.uint64))
    cells = (words[:, None] * 8 + np.arange(8)).reshape(-1)
    cells = cells[flat[cells]]
    r, c = np.divmod(cells, mask.shape[1])
    return r, c


def line_order(line: np.ndarray, value: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``np.lexsort((index, -value, line))`` for non-negative ints ``line``, ``index``: by line, value
    descending, index; one int64 sort of the three packed (faster) when they fit 63 bits."""
    ranks, value_rank = np.unique(-value, return_inverse=True)
    bits_v, bits_i = len(ranks).bit_length(), int(index.max()).bit_length()
    if int(line.max()).bit_length() + bits_v + bits_i > 63:
        return np.lexsort((index, -value, line))
    packed = (line.astype(np.int64) << (bits_v + bits_i)) | (value_rank.astype(np.int64) << bits_i) | index
    return np.argsort(packed, kind="stable")


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """``np.unique`` by sorting (numpy 2's hash-based unique is much slower on int64 keys)."""
    values = np.sort(values)
    return values[np.r_[True, values[1:] != values[:-1]]] if len(values) else values


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
    whole_rows, whole_cols = (
        len(ix) == n and bool(np.all(ix == np.arange(n))) for ix, n in zip((rows, cols), matrix.shape)
    )
    if whole_cols:
        return matrix if whole_rows else matrix[rows]
    return matrix[:, cols] if whole_rows else matrix[np.ix_(rows, cols)]
