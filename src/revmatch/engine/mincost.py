r"""Min-cost flow on candidate arcs, proved optimal over every arc by LP duality (the ``total`` engine).

The ``total`` objective is a maximum-weight bipartite b-matching, solved exactly as a min-cost flow
(OR-Tools ``SimpleMinCostFlow``): source → mentor (capacity :math:`c_i`), mentor → mentee (capacity 1,
cost :math:`-w_{ij}`), mentee → sink (capacity :math:`d_j`), plus a source → sink bypass so nobody is
forced into a pair. The same network carries the coverage bonus and mentee quotas. The flow's
residual potentials are the duals that price every arc outside the candidates.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from ortools.graph.python import min_cost_flow

from ..errors import InfeasibleError, SolverError
from .assignment import Assignment, MenteeQuota, Status
from .tuning import DEFAULT, Tuning
from .warm import reoptimise, residual_distances

# The largest power of two used as a scale: 2**1000 is finite, and a score of 1e-300 times it is 1e1.
MAX_EXPONENT = 1000


def score_grain(values: np.ndarray) -> float | None:
    """The coarsest power of two (1, 1/2, 1/4, … 2**-30) every value is a whole multiple of; None if none.

    Scores built from whole parts and weights such as 0.5 or 0.25 are multiples of their grain, so
    costs ``score / grain`` are exact integers and the optimum is exact.
    """
    values = np.asarray(values, dtype=np.float64).reshape(-1)
    # A guess from a thousand values (most real-valued matrices stop here), then one check of all.
    k = _fraction_bits(values[:: max(1, len(values) // 1024)])
    if k is not None and k <= 30 and len(values) > 1024 and not _whole_after(values, 2.0**k):
        k = _fraction_bits(values)
    return None if k is None or k > 30 else 2.0**-k


def _whole_after(values: np.ndarray, factor: float) -> bool:
    """Whether every value times ``factor`` (a power of two: exact) is a whole number; in cached blocks."""
    step = 2**16
    scaled, rounded = np.empty(min(step, len(values))), np.empty(min(step, len(values)))
    for start in range(0, len(values), step):
        part = values[start : start + step]
        np.multiply(part, factor, out=scaled[: len(part)])
        np.round(scaled[: len(part)], out=rounded[: len(part)])
        if not np.array_equal(scaled[: len(part)], rounded[: len(part)]):
            return False
    return True


def _fraction_bits(values: np.ndarray) -> int | None:
    """The fewest binary digits after the point that write every (finite) value exactly; None if not finite.

    Read off the IEEE 754 fields: a value is ``M × 2**(e − 1075)`` with ``M`` its 53 significant bits,
    so it needs ``1075 − e − t`` digits after the point, ``t`` the trailing zero bits of ``M``.
    """
    if not np.all(np.isfinite(values)):
        return None
    bits = np.ascontiguousarray(values, dtype=np.float64).view(np.int64) & 0x7FFF_FFFF_FFFF_FFFF  # |value|
    nonzero = bits[bits != 0]
    if len(nonzero) == 0:
        return 0
    biased = nonzero >> 52
    significand = (nonzero & 0xF_FFFF_FFFF_FFFF) | np.where(biased > 0, 1 << 52, 0)
    lowest = significand & -significand
    trailing = (lowest.astype(np.float64).view(np.int64) >> 52) - 1023  # log2 of a power of two
    return max(0, int((1075 - biased - trailing).max()))


def integer_scale(
    max_weight: float, grain: float | None, n_nodes: int, headroom: int = 1, precision: float = 2.0**60
) -> tuple[float, bool]:
    """Factor that turns scores into OR-Tools' integer costs, and whether those costs are exact.

    Scores that are whole multiples of ``grain`` (see :func:`score_grain`) scale by ``1 / grain``:
    exact. Others scale by a power of two as finely as the cost range allows, within a rounding
    tolerance; a power of two keeps ``score × scale`` exact in binary and the factor finite for any
    finite scores, down to 1e-300 and below. ``headroom`` reserves room for a bonus ``headroom``
    times the largest cost (coverage objective); costs times the node count stay below
    ``precision`` (2**52 keeps float64 sums exact).
    """
    # OR-Tools' cost scaling multiplies costs by about the node count: keep well inside int64.
    limit = min(2.0**53, precision / (n_nodes + 1)) / headroom
    if max_weight <= 0:
        return 1.0, True
    if grain is not None and max_weight / grain <= limit:
        return 1.0 / grain, True
    # max_weight < 2**top and limit >= 2**floor, so max_weight * 2**(floor - top) stays within the limit.
    top, floor = math.frexp(max_weight)[1], math.frexp(limit)[1] - 1
    return math.ldexp(1.0, min(floor - top, MAX_EXPONENT)), False


class PricingStalled(Exception):
    """Pricing rounds stopped paying (internal: :func:`revmatch.solve` then uses the dense kernel)."""


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


@dataclass(frozen=True)
class _Warm:
    """What the next solve needs to start from this one: node potentials and the flows on the side arcs."""

    potential: np.ndarray
    side_flows: np.ndarray  # flows on the arcs after the candidates (source, sink, groups)


@dataclass(frozen=True)
class _Flow:
    """One min-cost-flow solve on candidate arcs, with the residual-graph potentials as duals."""

    chosen: np.ndarray  # bool per candidate arc
    row_dual: np.ndarray  # u_i per mentor, in integer cost units
    col_dual: np.ndarray  # v_j per mentee; an outside arc can improve only if cost_ij > u_i + v_j
    warm: _Warm | None = None
    warm_started: bool = False  # solved by the warm re-solve from the last flow


@dataclass(frozen=True)
class _Arcs:
    """A flow network as arrays: one entry per arc, candidates first, and each node's supply."""

    tails: np.ndarray
    heads: np.ndarray
    capacities: np.ndarray
    costs: np.ndarray
    supplies: dict[int, int]

    @property
    def n_nodes(self) -> int:
        return int(max(self.tails.max(), self.heads.max())) + 1


