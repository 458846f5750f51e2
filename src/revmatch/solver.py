r"""Matrices → optimal pairs. Knows nothing of employees: only scores, masks, capacities and groups.

The ``total`` objective is a maximum-weight bipartite b-matching:

.. math::

    \max \sum_{(i,j) \in A} w_{ij} x_{ij} \quad\text{s.t.}\quad
    \sum_j x_{ij} \le c_i,\ \ \sum_i x_{ij} \le d_j,\ \ x_{ij} \in \{0, 1\}

over the allowed arcs :math:`A`, solved exactly as a min-cost flow (OR-Tools ``SimpleMinCostFlow``):
source → mentor (capacity :math:`c_i`), mentor → mentee (capacity 1, cost :math:`-w_{ij}`), mentee
→ sink (capacity :math:`d_j`), plus a source → sink bypass so nobody is forced into a pair. The
network is totally unimodular, so the flow optimum is the integer optimum. For ``total``, pairs with
a score ≤ 0 can never raise the sum and are not offered.

Engines, by what the rules need:

========================================  =========================================================
rule or objective                          engine
========================================  =========================================================
total, locks, forbids, all masks           min-cost flow on candidates, proved by dual pricing
coverage                                   same flow; each person's first pair earns a bonus larger
                                           than any total score (lexicographic, exact)
minimum matched per mentee group           same flow; the group's first-pair arcs pass a node with a
                                           lower bound (supplies shifted), exact
fair (no quotas)                           max-flow for the most pairs, binary search on the lowest
                                           score, then max-flow-min-cost: exact
most pairs per group pair, fair + quota    CP-SAT (1 worker, fixed seed, linearisation 2, time limit)
========================================  =========================================================

Candidates and proof: the flow runs on each person's top-k pairs; the residual graph's shortest-path
potentials give duals, and every pair outside the candidates whose score beats its dual price joins
them until none does — then the candidates' optimum is the global optimum. When few pairs join, the
next solve starts from the last flow and potentials (:func:`revmatch.flows.reoptimise`) instead of
from scratch.

OR-Tools needs integer costs. Integer-valued scores (the default weights) are used as they are, and
the optimum is exact. Other scores are scaled by ``s`` and rounded; each pair moves by at most
``0.5/s``, so the returned pairs are within ``tolerance = k/s`` of the true optimum (``k`` = most
pairs possible); ``s`` is chosen as large as OR-Tools' cost range allows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow
from ortools.sat.python import cp_model

from .errors import InfeasibleError, InputError, Problem, SolverError
from .flows import reoptimise, residual_distances
from .pricing import (SAMPLE_CELLS, SMALL_CELLS, WORKERS, TilePricer, candidate_arcs_of, candidate_pass,
                      candidate_tile_shape, take)

CANDIDATES_PER_PERSON = 8    # top-k per mentor and per mentee before pricing (10k sparse: k=8 6.8 s, k=20 8.7 s)
MAX_PRICING_ROUNDS = 50      # a solve that has not proved optimality by then returns "feasible" with its bound
DROP_MARGIN = 0.1            # unused arcs below −margin × the largest cost in reduced cost leave the next solve
DROP_MARGIN_LARGE = 0.01     # … from SAMPLE_CELLS pairs on, where a solve costs seconds (100k × 100k: 0.02 13.9 s of
                             # solves, 0.01 11.8 s; 20k × 20k: 4.0 → 3.4 s)
REOPTIMISE_PER_NODE = 2      # the next solve starts from the last flow when at most this many new arcs per node
                             # are worth using (100k x 100k: 1.2 per node 2.1 s against 2.4 s from scratch, 0.2
                             # per node 1.0 s against 2.3 s; 4 per node 3.7 s against 2.0 s)
OBJECTIVES = ("total", "coverage", "fair")


class Status(StrEnum):
    """Outcome of a solve; compares equal to its lower-case name (``status == "optimal"``)."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"


@dataclass(frozen=True)
class Assignment:
    """Pairs chosen by a solve, as ``(row, col)`` positions in the score matrix, sorted.

    ``objective`` is always the total score of the pairs; ``bound`` an upper bound on the best total
    the objective allows (for ``coverage``/``fair``: among the matchings that are best on the first
    criteria). ``gap = bound − objective``.
    """

    pairs: list[tuple[int, int]]
    objective: float
    bound: float
    status: Status
    engine: str
    solve_time: float
    tolerance: float
    rounds: int = 1   # solves on a growing candidate set until the duals proved optimality
    arcs: int = 0     # candidate arcs in the last solve

    @property
    def gap(self) -> float:
        """``bound − objective``: how far the result may be from the best possible total."""
        return self.bound - self.objective


