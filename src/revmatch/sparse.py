r"""The blocked sparse route: optimal pairs without ever holding the mentors × mentees matrix.

The dense route scores every pair at once, then :func:`revmatch.solve` keeps the ``k`` best pairs
of each mentor and each mentee, solves on them and proves the result optimal by pricing every other
pair with the solve's duals. This route runs the same two passes (:mod:`revmatch.engine.pricing`, shared by
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

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .engine import Assignment, Bounded, PricingRound, Status, TilePricer, Tuning, solve_arcs
from .engine.arrays import line_top, take
from .engine.bounds import bounded_candidates
from .engine.mincost import score_grain
from .engine.tiles import candidate_tile_shape, pricing_tile_shape
from .engine.topk import candidate_arcs_of, candidate_pass
from .errors import ConfigError
from .models import Workforce
from .preferences import preference_grain
from .program import Program
from .resources import available_memory
from .rules import capacities, participants
from .scoring import check_skill_memory, float32_exact, part_weights, score_block, skill_bound

CACHE_BYTES = 2**30  # scores kept for pricing up to this size (10k × 10k float32 is 0.4 GB)


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
    candidates: int = 0  # arcs in the first solve
    tile: tuple[int, int] = (0, 0)  # mentors × mentees per tile of the candidate pass
    pricing_tile: tuple[int, int] = (0, 0)
    cells: int = 0  # cells scored by the candidate pass
    mentor_top: np.ndarray | None = None  # each mentor's k best allowed positive scores (descending, -inf padded)
    mentee_top: np.ndarray | None = None
    scores: np.ndarray | None = None  # every pair's score (forbidden: -inf) when it fit the cache budget
    workers: int = 1  # tiles scored at once (threads)

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
    def status(self) -> Status:
        return self.assignment.status


def unsupported_settings(program: Program, locks: bool = False) -> list[str]:
    """The programme's settings this route does not solve (it solves ``total`` without locks or quotas;
    ``locks=True``: with locks, as :func:`revmatch.sparse_locks.sparse_with_locks` solves them)."""
    return [
        name
        for name, value in (
            ("objective", program.objective != "total"),
            ("locked", bool(program.locked) and not locks),
            ("min_matched_share", program.min_matched_share is not None),
            ("max_pairs_per_department_pair", program.max_pairs_per_department_pair is not None),
            ("priority_first", program.priority_first),
        )
        if value
    ]


def sparse_assignment(
    workforce: Workforce,
    program: Program | None = None,
    k: int | None = None,
    block=None,
    *,
    max_rounds: int | None = None,
    workers: int | None = None,
    progress: Callable[[str], None] | None = None,
    cache_bytes: int = CACHE_BYTES,
    memory_limit: int | None = None,
    client=None,
    tuning: Tuning | None = None,
) -> SparseAssignment:
    r"""Optimal pairs of a workforce, scored and priced tile by tile (never the full matrix).

    Maximises :math:`\sum_{ij} w_{ij} x_{ij}` under the capacities and the programme's rules exactly
    like ``revmatch.solve`` on the dense scores — the same candidates, the same pricing rounds, the
    same pairs — in ``O((n + m) k)`` memory.

    Parameters
    ----------
    workforce : Workforce
    program : Program, default=Program()
    k, max_rounds, workers : int, optional
        Shorthands for the :class:`~revmatch.engine.Tuning` fields of these names (candidates per
        person, solves before giving up on a proof, tiles scored at once); ``tuning`` sets the rest.
    block : int or (int, int), optional
        Mentors × mentees per tile of both passes (default: from ``tuning``).
    progress : callable, optional
        Called with a one-line message after the candidate pass and after each pricing pass.
    cache_bytes : int, default=CACHE_BYTES
        Scores up to this size (and a quarter of ``memory_limit``) are kept for pricing; 0: never.
    memory_limit : int, optional
        Bytes this run may count on (default: what the system reports free now).
    client : distributed.Client, optional
        Run the candidate pass on this Dask cluster; solves and pricing run here.
    tuning : Tuning, optional

    Raises
    ------
    ConfigError
        A bad ``k``, ``block`` or ``workers``; a programme this route does not solve (objectives
        other than ``total``, locks, quotas: use :func:`revmatch.match`).

    Examples
    --------
    >>> import revmatch as rm
    >>> wf, gap2 = rm.synthetic_workforce(300, seed=1), rm.Program(min_level_gap=2)
    >>> sa, s = sparse_assignment(wf, gap2, block=64), rm.score(wf, gap2)
    >>> sa.objective == rm.solve(s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity).objective
    True
    """
    start = time.perf_counter()
    program = program or Program()
    tuning = _tuning(tuning, k=k, max_rounds=max_rounds, workers=workers)
    _check_supported(program)
    problem = _Problem.of(workforce, program, tuning, block)
    # A tile's skill blocks against the memory free now (memory_limit budgets the score cache only).
    check_skill_memory(max(map(sum, (problem.candidate_tile, problem.pricing_tile))), len(workforce.skill_names))
    free = available_memory() if memory_limit is None else memory_limit
    cache = problem.score_cache(min(cache_bytes, free // 4 or cache_bytes)) if client is None else None
    # Without the cache, passes read the scores through the skill bound: a fifth of the GEMM for
    # every pair, then exact scores only for the pairs whose bound clears the pass's bar.
    bounded = problem.bounded() if cache is None else None
    found = _candidates(problem, cache, bounded, client)
    t_candidates = time.perf_counter() - start
    if progress:
        progress(f"candidates: {problem.n_rows} mentors × {problem.n_cols} mentees scored in {t_candidates:.1f} s")
    assignment, pricer = _solve(problem, found, cache, bounded, progress)
    t_pricing = pricer.seconds if pricer else 0.0
    timings = {
        "candidates": t_candidates,
        "solve": assignment.solve_time - t_pricing,
        "pricing": t_pricing,
        "total": time.perf_counter() - start,
    }
    return _result(problem, found, assignment, pricer, cache, timings)


def _result(
    problem: _Problem,
    found: _Found,
    assignment: Assignment,
    pricer: TilePricer | None,
    cache: np.ndarray | None,
    timings: dict[str, float],
) -> SparseAssignment:
    rounds = tuple(pricer.rounds if pricer else ())
    workers = problem.tuning.workers_for(problem.cells)
    return SparseAssignment(
        assignment,
        problem.mentor_rows,
        problem.mentee_rows,
        problem.row_cap,
        problem.col_cap,
        timings,
        rounds,
        found.arcs,
        problem.candidate_tile,
        problem.pricing_tile,
        found.cells,
        found.mentor_top,
        found.mentee_top,
        cache,
        workers,
    )


def _check_supported(program: Program) -> None:
    settings = unsupported_settings(program)
    if settings:
        raise ConfigError(
            f"the sparse route solves the 'total' objective without locks or quotas; this programme "
            f"sets {', '.join(settings)} — use revmatch.match, which scores every pair"
        )


def _solve(
    problem: _Problem,
    found: _Found,
    cache: np.ndarray | None,
    bounded: Bounded | None,
    progress: Callable[[str], None] | None,
) -> tuple[Assignment, TilePricer | None]:
    """The solves: all valid pairs when they are few (as solve() does), else candidates and pricing."""
    rows, cols = found.keys // problem.n_cols, found.keys % problem.n_cols
    if found.every is not None or not len(rows):
        rows, cols, weights = found.every if found.every is not None else (rows, cols, found.weights)
        arcs = solve_arcs(problem.shape, rows, cols, weights, problem.row_cap, problem.col_cap, tuning=problem.tuning)
        return arcs, None
    # Pricing: the pairs outside the candidates that beat their dual price.
    score_tile = problem.score_tile if cache is None else lambda r, c: (take(cache, r, c), None)
    pricer = TilePricer(
        problem.shape, score_tile, found.keys, found.weights, problem.tuning, problem.pricing_tile, progress, bounded
    )
    assignment = solve_arcs(
        problem.shape,
        rows,
        cols,
        found.weights,
        problem.row_cap,
        problem.col_cap,
        grain=found.grain,
        max_weight=float(found.weights.max()),
        price=pricer,
        tuning=problem.tuning,
    )
    return assignment, pricer


def _tuning(tuning: Tuning | None, **shorthands) -> Tuning:
    """The tuning with the shorthand arguments given (not None) folded in, checked."""
    from dataclasses import replace

    given = {name: value for name, value in shorthands.items() if value is not None}
    for name, value in given.items():
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"{name} must be a positive int, got {value!r}")
    values: dict[str, Any] = {name: int(value) for name, value in given.items()}
    return replace(tuning or Tuning(), **values)


# ---- the problem as tiles -------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class _Problem:
    """The route's view of one programme: who takes part, their capacities, and how a tile is scored."""

    workforce: Workforce
    program: Program
    tuning: Tuning
    mentor_rows: np.ndarray
    mentee_rows: np.ndarray
    row_cap: np.ndarray
    col_cap: np.ndarray
    candidate_tile: tuple[int, int]
    pricing_tile: tuple[int, int]
    grain: float | None  # every score is a multiple of it (skill parts only); None: found from the scores

    @classmethod
    def of(cls, workforce: Workforce, program: Program, tuning: Tuning, block) -> _Problem:
        mentor_rows, mentee_rows = participants(workforce, program)
        shape = len(mentor_rows), len(mentee_rows)
        weights = part_weights(program)
        # Skill parts are whole numbers, so the scores lie on the weights' grain; other parts (shared
        # hours) may not, and then the scores themselves are read, as solve() does.
        skill_only = set(weights) <= {"forward", "backward", "preference"}  # stated ranks: halving points
        grains = [*weights.values(), weights.get("preference", 1.0) * preference_grain(program.preferences)]
        grain = score_grain(np.array(grains)) if skill_only else None
        return cls(
            workforce,
            program,
            tuning,
            mentor_rows,
            mentee_rows,
            capacities(workforce, program, "mentor")[mentor_rows],
            capacities(workforce, program, "mentee")[mentee_rows],
            *_tile_shapes(*shape, block, tuning),
            grain,
        )

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.mentor_rows), len(self.mentee_rows)

    @property
    def n_rows(self) -> int:
        return len(self.mentor_rows)

    @property
    def n_cols(self) -> int:
        return len(self.mentee_rows)

    @property
    def cells(self) -> int:
        return self.n_rows * self.n_cols

    def score_tile(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        w, allowed, _ = score_block(
            self.workforce, self.program, self.mentor_rows[rows], self.mentee_rows[cols], with_parts=False
        )
        return w, allowed

    def exact_pairs(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return score_block(
            self.workforce, self.program, self.mentor_rows[rows], self.mentee_rows[cols], with_parts=False, aligned=True
        )[:2]

    def score_cache(self, budget: int) -> np.ndarray | None:
        """Room for every score when it fits ``budget`` (float32 where exact): pricing then reads it back."""
        exact32 = float32_exact(self.program, self.workforce.proficiency.shape[1])
        itemsize = 4 if exact32 else 8
        if not 0 < self.n_rows * self.n_cols * itemsize <= budget:
            return None
        return np.empty(self.shape, np.float32 if exact32 else np.float64)

    def bounded(self) -> Bounded | None:
        """Scores read through the skill bound, for skill-only programmes with exact float32 scores."""
        bound = skill_bound(self.workforce, self.program, self.mentor_rows, self.mentee_rows)
        return None if bound is None else Bounded(bound, self.exact_pairs, self.tuning.sparse_share)


def _tile_shapes(n_rows: int, n_cols: int, block, tuning: Tuning) -> tuple[tuple[int, int], tuple[int, int]]:
    """Mentors × mentees per tile for the candidate pass and for the pricing passes."""
    if block is None:
        return candidate_tile_shape(n_rows, n_cols, tuning), pricing_tile_shape(n_rows, n_cols, tuning)
    rows, cols = (block, block) if isinstance(block, (int, np.integer)) else tuple(block)
    if not all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) and x >= 1 for x in (rows, cols)):
        raise ConfigError(f"block must be a positive int or a (mentors, mentees) pair of them, got {block!r}")
    return (int(rows), int(cols)), (int(rows), int(cols))