def _network_arcs(
    shape: tuple[int, int],
    rows: np.ndarray,
    cols: np.ndarray,
    costs: np.ndarray,
    row_capacity: np.ndarray,
    col_capacity: np.ndarray,
    network: Network,
    bonus_cost: int,
) -> _Arcs:
    """Source → mentors → candidate arcs → mentees → sink, a bypass, and (coverage, quotas) first-pair arcs."""
    n_rows, n_cols = shape
    flow = int(min(row_capacity.sum(), col_capacity.sum()))
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    r_nodes, c_nodes = np.arange(n_rows), n_rows + np.arange(n_cols)
    tails: list = [rows, [source]]
    heads: list = [n_rows + cols, [sink]]
    caps: list = [np.ones(len(rows), np.int64), [flow]]
    unit: list = [-costs, [0]]
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
        assert network.row_open is not None and network.col_open is not None
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
                raise InfeasibleError(
                    [
                        f"{quota.names[g]}: needs {quota.least[g]} mentees matched but only "
                        f"{int(members[g])} are free to be"
                        for g in short
                    ]
                )
            tails += [groups]
            heads += [np.full(len(groups), sink)]
            caps += [members.astype(np.int64) - quota.least]
            unit += [np.zeros(len(groups), np.int64)]
            supplies.update({int(g): -int(quota.least[k]) for k, g in enumerate(groups)})
            supplies[sink] += int(quota.least.sum())
        tails += [np.full(n_rows, source), np.full(n_rows, source), c_nodes, c_nodes]
        heads += [r_nodes, r_nodes, first_head, np.full(n_cols, sink)]
        caps += [row_open, row_capacity - row_open, col_open, col_capacity - col_open]
        unit += [
            np.full(n_rows, -bonus),
            np.zeros(n_rows, np.int64),
            np.full(n_cols, -bonus),
            np.zeros(n_cols, np.int64),
        ]
    return _Arcs(
        np.concatenate(tails).astype(np.int32),
        np.concatenate(heads).astype(np.int32),
        np.concatenate(caps).astype(np.int64),
        np.concatenate(unit).astype(np.int64),
        supplies,
    )


def _min_cost_flow(
    shape,
    rows,
    cols,
    costs,
    row_capacity,
    col_capacity,
    network: Network,
    bonus_cost: int,
    warm: _Warm | None,
    chosen: np.ndarray | None,
    tuning: Tuning,
) -> _Flow:
    """One solve; ``warm`` (the last solve's) and ``chosen`` (its pairs among these arcs) let a few new
    arcs be folded in by :func:`revmatch.engine.warm.reoptimise` instead of solving from scratch."""
    n_rows, n_cols = shape
    arcs = _network_arcs(shape, rows, cols, costs, row_capacity, col_capacity, network, bonus_cost)
    again = _reoptimised(arcs, warm, chosen, tuning)
    if again is not None:
        flows, d = again
    else:
        flows, d = _cold(arcs, network, len(rows), costs)
    sink = n_rows + n_cols + 1
    u, v = d[:n_rows] - d[sink], d[sink] - d[n_rows : n_rows + n_cols]
    if network.plain:
        # Potentials → LP duals of the plain b-matching (u, v ≥ 0), whose value bounds the optimum.
        u, v = np.maximum(0, u), np.maximum(0, v)
    return _Flow(
        chosen=flows[: len(rows)] > 0,
        row_dual=u,
        col_dual=v,
        warm=_Warm(d, flows[len(rows) :]),
        warm_started=again is not None,
    )