@dataclass(frozen=True)
class MenteeQuota:
    """At least ``least[g]`` distinct mentees of group ``g`` are matched (``group`` per mentee, -1 = none)."""

    group: np.ndarray
    least: np.ndarray
    names: tuple[str, ...]


@dataclass(frozen=True)
class GroupPairCap:
    """At most ``limit`` pairs between any mentor group and any mentee group (-1 = no group)."""

    row_group: np.ndarray
    col_group: np.ndarray
    limit: int
    row_names: tuple[str, ...]
    col_names: tuple[str, ...]


def _problem(message: str) -> InputError:
    return InputError([Problem("solve", None, None, message)])


def _capacity(value, n: int, name: str) -> np.ndarray:
    cap = np.asarray(value)
    if cap.ndim == 0:
        cap = np.full(n, cap)
    if cap.shape != (n,):
        raise _problem(f"{name} has shape {cap.shape}; expected a number or a vector of length {n}")
    if not np.issubdtype(cap.dtype, np.number) or np.any(cap < 0) or np.any(cap != np.round(cap)):
        raise _problem(f"{name} must hold non-negative whole numbers")
    return cap.astype(np.int64)


def solve(matrix, allowed=None, mentor_capacity=1, mentee_capacity=1, *, objective: str = "total",
          locked=(), mentee_quota: MenteeQuota | None = None, pair_cap: GroupPairCap | None = None,
          time_limit: float = 60.0, lock_labels: list[str] | None = None) -> Assignment:
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
        Seconds for CP-SAT, used only for ``pair_cap`` or ``fair`` with a quota.

    Returns
    -------
    Assignment
        ``pairs`` as sorted ``(row, col)`` tuples, ``objective`` (total score), ``bound``,
        ``status``, ``engine``, ``solve_time`` and the rounding ``tolerance`` (0 for whole scores).

    Raises
    ------
    InfeasibleError
        When locks and quotas cannot all hold; names the conflicting ones.

    Examples
    --------
    >>> import revmatch as rm
    >>> rm.solve([[4, 2], [3, 0]]).pairs
    [(0, 1), (1, 0)]
    """
    start = time.perf_counter()
    w = np.asarray(matrix)
    if w.ndim != 2:
        raise _problem(f"matrix must be 2-D (mentors × mentees), got {w.ndim}-D with shape {w.shape}")
    if not (np.issubdtype(w.dtype, np.number) or w.dtype == bool):
        raise _problem(f"matrix must be numeric, got dtype {w.dtype}")
    w = w.astype(np.float64, copy=False)
    if allowed is None:
        mask = np.ones(w.shape, dtype=bool)
    else:
        mask = np.asarray(allowed)
        if mask.shape != w.shape or mask.dtype != bool:
            raise _problem(f"allowed must be a bool array of shape {w.shape}, got {mask.dtype} {mask.shape}")
    invalid = mask & ~np.isfinite(w)
    if invalid.any():
        i, j = np.argwhere(invalid)[0]
        raise _problem(f"matrix contains invalid numeric entries (e.g. {w[i, j]} at row {i}, column {j}) "
                       "in allowed cells; mask them with allowed=False")
    if objective not in OBJECTIVES:
        raise _problem(f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    row_cap = _capacity(mentor_capacity, w.shape[0], "mentor_capacity")
    col_cap = _capacity(mentee_capacity, w.shape[1], "mentee_capacity")

    locks = np.array(list(locked), dtype=np.int64).reshape(-1, 2)
    labels = lock_labels or [f"locked pair (row {r}, column {c})" for r, c in locks]
    if len(locks):
        outside = (locks < 0).any(1) | (locks[:, 0] >= w.shape[0]) | (locks[:, 1] >= w.shape[1])
        if outside.any():
            raise _problem(f"locked pair {tuple(locks[outside][0])} is outside the {w.shape} matrix")
        if not mask[locks[:, 0], locks[:, 1]].all():
            bad = np.flatnonzero(~mask[locks[:, 0], locks[:, 1]])
            raise InfeasibleError([f"{labels[k]} is not allowed by the hard rules" for k in bad])
        if len(np.unique(locks, axis=0)) != len(locks):
            raise _problem("a pair is locked twice")
    row_left = row_cap - np.bincount(locks[:, 0], minlength=w.shape[0])
    col_left = col_cap - np.bincount(locks[:, 1], minlength=w.shape[1])
    over = [f"{len(np.flatnonzero(locks[:, 0] == r))} locks on mentor row {r} exceed its capacity {row_cap[r]}: "
            + "; ".join(labels[k] for k in np.flatnonzero(locks[:, 0] == r)) for r in np.flatnonzero(row_left < 0)]
    over += [f"{len(np.flatnonzero(locks[:, 1] == c))} locks on mentee column {c} exceed its capacity {col_cap[c]}: "
             + "; ".join(labels[k] for k in np.flatnonzero(locks[:, 1] == c)) for c in np.flatnonzero(col_left < 0)]
    if over:
        raise InfeasibleError(over)

    free = mask.copy()
    free[locks[:, 0], locks[:, 1]] = False
    if pair_cap is not None or (objective == "fair" and mentee_quota is not None):
        result = _cp_sat(w, free, row_cap, col_cap, locks, labels, objective, mentee_quota, pair_cap, time_limit)
    elif objective == "fair":
        result = _fair(w, free, row_left, col_left, locks)
    else:
        # For the plain total, a pair scoring ≤ 0 never helps; coverage and quotas may need one.
        useful = free if objective != "total" or mentee_quota is not None else free & (w > 0)
        result = _flow_route(w, useful, row_left, col_left, locks, bonus=objective == "coverage", quota=mentee_quota)
    return _with_locks(result, w, locks, time.perf_counter() - start)


def _with_locks(a: Assignment, w: np.ndarray, locks: np.ndarray, seconds: float) -> Assignment:
    """Add the locked pairs (solved around, not by, the engine) to an assignment of the rest."""
    extra = [tuple(map(int, p)) for p in locks if tuple(map(int, p)) not in set(a.pairs)]
    if not extra:
        return Assignment(a.pairs, a.objective, a.bound, a.status, a.engine, seconds, a.tolerance, a.rounds, a.arcs)
    locked_total = float(sum(w[r, c] for r, c in extra))
    return Assignment(sorted(a.pairs + extra), a.objective + locked_total, a.bound + locked_total, a.status,
                      a.engine, seconds, a.tolerance, a.rounds, a.arcs)


def _flow_route(w, valid, row_cap, col_cap, locks, *, bonus: bool, quota: MenteeQuota | None) -> Assignment:
    """Min-cost flow on top-k candidates with dual pricing over every valid pair of a dense matrix."""
    row_open = (row_cap > 0) & (np.bincount(locks[:, 0], minlength=w.shape[0]) == 0)
    col_open = (col_cap > 0) & (np.bincount(locks[:, 1], minlength=w.shape[1]) == 0)
    network = Network(row_open=row_open, col_open=col_open, bonus=bonus, quota=_shift_quota(quota, locks))
    n_valid = int(valid.sum())
    if n_valid <= CANDIDATES_PER_PERSON * (w.shape[0] + w.shape[1]):
        rows, cols = np.nonzero(valid)
        return solve_arcs(w.shape, rows, cols, w[rows, cols], row_cap, col_cap, network=network)
    masked = np.where(valid, w, -np.inf)   # an invalid pair is never a candidate, nor a violator
    valid_scores = w[valid]
    integral = bool(np.all(valid_scores == np.round(valid_scores)))
    # The sparse route's candidate pass, on tiles of the matrix. It ranks positive values, so when
    # valid pairs may score ≤ 0 (coverage, quotas) they are shifted up; the order stays.
    lowest = float(valid_scores.min())
    values = masked if lowest > 0 else masked - (lowest - 1.0)
    workers = WORKERS if w.size >= SMALL_CELLS else 1
    by_row, by_col = candidate_pass(w.shape, lambda r, c, *_: (values[r[0]:r[-1] + 1, c[0]:c[-1] + 1], None),
                                       CANDIDATES_PER_PERSON, candidate_tile_shape(*w.shape), workers)
    keys, _ = candidate_arcs_of(by_row, by_col)
    rows, cols = keys // w.shape[1], keys % w.shape[1]

    # The same tile-by-tile pricing as the sparse route, reading the matrix.
    pricer = TilePricer(w.shape, lambda r, c: (take(masked, r, c), None), rows * w.shape[1] + cols, w[rows, cols],
                        CANDIDATES_PER_PERSON)
    return solve_arcs(w.shape, rows, cols, w[rows, cols], row_cap, col_cap, integral=integral,
                      max_weight=float(np.abs(valid_scores).max()), price=pricer, max_rounds=MAX_PRICING_ROUNDS,
                      network=network)


def _shift_quota(quota: MenteeQuota | None, locks: np.ndarray) -> MenteeQuota | None:
    """A locked mentee already counts towards their group's quota."""
    if quota is None:
        return None
    covered = np.zeros(len(quota.group), dtype=bool)
    covered[locks[:, 1]] = True
    counted = np.bincount(quota.group[covered & (quota.group >= 0)], minlength=len(quota.least))
    return MenteeQuota(quota.group, np.maximum(0, quota.least - counted), quota.names)


