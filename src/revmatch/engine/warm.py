r"""Shortest paths in a flow's residual graph: duals of an optimal flow, and a warm re-solve after arcs join.

A flow network here is arrays ``tails, heads, capacities, costs`` (one entry per arc) and node
supplies. The residual graph of a flow has an arc ``a → b`` of cost ``c`` where the flow can still
rise on ``a → b``, and ``b → a`` of cost ``−c`` where it can fall. A flow is optimal exactly when
some potentials ``π`` make every residual arc's reduced cost ``c + π_a − π_b`` non-negative.

Pricing adds a few violating arcs to a flow that was optimal, round after round. OR-Tools' cost
scaling starts from scratch every time (and a late round, whose arcs are nearly all tight, is its
slowest). :func:`reoptimise` starts from the last
flow and its potentials instead: it saturates the new arcs that are worth it, which leaves a
little flow stranded, and sends it back along shortest paths of reduced cost (primal–dual: one
multi-source shortest-path sweep, then one OR-Tools max flow on the zero-reduced-cost arcs, per
phase). Late rounds need a handful of phases (measured times: the docs' Scale and benchmarks page).
"""

from __future__ import annotations

import numpy as np
from ortools.graph.python import max_flow

from ..errors import SolverError
from .arrays import sorted_unique
from .tuning import DEFAULT

INF = np.iinfo(np.int64).max // 4  # "unreached"; INF + INF still fits in int64


def _by_tail(n_nodes: int, tails: np.ndarray, *columns: np.ndarray):
    """Arcs sorted by tail, with each node's first arc (CSR), so a sweep reads a node's arcs at once."""
    order = np.argsort(tails, kind="stable")
    tails = tails[order]
    return np.searchsorted(tails, np.arange(n_nodes + 1)), tails, *(c[order] for c in columns)


def relax(out_start, tails, heads, costs, d, changed, targets=None) -> np.ndarray:
    """Label-correcting shortest distances (Bellman–Ford by frontier), in place on ``d``.

    Each sweep relaxes only the arcs out of the nodes whose distance fell in the sweep before,
    starting from ``changed``. With ``targets`` (costs non-negative), distances above the nearest
    target's are not needed and not explored: they stay where they were (INF for unreached).
    """
    limit = INF
    for _ in range(len(d) + 1):
        counts = out_start[changed + 1] - out_start[changed]
        arcs = np.repeat(out_start[changed] - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        if len(arcs) == 0:
            return d
        head, reach = heads[arcs], d[tails[arcs]] + costs[arcs]
        better = (reach < d[head]) & (reach < limit)
        if not better.any():
            return d
        head, reach = head[better], reach[better]
        np.minimum.at(d, head, reach)
        changed = sorted_unique(head)
        if targets is not None:
            limit = int(d[targets].min())
            changed = changed[d[changed] < limit]
    raise SolverError("negative cycle in the residual graph: the flow was not optimal")


def residual_distances(n_nodes, tails, heads, capacities, costs, flows) -> np.ndarray:
    """Shortest distances from a virtual root (0 to every node) in the residual graph: potentials.

    An optimal flow leaves no negative cycle, so relaxing converges; late sweeps touch a few nodes.
    """
    fwd, bwd = flows < capacities, flows > 0
    out_start, t, h, c = _by_tail(
        n_nodes,
        np.concatenate([tails[fwd], heads[bwd]]),
        np.concatenate([heads[fwd], tails[bwd]]),
        np.concatenate([costs[fwd], -costs[bwd]]),
    )
    return relax(out_start, t, h, c, np.zeros(n_nodes, np.int64), np.arange(n_nodes))


def reoptimise(tails, heads, capacities, costs, supplies, flows, potential, max_phases: int = DEFAULT.max_phases):
    """The optimal flow after arcs joined a flow that was optimal (with ``potential``) without them.

    ``flows`` is the old flow, 0 on the new arcs. Returns ``(flows, potential)`` — optimal, with
    potentials proving it — or None when the network turns out infeasible or the re-solve needs
    more than ``max_phases`` phases (then a cold solve is the better tool). Deterministic.
    """
    n_nodes, n_arcs = len(supplies), len(tails)
    flows, potential = flows.copy(), potential.copy()
    worth = costs + potential[tails] - potential[heads] < 0
    flows[worth] = capacities[worth]  # the new arcs worth using (old ones already are, and an old arc
    # of positive reduced cost is empty)
    excess = (
        supplies
        + np.bincount(heads, flows, n_nodes).astype(np.int64)
        - np.bincount(tails, flows, n_nodes).astype(np.int64)
    )
    # Both directions of every arc ("copies"), sorted by the node they leave; a copy's room and
    # reduced cost are kept up to date phase by phase rather than recomputed.
    out_start, t, h, copy = _by_tail(
        n_nodes, np.concatenate([tails, heads]), np.concatenate([heads, tails]), np.arange(2 * n_arcs)
    )
    arc, forward = copy % n_arcs, copy < n_arcs
    where = np.empty(2 * n_arcs, np.int64)
    where[copy] = np.arange(2 * n_arcs)  # an arc's forward copy sits at where[a], its reverse at where[a + m]
    room = np.where(forward, capacities[arc] - flows[arc], flows[arc])
    reduced = np.where(forward, costs[arc], -costs[arc]) + potential[t] - potential[h]
    source, sink = n_nodes, n_nodes + 1
    for _ in range(max_phases):
        sources, sinks = np.flatnonzero(excess > 0), np.flatnonzero(excess < 0)
        if len(sources) == 0:
            return flows, potential
        d = np.full(n_nodes, INF)
        d[sources] = 0
        relax(out_start, t, h, np.where(room > 0, reduced, INF), d, sources, targets=sinks)
        nearest = int(d[sinks].min())
        if nearest >= INF:
            return None  # stranded flow with nowhere to go: infeasible
        # Raise potentials by the distance (capped at the nearest sink's): reduced costs stay
        # non-negative, and every shortest path to a nearest sink is now made of zero-cost arcs.
        rise = np.minimum(d, nearest)
        potential += rise
        reduced += rise[t] - rise[h]
        tight = np.flatnonzero((reduced == 0) & (room > 0))
        push = max_flow.SimpleMaxFlow()
        push.add_arcs_with_capacity(
            np.concatenate([t[tight], np.full(len(sources), source), sinks]).astype(np.int32),
            np.concatenate([h[tight], sources, np.full(len(sinks), sink)]).astype(np.int32),
            np.concatenate([room[tight], excess[sources], -excess[sinks]]),
        )
        if push.solve(source, sink) != push.OPTIMAL:
            return None
        sent = np.asarray(push.flows(np.arange(len(tight) + len(sources) + len(sinks), dtype=np.int32)))
        used = np.flatnonzero(sent[: len(tight)])
        moved = tight[used]
        np.add.at(flows, arc[moved], np.where(forward[moved], 1, -1) * sent[used])
        changed = sorted_unique(arc[moved])
        room[where[changed]] = capacities[changed] - flows[changed]
        room[where[changed + n_arcs]] = flows[changed]
        excess[sources] -= sent[len(tight) : len(tight) + len(sources)]
        excess[sinks] += sent[len(tight) + len(sources) :]
    return None
