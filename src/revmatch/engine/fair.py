"""The ``fair`` objective: most pairs, then the largest lowest pair score, then the largest total. Exact."""

from __future__ import annotations

import time

import numpy as np
from ortools.graph.python import max_flow, min_cost_flow

from ..errors import SolverError
from .assignment import Assignment, Status
from .mincost import integer_scale, score_grain


def fair(w: np.ndarray, free: np.ndarray, row_cap: np.ndarray, col_cap: np.ndarray, locks: np.ndarray) -> Assignment:
    """Most pairs; among those the largest lowest score; among those the largest total. Exact.

    Max-flow gives the most pairs k*; a binary search over the distinct scores finds the largest
    threshold that still admits k* pairs; max-flow-min-cost on the arcs at or above it (and at or
    below every locked pair's score, which is part of the minimum) maximises the total.
    """
    start = time.perf_counter()
    n_rows, n_cols = w.shape
    rows, cols = np.nonzero(free)
    weights = w[rows, cols]
    max_pairs = int(min(row_cap.sum(), col_cap.sum()))
    max_weight = float(np.abs(weights).max()) if len(weights) else 0.0
    scale, exact = integer_scale(max_weight, score_grain(weights), n_rows + n_cols + 2)
    costs = np.round(weights * scale).astype(np.int64)
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    side_tails = np.concatenate([np.full(n_rows, source), n_rows + np.arange(n_cols)]).astype(np.int32)
    side_heads = np.concatenate([np.arange(n_rows), np.full(n_cols, sink)]).astype(np.int32)
    side_caps = np.concatenate([row_cap, col_cap]).astype(np.int64)

    def most_pairs(keep: np.ndarray) -> int:
        g = max_flow.SimpleMaxFlow()
        g.add_arcs_with_capacity(
            np.concatenate([rows[keep], side_tails]).astype(np.int32),
            np.concatenate([n_rows + cols[keep], side_heads]).astype(np.int32),
            np.concatenate([np.ones(int(keep.sum()), np.int64), side_caps]),
        )
        if g.solve(source, sink) != g.OPTIMAL:
            raise SolverError("max-flow failed")
        return g.optimal_flow()

    target = most_pairs(np.ones(len(rows), bool)) if len(rows) and max_pairs else 0
    keep = np.zeros(len(rows), bool)
    if target:
        levels = np.unique(costs)
        lo, hi = 0, len(levels) - 1  # levels[lo] always admits target pairs
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
            np.concatenate([-costs[keep], np.zeros(len(side_caps), np.int64)]),
        )
        mcf.set_node_supply(source, max_pairs)
        mcf.set_node_supply(sink, -max_pairs)
        if mcf.solve_max_flow_with_min_cost() != mcf.OPTIMAL:
            raise SolverError("max-flow-min-cost failed")
        chosen = np.zeros(len(rows), bool)
        chosen[np.flatnonzero(keep)] = np.asarray(mcf.flows(np.arange(int(keep.sum()), dtype=np.int32))) > 0
        keep = chosen
    pairs = sorted(zip(rows[keep].tolist(), cols[keep].tolist()))
    objective = float(weights[keep].sum())
    tolerance = 0.0 if exact else max_pairs / scale
    return Assignment(
        pairs,
        objective,
        objective + tolerance,
        Status.OPTIMAL,
        "max_flow+min_cost_flow",
        time.perf_counter() - start,
        tolerance,
        arcs=len(rows),
    )
