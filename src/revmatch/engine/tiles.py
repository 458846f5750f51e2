"""Tiles of a mentors × mentees problem: their shapes, their order, the sampled passes' blocks, and threads."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import threadpool_limits

from .tuning import DEFAULT, Tuning


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
    # (measured: the docs' Scale and benchmarks page). Exact either way: the products are integers below 2**24.
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        pending = []
        for job in jobs:
            pending.append(pool.submit(fn, *job))
            if len(pending) > workers:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def candidate_tile_shape(n_rows: int, n_cols: int, tuning: Tuning = DEFAULT) -> tuple[int, int]:
    """``max_tile_mentees`` wide and as tall as ``tile_bytes`` of temporaries allow."""
    cols = max(1, min(n_cols, tuning.max_tile_mentees))
    return max(1, min(n_rows, tuning.tile_bytes // (tuning.bytes_per_cell * cols))), cols


def tiles(n_rows: int, n_cols: int, shape: tuple[int, int], strip_first: bool = False):
    """(rows, cols) index ranges of every tile, row band by row band, in index order.

    ``strip_first``: the first column strip top to bottom first, then the rest band by band, so each
    band's row floors are set before its other tiles; every line still sees its tiles in index order.
    """
    bands, strips = range(0, n_rows, shape[0]), range(0, n_cols, shape[1])
    order = (
        [(r0, 0) for r0 in bands] + [(r0, c0) for r0 in bands for c0 in strips[1:]]
        if strip_first
        else [(r0, c0) for r0 in bands for c0 in strips]
    )
    for r0, c0 in order:
        yield np.arange(r0, min(r0 + shape[0], n_rows)), np.arange(c0, min(c0 + shape[1], n_cols))


def pricing_tile_shape(n_rows: int, n_cols: int, tuning: Tuning = DEFAULT) -> tuple[int, int]:
    """Squares of at most ``pricing_tile`` (twice that from ``sample_cells`` pairs on, where most tiles
    are read through a bound and the cost per tile outweighs the finer skipping) that fit ``tile_bytes``."""
    largest = tuning.pricing_tile * (2 if n_rows * n_cols >= tuning.sample_cells else 1)
    side = min(largest, math.isqrt(tuning.tile_bytes // tuning.bytes_per_cell))
    return max(1, min(n_rows, side)), max(1, min(n_cols, side))


def sampled_blocks(
    shape: tuple[int, int], turn: int, tuning: Tuning = DEFAULT
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges of the ``sample_block`` blocks on both sides, and which blocks (i, j) a sampled pass reads
    on ``turn``: those with ``(i + j + turn) % sample == 0`` — on the first ``first_turns``, ``% m`` with
    ``m`` up to ``sample_first`` but no more than the smaller side's block count (nor less than
    ``sample``), so a line meets as many blocks as before. Depends on the shape and the turn only."""
    t = tuning
    row_edges = np.r_[np.arange(0, shape[0], t.sample_block), shape[0]]
    col_edges = np.r_[np.arange(0, shape[1], t.sample_block), shape[1]]
    blocks = min(len(row_edges), len(col_edges)) - 1
    modulus = t.sample if turn >= t.first_turns else max(t.sample, min(t.sample_first, blocks))
    read = (np.arange(len(row_edges) - 1)[:, None] + np.arange(len(col_edges) - 1) + turn) % modulus == 0
    return row_edges, col_edges, read


def sample_tiles(shape: tuple[int, int], tile: tuple[int, int], turn: int, tuning: Tuning = DEFAULT):
    """Tiles of a sampled pass: the blocks of :func:`sampled_blocks`, each cut into tiles of at most
    ``tile``; blocks and their tiles come row-major, so every line still meets its tiles in index order."""
    row_edges, col_edges, read = sampled_blocks(shape, turn, tuning)
    for i, j in np.argwhere(read):
        b0, b1, c0, c1 = int(row_edges[i]), int(row_edges[i + 1]), int(col_edges[j]), int(col_edges[j + 1])
        for r0 in range(b0, b1, tile[0]):
            for s0 in range(c0, c1, tile[1]):
                yield np.arange(r0, min(r0 + tile[0], b1)), np.arange(s0, min(s0 + tile[1], c1))


def sampled_share(shape: tuple[int, int], turn: int, tuning: Tuning = DEFAULT) -> float:
    """The share of all pairs that :func:`sample_tiles` visits on ``turn``."""
    row_edges, col_edges, read = sampled_blocks(shape, turn, tuning)
    return float(np.outer(np.diff(row_edges), np.diff(col_edges))[read].sum()) / max(1, shape[0] * shape[1])
