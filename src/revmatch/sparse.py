r"""The blocked sparse route: optimal pairs without ever holding the mentors × mentees matrix.

The dense route scores every pair at once, then :func:`revmatch.solve` keeps the ``k`` best pairs
of each mentor and each mentee, solves on them and proves the result optimal by pricing every other
pair with the solve's duals. This route does the same two passes tile by tile — a tile is a block
of mentors × a block of mentees scored by :func:`revmatch.scoring.score_block`, the one scoring
function, so every rule and score part of the dense route applies here unchanged — and keeps only
what the solver needs:

* the candidates: each mentor's and each mentee's ``k`` best allowed pairs with a positive score,
  ranked by score, ties to the lower index (a running top-``k`` across tiles on both sides);
* the pricing: with the duals :math:`u_i, v_j` of the last solve, an allowed pair outside the
  candidates violates when :math:`\mathrm{round}(s\,w_{ij}) > u_i + v_j`; all violations are summed
  into the bound, the ``k`` worst of each mentor and each mentee join the candidates, and the solve
  repeats until none is left (then the candidates' optimum is the optimum over all pairs).

Pricing skips, exactly and without knowing the score formula, the pairs that cannot violate: a
pair that did not violate last round can violate now only if its price :math:`u_i + v_j` fell, so
later rounds price only those (both sides sorted by their change in price make them a staircase of
whole tiles) and the lines whose violators did not all join; and no pair scores more than its
mentor's best or its mentee's best pair (both are candidates). Memory is ``O((n + m) k)`` plus the
tiles in flight.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import solver
from .errors import ConfigError
from .models import Program, Workforce
from .scoring import part_weights, participants, score_block
from .solver import Assignment

TILE_BYTES = 256 * 2**20   # temporaries of one tile in flight (two are in flight: one per core)
BYTES_PER_CELL = 48        # measured peak of score_block ≈ 27 B per cell, plus this route's masks and gains
MAX_TILE_MENTEES = 4096    # tile width: merges touch at most this many mentees per tile
PRICING_TILE = 2048        # pricing tiles are at most this square: fine enough to skip the pairs whose price rose
WORKERS = 2                # tiles scored at once (threads: numpy and BLAS release the GIL in the heavy parts)
SMALL_CELLS = 2**24        # below this many mentor × mentee pairs, one worker


@dataclass(frozen=True)
class PricingRound:
    """One pricing pass over every pair outside the candidates."""

    violators: int   # allowed pairs whose integer cost beat their dual price u_i + v_j
    added: int       # of which joined the candidates: the k worst of each mentor and each mentee
    excess: float    # Σ (cost − u_i − v_j) over the violators, in the solver's integer cost units
    cells: int       # mentor × mentee cells scored; the bound skipped the others
    seconds: float


@dataclass(frozen=True, eq=False)
class SparseAssignment:
    """The outcome of :func:`sparse_assignment`: the solver's assignment and where the time went.

    ``assignment.pairs`` are ``(row, col)`` positions into ``mentor_rows`` and ``mentee_rows``
    (workforce rows of the people who opted in, as :func:`revmatch.scoring.participants` gives them).
    ``timings`` holds seconds per stage: ``candidates``, ``solve`` (all solver rounds), ``pricing``
    (all passes) and ``total``; ``rounds`` details each pricing pass.
    """

    assignment: Assignment
    mentor_rows: np.ndarray
    mentee_rows: np.ndarray
    mentor_capacity: np.ndarray
    mentee_capacity: np.ndarray
    timings: dict[str, float]
    rounds: tuple[PricingRound, ...] = ()
    candidates: int = 0              # arcs in the first solve
    tile: tuple[int, int] = (0, 0)   # mentors × mentees per tile of the candidate pass
    pricing_tile: tuple[int, int] = (0, 0)
    cells: int = 0                   # cells scored by the candidate pass

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return self.assignment.pairs

    @property
    def objective(self) -> float:
        return self.assignment.objective

    @property
    def bound(self) -> float:
        return self.assignment.bound

    @property
    def gap(self) -> float:
        return self.assignment.gap

    @property
    def status(self) -> solver.Status:
        return self.assignment.status


# ---- running top-k ------------------------------------------------------------------------------

class _TopK:
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
        """Offer entries (line, index, value, extra); each line keeps its k best."""
        if len(line) == 0:
            return
        lines, local = np.unique(line, return_inverse=True)
        old_value = self.value[lines]
        held = np.isfinite(old_value)
        held_line = np.nonzero(held)[0]
        key = np.concatenate([held_line, local])
        val = np.concatenate([old_value[held], value])
        idx = np.concatenate([self.index[lines][held], index])
        ext = np.concatenate([self.extra[lines][held], extra])
        order = np.lexsort((idx, -val, key))
        key, val, idx, ext = key[order], val[order], idx[order], ext[order]
        rank = np.arange(len(key)) - np.searchsorted(key, key, side="left")
        keep = rank < self.k
        new_value = np.full((len(lines), self.k), -np.inf)
        new_index = np.full((len(lines), self.k), -1, dtype=np.int64)
        new_extra = np.zeros((len(lines), self.k))
        new_value[key[keep], rank[keep]] = val[keep]
        new_index[key[keep], rank[keep]] = idx[keep]
        new_extra[key[keep], rank[keep]] = ext[keep]
        self.value[lines], self.index[lines], self.extra[lines] = new_value, new_index, new_extra

    def entries(self, rows_are_lines: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Held entries as (row, col, extra) arrays."""
        line, slot = np.nonzero(np.isfinite(self.value))
        other = self.index[line, slot]
        rows, cols = (line, other) if rows_are_lines else (other, line)
        return rows.astype(np.int64), cols.astype(np.int64), self.extra[line, slot]