def integer_scale(max_weight: float, integral: bool, n_nodes: int, headroom: int = 1) -> float:
    """Factor that turns scores into OR-Tools' integer costs: 1 (exact) for whole-number scores.

    ``headroom`` reserves room for a bonus ``headroom`` times the largest cost (coverage objective).
    """
    # OR-Tools' cost scaling multiplies costs by about the node count: keep well inside int64.
    limit = min(2.0**53, 2.0**60 / (n_nodes + 1)) / headroom
    if max_weight <= 0:
        return 1.0
    if integral and max_weight <= limit:
        return 1.0
    return limit / max_weight


@dataclass(frozen=True)
class Network:
    """What the flow network needs beyond plain capacities: first-pair bonuses and mentee group quotas.

    ``row_open``/``col_open`` mark people whose first pair is still to come (not covered by a lock).
    """

    row_open: np.ndarray | None = None
    col_open: np.ndarray | None = None
    bonus: bool = False
    quota: MenteeQuota | None = None

    @property
    def plain(self) -> bool:
        return not self.bonus and self.quota is None


@dataclass
class _Flow:
    """One min-cost-flow solve on candidate arcs, with the residual-graph potentials as duals."""

    chosen: np.ndarray      # bool per candidate arc
    row_dual: np.ndarray    # u_i per mentor, in integer cost units
    col_dual: np.ndarray    # v_j per mentee; an outside arc can improve only if cost_ij > u_i + v_j
    warm: tuple | None = None   # (node potentials, flows on the arcs after the candidates) for the next solve


