r"""The blocked sparse route: optimal pairs without ever holding the mentors × mentees matrix.

The dense route scores every pair at once, then :func:`revmatch.solve` keeps the ``k`` best pairs
of each mentor and each mentee, solves on them and proves the result optimal by pricing every other
pair with the solve's duals. This route runs the same two passes (:mod:`revmatch.pricing`, shared by
both routes) on tiles scored by :func:`revmatch.scoring.score_block` — the one scoring function, so
every rule and score part of the dense route applies here unchanged — and keeps only what the solver
needs:

* the candidates: each mentor's and each mentee's ``k`` best allowed pairs with a positive score,
  ranked by score, ties to the lower index (a running top-``k`` across tiles on both sides);
* the pricing: with the duals :math:`u_i, v_j` of the last solve, an allowed pair outside the
  candidates violates when :math:`\mathrm{round}(s\,w_{ij}) > u_i + v_j`; all violations are summed
  into the bound, the ``k`` worst of each mentor and each mentee join the candidates, and the solve
  repeats until none is left (then the candidates' optimum is the optimum over all pairs).

When every score fits ``CACHE_BYTES`` the candidate pass keeps them (float32 for whole or dyadic
weights) and pricing reads them back instead of scoring again; otherwise memory is
``O((n + m) k)`` plus the tiles in flight, and (for skill-only programmes) every pass reads the
scores through :func:`revmatch.scoring.skill_bound`: a GEMM at a fifth of the scoring one bounds
each pair, and only the pairs whose bound beats the pass's bar are scored exactly.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from . import solver
from .errors import ConfigError
from .models import Program, Workforce
from .pricing import (SMALL_CELLS, WORKERS, Bounded, PricingRound, TilePricer, bounded_candidates, candidate_arcs_of,
                      candidate_pass, candidate_tile_shape, line_top, pricing_tile_shape, take)
from .scoring import (available_memory, exact_in_float32, part_weights, participants, score_block,
                      skill_bound)
from .solver import Assignment

CACHE_BYTES = 2**30        # scores kept for pricing up to this size (10k × 10k float32 is 0.4 GB)


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
    mentor_top: np.ndarray | None = None   # each mentor's k best allowed positive scores (descending, -inf padded)
    mentee_top: np.ndarray | None = None
    scores: np.ndarray | None = None         # every pair's score (forbidden: -inf) when it fit the cache budget

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


# ---- tiles --------------------------------------------------------------------------------------

def unsupported_settings(program: Program) -> list[str]:
    """The programme's settings this route does not solve (it solves ``total`` without locks or quotas)."""
    return [name for name, value in (
        ("objective", program.objective != "total"),
        ("locked", bool(program.locked)),
        ("min_matched_share", program.min_matched_share is not None),
        ("max_pairs_per_department_pair", program.max_pairs_per_department_pair is not None),
    ) if value]


def _tile_shapes(n_rows: int, n_cols: int, block) -> tuple[tuple[int, int], tuple[int, int]]:
    """Mentors × mentees per tile for the candidate pass and for the pricing passes."""
    if block is None:
        return candidate_tile_shape(n_rows, n_cols), pricing_tile_shape(n_rows, n_cols)
    rows, cols = (block, block) if np.isscalar(block) else block
    if int(rows) < 1 or int(cols) < 1:
        raise ValueError(f"block must be a positive int or a (mentors, mentees) pair of them, got {block!r}")
    return (int(rows), int(cols)), (int(rows), int(cols))


# ---- the route ----------------------------------------------------------------------------------