def _kth_best(value: np.ndarray, k: int, axis: int) -> np.ndarray:
    """The k-th largest entry of each line along ``axis`` (-inf where the line is shorter than k)."""
    size = value.shape[axis]
    if size < k:
        return np.full(value.shape[1 - axis], -np.inf)
    return np.partition(value, size - k, axis=axis).take(size - k, axis=axis)


def _contenders(value: np.ndarray, row_floor: np.ndarray, col_floor: np.ndarray, k: int, strict: bool = True):
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
    r, c = np.nonzero(keep[0] | keep[1])
    v = value[r, c]
    to_row = beats(v, row_floor[r]) & (v > 0)
    to_col = beats(v, col_floor[c]) & (v > 0)
    if need[0] is not None:
        to_row &= v >= need[0][r]
    if need[1] is not None:
        to_col &= v >= need[1][c]
    return r, c, to_row, to_col


# ---- tiles --------------------------------------------------------------------------------------

def _tile_shapes(n_rows: int, n_cols: int, block) -> tuple[tuple[int, int], tuple[int, int]]:
    """Mentors × mentees per tile for the candidate pass and for the pricing passes."""
    if block is None:
        cols = max(1, min(n_cols, MAX_TILE_MENTEES))
        rows = max(1, min(n_rows, TILE_BYTES // (BYTES_PER_CELL * cols)))
        side = min(PRICING_TILE, math.isqrt(TILE_BYTES // BYTES_PER_CELL))
        return (rows, cols), (max(1, min(n_rows, side)), max(1, min(n_cols, side)))
    rows, cols = (block, block) if np.isscalar(block) else block
    if int(rows) < 1 or int(cols) < 1:
        raise ValueError(f"block must be a positive int or a (mentors, mentees) pair of them, got {block!r}")
    return (int(rows), int(cols)), (int(rows), int(cols))


def _tiles(n_rows: int, n_cols: int, shape: tuple[int, int]):
    for r0 in range(0, n_rows, shape[0]):
        for c0 in range(0, n_cols, shape[1]):
            yield np.arange(r0, min(r0 + shape[0], n_rows)), np.arange(c0, min(c0 + shape[1], n_cols))


def _in_order(fn, jobs, workers: int):
    """``fn(*job)`` for each job, computed ``workers`` at a time, yielded in job order.

    A job is built (``jobs`` is a generator) only when a worker frees up, so it can read the latest
    state; results are consumed in order, so the caller's merges are deterministic.
    """
    if workers <= 1:
        for job in jobs:
            yield fn(*job)
        return
    with ThreadPoolExecutor(workers) as pool:
        pending = []
        for job in jobs:
            pending.append(pool.submit(fn, *job))
            if len(pending) > workers:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


# ---- the route ----------------------------------------------------------------------------------

def sparse_assignment(workforce: Workforce, program: Program | None = None, k: int = solver.CANDIDATES_PER_PERSON,
                      block=None, *, max_rounds: int = solver.MAX_PRICING_ROUNDS,
                      workers: int = WORKERS, progress: Callable[[str], None] | None = None) -> SparseAssignment:
    r"""Optimal pairs of a workforce, scored and priced tile by tile (never the full matrix).

    Maximises :math:`\sum_{ij} w_{ij} x_{ij}` subject to the capacities and the programme's rules,
    exactly like ``revmatch.solve(scores.matrix, scores.allowed, ...)``: the same candidates (each
    mentor's and each mentee's ``k`` best allowed positive pairs, ties to the lower index), the same
    pricing rounds, hence the same pairs — in ``O((n + m) k)`` memory.

    Parameters
    ----------
    workforce : Workforce
    program : Program, default=Program()
    k : int, default=solver.CANDIDATES_PER_PERSON
        Candidates per mentor and per mentee; also the most violators per person added per round.
    block : int or (int, int), default=None
        Mentors × mentees per tile. ``None``: for the candidate pass, tiles ``MAX_TILE_MENTEES`` wide
        and as tall as ``TILE_BYTES`` of temporaries allow; for pricing, squares of at most
        ``PRICING_TILE``.
    max_rounds : int, default=solver.MAX_PRICING_ROUNDS
        Solves before giving up on a proof; the result then says "feasible" with an honest bound.
    workers : int, default=2
        Tiles scored at the same time.
    progress : callable, default=None
        Called with a one-line message after the candidate pass and after each pricing pass (a
        100k × 100k run takes minutes).

    Returns
    -------
    SparseAssignment
        The :class:`~revmatch.solver.Assignment` (pairs as positions into ``mentor_rows`` and
        ``mentee_rows``), the participants' workforce rows and capacities, and stage timings.

    Raises
    ------
    ValueError
        For a ``k`` or ``block`` that is not a positive int (or pair of them).
    ConfigError
        For a programme this route does not solve: objectives other than ``total``, locked pairs,
        quotas (use :func:`revmatch.match`).

    Examples
    --------
    >>> import revmatch as rm
    >>> from revmatch.sparse import sparse_assignment
    >>> wf = rm.synthetic_workforce(300, seed=1)
    >>> sa = sparse_assignment(wf, rm.Program(min_level_gap=2), block=64)
    >>> s = rm.score(wf, rm.Program(min_level_gap=2))
    >>> sa.objective == rm.solve(s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity).objective
    True
    >>> sa.status, sa.gap
    (<Status.OPTIMAL: 'optimal'>, 0.0)
    """
    start = time.perf_counter()
    program = program or Program()
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive int, got {k!r}")
    unsupported = [name for name, value in (
        ("objective", getattr(program, "objective", "total") != "total"),
        ("locked", bool(getattr(program, "locked", ()))),
        ("min_matched_share", getattr(program, "min_matched_share", None) is not None),
        ("max_pairs_per_department_pair", getattr(program, "max_pairs_per_department_pair", None) is not None),
    ) if value]
    if unsupported:
        raise ConfigError(f"the sparse route solves the 'total' objective without locks or quotas; this programme "
                          f"sets {', '.join(unsupported)} — use revmatch.match, which scores every pair")
    mentor_rows, mentee_rows = participants(workforce)
    n_rows, n_cols = len(mentor_rows), len(mentee_rows)
    emp = workforce.employees
    row_cap = emp["mentor_capacity"].to_numpy()[mentor_rows].astype(np.int64)
    col_cap = emp["mentee_capacity"].to_numpy()[mentee_rows].astype(np.int64)
    shape, pricing_shape = _tile_shapes(n_rows, n_cols, block)
    if n_rows * n_cols < SMALL_CELLS:
        workers = 1   # threads cost more than they save on a few small tiles
    part_weight = part_weights(program)
    # Skill parts are whole numbers, so whole weights give whole scores; other parts (shared hours)
    # may not be, and then the scores themselves are checked, as solve() does.
    whole_scores = (set(part_weight) <= {"forward", "backward"}
                    and all(float(x).is_integer() for x in part_weight.values()))

    def score_tile(rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w, allowed, _ = score_block(workforce, program, mentor_rows[rows], mentee_rows[cols])
        return w, allowed

    # ---- candidates: every mentor's and every mentee's k best pairs -----------------------------
    by_row, by_col = _TopK(n_rows, k), _TopK(n_cols, k)
    # solve() hands a problem with few valid pairs (allowed, score > 0) to the solver whole: count
    # them, and keep them, until there are too many for that.
    few_limit = k * (n_rows + n_cols)
    few: list | None = []
    stats = {"valid": 0, "fractional": False, "cells": 0}

    def candidate_jobs():
        for rows, cols in _tiles(n_rows, n_cols, shape):
            yield (rows, cols, np.maximum(by_row.threshold(rows), 0), np.maximum(by_col.threshold(cols), 0),
                   few is not None)

    def candidate_tile(rows, cols, row_floor, col_floor, counting):
        w, allowed = score_tile(rows, cols)
        np.copyto(w, -np.inf, where=~allowed)   # a forbidden pair never competes
        n_valid, every, fractional = 0, None, False
        if counting or not whole_scores:
            valid = w > 0
            fractional = not whole_scores and bool(np.any(valid & (w != np.round(w))))
            if counting:
                n_valid = int(np.count_nonzero(valid))
                if n_valid <= few_limit:
                    vr, vc = np.nonzero(valid)
                    every = (rows[vr], cols[vc], w[vr, vc])
        r, c, to_row, to_col = _contenders(w, row_floor, col_floor, k)
        return (rows[r], cols[c], w[r, c], to_row, to_col), n_valid, every, fractional, w.size

    for (r, c, w, to_row, to_col), n_valid, every, fractional, cells in _in_order(
            candidate_tile, candidate_jobs(), workers):
        by_row.merge(r[to_row], c[to_row], w[to_row], w[to_row])
        by_col.merge(c[to_col], r[to_col], w[to_col], w[to_col])
        stats["fractional"] |= fractional
        stats["cells"] += cells
        if few is not None:
            stats["valid"] += n_valid
            if stats["valid"] > few_limit or every is None:
                few = None
            else:
                few.append(every)
    t_candidates = time.perf_counter() - start
    if progress:
        progress(f"candidates: {n_rows} mentors × {n_cols} mentees scored in {t_candidates:.1f} s")

    def result(assignment, rounds=(), n_candidates=0, t_pricing=0.0):
        timings = {"candidates": t_candidates, "solve": assignment.solve_time - t_pricing, "pricing": t_pricing,
                   "total": time.perf_counter() - start}
        return SparseAssignment(assignment, mentor_rows, mentee_rows, row_cap, col_cap, timings, tuple(rounds),
                                n_candidates, shape, pricing_shape, stats["cells"])

    if few is not None:
        # Few allowed pairs: all of them go to the solver, no pricing needed (solve() does the same).
        parts = few or []
        rows = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
        cols = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
        weights = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0)
        order = np.lexsort((cols, rows))
        rows, cols, weights = rows[order], cols[order], weights[order]
        assignment = solver.solve_arcs((n_rows, n_cols), rows, cols, weights, row_cap, col_cap)
        return result(assignment, n_candidates=len(rows))

    r1, c1, w1 = by_row.entries(rows_are_lines=True)
    r2, c2, w2 = by_col.entries(rows_are_lines=False)
    keys, first = np.unique(np.concatenate([r1 * n_cols + c1, r2 * n_cols + c2]), return_index=True)
    rows, cols, weights = keys // n_cols, keys % n_cols, np.concatenate([w1, w2])[first]
    # Each mentor's best pair is a candidate: the candidates' best is the best of all, and bounds every pair.
    row_best, col_best = by_row.value[:, 0].copy(), by_col.value[:, 0].copy()
    del by_row, by_col
    candidate_keys = keys

    # ---- pricing: the pairs outside the candidates that beat their dual price -------------------
    rounds: list[PricingRound] = []
    last = {}   # the previous round's duals, and the lines whose violators did not all join

    def price(u: np.ndarray, v: np.ndarray, scale: float):
        nonlocal candidate_keys
        t0 = time.perf_counter()
        top_row = np.where(np.isfinite(row_best), np.round(row_best * scale), 0)
        top_col = np.where(np.isfinite(col_best), np.round(col_best * scale), 0)
        # A pair that did not violate last round can violate now only if its price u_i + v_j fell:
        # only pairs with du_i + dv_j < 0 are priced again, plus every pair of a line that kept
        # violators out last round. Sorting both sides by their change makes those pairs a
        # staircase of whole tiles. The first round prices everything, in index order.
        if last:
            du = (u - last["u"]).astype(np.float64)
            dv = (v - last["v"]).astype(np.float64)
            du[last["dirty_rows"]] = -np.inf
            dv[last["dirty_cols"]] = -np.inf
            row_order, col_order = np.argsort(du, kind="stable"), np.argsort(dv, kind="stable")
        else:
            du, dv = np.full(n_rows, -np.inf), np.full(n_cols, -np.inf)
            row_order, col_order = np.arange(n_rows), np.arange(n_cols)
        strict = not last   # index order: a tie with a held value loses (see _contenders)
        held_start = np.searchsorted(candidate_keys, np.arange(n_rows + 1) * n_cols)
        held_cols = candidate_keys % n_cols
        worst_row, worst_col = _TopK(n_rows, k), _TopK(n_cols, k)
        per_row, per_col = np.zeros(n_rows, np.int64), np.zeros(n_cols, np.int64)
        totals = {"violators": 0, "excess": 0.0, "cells": 0}

        def jobs():
            for r0 in range(0, n_rows, pricing_shape[0]):
                band = row_order[r0:r0 + pricing_shape[0]]
                for c0 in range(0, n_cols, pricing_shape[1]):
                    if du[band[0]] + dv[col_order[c0]] >= 0:
                        break   # sorted: every later tile of the band has risen in price too
                    rows_, cols_ = band, col_order[c0:c0 + pricing_shape[1]]
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

        def pricing_tile(rows_, cols_, row_floor, col_floor):
            w, allowed = score_tile(rows_, cols_)
            gain = np.subtract(np.round(w * scale) if scale != 1.0 else w, u[rows_, None])
            gain -= v[None, cols_]
            # Forbidden pairs never violate; a pair scoring ≤ 0 cannot (its gain is ≤ 0, as u, v ≥ 0).
            np.copyto(gain, -np.inf, where=~allowed)
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
            if not n_violating:
                return None, 0, 0.0, w.size
            excess = float(np.sum(gain, where=violating))
            counts = (rows_, np.count_nonzero(violating, axis=1), cols_, np.count_nonzero(violating, axis=0))
            r, c, to_row, to_col = _contenders(gain, row_floor, col_floor, k, strict)
            return (rows_[r], cols_[c], gain[r, c], w[r, c], to_row, to_col, counts), n_violating, excess, w.size

        for entries, n_violating, excess, cells in _in_order(pricing_tile, jobs(), workers):
            totals["cells"] += cells
            if n_violating:
                r, c, g, w, to_row, to_col, (rows_, n_r, cols_, n_c) = entries
                worst_row.merge(r[to_row], c[to_row], g[to_row], w[to_row])
                worst_col.merge(c[to_col], r[to_col], g[to_col], w[to_col])
                totals["violators"] += n_violating
                totals["excess"] += excess
                # Violators per line, to know which lines keep some out of the candidates.
                per_row[rows_] += n_r
                per_col[cols_] += n_c
        r1, c1, w1 = worst_row.entries(rows_are_lines=True)
        r2, c2, w2 = worst_col.entries(rows_are_lines=False)
        new_keys, first = np.unique(np.concatenate([r1 * n_cols + c1, r2 * n_cols + c2]), return_index=True)
        new_weights = np.concatenate([w1, w2])[first]
        new_rows, new_cols = new_keys // n_cols, new_keys % n_cols
        candidate_keys = np.union1d(candidate_keys, new_keys)
        # Lines with violators left out must be priced in full next round; one side suffices (each
        # left-out violator has both its lines left wanting): the one with fewer cells.
        dirty_rows = per_row > np.bincount(new_rows, minlength=n_rows)
        dirty_cols = per_col > np.bincount(new_cols, minlength=n_cols)
        if dirty_rows.sum() * n_cols <= dirty_cols.sum() * n_rows:
            dirty_cols[:] = False
        else:
            dirty_rows[:] = False
        last.update(u=u.copy(), v=v.copy(), dirty_rows=dirty_rows, dirty_cols=dirty_cols)
        rounds.append(PricingRound(totals["violators"], len(new_keys), totals["excess"], totals["cells"],
                                   time.perf_counter() - t0))
        if progress:
            p = rounds[-1]
            progress(f"pricing round {len(rounds)}: {p.violators} violators, {p.added} added, "
                     f"{p.cells / max(1, n_rows * n_cols):.1%} of pairs scored, {p.seconds:.1f} s")
        return new_rows, new_cols, new_weights, totals["excess"]

    assignment = solver.solve_arcs((n_rows, n_cols), rows, cols, weights, row_cap, col_cap,
                                   integral=not stats["fractional"], max_weight=float(weights.max()),
                                   price=price, max_rounds=max_rounds)
    return result(assignment, rounds, len(rows), sum(p.seconds for p in rounds))