def _min_cost_flow(shape, rows, cols, costs, row_capacity, col_capacity, network: Network, bonus_cost: int,
                   warm: tuple | None = None, chosen: np.ndarray | None = None) -> _Flow:
    """One solve; ``warm`` (the last solve's ``_Flow.warm``) and ``chosen`` (its pairs among these
    arcs) let a few new arcs be folded in by :func:`revmatch.flows.reoptimise` instead."""
    n_rows, n_cols = shape
    flow = int(min(row_capacity.sum(), col_capacity.sum()))
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    r_nodes, c_nodes = np.arange(n_rows), n_rows + np.arange(n_cols)
    tails, heads, caps, unit = [rows, [source]], [n_rows + cols, [sink]], [np.ones(len(rows), np.int64), [flow]], [-costs, [0]]
    supplies = {source: flow, sink: -flow}
    if network.plain:
        tails += [np.full(n_rows, source), c_nodes]
        heads += [r_nodes, np.full(n_cols, sink)]
        caps += [row_capacity, col_capacity]
        unit += [np.zeros(n_rows, np.int64), np.zeros(n_cols, np.int64)]
    else:
        # Each person's first pair has its own arc: it earns the coverage bonus and, for a mentee in a
        # quota group, passes the group's node, which must carry at least the quota (a lower bound,
        # written as shifted supplies).
        row_open = network.row_open.astype(np.int64)
        col_open = network.col_open.astype(np.int64)
        bonus = bonus_cost if network.bonus else 0
        first_head = np.full(n_cols, sink)
        quota = network.quota
        if quota is not None:
            groups = n_rows + n_cols + 2 + np.arange(len(quota.least))
            in_group = quota.group >= 0
            first_head[in_group] = groups[quota.group[in_group]]
            members = np.bincount(quota.group[in_group], weights=col_open[in_group], minlength=len(quota.least))
            short = np.flatnonzero(members < quota.least)
            if len(short):
                raise InfeasibleError([f"{quota.names[g]}: needs {quota.least[g]} mentees matched but only "
                                       f"{int(members[g])} are free to be" for g in short])
            tails += [groups]
            heads += [np.full(len(groups), sink)]
            caps += [members.astype(np.int64) - quota.least]
            unit += [np.zeros(len(groups), np.int64)]
            supplies.update({int(g): -int(quota.least[k]) for k, g in enumerate(groups)})
            supplies[sink] += int(quota.least.sum())
        tails += [np.full(n_rows, source), np.full(n_rows, source), c_nodes, c_nodes]
        heads += [r_nodes, r_nodes, first_head, np.full(n_cols, sink)]
        caps += [row_open, row_capacity - row_open, col_open, col_capacity - col_open]
        unit += [np.full(n_rows, -bonus), np.zeros(n_rows, np.int64), np.full(n_cols, -bonus), np.zeros(n_cols, np.int64)]
    tails = np.concatenate(tails).astype(np.int32)
    heads = np.concatenate(heads).astype(np.int32)
    caps = np.concatenate(caps).astype(np.int64)
    unit = np.concatenate(unit).astype(np.int64)
    n_nodes = int(max(tails.max(), heads.max())) + 1
    again = _reoptimised(tails, heads, caps, unit, supplies, n_nodes, warm, chosen)
    if again is not None:
        flows, d = again
    else:
        flows, d = _cold(tails, heads, caps, unit, supplies, n_nodes, network, len(rows), costs)
    u, v = d[:n_rows] - d[sink], d[sink] - d[n_rows:n_rows + n_cols]
    if network.plain:
        # Potentials → LP duals of the plain b-matching (u, v ≥ 0), whose value bounds the optimum.
        u, v = np.maximum(0, u), np.maximum(0, v)
    return _Flow(chosen=flows[: len(rows)] > 0, row_dual=u, col_dual=v, warm=(d, flows[len(rows):]))