def sparse_assignment(workforce: Workforce, program: Program | None = None, k: int = solver.CANDIDATES_PER_PERSON,
                      block=None, *, max_rounds: int = solver.MAX_PRICING_ROUNDS,
                      workers: int = WORKERS, progress: Callable[[str], None] | None = None,
                      cache_bytes: int = CACHE_BYTES, client=None) -> SparseAssignment:
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
    cache_bytes : int, default=CACHE_BYTES
        When all scores fit this (and a quarter of the free memory), the candidate pass keeps them
        and pricing reads them instead of scoring again; 0 never keeps them.
    client : distributed.Client, optional
        Run the candidate pass on this Dask cluster (:func:`revmatch.distributed.candidate_arcs`,
        in bands of mentors); the solves and the pricing passes run here, in memory linear in the
        people. Same optimum; with few valid pairs the solve starts from the candidates rather than
        from every valid pair, so among equal optima the pairs may differ from the serial run.

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
    settings = unsupported_settings(program)
    if settings:
        raise ConfigError(f"the sparse route solves the 'total' objective without locks or quotas; this programme "
                          f"sets {', '.join(settings)} — use revmatch.match, which scores every pair")
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
        w, allowed, _ = score_block(workforce, program, mentor_rows[rows], mentee_rows[cols], with_parts=False)
        return w, allowed

    # Pricing scores every pair again each round. When the scores fit the cache budget, the
    # candidate pass keeps them (forbidden pairs as -inf) and pricing reads them back instead.
    itemsize = 4 if exact_in_float32(part_weight, workforce.proficiency.shape[1]) else 8
    budget = min(cache_bytes, available_memory() // 4 or cache_bytes)
    cache = np.empty((n_rows, n_cols), np.float32 if itemsize == 4 else np.float64) \
        if client is None and 0 < n_rows * n_cols * itemsize <= budget else None

    def cached_tile(rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, None]:
        return take(cache, rows, cols), None   # forbidden pairs are -inf there

    # Without the cache, passes read the scores through the skill bound: a fifth of the GEMM for
    # every pair, then exact scores only for the pairs whose bound clears the pass's bar.
    bound = skill_bound(workforce, program, mentor_rows, mentee_rows) if cache is None and whole_scores else None
    bounded = None if bound is None else Bounded(
        bound=bound,
        pairs=lambda rows, cols: score_block(workforce, program, mentor_rows[rows], mentee_rows[cols],
                                             with_parts=False, aligned=True)[:2])

    if client is not None:
        # The candidate pass on a Dask cluster (revmatch.distributed); solves and pricing stay here.
        from .distributed import candidate_arcs

        arcs = candidate_arcs(workforce, program, k, client=client)
        few, cache = None, None
        stats = {"fractional": not whole_scores, "cells": n_rows * n_cols}
        keys, weights = arcs.rows * n_cols + arcs.cols, arcs.weights
        mentor_top, mentee_top = line_top(n_rows, arcs.rows, weights, k), line_top(n_cols, arcs.cols, weights, k)
    else:
        # ---- candidates: every mentor's and every mentee's k best pairs -----------------------------
        # solve() hands a problem with few valid pairs (allowed, score > 0) to the solver whole: count
        # them, and keep them, until there are too many for that (then memory stays O((n + m) k)).
        few_limit = k * (n_rows + n_cols)
        few: list | None = []
        stats = {"valid": 0, "fractional": False, "cells": 0}

        def candidate_tile(rows, cols, row_floor, col_floor):
            if bounded is not None and few is None:   # the count of valid pairs is over
                found = bounded_candidates(bounded, rows, cols, row_floor, col_floor)
                if found is not None:
                    entries, scored = found
                    return entries, (0, None, False, scored)
            w, allowed = score_tile(rows, cols)
            np.copyto(w, -np.inf, where=~allowed)   # a forbidden pair never competes
            if cache is not None:   # tiles are disjoint ranges: workers write without clashing
                cache[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1] = w
            n_valid, every, fractional = 0, None, False
            if few is not None or not whole_scores:
                valid = w > 0
                fractional = not whole_scores and bool(np.any(valid & (w != np.round(w))))
                if few is not None:
                    n_valid = int(np.count_nonzero(valid))
                    if n_valid <= few_limit:
                        vr, vc = np.nonzero(valid)
                        every = (rows[vr], cols[vc], w[vr, vc])
            return w, (n_valid, every, fractional, w.size)

        def collect(extra):
            nonlocal few
            n_valid, every, fractional, cells = extra
            stats["fractional"] |= fractional
            stats["cells"] += cells
            if few is not None:
                stats["valid"] += n_valid
                if stats["valid"] > few_limit or every is None:
                    few = None
                else:
                    few.append(every)

        by_row, by_col = candidate_pass((n_rows, n_cols), candidate_tile, k, shape, workers, collect)
        mentor_top, mentee_top = by_row.value, by_col.value
        keys, weights = candidate_arcs_of(by_row, by_col)
    t_candidates = time.perf_counter() - start
    if progress:
        progress(f"candidates: {n_rows} mentors × {n_cols} mentees scored in {t_candidates:.1f} s")

    def result(assignment, rounds=(), n_candidates=0, t_pricing=0.0):
        timings = {"candidates": t_candidates, "solve": assignment.solve_time - t_pricing, "pricing": t_pricing,
                   "total": time.perf_counter() - start}
        return SparseAssignment(assignment, mentor_rows, mentee_rows, row_cap, col_cap, timings, tuple(rounds),
                                n_candidates, shape, pricing_shape, stats["cells"], mentor_top, mentee_top, cache)

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

    rows, cols = keys // n_cols, keys % n_cols
    if not len(rows):   # nobody has an allowed pair with a positive score
        return result(solver.solve_arcs((n_rows, n_cols), rows, cols, weights, row_cap, col_cap))

    # ---- pricing: the pairs outside the candidates that beat their dual price -------------------
    pricer = TilePricer((n_rows, n_cols), score_tile if cache is None else cached_tile, keys, weights, k,
                        pricing_shape, workers, progress, bounded)
    assignment = solver.solve_arcs((n_rows, n_cols), rows, cols, weights, row_cap, col_cap,
                                   integral=not stats["fractional"], max_weight=float(weights.max()),
                                   price=pricer, max_rounds=max_rounds)
    return result(assignment, pricer.rounds, len(rows), pricer.seconds)