def _reoptimised(arcs: _Arcs, warm: _Warm | None, chosen: np.ndarray | None, tuning: Tuning):
    """Flows and potentials from the last solve's, when few arcs are worth adding; None otherwise."""
    if warm is None or chosen is None:
        return None
    potential = warm.potential
    flows = np.concatenate([chosen.astype(np.int64), warm.side_flows])
    worth = (arcs.costs + potential[arcs.tails] - potential[arcs.heads] < 0) & (flows < arcs.capacities)
    n_nodes = arcs.n_nodes
    if np.count_nonzero(worth) > n_nodes * tuning.reoptimise_per_node:
        return None
    supply = np.zeros(n_nodes, np.int64)
    supply[list(arcs.supplies)] = list(arcs.supplies.values())
    return reoptimise(
        arcs.tails, arcs.heads, arcs.capacities, arcs.costs, supply, flows, potential, max_phases=tuning.max_phases
    )


def _cold(arcs: _Arcs, network: Network, n_pairs: int, costs: np.ndarray):
    """OR-Tools' min-cost flow from scratch; the residual graph's distances as potentials."""
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(arcs.tails, arcs.heads, arcs.capacities, arcs.costs)
    for node, supply in arcs.supplies.items():
        mcf.set_node_supply(node, supply)
    status = mcf.solve()
    if status == mcf.INFEASIBLE and network.quota is not None:
        q = network.quota
        raise InfeasibleError(
            [
                "the mentee quotas cannot all be met at once with the mentors' capacity: "
                + ", ".join(f"{q.names[g]} ≥ {q.least[g]}" for g in np.flatnonzero(q.least))
            ]
        )
    if status != mcf.OPTIMAL:
        raise SolverError(
            f"min-cost flow ended with status {status.name} on {n_pairs} arcs "
            f"(max integer cost {int(np.abs(costs).max()) if len(costs) else 0})"
        )
    flows = np.asarray(mcf.flows(np.arange(len(arcs.tails), dtype=np.int32)))
    return flows, residual_distances(arcs.n_nodes, arcs.tails, arcs.heads, arcs.capacities, arcs.costs, flows)


@dataclass
class _Candidates:
    """The arcs the next solve sees, kept in (row, col) order so the result never depends on rounds."""

    rows: np.ndarray
    cols: np.ndarray
    weights: np.ndarray
    chosen: np.ndarray | None = None  # the last solve's pairs among them

    def drop(self, keep: np.ndarray) -> None:
        self.rows, self.cols, self.weights = self.rows[keep], self.cols[keep], self.weights[keep]
        if self.chosen is not None:
            self.chosen = self.chosen[keep]

    def join(self, rows: np.ndarray, cols: np.ndarray, weights: np.ndarray) -> None:
        assert self.chosen is not None
        self.rows, self.cols = np.concatenate([self.rows, rows]), np.concatenate([self.cols, cols])
        self.weights = np.concatenate([self.weights, weights])
        self.chosen = np.concatenate([self.chosen, np.zeros(len(rows), bool)])
        order = np.lexsort((self.cols, self.rows))
        self.drop(order)


