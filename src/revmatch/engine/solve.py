"""The engine's validated door: a score matrix, a mask and capacities in; proved optimal pairs out."""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass, replace

import numpy as np

from . import jv
from .arrays import take
from .assignment import Assignment, GroupPairCap, MenteeQuota, rescaled
from .checks import (
    check_finite,
    check_locks,
    checked_first,
    checked_matrix,
    checked_settings,
    no_locks,
    plain_call,
)
from .cpsat import cp_sat
from .dense import dense_assignment
from .fair import fair
from .mincost import Network, PricingStalled, score_grain, solve_arcs
from .pricing import TilePricer
from .tiles import candidate_tile_shape
from .topk import candidate_arcs_of, candidate_pass
from .tuning import DEFAULT, Tuning


def solve(
    matrix,
    allowed=None,
    mentor_capacity=1,
    mentee_capacity=1,
    *,
    objective: str = "total",
    locked=(),
    mentee_quota: MenteeQuota | None = None,
    pair_cap: GroupPairCap | None = None,
    time_limit: float = 60.0,
    lock_labels: list[str] | None = None,
    tuning: Tuning | None = None,
    first: tuple[np.ndarray, np.ndarray] | None = None,
) -> Assignment:
    r"""Best pairs for a mentors × mentees score matrix.

    Parameters
    ----------
    matrix : array_like of float, shape (n_mentors, n_mentees)
        Pair scores; higher is better. NaN or ±inf only where ``allowed`` is False.
    allowed : array_like of bool, same shape, default=None (all allowed)
        Hard-rule mask; a pair with ``allowed == False`` is never made.
    mentor_capacity, mentee_capacity : int or array_like of int, default=1
        Most pairs per mentor (row) and per mentee (column).
    objective : {"total", "coverage", "fair"}, default="total"
        ``total`` maximises :math:`\sum w_{ij} x_{ij}`; ``coverage`` first maximises the number of
        rows plus columns with a pair; ``fair`` first maximises the number of pairs, then the lowest
        pair score; both then maximise the total.
    locked : sequence of (row, col), default=()
        Pairs that must be made (each must be allowed).
    mentee_quota, pair_cap : optional
        Group quotas (see :class:`MenteeQuota`, :class:`GroupPairCap`).
    time_limit : float, default=60
        Seconds for CP-SAT, used only for ``pair_cap`` or ``fair`` with a quota: the only way the
        result can be ``feasible`` (short of a ``Tuning.max_rounds`` the caller set).
    tuning : Tuning, optional
        The candidate and pricing engine's knobs (candidates per person, rounds, threads, ...).
    first : (array_like of bool, array_like of bool), optional
        Rows and columns of people to match first (``total`` only): the most of them with a pair,
        then the largest total — lexicographic and exact, like ``coverage`` restricted to them.

    Returns
    -------
    Assignment
        ``pairs`` as sorted ``(row, col)`` tuples, ``objective`` (total score), ``bound``,
        ``status``, ``engine``, ``solve_time`` and the rounding ``tolerance`` (0 for whole scores).

    Raises
    ------
    InputError
        A matrix, mask, capacity or lock that does not fit the problem.
    InfeasibleError
        When locks and quotas cannot all hold; names the conflicting ones.

    Examples
    --------
    >>> import revmatch as rm
    >>> rm.solve([[4, 2], [3, 0]]).pairs
    [(0, 1), (1, 0)]
    """
    start = time.perf_counter()
    plain = plain_call(allowed, mentor_capacity, mentee_capacity, objective, locked, first, mentee_quota, pair_cap)
    plain = plain and _one_compiled_solve(tuning)
    w, mask = checked_matrix(matrix, allowed, finite=not plain)
    if plain and (quick := _compiled_quick(w, tuning or DEFAULT, start)) is not None:
        return quick
    row_cap, col_cap = checked_settings(objective, mentor_capacity, mentee_capacity, w.shape)
    tuning, quotas = tuning or DEFAULT, mentee_quota is not None or pair_cap is not None
    known = None  # the plain total's route, once chosen here
    if objective == "total" and no_locks(locked) and not quotas and first is None and tuning.dense_kernel:
        quick, known = _dense_if_first(w, mask, row_cap, col_cap, tuning, start)
        if quick is not None:
            return quick
    problem = _checked_problem(w, mask, row_cap, col_cap, objective, locked, lock_labels, first, quotas)
    exponent = _magnitude(problem.w, problem.mask)  # extreme scores: solved × 2**-exponent, totals scaled back
    if exponent:
        problem = replace(problem, w=np.ldexp(problem.w, -exponent))
    result = _routed(problem, mentee_quota, pair_cap, time_limit, tuning, known)
    return replace(rescaled(result, exponent), solve_time=time.perf_counter() - start)


