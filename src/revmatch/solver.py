r"""Matrices → optimal pairs. Knows nothing of employees: only scores, masks and capacities.

The ``total`` objective is a maximum-weight bipartite b-matching:

.. math::

    \max \sum_{(i,j) \in A} w_{ij} x_{ij} \quad\text{s.t.}\quad
    \sum_j x_{ij} \le c_i,\ \ \sum_i x_{ij} \le d_j,\ \ x_{ij} \in \{0, 1\}

over the allowed arcs :math:`A`. It is solved exactly as a min-cost flow (OR-Tools
``SimpleMinCostFlow``): source → mentor (capacity :math:`c_i`), mentor → mentee (capacity 1, cost
:math:`-w_{ij}`), mentee → sink (capacity :math:`d_j`), plus a source → sink bypass so nobody is
forced into a pair. The network is totally unimodular, so the flow optimum is the integer optimum.
Pairs with a score ≤ 0 can never raise the total and are not offered to the solver.

OR-Tools needs integer costs. Integer-valued scores (the default weights) are used as they are, and
the optimum is exact. Other scores are scaled by ``s`` and rounded; each pair moves by at most
``0.5/s``, so the returned pairs are within ``tolerance = k/s`` of the true optimum (``k`` = most
pairs possible); ``s`` is chosen as large as OR-Tools' cost range allows (about 1e12 / max score).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from ortools.graph.python import min_cost_flow

from .errors import InputError, Problem, SolverError


CANDIDATES_PER_PERSON = 20   # top-k per mentor and per mentee before pricing (see MEASURED: 4 rounds at 10k)
MAX_PRICING_ROUNDS = 50      # a solve that has not proved optimality by then returns "feasible" with its bound
PRICING_BLOCK = 2048         # rows priced at a time: bounds the temporary memory of a pricing pass


class Status(StrEnum):
    """Outcome of a solve; compares equal to its lower-case name (``status == "optimal"``)."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"


@dataclass(frozen=True)
class Assignment:
    """Pairs chosen by a solve, as ``(row, col)`` positions in the score matrix, sorted."""

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


def solve(matrix, allowed=None, mentor_capacity=1, mentee_capacity=1) -> Assignment:
    r"""Best pairs for a mentors × mentees score matrix: maximise the total score.

    Parameters
    ----------
    matrix : array_like of float, shape (n_mentors, n_mentees)
        Pair scores; higher is better. NaN or ±inf only where ``allowed`` is False.
    allowed : array_like of bool, same shape, default=None (all allowed)
        Hard-rule mask; a pair with ``allowed == False`` is never made.
    mentor_capacity, mentee_capacity : int or array_like of int, default=1
        Most pairs per mentor (row) and per mentee (column).

    Returns
    -------
    Assignment
        ``pairs`` as sorted ``(row, col)`` tuples, ``objective``, ``bound``, ``status``, ``engine``,
        ``solve_time`` and the rounding ``tolerance`` (0 for integer-valued scores).

    Examples
    --------
    >>> import revmatch as rm
    >>> rm.solve([[4, 2], [3, 0]]).pairs
    [(0, 1), (1, 0)]
    """
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
    valid = mask & (w > 0)
    row_cap = _capacity(mentor_capacity, w.shape[0], "mentor_capacity")
    col_cap = _capacity(mentee_capacity, w.shape[1], "mentee_capacity")
    n_valid = int(valid.sum())
    if n_valid <= CANDIDATES_PER_PERSON * (w.shape[0] + w.shape[1]):
        rows, cols = np.nonzero(valid)
        return solve_arcs(w.shape, rows, cols, w[rows, cols], row_cap, col_cap)
    rows, cols = top_candidates(np.where(valid, w, -np.inf), CANDIDATES_PER_PERSON)
    in_candidates = np.zeros(w.shape, dtype=bool)
    in_candidates[rows, cols] = True
    weights = w[rows, cols]
    integral = bool(np.all(w[valid] == np.round(w[valid])))

    def price(u, v, scale):
        """Every allowed arc outside the candidates whose cost beats its dual price."""
        found, excess = [], 0.0
        for lo in range(0, w.shape[0], PRICING_BLOCK):
            hi = min(lo + PRICING_BLOCK, w.shape[0])
            cost = np.round(w[lo:hi] * scale)
            gain = np.where(valid[lo:hi] & ~in_candidates[lo:hi], cost - u[lo:hi, None] - v[None, :], 0)
            r, c = np.nonzero(gain > 0)
            excess += float(gain[r, c].sum())
            found.append((r + lo, c))
        r = np.concatenate([f[0] for f in found])
        c = np.concatenate([f[1] for f in found])
        in_candidates[r, c] = True
        return r, c, w[r, c], excess

    return solve_arcs(w.shape, rows, cols, weights, row_cap, col_cap, integral=integral,
                      max_weight=float(weights.max()), price=price, max_rounds=MAX_PRICING_ROUNDS)


