r"""Lexicographic b-matching: the most arcs of the first kind, then of the next, …, then the best total — exact.

Each stage is a min-cost flow on the b-matching network (source → mentor → mentee → sink, plus a
bypass, as :mod:`revmatch.engine.mincost`) with that stage's integer arc values as gains. An optimal
flow's residual potentials :math:`\pi` give every arc a reduced cost :math:`\bar c_a = c_a + \pi_t
- \pi_h`; by complementary slackness the optimal flows of the stage are exactly the feasible flows
with :math:`x_a = 0` where :math:`\bar c_a > 0` and :math:`x_a = u_a` where :math:`\bar c_a < 0`. So
the next stage runs on the arcs of zero reduced cost, the saturated ones fixed (their flow moved into
the supplies), and never loses what an earlier stage won. The last stage's values are the scores.
"""

from __future__ import annotations

import time

import numpy as np
from ortools.graph.python import min_cost_flow

from ..errors import SolverError
from .assignment import Assignment, Status
from .mincost import integer_scale, score_grain
from .warm import residual_distances


def lexicographic_matching(
    shape: tuple[int, int],
    rows: np.ndarray,
    cols: np.ndarray,
    stages: list[np.ndarray],
    scores: np.ndarray,
    row_capacity: np.ndarray,
    col_capacity: np.ndarray,
) -> Assignment:
    """Pairs among the arcs ``(rows[k], cols[k])`` maximising ``stages[0]``'s sum, then ``stages[1]``'s, …,
    then the sum of ``scores`` — each stage exactly, within the capacities.

    ``stages`` hold whole numbers per arc (e.g. how many first choices the pair meets); ``scores``
    any finite numbers (exact on a power-of-two grain, else within the returned ``tolerance``).
    """
    start = time.perf_counter()
    n_rows, n_cols = shape
    rows, cols = np.asarray(rows, np.int64), np.asarray(cols, np.int64)
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    flow = int(min(row_capacity.sum(), col_capacity.sum()))
    tails = np.concatenate([rows, np.full(n_rows, source), n_rows + np.arange(n_cols), [source]]).astype(np.int64)
    heads = np.concatenate([n_rows + cols, np.arange(n_rows), np.full(n_cols, sink), [sink]]).astype(np.int64)
    caps = np.concatenate([np.ones(len(rows)), row_capacity, col_capacity, [flow]]).astype(np.int64)
    supply = np.zeros(n_rows + n_cols + 2, np.int64)
    supply[source], supply[sink] = flow, -flow
    scale, exact = integer_scale(float(np.abs(scores).max()) if len(scores) else 0.0, score_grain(scores), len(supply))
    gains = [np.asarray(s, np.int64) for s in stages] + [np.round(np.asarray(scores) * scale).astype(np.int64)]
    fixed = np.zeros(len(tails), np.int64)  # flow of the arcs an earlier stage decided
    active = np.ones(len(tails), dtype=bool)
    flows = np.zeros(0, np.int64)
    for k, gain in enumerate(gains):
        costs = np.zeros(len(tails), np.int64)
        costs[: len(rows)] = -gain
        last = k == len(gains) - 1
        if not last and not costs[active].any():
            continue  # nothing to win at this stage: every remaining flow ties
        at = np.flatnonzero(active)
        flows = _min_cost_flow(tails[at], heads[at], caps[at], costs[at], supply)
        if last:
            break
        d = residual_distances(len(supply), tails[at], heads[at], caps[at], costs[at], flows)
        reduced = costs[at] + d[tails[at]] - d[heads[at]]
        full, unused = at[reduced < 0], at[reduced > 0]
        # Every optimal flow of this stage saturates the first and leaves the second empty: fix them.
        fixed[full] = caps[full]
        np.subtract.at(supply, tails[full], caps[full])
        np.add.at(supply, heads[full], caps[full])
        active[full] = active[unused] = False
    total = fixed.copy()
    total[np.flatnonzero(active)] = flows
    chosen = total[: len(rows)] > 0
    pairs = sorted(zip(rows[chosen].tolist(), cols[chosen].tolist()))
    objective = float(np.asarray(scores)[chosen].sum())
    tolerance = 0.0 if exact else flow / scale
    return Assignment(
        pairs,
        objective,
        objective + tolerance,
        Status.OPTIMAL,
        "lexicographic_flow",
        time.perf_counter() - start,
        tolerance,
        rounds=len(gains),
        arcs=len(rows),
    )


def _min_cost_flow(tails, heads, caps, costs, supply) -> np.ndarray:
    """OR-Tools' min-cost flow; the flow per arc."""
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps.astype(np.int64), costs.astype(np.int64)
    )
    for node in np.flatnonzero(supply):
        mcf.set_node_supply(int(node), int(supply[node]))
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        raise SolverError(f"lexicographic min-cost flow ended with status {status.name} on {len(tails)} arcs")
    return np.asarray(mcf.flows(np.arange(len(tails), dtype=np.int32)), dtype=np.int64)
