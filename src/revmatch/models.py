"""The validated, array-backed Workforce: people sorted by id, skills as arrays, the management tree laid out."""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from .employee import Employee
from .errors import ConfigError, ExternalManagersWarning, InputError, Problem
from .hierarchy import LEVEL_ORDERS, check_level_order, parents, report_cycles, tree_intervals
from .inputs import read_inputs
from .limits import DEPTH
from .readers import Sheet
from .resources import require_memory
from .tables import Fingerprint
from .validate import (
    EMPLOYEE_COLUMNS,
    OPTIONAL_EMPLOYEE_COLUMNS,
    Problems,
    Table,
    parse_int,
    validate_employees,
    validate_skills,
)

CHAIN_DEPTH = "chain_depth"  # employees column of a group's frames: steps below the top of the whole company
Pair = tuple[str, str]  # (mentor_id, mentee_id)


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
    fingerprints: dict[str, Fingerprint] = field(default_factory=dict)  # files as read (from_csv, from_files)
    decisions: dict[str, Any] = field(default_factory=dict)  # how the files were read, for the run manifest
    contacts: pd.DataFrame | None = None  # the contact columns asked for (from_files), by employee_id

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
        Any format and mapped headers: :meth:`from_files`.
        """
        return cls.from_files(
            employees_path,
            skills_path,
            file_format="csv",
            external_managers=external_managers,
            default_role=default_role,
            memory_limit=memory_limit,
        )

    @classmethod
    def from_files(
        cls,
        employees: str | Path | pd.DataFrame,
        skills: str | Path | pd.DataFrame | None = None,
        *,
        sheet: Sheet | Mapping[str, Sheet] = None,
        columns: dict[str, str] | None = None,
        profile: str | None = None,
        level_order: str = "ascending",
        contact_columns: tuple[str, ...] | str = (),
        file_format: str | None = None,
        external_managers: bool = False,
        default_role: str = "none",
        memory_limit: int | None = None,
    ) -> Workforce:
        """Read the employees and skills from CSV, Excel (``.xlsx``), Parquet or JSON Lines, by extension.

        Every format gets the same checks and errors as :meth:`from_csv`, naming the file (and the
        sheet), the row as the file shows it (the spreadsheet row; the line of JSON Lines; the record
        of Parquet) and the column as written (with its Excel letter). Every decision taken (format,
        sheet, headers mapped, level order, how languages split) is in :attr:`decisions`, which the
        audit manifest records. See the docs' *HR data in and out* page for each format and profile.

        Parameters
        ----------
        employees, skills : str, Path or DataFrame
            The two files (or frames); ``skills`` may be the long table of :func:`revmatch.read_survey`.
        sheet : str, int or dict, optional
            Excel: the sheet (name or 0-based position) of every workbook, or ``{"employees": ...,
            "skills": ...}``. By default a workbook's only visible sheet (several: an error).
        columns : dict of header → revmatch column, optional
            ``{"Employee ID": "employee_id", ...}``, case and spaces aside; wins over ``profile``.
            A header found in neither file is a ConfigError naming the closest headers.
        profile : {"workday", "successfactors", "bamboohr"}, optional
            The headers an HR system exports, mapped (:data:`revmatch.mapping.PROFILES`).
        level_order : {"ascending", "descending"}, default="ascending"
            ``"descending"``: level 1 is the most senior; each level is read negated (1 → −1) so that
            higher stays more senior for every rule; gaps are unchanged. A ``LevelOrderWarning``
            says when most managers have a lower level than their reports (the other order).
        contact_columns : tuple of str or "name,email", optional
            Employee columns kept for launch-day outputs only (:attr:`contacts`), never scored.
        file_format : {"csv", "excel", "parquet", "jsonl"}, optional
            Read both files as this format whatever their extension (default: by extension).
        external_managers, default_role, memory_limit
            As in :meth:`from_csv`.
        """
        if level_order not in LEVEL_ORDERS:
            raise ConfigError(f"level_order must be one of {', '.join(LEVEL_ORDERS)}, got {level_order!r}")
        got = read_inputs(
            employees,
            skills,
            sheet=sheet,
            columns=columns,
            profile=profile,
            contact_columns=contact_columns,
            file_format=file_format,
        )
        sources = {role: got.decisions.get(role, {}).get("path", "") for role in ("employees", "skills")}
        wf = cls._build(got.employees, got.skills, sources, external_managers, default_role, memory_limit, level_order)
        decisions = got.decisions | wf.decisions
        contacts = None
        if got.contacts is not None:
            contacts = got.contacts.set_index("employee_id").loc[wf.ids].reset_index()
        object.__setattr__(wf, "fingerprints", got.fingerprints)
        object.__setattr__(wf, "decisions", decisions)
        object.__setattr__(wf, "contacts", contacts)
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

        ``external_managers``, ``default_role`` and ``memory_limit`` as in :meth:`from_csv`. One more
        employees column is read here: ``chain_depth``, each person's steps below the top of a larger
        company's management chain, as :func:`revmatch.groups.group_frames` writes it for a group whose
        chains skip the managers outside it; ``reporting_line_depth`` then counts the company's steps.
        Each value is a whole number from 0, greater than the person's manager's.
        """
        emp = Table.from_frame(employees, "employees", spreadsheet_rows=False)
        sk = None if skills is None else Table.from_frame(skills, "skills", spreadsheet_rows=False)
        if CHAIN_DEPTH not in emp.cells:
            return cls._build(emp, sk, {}, external_managers, default_role, memory_limit)
        rest = replace(
            emp,
            cells={k: v for k, v in emp.cells.items() if k != CHAIN_DEPTH},
            header=[c for c in emp.header if c != CHAIN_DEPTH],
        )
        return _with_chain_depth(cls._build(rest, sk, {}, external_managers, default_role, memory_limit), emp)

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
            columns=[*EMPLOYEE_COLUMNS, *OPTIONAL_EMPLOYEE_COLUMNS],
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
        level_order: str = "ascending",
    ) -> Workforce:
        problems = Problems()
        emp = validate_employees(emp_table, problems, external_managers, default_role)
        known_ids = emp["employee_id"].to_numpy() if emp is not None else np.array([], dtype=object)
        sk = None if skill_table is None else validate_skills(skill_table, known_ids, problems)
        if emp is not None:  # cycles too, with every other problem: all of them at once
            emp = emp.sort_values("employee_id", kind="stable").reset_index(drop=True)
            parent, inside = parents(emp)
            tree_in, tree_size, depth, cycles = tree_intervals(parent)
            report_cycles(emp_table, emp, cycles, problems)
        problems.raise_if_any()
        assert emp is not None  # no problems: the employees table was usable
        ids = emp["employee_id"].to_numpy(dtype=object)
        _warn_external(emp_table.where, ids, emp["manager_id"].to_numpy(dtype=object), inside)
        decisions = _level_decisions(emp_table, emp, parent, level_order)
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
            decisions=decisions,
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