@dataclass(frozen=True)
class _Problem:
    """A checked problem: scores, mask, capacities, locks with their labels, the objective, who goes first."""

    w: np.ndarray
    mask: np.ndarray
    row_cap: np.ndarray
    col_cap: np.ndarray
    locks: np.ndarray
    labels: list[str]
    objective: str
    first: tuple[np.ndarray, np.ndarray] | None


def _checked_problem(
    w: np.ndarray,
    mask: np.ndarray | None,
    row_cap: np.ndarray | int,
    col_cap: np.ndarray | int,
    objective: str,
    locked,
    lock_labels: list[str] | None,
    first,
    quotas: bool,
) -> _Problem:
    """The checked matrix and capacities with the locks and who goes first checked (each misfit an error naming it)."""
    mask = np.ones(w.shape, dtype=bool) if mask is None else mask
    row_cap = np.full(w.shape[0], row_cap, np.int64) if isinstance(row_cap, int) else row_cap
    col_cap = np.full(w.shape[1], col_cap, np.int64) if isinstance(col_cap, int) else col_cap
    locks = np.array(list(locked), dtype=np.int64).reshape(-1, 2)
    labels = lock_labels or [f"locked pair (row {r}, column {c})" for r, c in locks]
    check_locks(locks, labels, mask, row_cap, col_cap)
    return _Problem(
        w, mask, row_cap, col_cap, locks, labels, objective, checked_first(first, w.shape, objective, quotas)
    )


def _routed(
    p: _Problem,
    mentee_quota: MenteeQuota | None,
    pair_cap: GroupPairCap | None,
    time_limit: float,
    tuning: Tuning,
    known: str | None = None,
) -> Assignment:
    """The checked problem to the engine that solves it best: CP-SAT, fair, the total's routes or the flow."""
    w, locks, objective = p.w, p.locks, p.objective
    row_left = p.row_cap - np.bincount(locks[:, 0], minlength=w.shape[0])
    col_left = p.col_cap - np.bincount(locks[:, 1], minlength=w.shape[1])
    free = p.mask
    if len(locks):
        free = p.mask.copy()
        free[locks[:, 0], locks[:, 1]] = False
    if pair_cap is not None or (objective == "fair" and mentee_quota is not None):
        result = cp_sat(w, free, p.row_cap, p.col_cap, locks, p.labels, objective, mentee_quota, pair_cap, time_limit)
    elif objective == "fair":
        result = fair(w, free, row_left, col_left, locks)
    elif objective == "total" and mentee_quota is None and p.first is None:
        # A pair scoring ≤ 0 never raises the total.
        result = _total_route(w, free & (w > 0), row_left, col_left, locks, tuning, known)
    else:
        # Coverage, priority and quotas may need a pair scoring ≤ 0.
        bonus = objective == "coverage" or p.first is not None
        result = _flow_route(
            w, free, row_left, col_left, locks, bonus=bonus, quota=mentee_quota, tuning=tuning, first=p.first
        )
    return _with_locks(result, w, locks, 0.0)


def _total_route(w, useful, row_cap, col_cap, locks, tuning: Tuning, known: str | None = None) -> Assignment:
    """The plain total: the dense kernel where candidates cannot pay, else candidates and pricing.

    ``known``: what :func:`solve` already settled — ``"flow"`` (the dense solve was tried and handed
    back: a pair made twice), ``"pricing"`` (candidates first) — else None.
    """
    flow = functools.partial(_flow_route, w, useful, row_cap, col_cap, locks, bonus=False, quota=None, tuning=tuning)
    if not tuning.dense_kernel or known == "flow":
        return flow()
    if known is None and _dense_first(w, useful, tuning):
        return dense_assignment(w, useful, row_cap, col_cap, tuning=tuning) or flow()
    try:
        return flow(stall=True)
    except PricingStalled:
        return dense_assignment(w, useful, row_cap, col_cap, tuning=tuning) or flow()