def top_candidates(scores: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Union of each row's and each column's ``k`` best finite entries, as sorted (row, col) arrays.

    Each row's best entry is a candidate, so the candidates' maximum is the matrix's maximum.
    """
    n_rows, n_cols = scores.shape
    found = []
    for axis, n_other in ((1, n_cols), (0, n_rows)):
        kk = min(k, n_other)
        top = np.argpartition(-scores, kk - 1, axis=axis)
        top = top[:, :kk] if axis == 1 else top[:kk, :]
        if axis == 1:
            r, c = np.repeat(np.arange(n_rows), kk), top.ravel()
        else:
            r, c = top.ravel(), np.tile(np.arange(n_cols), kk)
        keep = np.isfinite(scores[r, c])
        found.append(r[keep].astype(np.int64) * n_cols + c[keep])
    flat = np.unique(np.concatenate(found))
    return flat // n_cols, flat % n_cols


def integer_scale(max_weight: float, integral: bool, n_nodes: int) -> float:
    """Factor that turns scores into OR-Tools' integer costs: 1 (exact) for whole-number scores."""
    # OR-Tools' cost scaling multiplies costs by about the node count: keep well inside int64.
    limit = min(2.0**53, 2.0**60 / (n_nodes + 1))
    if max_weight <= 0:
        return 1.0
    if integral and max_weight <= limit:
        return 1.0
    return limit / max_weight


@dataclass
class _Flow:
    """One min-cost-flow solve on candidate arcs, with the residual-graph potentials as duals."""

    chosen: np.ndarray      # bool per candidate arc
    row_dual: np.ndarray    # u_i ≥ 0 per mentor, in integer cost units
    col_dual: np.ndarray    # v_j ≥ 0 per mentee


def _min_cost_flow(shape, rows, cols, costs, row_capacity, col_capacity) -> _Flow:
    n_rows, n_cols = shape
    flow = int(min(row_capacity.sum(), col_capacity.sum(), len(rows)))
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    r_nodes, c_nodes = np.arange(n_rows), n_rows + np.arange(n_cols)
    tails = np.concatenate([rows, np.full(n_rows, source), c_nodes, [source]]).astype(np.int32)
    heads = np.concatenate([n_rows + cols, r_nodes, np.full(n_cols, sink), [sink]]).astype(np.int32)
    capacities = np.concatenate([np.ones(len(rows), np.int64), row_capacity, col_capacity, [flow]])
    unit_costs = np.concatenate([-costs, np.zeros(n_rows + n_cols + 1, np.int64)])
    mcf = min_cost_flow.SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, unit_costs)
    mcf.set_node_supply(source, flow)
    mcf.set_node_supply(sink, -flow)
    status = mcf.solve()
    if status != mcf.OPTIMAL:
        raise SolverError(f"min-cost flow ended with status {status.name} on {len(rows)} arcs "
                          f"(max integer cost {int(costs.max()) if len(costs) else 0})")
    flows = np.asarray(mcf.flows(np.arange(len(tails), dtype=np.int32)))
    d = _residual_distances(n_rows + n_cols + 2, tails, heads, capacities, unit_costs, flows)
    # Potentials → LP duals of the b-matching: u_i + v_j ≥ d_i − d_j ≥ cost_ij on every unused arc.
    return _Flow(chosen=flows[: len(rows)] > 0,
                 row_dual=np.maximum(0, d[:n_rows] - d[sink]), col_dual=np.maximum(0, d[sink] - d[n_rows:n_rows + n_cols]))


