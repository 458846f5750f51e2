"""The people: Employee and the validated, array-backed Workforce (people sorted by id, skills as arrays)."""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ExternalManagersWarning, InputError, Problem
from .resources import require_memory
from .tables import Fingerprint, read_table
from .validate import (
    EMPLOYEE_COLUMNS,
    OPTIONAL_EMPLOYEE_COLUMNS,
    SKILL_COLUMNS,
    Problems,
    Table,
    validate_employees,
    validate_skills,
)

Role = Literal["mentor", "mentee", "both", "none"]
Pair = tuple[str, str]  # (mentor_id, mentee_id)


class Employee(BaseModel):
    """One person as HR knows them; ``skills`` maps skill → proficiency 0–5, ``needs`` skill → need 0–5."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    employee_id: str = Field(min_length=1)
    level: int
    department: str = Field(min_length=1)
    manager_id: str | None = None
    name: str | None = None
    location: str | None = None
    timezone: str | None = None
    languages: tuple[str, ...] = ()
    role: Role | None = None  # the opt-in; None: no answer, not enrolled (see Workforce.from_employees)
    mentor_capacity: int = Field(1, ge=0)
    mentee_capacity: int = Field(1, ge=0)
    availability: str | None = None  # weekly slots in their time zone, e.g. "Mon 09:00-11:00; Wed 14:00-15:30"
    skills: dict[str, int] = Field(default_factory=dict)
    needs: dict[str, int] = Field(default_factory=dict)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            who = data.get("employee_id", "employee")
            raise InputError(
                [
                    Problem(
                        f"Employee {who!r}",
                        None,
                        str(e["loc"][0]) if e["loc"] else None,
                        f"{e['msg']} (got {e.get('input')!r})",
                    )
                    for e in exc.errors()
                ]
            ) from None

    @property
    def display_name(self) -> str:
        return self.name or self.employee_id


def _readonly(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class Workforce:
    """A validated workforce: people sorted by ``employee_id`` with their skills as dense arrays.

    Build it with :meth:`from_csv`, :meth:`from_frames` or :meth:`from_employees`; the constructor
    takes already-validated parts. Row ``i`` of every array is ``employees.iloc[i]``; ``proficiency``
    and ``need`` are ``(n_employees, n_skills)`` int8 arrays over ``skill_names``; ``parent`` is the
    manager's row (-1 at the top) and ``tree_in``/``tree_size`` give each person's subtree as the
    interval ``[tree_in, tree_in + tree_size)`` of a pre-order walk, so "is in the reporting line of"
    is two integer comparisons.
    """

    employees: pd.DataFrame
    skills: pd.DataFrame
    skill_names: tuple[str, ...]
    proficiency: np.ndarray
    need: np.ndarray
    parent: np.ndarray
    tree_in: np.ndarray
    tree_size: np.ndarray
    depth: np.ndarray
    sources: dict[str, str] = field(default_factory=dict)
    fingerprints: dict[str, Fingerprint] = field(default_factory=dict)  # files as read (from_csv)

    # ---- construction -------------------------------------------------------------------------
    @classmethod
    def from_csv(
        cls,
        employees_path: str | Path,
        skills_path: str | Path | None = None,
        *,
        external_managers: bool = False,
        default_role: str = "none",
        memory_limit: int | None = None,
    ) -> Workforce:
        """Read the two HR exports (employees, long-format skills); errors name file, row and column.

        ``external_managers=True`` accepts a manager_id that is not in the file (someone outside the
        export; a warning says the reporting-line rule cannot see above them); otherwise it is an
        error. ``default_role`` is the opt-in of a blank role cell, or of everyone when there is no
        role column: by default nobody is enrolled who did not opt in (a warning counts them).
        ``memory_limit``: the bytes the skill arrays may use (default: the memory free now); beyond
        it a ResourceError, before anything large is allocated. Only the known columns are parsed;
        each file's SHA-256 and size, as read, are kept in :attr:`fingerprints` for the audit manifest.
        """
        fingerprints: dict[str, Fingerprint] = {}

        def table(role: str, path: str | Path, known: tuple[str, ...]) -> Table:
            frame = read_table(path, strip=False, columns=known)
            fingerprints[role] = Fingerprint(str(path), frame.attrs["sha256"], frame.attrs["bytes"])
            return Table.from_frame(frame, str(path), spreadsheet_rows=True)

        employees = table("employees", employees_path, EMPLOYEE_COLUMNS + OPTIONAL_EMPLOYEE_COLUMNS)
        skills = None if skills_path is None else table("skills", skills_path, SKILL_COLUMNS)
        sources = {"employees": str(employees_path), "skills": str(skills_path or "")}
        wf = cls._build(employees, skills, sources, external_managers, default_role, memory_limit)
        object.__setattr__(wf, "fingerprints", fingerprints)
        return wf

    @classmethod
    def from_frames(
        cls,
        employees: pd.DataFrame,
        skills: pd.DataFrame | None = None,
        *,
        external_managers: bool = False,
        default_role: str = "none",
        memory_limit: int | None = None,
    ) -> Workforce:
        """Build from DataFrames in the CSV schema; errors name the table, index label and column.

        ``external_managers``, ``default_role`` and ``memory_limit`` as in :meth:`from_csv`.
        """
        emp = Table.from_frame(employees, "employees", spreadsheet_rows=False)
        sk = None if skills is None else Table.from_frame(skills, "skills", spreadsheet_rows=False)
        return cls._build(emp, sk, {}, external_managers, default_role, memory_limit)

    @classmethod
    def from_employees(cls, people: Iterable[Employee], *, default_role: str = "none") -> Workforce:
        """Build from Employee objects (handy in notebooks and tests); an Employee without a ``role`` is
        ``default_role``: by default not enrolled."""
        people = list(people)
        emp = pd.DataFrame(
            [
                {
                    "employee_id": p.employee_id,
                    "level": p.level,
                    "department": p.department,
                    "manager_id": p.manager_id or "",
                    "name": p.name or "",
                    "location": p.location or "",
                    "timezone": p.timezone or "",
                    "languages": ";".join(p.languages),
                    "role": p.role or "",
                    "mentor_capacity": p.mentor_capacity,
                    "mentee_capacity": p.mentee_capacity,
                    "availability": p.availability or "",
                }
                for p in people
            ],
            columns=[
                "employee_id",
                "level",
                "department",
                "manager_id",
                "name",
                "location",
                "timezone",
                "languages",
                "role",
                "mentor_capacity",
                "mentee_capacity",
                "availability",
            ],
        )
        rows = [
            (p.employee_id, s, p.skills.get(s, 0), p.needs.get(s, 0))
            for p in people
            for s in dict.fromkeys([*p.skills, *p.needs])
        ]
        skills = pd.DataFrame(rows, columns=["employee_id", "skill", "proficiency", "need"])
        return cls.from_frames(emp, skills, default_role=default_role)

    @classmethod
    def _build(
        cls,
        emp_table: Table,
        skill_table: Table | None,
        sources: dict[str, str],
        external_managers: bool = False,
        default_role: str = "none",
        memory_limit: int | None = None,
    ) -> Workforce:
        problems = Problems()
        emp = validate_employees(emp_table, problems, external_managers, default_role)
        known_ids = emp["employee_id"].to_numpy() if emp is not None else np.array([], dtype=object)
        sk = None if skill_table is None else validate_skills(skill_table, known_ids, problems)
        if emp is not None:  # cycles too, with every other problem: all of them at once
            emp = emp.sort_values("employee_id", kind="stable").reset_index(drop=True)
            parent, inside = _parents(emp)
            tree_in, tree_size, depth, cycles = _tree_intervals(parent)
            _report_cycles(emp_table.where, emp, cycles, problems)
        problems.raise_if_any()
        assert emp is not None  # no problems: the employees table was usable
        ids = emp["employee_id"].to_numpy(dtype=object)
        _warn_external(emp_table.where, ids, emp["manager_id"].to_numpy(dtype=object), inside)
        if sk is None:
            sk = pd.DataFrame({"employee_id": [], "skill": [], "key": [], "proficiency": [], "need": [], "_row": []})

        # Object arrays throughout: numpy's fixed-width str would drop trailing NUL characters.
        # Skills in key order; factorize (hashing) then sort the few distinct keys, not every row.
        code, distinct = pd.factorize(sk["key"].to_numpy(dtype=object))
        order = np.argsort(np.asarray(distinct, dtype=object), kind="stable")
        keys = np.asarray(distinct, dtype=object)[order]
        column = np.empty(len(order), dtype=np.int64)
        column[order] = np.arange(len(order))
        column = column[code]
        require_memory(
            2 * len(ids) * len(keys),
            f"the skills of {len(ids):,} people × {len(keys):,} distinct skills",
            "Merge the skills' spellings or keep the skills the programme matches on (each distinct skill "
            "is a column for everyone), or pass a larger memory_limit.",
            memory_limit,
        )
        # A skill's display name is its alphabetically first spelling: the same whatever the row order.
        display = sk.groupby("key")["skill"].min() if len(sk) else pd.Series(dtype=object)
        skill_names = tuple(str(display[k]) for k in keys)
        person = np.searchsorted(ids, sk["employee_id"].to_numpy(dtype=object))
        proficiency = np.zeros((len(ids), len(keys)), dtype=np.int8)
        need = np.zeros((len(ids), len(keys)), dtype=np.int8)
        proficiency[person, column] = sk["proficiency"].to_numpy()
        need[person, column] = sk["need"].to_numpy()

        skills = (
            pd.DataFrame(
                {
                    "employee_id": sk["employee_id"].to_numpy(dtype=object),
                    "skill": np.asarray(skill_names, dtype=object)[column] if len(keys) else np.array([], dtype=object),
                    "proficiency": sk["proficiency"].to_numpy(dtype=np.int64),
                    "need": sk["need"].to_numpy(dtype=np.int64),
                }
            )
            .iloc[np.lexsort((column, person))]
            .reset_index(drop=True)
        )
        return cls(
            employees=emp.drop(columns="_row"),
            skills=skills,
            skill_names=skill_names,
            proficiency=_readonly(proficiency),
            need=_readonly(need),
            parent=_readonly(parent),
            tree_in=_readonly(tree_in),
            tree_size=_readonly(tree_size),
            depth=_readonly(depth),
            sources=sources,
        )

    # ---- access -------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.employees)

    def __repr__(self) -> str:
        roles = self.employees["role"].value_counts().reindex(["mentor", "mentee", "both", "none"], fill_value=0)
        return (
            f"Workforce({len(self)} employees, {len(self.skill_names)} skills, "
            + ", ".join(f"{k} {v}" for k, v in roles.items())
            + ")"
        )

    @cached_property
    def ids(self) -> np.ndarray:
        """Employee ids in row order (read-only; built once: explanations ask for it per person)."""
        return _readonly(self.employees["employee_id"].to_numpy(dtype=object))

    def index_of(self, employee_ids: Iterable[str] | str) -> np.ndarray:
        """Row positions of the given ids; raises InputError naming any unknown id."""
        wanted = np.array([str(x) for x in np.atleast_1d(np.asarray(employee_ids, dtype=object))], dtype=object)
        ids = self.ids
        pos = np.searchsorted(ids, wanted)
        pos = np.minimum(pos, len(ids) - 1) if len(ids) else pos
        bad = (len(ids) == 0) | (ids[pos] != wanted) if len(ids) else np.ones(len(wanted), bool)
        if np.any(bad):
            raise InputError(
                [Problem("workforce", None, "employee_id", f"unknown employee {w!r}") for w in wanted[bad]]
            )
        return pos

    def employee(self, employee_id: str) -> Employee:
        """One person as an Employee model (skills and needs included)."""
        i = int(self.index_of(employee_id)[0])
        row = self.employees.iloc[i]
        return Employee(
            employee_id=row.employee_id,
            level=int(row.level),
            department=row.department,
            manager_id=row.manager_id or None,
            name=row["name"] or None,
            location=row.location or None,
            timezone=row.timezone or None,
            languages=tuple(x for x in row.languages.split(";") if x),
            role=row.role,
            mentor_capacity=int(row.mentor_capacity),
            mentee_capacity=int(row.mentee_capacity),
            availability=row.get("availability") or None,
            skills={s: int(p) for s, p in zip(self.skill_names, self.proficiency[i]) if p},
            needs={s: int(q) for s, q in zip(self.skill_names, self.need[i]) if q},
        )

    def codes(self, column: str) -> np.ndarray:
        """Integer code per person for a text column (department, location); -1 where empty.

        Computed once per column: blocked scoring asks for them on every tile.
        """
        if column not in self._codes:
            values = self.employees[column].to_numpy(dtype=object)
            _, codes = np.unique(values, return_inverse=True)
            self._codes[column] = _readonly(np.where(values == "", -1, codes).astype(np.int64))
        return self._codes[column]

    @cached_property
    def _codes(self) -> dict[str, np.ndarray]:
        return {}

    @cached_property
    def language_matrix(self) -> np.ndarray:
        """``(n, n_languages)`` bool: who speaks which language (case-insensitive)."""
        spoken = [[x.casefold() for x in s.split(";") if x] for s in self.employees["languages"]]
        names = sorted({x for langs in spoken for x in langs})
        column = {name: k for k, name in enumerate(names)}
        out = np.zeros((len(spoken), len(names)), dtype=bool)
        for i, langs in enumerate(spoken):
            out[i, [column[x] for x in langs]] = True
        return out

    def utc_offsets(self, on: date) -> np.ndarray:
        """Each person's UTC offset in hours on a given date (daylight saving included); NaN if unknown."""
        zones = self.employees["timezone"].to_numpy(dtype=object)
        offset = {z: _utc_offset(z, on) for z in set(zones.tolist())}
        return np.array([offset[z] for z in zones], dtype=float)

    def in_reporting_line(self, a: np.ndarray, b: np.ndarray, depth: int | None = None) -> np.ndarray:
        """Whether ``a`` is in ``b``'s management chain or ``b`` in ``a``'s (broadcasts like numpy).

        With ``d = tree_in[b] − tree_in[a]``: ``a`` is above ``b`` when ``0 ≤ d < size[a]``, ``b``
        above ``a`` when ``0 ≤ −d < size[b]``; together, ``−size[b] < d < size[a]`` (one subtraction
        per pair, in int32: this runs on every pair of a large match). With ``depth``, only within
        that many steps of the chain: 1 = one is the other's manager, 2 = or their manager's manager.
        """
        d = self.tree_in[b].astype(np.int32) - self.tree_in[a].astype(np.int32)
        inside = (d < self.tree_size[a].astype(np.int32)) & (d > -self.tree_size[b].astype(np.int32))
        if depth is None:
            return inside
        steps = np.abs(self.depth[b].astype(np.int32) - self.depth[a].astype(np.int32))
        return inside & (steps <= depth)