# ---- the candidate pass ---------------------------------------------------------------------------


@dataclass
class _Found:
    """What the candidate pass found: the first solve's arcs, each line's best scores, and tallies."""

    keys: np.ndarray  # sorted row · n_cols + col
    weights: np.ndarray
    mentor_top: np.ndarray
    mentee_top: np.ndarray
    cells: int  # cells scored exactly
    grain: float | None  # every valid score is a multiple of it (None: not on a power-of-two grain)
    every: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None  # all valid pairs, when few

    @property
    def arcs(self) -> int:
        """Arcs of the first solve: every valid pair when few, else the candidates."""
        return len(self.every[0]) if self.every is not None else len(self.keys)


def _candidates(problem: _Problem, cache: np.ndarray | None, bounded: Bounded | None, client) -> _Found:
    """Every mentor's and every mentee's k best pairs: here (tile by tile), or on a Dask cluster."""
    k = problem.tuning.k
    if client is not None:
        from .candidates import candidate_arcs  # the candidate pass in bands, on the cluster

        arcs = candidate_arcs(problem.workforce, problem.program, k, client=client, tuning=problem.tuning)
        n_rows, n_cols = problem.shape
        return _Found(
            arcs.rows * n_cols + arcs.cols,
            arcs.weights,
            line_top(n_rows, arcs.rows, arcs.weights, k),
            line_top(n_cols, arcs.cols, arcs.weights, k),
            n_rows * n_cols,
            problem.grain,
        )
    tiles = _CandidateTiles(problem, cache, bounded)
    by_row, by_col = candidate_pass(
        problem.shape,
        tiles.values,
        k,
        problem.candidate_tile,
        problem.tuning.workers_for(problem.n_rows * problem.n_cols),
        tiles.collect,
    )
    keys, weights = candidate_arcs_of(by_row, by_col)
    grain = 1.0 if tiles.grain == math.inf else tiles.grain  # no valid score seen: any grain holds
    return _Found(keys, weights, by_row.value, by_col.value, tiles.cells, grain, tiles.every())


