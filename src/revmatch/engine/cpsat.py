"""Quotas a graph cannot carry, on CP-SAT: lexicographic stages, each proved before the next."""

from __future__ import annotations

import time

import numpy as np
from ortools.sat.python import cp_model

from ..errors import InfeasibleError, SolverError
from .assignment import Assignment, GroupPairCap, MenteeQuota, Status
from .mincost import integer_scale


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
            model.add(
                sum(col_matched[c] for c in np.flatnonzero(quota.group == g)) >= int(quota.least[g])
            ).only_enforce_if(on)
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
            rules.append(
                (
                    on,
                    f"at most {pair_cap.limit} pairs from {pair_cap.row_names[rg]} mentors to "
                    f"{pair_cap.col_names[cg]} mentees",
                )
            )
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
        value = round(solver.objective_value)
        model.clear_hints()
        for v in x:
            model.add_hint(v, solver.boolean_value(v))
        if stage is not stages[-1]:
            model.add(stage >= value)  # keep the earlier criterion at its best before the next one
    chosen = np.array([solver.boolean_value(v) for v in x], dtype=bool)
    pairs = sorted(zip(rows[chosen].tolist(), cols[chosen].tolist()))
    objective_value = float(weights[chosen].sum())
    tolerance = 0.0 if scale == 1.0 else len(rows) / scale
    bound = (
        objective_value + tolerance
        if status == Status.OPTIMAL
        else max(objective_value, solver.best_objective_bound / scale) + tolerance
    )
    return Assignment(
        pairs, objective_value, bound, status, "cp_sat", time.perf_counter() - start, tolerance, arcs=len(rows)
    )