def _reoptimised(tails, heads, caps, unit, supplies: dict, n_nodes: int, warm, chosen):
    """Flows and potentials from the last solve's, when few arcs are worth adding; None otherwise."""
    if warm is None:
        return None
    potential, rest = warm
    flows = np.concatenate([chosen.astype(np.int64), rest])
    stranded = np.count_nonzero((unit + potential[tails] - potential[heads] < 0) & (flows < caps))
    if stranded > n_nodes * REOPTIMISE_PER_NODE:
        return None
    supply = np.zeros(n_nodes, np.int64)
    supply[list(supplies)] = list(supplies.values())
    return reoptimise(tails, heads, caps, unit, supply, flows, potential)


def _cold(tails, heads, caps, unit, supplies: dict, n_nodes: int, network: Network, n_pairs: int, costs):
    """OR-Tools' min-cost flow from scratch; the residual graph's distances as potentials."""
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, unit)
    for node, supply in supplies.items():
        mcf.set_node_supply(node, supply)
    status = mcf.solve()
    if status == mcf.INFEASIBLE and network.quota is not None:
        q = network.quota
        raise InfeasibleError(["the mentee quotas cannot all be met at once with the mentors' capacity: "
                               + ", ".join(f"{q.names[g]} ≥ {q.least[g]}" for g in np.flatnonzero(q.least))])
    if status != mcf.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status.name} on {n_pairs} arcs "
                          f"(max integer cost {int(np.abs(costs).max()) if len(costs) else 0})")
    flows = np.asarray(mcf.flows(np.arange(len(tails), dtype=np.int32)))
    return flows, residual_distances(n_nodes, tails, heads, caps, unit, flows)