@dataclass
class _CandidateTiles:
    """The serial candidate pass's tile reader and its collector.

    :meth:`values` scores a tile (through the bound once counting is over), fills the score cache
    and, while the valid pairs are few enough to hand the solver whole (``k (n + m)``, as solve()
    does), counts and keeps them. :meth:`collect` receives each tile's tallies in tile order, on the
    consuming thread, and ends the count. A tile already started when the count ends merely counts
    too: results never depend on threads.
    """

    problem: _Problem
    cache: np.ndarray | None
    bounded: Bounded | None
    cells: int = 0
    grain: float | None = math.inf  # the finest grain of the scores seen (inf: no tile yet)
    valid: int = 0
    kept: list | None = field(default_factory=list)  # the valid pairs, while they are few

    def values(self, rows: np.ndarray, cols: np.ndarray, row_floor: np.ndarray, col_floor: np.ndarray):
        counting = self.kept is not None
        if self.bounded is not None and not counting:
            found = bounded_candidates(self.bounded, rows, cols, row_floor, col_floor)
            if found is not None:
                entries, scored = found
                return entries, (0, None, self.problem.grain, scored)
        w, allowed = self.problem.score_tile(rows, cols)
        np.copyto(w, -np.inf, where=~allowed)  # a forbidden pair never competes
        if self.cache is not None:  # tiles are disjoint ranges: workers write without clashing
            self.cache[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1] = w
        n_valid, every, grain = 0, None, self.problem.grain
        if counting or grain is None:
            valid = w > 0
            if grain is None:  # scores with parts of their own (shared hours): read their grain
                grain = score_grain(w[valid]) if valid.any() else math.inf
            if counting:
                n_valid = int(np.count_nonzero(valid))
                if n_valid <= self.limit:
                    vr, vc = np.nonzero(valid)
                    every = (rows[vr], cols[vc], w[vr, vc])
        return w, (n_valid, every, grain, w.size)

    @property
    def limit(self) -> int:
        return self.problem.tuning.k * (self.problem.n_rows + self.problem.n_cols)

    def collect(self, tally) -> None:
        n_valid, every, grain, cells = tally
        self.grain = None if grain is None or self.grain is None else min(self.grain, grain)
        self.cells += cells
        if self.kept is not None:
            self.valid += n_valid
            if self.valid > self.limit or every is None:
                self.kept = None
            else:
                self.kept.append(every)

    def every(self) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        """All valid pairs in (row, col) order, when they stayed few; else None."""
        if self.kept is None:
            return None
        parts = self.kept
        rows = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int64)
        cols = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.int64)
        weights = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0)
        order = np.lexsort((cols, rows))
        return rows[order], cols[order], weights[order]