def _residual_distances(n_nodes, tails, heads, capacities, costs, flows) -> np.ndarray:
    """Shortest distances from a virtual root (0 to every node) in the residual graph (Bellman–Ford).

    An optimal flow leaves no negative cycle, so the sweeps converge; the distances are node potentials.
    """
    fwd = flows < capacities
    bwd = flows > 0
    t = np.concatenate([tails[fwd], heads[bwd]])
    h = np.concatenate([heads[fwd], tails[bwd]])
    c = np.concatenate([costs[fwd], -costs[bwd]])
    order = np.argsort(h, kind="stable")
    t, h, c = t[order], h[order], c[order]
    starts = np.flatnonzero(np.r_[True, h[1:] != h[:-1]]) if len(h) else np.array([], dtype=np.int64)
    targets = h[starts]
    d = np.zeros(n_nodes, dtype=np.int64)
    for _ in range(n_nodes + 1):
        best = np.minimum.reduceat(d[t] + c, starts) if len(h) else np.array([], dtype=np.int64)
        improved = best < d[targets]
        if not improved.any():
            return d
        d[targets[improved]] = best[improved]
    raise SolverError("negative cycle in the residual graph: the flow was not optimal")


def solve_arcs(shape: tuple[int, int], rows: np.ndarray, cols: np.ndarray, weights: np.ndarray,
               row_capacity: np.ndarray, col_capacity: np.ndarray, *, integral: bool | None = None,
               max_weight: float | None = None, price=None, max_rounds: int = 50) -> Assignment:
    """Maximum-weight b-matching on candidate arcs, proved optimal against every arc by LP duality.

    Solves on the candidate arcs (row, col, weight > 0), turns the flow's residual potentials into
    duals ``u ≥ 0`` (mentors) and ``v ≥ 0`` (mentees), and asks ``price(u, v, scale)`` for every
    arc outside the candidates whose integer cost exceeds ``u_i + v_j`` (returns rows, cols, weights
    and the total excess). Violators join the candidates and the solve repeats; with none left the
    candidates' optimum is the global one. Whatever happens, ``bound = Σ c·u + Σ d·v + Σ excess`` is
    a valid upper bound (weak duality), so the gap reported is honest. Without ``price`` the
    candidates are the whole problem.
    """
    start = time.perf_counter()
    n_rows, n_cols = shape
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    weights = np.asarray(weights, dtype=np.float64)
    if integral is None:
        integral = bool(np.all(weights == np.round(weights)))
    if max_weight is None:
        max_weight = float(weights.max()) if len(weights) else 0.0
    scale = integer_scale(max_weight, integral, n_rows + n_cols + 2)
    max_pairs = int(min(row_capacity.sum(), col_capacity.sum()))
    tolerance = 0.0 if scale == 1.0 else max_pairs / scale

    status, rounds = Status.FEASIBLE, 0
    while True:
        rounds += 1
        costs = np.round(weights * scale).astype(np.int64)
        if len(rows) and max_pairs:
            flow = _min_cost_flow(shape, rows, cols, costs, row_capacity, col_capacity)
        else:
            flow = _Flow(np.zeros(len(rows), bool), np.zeros(n_rows, np.int64), np.zeros(n_cols, np.int64))
        u, v = flow.row_dual, flow.col_dual
        dual = float(row_capacity @ u + col_capacity @ v + np.maximum(0, costs - u[rows] - v[cols]).sum())
        if price is None or max_pairs == 0:
            status = Status.OPTIMAL
            break
        new_rows, new_cols, new_weights, outside_excess = price(u, v, scale)
        dual += outside_excess
        if len(new_rows) == 0:
            status = Status.OPTIMAL
            break
        if rounds == max_rounds:
            break
        # Violators join the candidates, kept in (row, col) order so the result never depends on rounds.
        rows, cols = np.concatenate([rows, new_rows]), np.concatenate([cols, new_cols])
        weights = np.concatenate([weights, new_weights])
        order = np.lexsort((cols, rows))
        rows, cols, weights = rows[order], cols[order], weights[order]
    chosen = flow.chosen
    pairs = sorted(zip(rows[chosen].tolist(), cols[chosen].tolist()))
    objective = float(weights[chosen].sum())
    # Weak duality: the dual value bounds the integer problem; rounding adds at most the tolerance.
    bound = objective + tolerance if status == Status.OPTIMAL else max(objective, dual / scale) + tolerance
    return Assignment(pairs, objective, bound, status, "min_cost_flow", time.perf_counter() - start, tolerance,
                      rounds=rounds, arcs=len(rows))