def _dense_if_first(w, mask, row_cap, col_cap, tuning: Tuning, start: float) -> tuple[Assignment | None, str]:
    """The plain total straight to one dense solve when that is its route, and the route for the rest.

    The general route's steps (a full mask, the useful pairs as arrays) would cost more than the
    solve on a 100 × 100 matrix and a tenth of it on 5 000 × 2 500. The route returned is ``"flow"``
    when the dense solve was tried (it hands back a pair made twice), else ``"pricing"``.
    """
    if not _dense_first(w, mask, tuning):
        return None, "pricing"
    return dense_assignment(w, mask, row_cap, col_cap, tuning=tuning, start=start), "flow"


def _compiled_quick(w: np.ndarray, tuning: Tuning, start: float) -> Assignment | None:
    """One dense solve of a matrix not yet checked for NaN and ±inf (the compiled call checks it as it
    reads it); None, the matrix checked, when the plain total takes another route."""
    if w.size <= min(tuning.dense_cells, tuning.tied_dense_cells):
        try:
            quick = dense_assignment(w, None, 1, 1, tuning=tuning, start=start)
            if quick is not None:
                return quick
        except jv.NotFinite:
            pass
    check_finite(w, None)  # names the first bad cell; the general route reads a checked matrix
    return None


def _one_compiled_solve(tuning: Tuning | None) -> bool:
    """Whether the dense route would be the compiled kernel (which checks the scores as it reads them)."""
    tuning = tuning or DEFAULT
    return jv.AVAILABLE and tuning.dense_kernel and tuning.compiled_kernel


def _dense_first(w: np.ndarray, allowed: np.ndarray | None, tuning: Tuning) -> bool:
    """Whether one dense solve comes first for the plain total (else candidates and pricing).

    Candidates pay on large matrices where each person has a few strong partners of their own:
    revmatch's scores, whole numbers from a few proficiency levels (tied), which also keep the
    candidate route's tie rule (lower index first), so :func:`revmatch.match`'s dense and sparse
    routes give the same pairs. They cannot when most people share the same best partners (0/1
    scores, Machol–Wien: the top-k candidates overlap, and pricing adds a few pairs per round for
    many rounds), nor against one dense solve of a matrix of up to ``dense_cells`` pairs
    (``tied_dense_cells`` when tied). Pricing that stalls also hands over.
    """
    small = min(tuning.dense_cells, tuning.tied_dense_cells)
    if w.size <= small:
        return True
    sample = _sample(w, allowed, tuning)
    return sample.concentrated or w.size <= (small if sample.tied else tuning.dense_cells)


@dataclass(frozen=True)
class _Sample:
    """What a few hundred evenly spread mentors, mentees and pairs say of a matrix's structure."""

    concentrated: bool  # few distinct best partners on both sides
    tied: bool  # few distinct scores