def solve_arcs(shape: tuple[int, int], rows: np.ndarray, cols: np.ndarray, weights: np.ndarray,
               row_capacity: np.ndarray, col_capacity: np.ndarray, *, integral: bool | None = None,
               max_weight: float | None = None, price=None, max_rounds: int = 50,
               network: Network | None = None) -> Assignment:
    """Optimal flow on candidate arcs, proved optimal against every arc by LP duality.

    Solves on the candidate arcs (row, col, weight), turns the flow's residual potentials into
    duals ``u`` (mentors) and ``v`` (mentees), and asks ``price(u, v, scale, last)`` for every arc outside
    the candidates whose integer cost exceeds ``u_i + v_j`` (it returns rows, cols, weights and the
    total excess). Violators join the candidates and the solve repeats; with none left the
    candidates' optimum is the global one. For the plain network, whatever happens,
    ``bound = Σ c·u + Σ d·v + Σ excess`` is a valid upper bound (weak duality), so the reported gap is
    honest. Without ``price`` the candidates are the whole problem. ``max_weight`` must bound every
    arc's absolute weight, priced ones included.
    """
    start = time.perf_counter()
    network = network or Network()
    n_rows, n_cols = shape
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    weights = np.asarray(weights, dtype=np.float64)
    if integral is None:
        integral = bool(np.all(weights == np.round(weights)))
    if max_weight is None:
        max_weight = float(np.abs(weights).max()) if len(weights) else 0.0
    max_pairs = int(min(row_capacity.sum(), col_capacity.sum()))
    scale = integer_scale(max_weight, integral, n_rows + n_cols + 2, headroom=max_pairs + 2 if network.bonus else 1)
    tolerance = 0.0 if scale == 1.0 else max_pairs / scale
    # Coverage: a first pair is worth more than any possible difference in total score.
    bonus_cost = int(max_pairs * round(max_weight * scale) + 1)

    large = n_rows * n_cols >= SAMPLE_CELLS
    margin = min(DROP_MARGIN, DROP_MARGIN_LARGE) if large and DROP_MARGIN is not None else DROP_MARGIN
    status, rounds, warm, chosen = Status.FEASIBLE, 0, None, None
    while True:
        rounds += 1
        costs = np.round(weights * scale).astype(np.int64)
        if max_pairs and (len(rows) or network.quota is not None):
            flow = _min_cost_flow(shape, rows, cols, costs, row_capacity, col_capacity, network, bonus_cost,
                                  warm, chosen)
        else:
            flow = _Flow(np.zeros(len(rows), bool), np.zeros(n_rows, np.int64), np.zeros(n_cols, np.int64))
        u, v, warm, chosen = flow.row_dual, flow.col_dual, flow.warm, flow.chosen
        dual = float(row_capacity @ u + col_capacity @ v + np.maximum(0, costs - u[rows] - v[cols]).sum())
        if price is None or max_pairs == 0:
            status = Status.OPTIMAL
            break
        # The last allowed round prices every pair, so a run stopped early keeps a finite bound.
        new_rows, new_cols, new_weights, outside_excess = price(u, v, scale, last=rounds == max_rounds)
        dual += outside_excess
        if len(new_rows) == 0:
            status = Status.OPTIMAL
            break
        if rounds == max_rounds:
            break
        # Unused arcs far below their dual price leave the next solve (its time grows with the arcs):
        # the pricer watches them again, and they come back if their price falls enough to violate.
        forget = getattr(price, "forget", None)
        if forget is not None and margin is not None:
            drop = ~flow.chosen & (costs - u[rows] - v[cols] < -margin * max(1, int(np.abs(costs).max())))
            if drop.any():
                forget(rows[drop], cols[drop])
                rows, cols, weights, chosen = rows[~drop], cols[~drop], weights[~drop], chosen[~drop]
        # Violators join the candidates, kept in (row, col) order so the result never depends on rounds.
        rows, cols = np.concatenate([rows, new_rows]), np.concatenate([cols, new_cols])
        weights = np.concatenate([weights, new_weights])
        chosen = np.concatenate([chosen, np.zeros(len(new_rows), bool)])
        order = np.lexsort((cols, rows))
        rows, cols, weights, chosen = rows[order], cols[order], weights[order], chosen[order]
    chosen = flow.chosen
    pairs = sorted(zip(rows[chosen].tolist(), cols[chosen].tolist()))
    objective = float(weights[chosen].sum())
    if status == Status.OPTIMAL:
        bound = objective + tolerance
    elif network.plain:
        # Weak duality: the dual value bounds the integer problem; rounding adds at most the tolerance.
        bound = max(objective, dual / scale) + tolerance
    else:
        bound = float("inf")
    return Assignment(pairs, objective, bound, status, "min_cost_flow", time.perf_counter() - start, tolerance,
                      rounds=rounds, arcs=len(rows))