def _parents(emp: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each person's manager row (-1 at the top or outside the file) in id-sorted ``emp``, and who has one."""
    ids = emp["employee_id"].to_numpy(dtype=object)
    managers = emp["manager_id"].to_numpy(dtype=object)
    at = np.minimum(np.searchsorted(ids, managers), max(len(ids) - 1, 0))
    inside = (managers != "") & (ids[at] == managers) if len(ids) else np.zeros(0, bool)
    return np.where(inside, at, -1).astype(np.int64), inside


def _report_cycles(where: str, emp: pd.DataFrame, cycles: list[list[int]], problems: Problems) -> None:
    ids = emp["employee_id"].to_numpy(dtype=object)
    for cycle in cycles:
        chain = " → ".join(ids[k] for k in [*cycle, cycle[0]])
        problems.add(where, emp["_row"].iloc[cycle[0]], "manager_id", f"management cycle: {chain}")


def _warn_external(where: str, ids: np.ndarray, managers: np.ndarray, inside: np.ndarray) -> None:
    """Say so when managers are outside the file: the reporting-line rule cannot see above them."""
    outside = (managers != "") & ~inside
    if outside.any():
        names = sorted(set(managers[outside].tolist()))
        warnings.warn(
            f"{where}: {_count(int(outside.sum()), 'person reports', 'people report')} to "
            f"{_count(len(names), 'manager', 'managers')} outside the file (e.g. "
            f"{names[0]!r}): the reporting-line rule sees each of them as the top of their chain, so it cannot "
            "exclude pairs through the chain above. Add those managers' rows (they need not opt in) to keep the "
            "rule whole.",
            ExternalManagersWarning,
            stacklevel=4,
        )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _utc_offset(zone: str, on: date) -> float:
    if not zone:
        return float("nan")
    offset = datetime(on.year, on.month, on.day, 12, tzinfo=ZoneInfo(zone)).utcoffset()
    return float("nan") if offset is None else offset.total_seconds() / 3600


def _tree_intervals(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[list[int]]]:
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


def workforce_frames(workforce: Workforce) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The workforce back in the input schema (employees, long skills), ready for ``to_csv``."""
    return workforce.employees.copy(), workforce.skills.copy()