def _sample(w: np.ndarray, allowed: np.ndarray | None, tuning: Tuning) -> _Sample:
    """Look at ``Tuning.sample_lines`` mentors and mentees (their best partners) and some pairs (their scores).

    Only pairs worth making count: allowed (None: all) and scoring > 0.
    """
    n_rows, n_cols = w.shape
    if w.size == 0:
        return _Sample(False, False)

    def useful(part: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
        return part > 0 if mask is None else (part > 0) & mask

    lines = tuning.sample_lines
    rows = np.unique(np.linspace(0, n_rows - 1, min(n_rows, lines)).astype(np.int64))
    cols = np.unique(np.linspace(0, n_cols - 1, min(n_cols, lines)).astype(np.int64))
    some_rows, some_cols = w[rows], w[:, cols]
    best_col = np.where(useful(some_rows, None if allowed is None else allowed[rows]), some_rows, -np.inf).argmax(1)
    best_row = np.where(useful(some_cols, None if allowed is None else allowed[:, cols]), some_cols, -np.inf).argmax(0)
    concentrated = max(len(np.unique(best_col)) / len(rows), len(np.unique(best_row)) / len(cols))
    # 16 × tied_values pairs: a matrix with fewer distinct scores shows fewer, any other nearly all.
    step = max(1, w.size // (16 * tuning.tied_values))
    spread = w.reshape(-1)[::step]
    values = spread[useful(spread, None if allowed is None else allowed.reshape(-1)[::step])]
    return _Sample(concentrated < tuning.concentrated, len(np.unique(values)) < tuning.tied_values)


def _magnitude(w: np.ndarray, mask: np.ndarray) -> int:
    """The binary exponent of the largest allowed score when it is extreme (beyond 2**±256), else 0.

    Such scores (1e-300, 1e300) are solved as scores × 2**-exponent, exact in binary, so the
    whole-number costs keep their full precision; the totals are scaled back.
    """
    if w.size == 0:
        return 0
    if mask.all():  # two reductions, no temporary
        largest = max(float(w.max()), -float(w.min()))
    else:
        largest = float(np.max(np.abs(w), where=mask, initial=0.0))
    if largest == 0.0:
        return 0
    exponent = math.frexp(largest)[1]
    return exponent if abs(exponent) > 256 else 0


def _with_locks(a: Assignment, w: np.ndarray, locks: np.ndarray, seconds: float) -> Assignment:
    """Add the locked pairs (solved around, not by, the engine) to an assignment of the rest."""
    if len(locks) == 0:
        return replace(a, solve_time=seconds)
    made = set(a.pairs)
    extra = [(int(r), int(c)) for r, c in locks if (int(r), int(c)) not in made]
    locked_total = float(sum(w[r, c] for r, c in extra))
    return replace(
        a,
        pairs=sorted(a.pairs + extra),
        objective=a.objective + locked_total,
        bound=a.bound + locked_total,
        solve_time=seconds,
    )


def _flow_route(
    w,
    valid,
    row_cap,
    col_cap,
    locks,
    *,
    bonus: bool,
    quota: MenteeQuota | None,
    tuning: Tuning,
    first: tuple[np.ndarray, np.ndarray] | None = None,
    stall: bool = False,
) -> Assignment:
    """Min-cost flow on top-k candidates with dual pricing over every valid pair of a dense matrix.

    A person's first pair earns the bonus (coverage: everyone; ``first``: those people only) only
    while that first pair is still to come: not for someone a lock already pairs.
    """
    row_open = (row_cap > 0) & (np.bincount(locks[:, 0], minlength=w.shape[0]) == 0)
    col_open = (col_cap > 0) & (np.bincount(locks[:, 1], minlength=w.shape[1]) == 0)
    if first is not None:
        row_open, col_open = row_open & first[0], col_open & first[1]
    network = Network(row_open=row_open, col_open=col_open, bonus=bonus, quota=_shift_quota(quota, locks))
    n_valid = int(valid.sum())
    if n_valid <= tuning.k * (w.shape[0] + w.shape[1]):
        rows, cols = np.nonzero(valid)
        return solve_arcs(w.shape, rows, cols, w[rows, cols], row_cap, col_cap, network=network, tuning=tuning)
    masked = np.where(valid, w, -np.inf)  # an invalid pair is never a candidate, nor a violator
    valid_scores = w[valid]
    grain = score_grain(valid_scores)
    # The sparse route's candidate pass, on tiles of the matrix. It ranks positive values, so when
    # valid pairs may score ≤ 0 (coverage, quotas) they are shifted up; the order stays.
    lowest = float(valid_scores.min())
    values = masked if lowest > 0 else masked - (lowest - 1.0)
    by_row, by_col = candidate_pass(
        w.shape,
        lambda r, c, *_: (values[r[0] : r[-1] + 1, c[0] : c[-1] + 1], None),
        tuning.k,
        candidate_tile_shape(w.shape[0], w.shape[1], tuning),
        tuning.workers_for(w.size),
    )
    keys, _ = candidate_arcs_of(by_row, by_col)
    rows, cols = keys // w.shape[1], keys % w.shape[1]

    # The same tile-by-tile pricing as the sparse route, reading the matrix.
    pricer = TilePricer(
        w.shape, lambda r, c: (take(masked, r, c), None), rows * w.shape[1] + cols, w[rows, cols], tuning
    )
    return solve_arcs(
        w.shape,
        rows,
        cols,
        w[rows, cols],
        row_cap,
        col_cap,
        grain=grain,
        max_weight=float(np.abs(valid_scores).max()),
        price=pricer,
        network=network,
        tuning=tuning,
        stall_rounds=tuning.stall_rounds if stall else None,
    )


def _shift_quota(quota: MenteeQuota | None, locks: np.ndarray) -> MenteeQuota | None:
    """A locked mentee already counts towards their group's quota."""
    if quota is None:
        return None
    covered = np.zeros(len(quota.group), dtype=bool)
    covered[locks[:, 1]] = True
    counted = np.bincount(quota.group[covered & (quota.group >= 0)], minlength=len(quota.least))
    return MenteeQuota(quota.group, np.maximum(0, quota.least - counted), quota.names)