def _fair(w: np.ndarray, free: np.ndarray, row_cap: np.ndarray, col_cap: np.ndarray, locks: np.ndarray) -> Assignment:
    """Most pairs; among those the largest lowest score; among those the largest total. Exact.

    Max-flow gives the most pairs k*; a binary search over the distinct scores finds the largest
    threshold that still admits k* pairs; max-flow-min-cost on the arcs at or above it (and at or
    below every locked pair's score, which is part of the minimum) maximises the total.
    """
    start = time.perf_counter()
    n_rows, n_cols = w.shape
    rows, cols = np.nonzero(free)
    weights = w[rows, cols]
    integral = bool(np.all(weights == np.round(weights)))
    max_pairs = int(min(row_cap.sum(), col_cap.sum()))
    scale = integer_scale(float(np.abs(weights).max()) if len(weights) else 0.0, integral, n_rows + n_cols + 2)
    costs = np.round(weights * scale).astype(np.int64)
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    side_tails = np.concatenate([np.full(n_rows, source), n_rows + np.arange(n_cols)]).astype(np.int32)
    side_heads = np.concatenate([np.arange(n_rows), np.full(n_cols, sink)]).astype(np.int32)
    side_caps = np.concatenate([row_cap, col_cap]).astype(np.int64)

    def most_pairs(keep: np.ndarray) -> int:
        g = max_flow.SimpleMaxFlow()
        g.add_arcs_with_capacity(np.concatenate([rows[keep], side_tails]).astype(np.int32),
                                 np.concatenate([n_rows + cols[keep], side_heads]).astype(np.int32),
                                 np.concatenate([np.ones(int(keep.sum()), np.int64), side_caps]))
        if g.solve(source, sink) != g.OPTIMAL:
            raise SolverError("max-flow failed")
        return g.optimal_flow()

    target = most_pairs(np.ones(len(rows), bool)) if len(rows) and max_pairs else 0
    keep = np.zeros(len(rows), bool)
    if target:
        levels = np.unique(costs)
        lo, hi = 0, len(levels) - 1          # levels[lo] always admits target pairs
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if most_pairs(costs >= levels[mid]) == target:
                lo = mid
            else:
                hi = mid - 1
        floor = levels[lo]
        if len(locks):
            floor = min(floor, int(np.round(w[locks[:, 0], locks[:, 1]] * scale).min()))
        keep = costs >= floor
        mcf = min_cost_flow.SimpleMinCostFlow()
        mcf.add_arcs_with_capacity_and_unit_cost(
            np.concatenate([rows[keep], side_tails]).astype(np.int32),
            np.concatenate([n_rows + cols[keep], side_heads]).astype(np.int32),
            np.concatenate([np.ones(int(keep.sum()), np.int64), side_caps]),
            np.concatenate([-costs[keep], np.zeros(len(side_caps), np.int64)]))
        mcf.set_node_supply(source, max_pairs)
        mcf.set_node_supply(sink, -max_pairs)
        if mcf.solve_max_flow_with_min_cost() != mcf.OPTIMAL:
            raise SolverError("max-flow-min-cost failed")
        chosen = np.zeros(len(rows), bool)
        chosen[np.flatnonzero(keep)] = np.asarray(mcf.flows(np.arange(int(keep.sum()), dtype=np.int32))) > 0
        keep = chosen
    pairs = sorted(zip(rows[keep].tolist(), cols[keep].tolist()))
    objective = float(weights[keep].sum())
    tolerance = 0.0 if scale == 1.0 else max_pairs / scale
    return Assignment(pairs, objective, objective + tolerance, Status.OPTIMAL, "max_flow+min_cost_flow",
                      time.perf_counter() - start, tolerance, arcs=len(rows))