def solve_arcs(
    shape: tuple[int, int],
    rows: np.ndarray,
    cols: np.ndarray,
    weights: np.ndarray,
    row_capacity: np.ndarray,
    col_capacity: np.ndarray,
    *,
    grain: float | str | None = "detect",
    max_weight: float | None = None,
    price=None,
    network: Network | None = None,
    tuning: Tuning = DEFAULT,
    stall_rounds: int | None = None,
) -> Assignment:
    """Optimal flow on candidate arcs, proved optimal against every arc by LP duality.

    Solves on the candidate arcs (row, col, weight), turns the flow's residual potentials into
    duals ``u`` (mentors) and ``v`` (mentees), and asks ``price(u, v, scale, final)`` for every arc
    outside the candidates whose integer cost exceeds ``u_i + v_j`` (it returns rows, cols, weights
    and the total excess). Violators join the candidates and the solve repeats, at most
    ``tuning.max_rounds`` times (None: until none is left); with none left the candidates' optimum is
    the global one. For the plain network, whatever happens, ``bound = Σ c·u + Σ d·v + Σ excess`` is a
    valid upper bound (weak duality), so the reported gap is honest. Without ``price`` the candidates
    are the whole problem. ``max_weight`` must bound every arc's absolute weight, priced ones
    included, and ``grain`` (see :func:`score_grain`; "detect": from the arcs given; None: none, scale
    within a tolerance) must hold for them all. With ``stall_rounds``, raises :class:`PricingStalled`
    once the joining arcs failed to halve that many rounds in a row (pricing is not paying: the
    caller has a better tool).
    """
    start = time.perf_counter()
    network = network or Network()
    n_rows, n_cols = shape
    arcs = _Candidates(
        np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64), np.asarray(weights, dtype=np.float64)
    )
    if grain == "detect":
        grain = score_grain(arcs.weights)
    assert not isinstance(grain, str)
    if max_weight is None:
        max_weight = float(np.abs(arcs.weights).max()) if len(arcs.weights) else 0.0
    max_pairs = int(min(row_capacity.sum(), col_capacity.sum()))
    headroom = max_pairs + 2 if network.bonus else 1
    scale, exact = integer_scale(max_weight, grain, n_rows + n_cols + 2, headroom)
    tolerance = 0.0 if exact else max_pairs / scale
    # Coverage: a first pair is worth more than any possible difference in total score.
    bonus_cost = int(max_pairs * round(max_weight * scale) + 1)
    margin = tuning.drop_margin_for(n_rows * n_cols)
    status, rounds, warm_starts, warm = Status.FEASIBLE, 0, 0, None
    joined, stalled = None, 0
    while True:
        rounds += 1
        costs = np.round(arcs.weights * scale).astype(np.int64)
        if max_pairs and (len(arcs.rows) or network.quota is not None):
            flow = _min_cost_flow(
                shape,
                arcs.rows,
                arcs.cols,
                costs,
                row_capacity,
                col_capacity,
                network,
                bonus_cost,
                warm,
                arcs.chosen,
                tuning,
            )
        else:
            flow = _Flow(np.zeros(len(arcs.rows), bool), np.zeros(n_rows, np.int64), np.zeros(n_cols, np.int64))
        u, v, warm, arcs.chosen = flow.row_dual, flow.col_dual, flow.warm, flow.chosen
        warm_starts += flow.warm_started
        dual = float(row_capacity @ u + col_capacity @ v + np.maximum(0, costs - u[arcs.rows] - v[arcs.cols]).sum())
        if price is None or max_pairs == 0:
            status = Status.OPTIMAL
            break
        # The final allowed round prices every pair, so a run stopped early keeps a finite bound.
        new_rows, new_cols, new_weights, outside_excess = price(u, v, scale, final=rounds == tuning.max_rounds)
        dual += outside_excess
        if len(new_rows) == 0:
            status = Status.OPTIMAL
            break
        if rounds == tuning.max_rounds:
            break
        stalled = stalled + 1 if joined is not None and 2 * len(new_rows) > joined else 0
        joined = len(new_rows)
        if stall_rounds is not None and stalled >= stall_rounds:
            raise PricingStalled(rounds)
        # Unused arcs far below their dual price leave the next solve (its time grows with the arcs):
        # the pricer watches them again, and they come back if their price falls enough to violate.
        forget = getattr(price, "forget", None)
        if forget is not None and margin is not None:
            drop = ~flow.chosen & (costs - u[arcs.rows] - v[arcs.cols] < -margin * max(1, int(np.abs(costs).max())))
            if drop.any():
                forget(arcs.rows[drop], arcs.cols[drop])
                arcs.drop(~drop)
        arcs.join(new_rows, new_cols, new_weights)
    chosen = flow.chosen
    pairs = sorted(zip(arcs.rows[chosen].tolist(), arcs.cols[chosen].tolist()))
    objective = float(arcs.weights[chosen].sum())
    if status == Status.OPTIMAL:
        bound = objective + tolerance
    elif network.plain:
        # Weak duality: the dual value bounds the integer problem; rounding adds at most the tolerance.
        bound = max(objective, dual / scale) + tolerance
    else:
        bound = float("inf")
    return Assignment(
        pairs,
        objective,
        bound,
        status,
        "min_cost_flow",
        time.perf_counter() - start,
        tolerance,
        rounds=rounds,
        arcs=len(arcs.rows),
        warm_starts=warm_starts,
    )
