"""The management tree: each person's manager row, subtree intervals, cycles, and which way levels run."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .errors import LevelOrderWarning
from .validate import Problems, Table

LEVEL_ORDERS = ("ascending", "descending")


def parents(emp: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each person's manager row (-1 at the top or outside the file) in id-sorted ``emp``, and who has one."""
    ids = emp["employee_id"].to_numpy(dtype=object)
    managers = emp["manager_id"].to_numpy(dtype=object)
    at = np.minimum(np.searchsorted(ids, managers), max(len(ids) - 1, 0))
    inside = (managers != "") & (ids[at] == managers) if len(ids) else np.zeros(0, bool)
    return np.where(inside, at, -1).astype(np.int64), inside


def report_cycles(table: Table, emp: pd.DataFrame, cycles: list[list[int]], problems: Problems) -> None:
    """One problem per management cycle, on the row of its first person, naming the whole chain."""
    ids = emp["employee_id"].to_numpy(dtype=object)
    for cycle in cycles:
        chain = " → ".join(ids[k] for k in [*cycle, cycle[0]])
        problems.add_cell(table, emp["_row"].iloc[cycle[0]], "manager_id", f"management cycle: {chain}")


def tree_intervals(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[list[int]]]:
    """Pre-order interval and depth of every subtree, layer by layer (no recursion); also the management cycles."""
    n = len(parent)
    order = np.argsort(parent, kind="stable")
    sorted_parent = parent[order]
    first_child = np.searchsorted(sorted_parent, np.arange(n), "left")
    n_children = np.searchsorted(sorted_parent, np.arange(n), "right") - first_child
    depth = np.full(n, -1, dtype=np.int64)
    layers: list[np.ndarray] = []
    groups: list[np.ndarray] = []
    frontier = np.flatnonzero(parent == -1)
    while frontier.size:
        depth[frontier] = len(layers)
        layers.append(frontier)
        counts = n_children[frontier]
        total = int(counts.sum())
        offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
        groups.append(np.repeat(np.cumsum(counts) - counts, counts))  # where each child's sibling group starts
        frontier = order[np.repeat(first_child[frontier], counts) + offsets]

    size = np.ones(n, dtype=np.int64)
    for layer in reversed(layers[1:]):
        np.add.at(size, parent[layer], size[layer])
    tree_in = np.zeros(n, dtype=np.int64)
    if layers:
        roots = layers[0]
        tree_in[roots] = np.cumsum(size[roots]) - size[roots]
    for layer, group_start in zip(layers[1:], groups[:-1]):
        before = np.cumsum(size[layer]) - size[layer]
        tree_in[layer] = tree_in[parent[layer]] + 1 + before - before[group_start]

    cycles: list[list[int]] = []
    seen = depth >= 0
    for start in np.flatnonzero(~seen):  # only people whose chain never reaches the top
        path: list[int] = []
        k = int(start)
        on_path: dict[int, int] = {}
        while not seen[k] and k not in on_path:
            on_path[k] = len(path)
            path.append(k)
            k = int(parent[k])
        if k in on_path:
            cycle = path[on_path[k] :]
            low = cycle.index(min(cycle))
            cycles.append(cycle[low:] + cycle[:low])
        seen[path] = True
    return tree_in, size, depth, cycles


MIN_EVIDENCE = 4  # manager–report pairs with different levels before the direction is judged at all


def check_level_order(where: str, level: np.ndarray, parent: np.ndarray, level_order: str) -> dict[str, int]:
    """Warn when the levels seem to run the other way than ``level_order`` says; return the evidence.

    ``level`` is as revmatch reads it (higher = more senior, after ``level_order``). Where most
    managers are *below* their direct reports (of at least ``MIN_EVIDENCE`` such pairs: a handful of
    people says nothing), the file most likely numbers its grades the other way: a
    :class:`LevelOrderWarning` says so, and which ``level_order`` fits.
    """
    has = parent >= 0
    below = int(np.count_nonzero(level[parent[has]] < level[has]))
    above = int(np.count_nonzero(level[parent[has]] > level[has]))
    evidence = {"managers_above_reports": above, "managers_below_reports": below}
    if below > above and below + above >= MIN_EVIDENCE:
        fits = "descending" if level_order == "ascending" else "ascending"
        meaning = "1 = most senior" if fits == "descending" else "a higher level = more senior"
        warnings.warn(
            f"{where}: in {below} of {below + above} manager–report pairs with different levels the manager "
            f"comes out junior to the report under level_order={level_order!r}: the file's levels look like "
            f"{meaning}; if so, load it with level_order={fits!r} (CLI: --level-order {fits})",
            LevelOrderWarning,
            stacklevel=4,
        )
    return evidence
