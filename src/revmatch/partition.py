"""A workforce cut into groups (country, unit, cohort), each as input frames, reporting lines kept across borders."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import ConfigError
from .models import CHAIN_DEPTH, Workforce, workforce_frames


def group_frames(
    workforce: Workforce, by: str | list[str] = "department"
) -> list[tuple[object, pd.DataFrame, pd.DataFrame]]:
    """Split a workforce into one (employees, skills) pair of input frames per group.

    A group is everyone with the same value in the employees column ``by`` (an empty cell is a value
    too: ``""`` is a group); each skills row goes with its employee. Each person's ``manager_id`` is
    rewritten to their nearest manager *in the same group* up their chain (empty if none), and a
    ``chain_depth`` column holds their steps below the top of the whole company (read by
    :meth:`Workforce.from_frames`). So the reporting-line rule inside a group is exactly the
    workforce's: A is in B's management chain in the group if and only if A is in it in the whole
    workforce, even when the chain passes through people of other groups, and with
    ``reporting_line_depth`` the steps between them are the company's, not the fewer left in the group.

    Parameters
    ----------
    workforce : Workforce
        The whole company.
    by : str or list of str, default="department"
        An employees column: ``"department"``, ``"location"`` or any other; or several, such as
        ``["location", "department"]``, for one group per combination (named ``"London / Sales"``).

    Returns
    -------
    list of (group, employees, skills)
        In sorted group order; each pair of frames is in the input schema of
        :meth:`Workforce.from_frames` (``chain_depth`` included).

    Raises
    ------
    ConfigError
        ``by`` is not an employees column.

    Examples
    --------
    >>> import revmatch as rm
    >>> from revmatch.groups import group_frames
    >>> parts = group_frames(rm.synthetic_workforce(300, seed=1), by="location")
    >>> [name for name, employees, skills in parts][:2]
    ['Bangalore', 'Berlin']
    """
    employees, skills = workforce_frames(workforce)
    if not len(employees):
        group_key(employees, by)  # still name a wrong column
        return []
    names, code = np.unique(group_key(employees, by), return_inverse=True)
    code = code.reshape(-1)
    ids = workforce.ids
    manager = _nearest_in_group(workforce, code)
    employees["manager_id"] = np.where(manager >= 0, ids[np.maximum(manager, 0)], "")
    employees[CHAIN_DEPTH] = workforce.depth
    skill_code = (
        code[np.searchsorted(ids, skills["employee_id"].to_numpy(dtype=object))]
        if len(skills)
        else np.zeros(0, dtype=np.int64)
    )
    people = _split(code, len(names))
    skill_rows = _split(skill_code, len(names))
    return [
        (
            plain(names[g]),
            employees.iloc[people[g]].reset_index(drop=True),
            skills.iloc[skill_rows[g]].reset_index(drop=True),
        )
        for g in range(len(names))
    ]


def group_key(employees: pd.DataFrame, by: str | tuple[str, ...] | list[str]) -> np.ndarray:
    """Each person's group: the value of column ``by``, or of several columns joined as ``"a / b"``."""
    columns = [by] if isinstance(by, str) else list(by)
    missing = [c for c in columns if c not in employees.columns]
    if missing or not columns:
        which = "" if isinstance(by, str) else f"{', '.join(map(repr, missing)) or 'no column given'} is "
        raise ConfigError(
            f"cannot group by {by!r}: {which}not an employees column (columns: "
            f"{', '.join(map(str, employees.columns))})"
        )
    if len(columns) == 1:
        return employees[columns[0]].to_numpy()
    return employees[columns].astype(str).agg(" / ".join, axis=1).to_numpy(dtype=object)


def _nearest_in_group(workforce: Workforce, code: np.ndarray) -> np.ndarray:
    """Row of each person's nearest manager up the chain with the same group code, -1 if none.

    One pass in pre-order with a stack per group: a group's open subtrees that contain a person are
    exactly that person's in-group managers, the innermost on top.
    """
    start = workforce.tree_in.tolist()
    end = (workforce.tree_in + workforce.tree_size).tolist()
    codes = code.tolist()
    nearest = np.full(len(code), -1, dtype=np.int64)
    stacks: dict[int, list[int]] = {}
    for v in np.argsort(workforce.tree_in, kind="stable").tolist():
        stack = stacks.setdefault(codes[v], [])
        while stack and start[v] >= end[stack[-1]]:
            stack.pop()
        if stack:
            nearest[v] = stack[-1]
        stack.append(v)
    return nearest


def _split(code: np.ndarray, n_groups: int) -> list[np.ndarray]:
    """Positions of each group's rows, in their original order."""
    order = np.argsort(code, kind="stable")
    bounds = np.searchsorted(code[order], np.arange(n_groups + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(n_groups)]


def plain(value):
    """A numpy scalar as the Python value it holds (group names print and compare as users typed them)."""
    return value.item() if isinstance(value, np.generic) else value
