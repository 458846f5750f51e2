"""The warm re-solve (revmatch.engine.warm.reoptimise) against OR-Tools solving from scratch, and its proof."""

import numpy as np
import pytest
from ortools.graph.python import min_cost_flow

import revmatch as rm
from oracles import highs_lexicographic
from revmatch.engine import MenteeQuota, Tuning
from revmatch.engine import warm as flows


def b_matching(rng, n_rows, n_cols, n_arcs, max_cap, max_cost):
    """A source → mentors → mentees → sink network with a bypass, random pair arcs (many equal costs)."""
    keys = rng.choice(n_rows * n_cols, size=n_arcs, replace=False)
    rows, cols = keys // n_cols, keys % n_cols
    row_cap, col_cap = rng.integers(1, max_cap + 1, n_rows), rng.integers(1, max_cap + 1, n_cols)
    flow = int(min(row_cap.sum(), col_cap.sum()))
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    tails = np.concatenate([rows, [source], np.full(n_rows, source), n_rows + np.arange(n_cols)])
    heads = np.concatenate([n_rows + cols, [sink], np.arange(n_rows), np.full(n_cols, sink)])
    caps = np.concatenate([np.ones(n_arcs), [flow], row_cap, col_cap]).astype(np.int64)
    costs = np.concatenate([-rng.integers(1, max_cost + 1, n_arcs), np.zeros(1 + n_rows + n_cols)]).astype(np.int64)
    supplies = np.zeros(n_rows + n_cols + 2, np.int64)
    supplies[source], supplies[sink] = flow, -flow
    return tails, heads, caps, costs, supplies


def cold(tails, heads, caps, costs, supplies):
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(tails.astype(np.int32), heads.astype(np.int32), caps, costs)
    for node in np.flatnonzero(supplies):
        mcf.set_node_supply(int(node), int(supplies[node]))
    assert mcf.solve() == mcf.OPTIMAL
    return np.asarray(mcf.flows(np.arange(len(tails), dtype=np.int32))), mcf.optimal_cost()


def assert_optimal_flow(tails, heads, caps, costs, supplies, flow, potential):
    """A flow (capacities, conservation) and potentials leaving no residual arc of negative reduced cost."""
    assert np.all((flow >= 0) & (flow <= caps))
    balance = supplies + np.bincount(heads, flow, len(supplies)) - np.bincount(tails, flow, len(supplies))
    assert np.all(balance == 0)
    reduced = costs + potential[tails] - potential[heads]
    assert np.all(reduced[flow < caps] >= 0) and np.all(reduced[flow > 0] <= 0)


@pytest.mark.parametrize("seed", range(12))
def test_reoptimise_reaches_the_cold_optimum_and_proves_it(seed):
    rng = np.random.default_rng(seed)
    n_rows, n_cols = rng.integers(5, 60, 2)
    n_arcs = int(rng.integers(1, n_rows * n_cols // 2 + 2))
    max_cap, max_cost = int(rng.integers(1, 4)), int(rng.choice([3, 20, 1000]))
    tails, heads, caps, costs, supplies = b_matching(rng, n_rows, n_cols, n_arcs, max_cap, max_cost)
    # The flow is optimal on some of the pair arcs; the others then join at 0 (as pricing adds violators).
    joining = np.r_[rng.random(n_arcs) < rng.choice([0.05, 0.3, 0.8]), np.zeros(len(tails) - n_arcs, bool)]
    before = tails.copy(), heads.copy(), caps.copy(), costs.copy()
    old_flow, _ = cold(tails[~joining], heads[~joining], caps[~joining], costs[~joining], supplies)
    old_potential = flows.residual_distances(
        len(supplies), tails[~joining], heads[~joining], caps[~joining], costs[~joining], old_flow
    )
    start = np.zeros(len(tails), np.int64)
    start[~joining] = old_flow
    got = flows.reoptimise(tails, heads, caps, costs, supplies, start, old_potential, max_phases=10**6)
    assert got is not None
    flow, potential = got
    assert_optimal_flow(tails, heads, caps, costs, supplies, flow, potential)
    assert int(flow @ costs) == cold(tails, heads, caps, costs, supplies)[1]
    assert all(np.array_equal(a, b) for a, b in zip(before, (tails, heads, caps, costs)))  # inputs untouched
    assert np.array_equal(start[~joining], old_flow)


def test_reoptimise_hands_back_when_it_runs_out_of_phases():
    rng = np.random.default_rng(3)
    tails, heads, caps, costs, supplies = b_matching(rng, 40, 40, 600, 1, 50)
    start = np.zeros(len(tails), np.int64)
    start[600] = supplies.max()  # everything through the bypass: optimal only without the pair arcs
    potential = np.zeros(len(supplies), np.int64)
    assert flows.reoptimise(tails, heads, caps, costs, supplies, start, potential, max_phases=1) is None
    flow, _ = flows.reoptimise(tails, heads, caps, costs, supplies, start, potential)
    assert int(flow @ costs) == cold(tails, heads, caps, costs, supplies)[1]


def test_residual_distances_are_potentials_of_an_optimal_flow():
    rng = np.random.default_rng(5)
    network = b_matching(rng, 30, 25, 300, 2, 9)
    flow, _ = cold(*network)
    potential = flows.residual_distances(len(network[4]), *network[:4], flow)
    assert_optimal_flow(*network, flow, potential)


@pytest.mark.parametrize("objective, quota", [("total", False), ("coverage", False), ("total", True)])
def test_solves_with_and_without_the_warm_re_solve_agree_with_highs(objective, quota):
    rng = np.random.default_rng(11)
    n = 70
    w = rng.integers(0, 12, (n, n)).astype(float)
    allowed = rng.random((n, n)) < 0.7
    row_cap, col_cap = rng.integers(1, 3, n), np.ones(n, np.int64)
    group = rng.integers(-1, 2, n)
    mentee_quota = MenteeQuota(group, np.array([20, 15]), ("A", "B")) if quota else None
    results = {}
    for share in (0.0, np.inf):  # never, then whenever it can
        # One candidate per person, so that pricing takes several rounds.
        tuning = Tuning(k=1, reoptimise_per_node=share, dense_kernel=False)  # the candidate route
        a = rm.solve(w, allowed, row_cap, col_cap, objective=objective, mentee_quota=mentee_quota, tuning=tuning)
        assert a.status == "optimal" and a.rounds > 1
        results[share] = a
    assert results[0.0].warm_starts == 0
    assert results[np.inf].warm_starts > 0, "the warm re-solve never ran"
    expected = highs_lexicographic(
        w,
        allowed,
        row_cap,
        col_cap,
        objective,
        col_group=group if quota else None,
        least=mentee_quota.least if quota else None,
    )
    for a in results.values():
        assert a.objective == pytest.approx(expected[-1])