def _cp_sat(w, free, row_cap, col_cap, locks, lock_labels, objective, quota: MenteeQuota | None,
            pair_cap: GroupPairCap | None, time_limit: float) -> Assignment:
    """Quotas a graph cannot carry, on CP-SAT: lexicographic stages, each proved before the next.

    Every lock and quota is switched on by an assumption literal, so an infeasible model names the
    rules that conflict (CP-SAT's sufficient assumptions for infeasibility).
    """
    start = time.perf_counter()
    n_rows, n_cols = w.shape
    rows, cols = np.nonzero(free)
    rows = np.concatenate([rows, locks[:, 0]])
    cols = np.concatenate([cols, locks[:, 1]])
    weights = w[rows, cols]
    integral = bool(np.all(weights == np.round(weights)))
    scale = integer_scale(float(np.abs(weights).max()) if len(weights) else 0.0, integral, 2**20)
    costs = np.round(weights * scale).astype(np.int64).tolist()
    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{a}") for a in range(len(rows))]
    by_row = [[] for _ in range(n_rows)]
    by_col = [[] for _ in range(n_cols)]
    for a, (r, c) in enumerate(zip(rows.tolist(), cols.tolist())):
        by_row[r].append(x[a])
        by_col[c].append(x[a])
    # Each person stays within their capacity.
    for r in range(n_rows):
        if by_row[r]:
            model.add(sum(by_row[r]) <= int(row_cap[r]))
    for c in range(n_cols):
        if by_col[c]:
            model.add(sum(by_col[c]) <= int(col_cap[c]))
    rules: list[tuple[cp_model.IntVar, str]] = []
    first_lock = len(rows) - len(locks)
    # Locked pairs are made.
    for k in range(len(locks)):
        on = model.new_bool_var(f"lock{k}")
        model.add(x[first_lock + k] == 1).only_enforce_if(on)
        rules.append((on, lock_labels[k]))
    row_matched = [model.new_bool_var(f"r{r}") for r in range(n_rows)]
    col_matched = [model.new_bool_var(f"c{c}") for c in range(n_cols)]
    for flags, members in ((row_matched, by_row), (col_matched, by_col)):
        for flag, arcs in zip(flags, members):
            model.add(sum(arcs) >= 1).only_enforce_if(flag) if arcs else model.add(flag == 0)
    if quota is not None:
        # Enough of each group's mentees are matched.
        for g in np.flatnonzero(quota.least):
            on = model.new_bool_var(f"quota{g}")
            model.add(sum(col_matched[c] for c in np.flatnonzero(quota.group == g)) >= int(quota.least[g])).only_enforce_if(on)
            rules.append((on, f"{quota.names[g]}: at least {quota.least[g]} mentees matched"))
    if pair_cap is not None:
        # No (mentor group, mentee group) pair of groups takes more than its share of pairs.
        key = pair_cap.row_group[rows] * (len(pair_cap.col_names) + 1) + pair_cap.col_group[cols]
        valid_key = (pair_cap.row_group[rows] >= 0) & (pair_cap.col_group[cols] >= 0)
        for k in np.unique(key[valid_key]):
            arcs = np.flatnonzero(valid_key & (key == k))
            if len(arcs) <= pair_cap.limit:
                continue
            rg, cg = pair_cap.row_group[rows[arcs[0]]], pair_cap.col_group[cols[arcs[0]]]
            on = model.new_bool_var(f"cap{k}")
            model.add(sum(x[a] for a in arcs) <= pair_cap.limit).only_enforce_if(on)
            rules.append((on, f"at most {pair_cap.limit} pairs from {pair_cap.row_names[rg]} mentors to "
                              f"{pair_cap.col_names[cg]} mentees"))
    model.add_assumptions([on for on, _ in rules])
    total = sum(c * v for c, v in zip(costs, x))
    if objective == "coverage":
        stages = [sum(row_matched) + sum(col_matched), total]
    elif objective == "fair":
        lowest = model.new_int_var(min(costs, default=0), max(costs, default=0), "lowest")
        for c, v in zip(costs, x):
            model.add(lowest <= c).only_enforce_if(v)
        stages = [sum(x), lowest, total]
    else:
        stages = [total]

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.linearization_level = 2
    status = Status.OPTIMAL
    for stage in stages:
        solver.parameters.max_time_in_seconds = max(0.1, time_limit - (time.perf_counter() - start))
        model.maximize(stage)
        outcome = solver.solve(model)
        if outcome == cp_model.INFEASIBLE:
            core = set(solver.sufficient_assumptions_for_infeasibility())
            named = [label for on, label in rules if on.index in core] or [label for _, label in rules]
            raise InfeasibleError(named)
        if outcome not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            raise SolverError(f"CP-SAT found no solution within {time_limit:g} s ({solver.status_name(outcome)})")
        if outcome == cp_model.FEASIBLE:
            status = Status.FEASIBLE
        value = int(round(solver.objective_value))
        model.clear_hints()
        for v in x:
            model.add_hint(v, solver.boolean_value(v))
        if stage is not stages[-1]:
            model.add(stage >= value)  # keep the earlier criterion at its best before the next one
    chosen = np.array([solver.boolean_value(v) for v in x], dtype=bool)
    pairs = sorted(zip(rows[chosen].tolist(), cols[chosen].tolist()))
    objective_value = float(weights[chosen].sum())
    tolerance = 0.0 if scale == 1.0 else len(rows) / scale
    bound = objective_value + tolerance if status == Status.OPTIMAL else max(objective_value, solver.best_objective_bound / scale) + tolerance
    return Assignment(pairs, objective_value, bound, status, "cp_sat", time.perf_counter() - start, tolerance, arcs=len(rows))