def _with_chain_depth(workforce: Workforce, table: Table) -> Workforce:
    """The workforce with its ``depth`` read from the ``chain_depth`` column of its employees table.

    A group's chains skip the managers outside it; the company's depths keep a step limit on the
    reporting line counting the company's steps. Each value must exceed the manager's.
    """
    problems = Problems()
    given = parse_int(table, CHAIN_DEPTH, problems, default=None, low=0, high=DEPTH)
    problems.raise_if_any()
    row = workforce.index_of(table.text("employee_id"))  # every id known and unique: validated
    depth = np.empty(len(row), dtype=np.int64)
    depth[row] = given
    position = np.empty(len(row), dtype=np.int64)
    position[row] = np.arange(len(row))
    parent = workforce.parent
    for i in np.flatnonzero((parent >= 0) & (depth <= depth[np.maximum(parent, 0)])):
        boss = parent[i]
        problems.add(
            table.where,
            table.rows[position[i]],
            CHAIN_DEPTH,
            f"{depth[i]} is not below their manager {workforce.ids[boss]!r}'s {depth[boss]}",
        )
    problems.raise_if_any()
    return replace(workforce, depth=_readonly(depth))


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


def _level_decisions(table: Table, emp: pd.DataFrame, parent: np.ndarray, level_order: str) -> dict[str, Any]:
    """Read the levels in ``level_order`` (descending: negated, so higher is more senior), warn when
    the management tree suggests the other order, and say how levels and languages were read."""
    if level_order == "descending":
        emp["level"] = -emp["level"].to_numpy()
    evidence = check_level_order(table.where, emp["level"].to_numpy(), parent, level_order)
    out: dict[str, Any] = {
        "level_order": level_order
        + (
            " (1 = most senior; each level read negated, so higher is more senior)"
            if level_order == "descending"
            else ""
        ),
        "level_evidence": evidence,
    }
    if "languages" in table.cells:
        out["languages"] = "split on ';' or ','"
    return out


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _utc_offset(zone: str, on: date) -> float:
    if not zone:
        return float("nan")
    offset = datetime(on.year, on.month, on.day, 12, tzinfo=ZoneInfo(zone)).utcoffset()
    return float("nan") if offset is None else offset.total_seconds() / 3600


def workforce_frames(workforce: Workforce) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The workforce back in the input schema (employees, long skills), ready for ``to_csv``."""
    return workforce.employees.copy(), workforce.skills.copy()
