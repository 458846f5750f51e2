"""Quotas a graph cannot carry, on CP-SAT: lexicographic stages, each proved before the next."""

from __future__ import annotations

import time

import numpy as np
from ortools.sat.python import cp_model

from ..errors import InfeasibleError, SolverError
from .assignment import Assignment, GroupPairCap, MenteeQuota, Status
from .mincost import integer_scale, score_grain


def cp_sat(
    w,
    free,
    row_cap,
    col_cap,
    locks,
    lock_labels,
    objective,
    quota: MenteeQuota | None,
    pair_cap: GroupPairCap | None,
    time_limit: float,
) -> Assignment:
    """Quotas a graph cannot carry, on CP-SAT: lexicographic stages, each proved before the next.

    Every lock and quota is switched on by an assumption literal, so an infeasible model names the
    rules that conflict (CP-SAT's sufficient assumptions for infeasibility).
    """
    start = time.perf_counter()
    rows = np.concatenate([np.nonzero(free)[0], locks[:, 0]])
    cols = np.concatenate([np.nonzero(free)[1], locks[:, 1]])
    weights = w[rows, cols]
    max_weight = float(np.abs(weights).max()) if len(weights) else 0.0
    scale, exact = integer_scale(max_weight, score_grain(weights), 2**20)
    built = _Model(w.shape, rows, cols, np.round(weights * scale).astype(np.int64).tolist())
    built.capacities(row_cap, col_cap)
    built.locks(len(locks), lock_labels)
    if quota is not None:
        built.mentee_quota(quota)
    if pair_cap is not None:
        built.pair_cap(pair_cap)
    chosen, status, best_bound = built.solve(objective, time_limit - (time.perf_counter() - start))
    pairs = sorted(zip(rows[chosen].tolist(), cols[chosen].tolist()))
    total = float(weights[chosen].sum())
    tolerance = 0.0 if exact else len(rows) / scale
    bound = total + tolerance if status == Status.OPTIMAL else max(total, best_bound / scale) + tolerance
    return Assignment(pairs, total, bound, status, "cp_sat", time.perf_counter() - start, tolerance, arcs=len(rows))


class _Model:
    """The CP-SAT model of a b-matching on arcs (rows, cols, integer costs), rule by rule."""

    def __init__(self, shape: tuple[int, int], rows: np.ndarray, cols: np.ndarray, costs: list[int]):
        self.model = cp_model.CpModel()
        self.rows, self.cols, self.costs = rows, cols, costs
        self.x = [self.model.new_bool_var(f"x{a}") for a in range(len(rows))]
        self.by_row: list[list[cp_model.IntVar]] = [[] for _ in range(shape[0])]
        self.by_col: list[list[cp_model.IntVar]] = [[] for _ in range(shape[1])]
        for a, (r, c) in enumerate(zip(rows.tolist(), cols.tolist())):
            self.by_row[r].append(self.x[a])
            self.by_col[c].append(self.x[a])
        self.rules: list[tuple[cp_model.IntVar, str]] = []  # assumption literal, the rule's name
        self.row_matched = self._matched(self.by_row, "r")
        self.col_matched = self._matched(self.by_col, "c")

    def _matched(self, lines: list[list[cp_model.IntVar]], prefix: str) -> list[cp_model.IntVar]:
        """A flag per person that can be 1 only when they have a pair."""
        flags = []
        for k, arcs in enumerate(lines):
            flag = self.model.new_bool_var(f"{prefix}{k}")
            self.model.add(sum(arcs) >= 1).only_enforce_if(flag) if arcs else self.model.add(flag == 0)
            flags.append(flag)
        return flags

    def _rule(self, name: str, label: str, constraint) -> None:
        on = self.model.new_bool_var(name)
        constraint.only_enforce_if(on)
        self.rules.append((on, label))

    def capacities(self, row_cap: np.ndarray, col_cap: np.ndarray) -> None:
        # Each person stays within their capacity.
        for lines, caps in ((self.by_row, row_cap), (self.by_col, col_cap)):
            for arcs, cap in zip(lines, caps.tolist()):
                if arcs:
                    self.model.add(sum(arcs) <= int(cap))

    def locks(self, n_locks: int, labels: list[str]) -> None:
        # Locked pairs are made (they are the last arcs).
        first = len(self.x) - n_locks
        for k in range(n_locks):
            self._rule(f"lock{k}", labels[k], self.model.add(self.x[first + k] == 1))

    def mentee_quota(self, quota: MenteeQuota) -> None:
        # Enough of each group's mentees are matched.
        for g in np.flatnonzero(quota.least):
            members = sum(self.col_matched[c] for c in np.flatnonzero(quota.group == g))
            self._rule(
                f"quota{g}",
                f"{quota.names[g]}: at least {quota.least[g]} mentees matched",
                self.model.add(members >= int(quota.least[g])),
            )

    def pair_cap(self, cap: GroupPairCap) -> None:
        # No (mentor group, mentee group) pair of groups takes more than its share of pairs.
        rg, cg = cap.row_group[self.rows], cap.col_group[self.cols]
        key, valid = rg * (len(cap.col_names) + 1) + cg, (rg >= 0) & (cg >= 0)
        for k in np.unique(key[valid]):
            arcs = np.flatnonzero(valid & (key == k))
            if len(arcs) > cap.limit:
                label = (
                    f"at most {cap.limit} pairs from {cap.row_names[rg[arcs[0]]]} mentors to "
                    f"{cap.col_names[cg[arcs[0]]]} mentees"
                )
                self._rule(f"cap{k}", label, self.model.add(sum(self.x[a] for a in arcs) <= cap.limit))

    def _stages(self, objective: str) -> list:
        total = sum(c * v for c, v in zip(self.costs, self.x))
        if objective == "coverage":
            return [sum(self.row_matched) + sum(self.col_matched), total]
        if objective == "fair":
            lowest = self.model.new_int_var(min(self.costs, default=0), max(self.costs, default=0), "lowest")
            for c, v in zip(self.costs, self.x):
                self.model.add(lowest <= c).only_enforce_if(v)
            return [sum(self.x), lowest, total]
        return [total]

    def solve(self, objective: str, seconds: float) -> tuple[np.ndarray, Status, float]:
        """The chosen arcs, the status and the last stage's bound, stage by stage (1 worker, seed 0)."""
        self.model.add_assumptions([on for on, _ in self.rules])
        stages = self._stages(objective)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.random_seed = 0
        solver.parameters.linearization_level = 2
        status, deadline = Status.OPTIMAL, time.perf_counter() + seconds
        for stage in stages:
            solver.parameters.max_time_in_seconds = max(0.1, deadline - time.perf_counter())
            self.model.maximize(stage)
            outcome = solver.solve(self.model)
            if outcome == cp_model.INFEASIBLE:
                core = set(solver.sufficient_assumptions_for_infeasibility())
                named = [label for on, label in self.rules if on.index in core] or [label for _, label in self.rules]
                raise InfeasibleError(named)
            if outcome not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                raise SolverError(f"CP-SAT found no solution within {seconds:g} s ({solver.status_name(outcome)})")
            if outcome == cp_model.FEASIBLE:
                status = Status.FEASIBLE
            value = round(solver.objective_value)
            self.model.clear_hints()
            for v in self.x:
                self.model.add_hint(v, solver.boolean_value(v))
            if stage is not stages[-1]:
                self.model.add(stage >= value)  # keep the earlier criterion at its best before the next one
        chosen = np.array([solver.boolean_value(v) for v in self.x], dtype=bool)
        return chosen, status, solver.best_objective_bound
