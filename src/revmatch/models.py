"""The domain: Employee, Program and the validated, array-backed Workforce."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import ConfigError, InputError, Problem
from .tables import read_table
from .validate import Problems, Table, validate_employees, validate_skills

Role = Literal["mentor", "mentee", "both", "none"]


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
    role: Role = "both"
    mentor_capacity: int = Field(1, ge=0)
    mentee_capacity: int = Field(1, ge=0)
    skills: dict[str, int] = Field(default_factory=dict)
    needs: dict[str, int] = Field(default_factory=dict)

    @property
    def display_name(self) -> str:
        return self.name or self.employee_id


Pair = tuple[str, str]  # (mentor_id, mentee_id)


class Program(BaseModel):
    """How a programme pairs people: hard rules (the allowed mask), score weights and the objective.

    Attributes
    ----------
    min_level_gap : int or None, default=1
        A mentor must be at least this many levels *below* the mentee (reverse mentoring: the junior
        mentors the senior). ``None`` switches the rule off; 0 allows peers.
    exclude_reporting_line : bool, default=True
        No pair where one person is anywhere in the other's management chain (psychological safety).
    forward_weight, backward_weight : float, default=1.0
        Weights of what the mentor teaches the mentee (forward) and what the mentee gives back (backward).
    objective : {"total", "coverage", "fair"}, default="total"
        ``total``: the largest sum of pair scores. ``coverage``: as many people matched as possible
        (mentors with a mentee plus mentees with a mentor), then the largest total among those.
        ``fair``: among the matchings with the most pairs, the largest lowest pair score, then the
        largest total among those. All three are exact.
    locked, forbidden : list of (mentor_id, mentee_id), default=()
        Admin overrides: locked pairs are always made, forbidden pairs never.
    past_pairs : list of (id, id), default=()
        Earlier cohorts' pairs, never repeated (in either direction).
    require_different_department, require_shared_language, require_same_location : bool, default=False
        Optional hard attribute rules. Unknown values (empty cells) never satisfy a requirement.
    min_timezone_overlap : float or None, default=None
        Hard rule: at least this many shared working hours (``working_hours`` local time in each
        person's IANA time zone, on ``reference_date`` so daylight saving is fixed).
    different_department_weight, shared_language_weight, same_location_weight : float, default=0
        Soft preferences: added to the score of a pair that has the property (negative = penalty).
    timezone_overlap_weight : float, default=0
        Soft preference: added per shared working hour.
    priority : list of employee ids, default=()
        People to favour (e.g. left unmatched last round): each of them in a pair adds
        ``priority_weight`` to its score.
    previous_pairs : list of (mentor_id, mentee_id), default=()
        Pairs of the running programme; each kept adds ``continuity_weight`` (used by re-matching).
    min_matched_share : float or dict of department → float, default=None
        Quota: at least this share of each department's opted-in mentees (rounded up) must be matched.
    max_pairs_per_department_pair : int or None, default=None
        Quota: at most this many pairs from any one (mentor department, mentee department).
    time_limit : float, default=60
        Seconds for the CP-SAT engine (quotas only); past it the best pairs found come back as
        ``feasible`` with their bound.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_level_gap: int | None = Field(1, ge=0)
    exclude_reporting_line: bool = True
    forward_weight: float = Field(1.0, ge=0, allow_inf_nan=False)
    backward_weight: float = Field(1.0, ge=0, allow_inf_nan=False)
    objective: Literal["total", "coverage", "fair"] = "total"
    locked: tuple[Pair, ...] = ()
    forbidden: tuple[Pair, ...] = ()
    past_pairs: tuple[Pair, ...] = ()
    require_different_department: bool = False
    require_shared_language: bool = False
    require_same_location: bool = False
    min_timezone_overlap: float | None = Field(None, ge=0, le=24, allow_inf_nan=False)
    working_hours: tuple[float, float] = (9.0, 17.0)
    reference_date: date = date(2026, 1, 15)
    different_department_weight: float = Field(0.0, allow_inf_nan=False)
    shared_language_weight: float = Field(0.0, allow_inf_nan=False)
    same_location_weight: float = Field(0.0, allow_inf_nan=False)
    timezone_overlap_weight: float = Field(0.0, allow_inf_nan=False)
    priority: tuple[str, ...] = ()
    priority_weight: float = Field(0.0, allow_inf_nan=False)
    previous_pairs: tuple[Pair, ...] = ()
    continuity_weight: float = Field(0.0, allow_inf_nan=False)
    min_matched_share: float | dict[str, float] | None = None
    max_pairs_per_department_pair: int | None = Field(None, ge=0)
    time_limit: float = Field(60.0, gt=0, allow_inf_nan=False)

    @field_validator("priority", mode="before")
    @classmethod
    def _ids_as_text(cls, value):
        return tuple(str(x) for x in value) if isinstance(value, (list, tuple, set)) else value

    @field_validator("locked", "forbidden", "past_pairs", "previous_pairs", mode="before")
    @classmethod
    def _pairs_as_text(cls, value):
        """Ids may arrive as numbers (TOML, JSON): pairs are compared as text."""
        if isinstance(value, (list, tuple)):
            return tuple(tuple(str(x) for x in pair) if isinstance(pair, (list, tuple)) else pair for pair in value)
        return value

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, value):
        start, end = value
        if not 0 <= start < end <= 24:
            raise ValueError("working hours must be (start, end) with 0 ≤ start < end ≤ 24")
        return value

    @field_validator("min_matched_share")
    @classmethod
    def _shares(cls, value):
        shares = value.values() if isinstance(value, dict) else [] if value is None else [value]
        if any(not 0 <= x <= 1 for x in shares):
            raise ValueError("shares must be between 0 and 1 (0.5 = half of the department's mentees)")
        return value

    @property
    def has_quotas(self) -> bool:
        return bool(self.min_matched_share) or self.max_pairs_per_department_pair is not None

    @classmethod
    def from_toml(cls, path: str | Path) -> Program:
        """Read a programme from TOML: keys at the top level or under a ``[program]`` table."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: file not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        return cls.from_dict(data.get("program", data), where=str(path))

    @classmethod
    def from_dict(cls, data: dict, where: str = "program") -> Program:
        """Build a programme from plain data, turning pydantic's errors into one ConfigError."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            lines = [
                f"{where}: key '{'.'.join(map(str, e['loc'])) or '?'}': {e['msg']} (got {e.get('input')!r})"
                for e in exc.errors()
            ]
            raise ConfigError("\n  ".join(["invalid programme configuration:", *lines])) from None


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
    sources: dict[str, str] = field(default_factory=dict)

    # ---- construction -------------------------------------------------------------------------
    @classmethod
    def from_csv(
        cls, employees_path: str | Path, skills_path: str | Path | None = None, *, external_managers: bool = False
    ) -> Workforce:
        """Read the two HR exports (employees, long-format skills); errors name file, row and column.

        ``external_managers=True`` accepts a manager_id that is not in the file (someone outside the
        export); otherwise it is an error.
        """
        employees = Table.from_frame(
            read_table(employees_path, strip=False), str(employees_path), spreadsheet_rows=True
        )
        skills = None
        if skills_path is not None:
            skills = Table.from_frame(read_table(skills_path, strip=False), str(skills_path), spreadsheet_rows=True)
        return cls._build(
            employees, skills, {"employees": str(employees_path), "skills": str(skills_path or "")}, external_managers
        )

    @classmethod
    def from_frames(
        cls, employees: pd.DataFrame, skills: pd.DataFrame | None = None, *, external_managers: bool = False
    ) -> Workforce:
        """Build from DataFrames in the CSV schema; errors name the table, index label and column."""
        emp = Table.from_frame(employees, "employees", spreadsheet_rows=False)
        sk = None if skills is None else Table.from_frame(skills, "skills", spreadsheet_rows=False)
        return cls._build(emp, sk, {}, external_managers)

    @classmethod
    def from_employees(cls, people: Iterable[Employee]) -> Workforce:
        """Build from Employee objects (handy in notebooks and tests)."""
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
                    "role": p.role,
                    "mentor_capacity": p.mentor_capacity,
                    "mentee_capacity": p.mentee_capacity,
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
            ],
        )
        rows = [
            (p.employee_id, s, p.skills.get(s, 0), p.needs.get(s, 0))
            for p in people
            for s in dict.fromkeys([*p.skills, *p.needs])
        ]
        skills = pd.DataFrame(rows, columns=["employee_id", "skill", "proficiency", "need"])
        return cls.from_frames(emp, skills)

    @classmethod
    def _build(
        cls, emp_table: Table, skill_table: Table | None, sources: dict[str, str], external_managers: bool = False
    ) -> Workforce:
        problems = Problems()
        emp = validate_employees(emp_table, problems, external_managers)
        known_ids = emp["employee_id"].to_numpy() if emp is not None else np.array([], dtype=object)
        sk = None if skill_table is None else validate_skills(skill_table, known_ids, problems)
        problems.raise_if_any()
        if sk is None:
            sk = pd.DataFrame({"employee_id": [], "skill": [], "key": [], "proficiency": [], "need": [], "_row": []})

        emp = emp.sort_values("employee_id", kind="stable").reset_index(drop=True)
        ids = emp["employee_id"].to_numpy(dtype=object)
        managers = emp["manager_id"].to_numpy(dtype=object)
        at = np.minimum(np.searchsorted(ids, managers), max(len(ids) - 1, 0))
        inside = (managers != "") & (ids[at] == managers) if len(ids) else np.zeros(0, bool)
        parent = np.where(inside, at, -1).astype(np.int64)
        tree_in, tree_size, cycles = _tree_intervals(parent)
        for cycle in cycles:
            chain = " → ".join(ids[k] for k in [*cycle, cycle[0]])
            problems.add(emp_table.where, emp["_row"].iloc[cycle[0]], "manager_id", f"management cycle: {chain}")
        problems.raise_if_any()

        # Object arrays throughout: numpy's fixed-width str would drop trailing NUL characters.
        # Skills in key order; factorize (hashing) then sort the few distinct keys, not every row.
        code, distinct = pd.factorize(sk["key"].to_numpy(dtype=object))
        order = np.argsort(np.asarray(distinct, dtype=object), kind="stable")
        keys = np.asarray(distinct, dtype=object)[order]
        column = np.empty(len(order), dtype=np.int64)
        column[order] = np.arange(len(order))
        column = column[code]
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

    def in_reporting_line(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether ``a`` is in ``b``'s management chain or ``b`` in ``a``'s (broadcasts like numpy).

        With ``d = tree_in[b] − tree_in[a]``: ``a`` is above ``b`` when ``0 ≤ d < size[a]``, ``b``
        above ``a`` when ``0 ≤ −d < size[b]``; together, ``−size[b] < d < size[a]`` (one subtraction
        per pair, in int32: this runs on every pair of a large match).
        """
        d = self.tree_in[b].astype(np.int32) - self.tree_in[a].astype(np.int32)
        return (d < self.tree_size[a].astype(np.int32)) & (d > -self.tree_size[b].astype(np.int32))


def _utc_offset(zone: str, on: date) -> float:
    if not zone:
        return float("nan")
    noon = datetime(on.year, on.month, on.day, 12, tzinfo=ZoneInfo(zone))
    return noon.utcoffset().total_seconds() / 3600


def _tree_intervals(parent: np.ndarray) -> tuple[np.ndarray, np.ndarray, list[list[int]]]:
    """Pre-order interval of every subtree, layer by layer (no recursion); also the management cycles."""
    n = len(parent)
    order = np.argsort(parent, kind="stable")
    sorted_parent = parent[order]
    first_child = np.searchsorted(sorted_parent, np.arange(n), "left")
    n_children = np.searchsorted(sorted_parent, np.arange(n), "right") - first_child
    depth = np.full(n, -1, dtype=np.int64)
    layers, groups = [], []
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
        path, k = [], int(start)
        on_path = {}
        while not seen[k] and k not in on_path:
            on_path[k] = len(path)
            path.append(k)
            k = int(parent[k])
        if k in on_path:
            cycle = path[on_path[k] :]
            low = cycle.index(min(cycle))
            cycles.append(cycle[low:] + cycle[:low])
        seen[path] = True
    return tree_in, size, cycles


def workforce_frames(workforce: Workforce) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The workforce back in the input schema (employees, long skills), ready for ``to_csv``."""
    return workforce.employees.copy(), workforce.skills.copy()
