"""Front-door validation of the employees and skills tables, vectorised, reporting every problem at once."""

from __future__ import annotations

import difflib
import re
import warnings
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from .availability import slot_problems
from .errors import (
    ConfigError,
    IgnoredColumnsWarning,
    InputError,
    NotOptedInWarning,
    Problem,
    ProtectedColumnsWarning,
)
from .limits import CAPACITY, ID_LENGTH, LEVEL, TEXT_LENGTH
from .profiles import profile_hits, squash
from .protected import protected_column
from .tables import shown

ROLES = ("mentor", "mentee", "both", "none")
EMPLOYEE_COLUMNS = ("employee_id", "level", "department", "manager_id")
OPTIONAL_EMPLOYEE_COLUMNS = (
    "name",
    "location",
    "timezone",
    "languages",
    "role",
    "mentor_capacity",
    "mentee_capacity",
    "availability",
)
SKILL_COLUMNS = ("employee_id", "skill", "proficiency", "need")
MAX_SCALE = 5  # proficiency and need are 0..5
MAX_PROBLEMS = 1000  # stored in detail; the total is always counted


@dataclass
class Problems:
    """Collects problems of one or more tables; raises them together."""

    items: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, where: str, row: object, column: str | None, message: str, letter: str | None = None) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(where, row, column, message, letter))

    def add_cell(self, table: Table, row: object, column: str | None, message: str) -> None:
        """Add a problem in ``table``, naming the column as its file does (header, Excel letter)."""
        header, letter = table.label(column)
        self.add(table.where, row, header, message, letter)

    def add_rows(self, table: Table, mask: np.ndarray, column: str | None, message) -> None:
        """Add one problem per row where ``mask`` holds; ``message(i)`` words it for row position i."""
        for i in np.flatnonzero(mask):
            if len(self.items) >= MAX_PROBLEMS:
                self.total += int(np.count_nonzero(mask)) - int(np.count_nonzero(mask[:i]))
                return
            self.add_cell(table, table.rows[i], column, message(i))

    def raise_if_any(self) -> None:
        if self.total:
            raise InputError(self.items, self.total)


@dataclass
class Table:
    """A raw input table as text cells, with the name, row labels and column labels used in error messages.

    ``labels`` maps a revmatch column name to the header and Excel letter the file gives it (when they
    differ: a mapped header, a spreadsheet), so a problem names the column the user can find.
    """

    where: str
    cells: dict[str, np.ndarray]
    rows: np.ndarray
    n: int
    header: list[str] = field(default_factory=list)  # every column of the source, loaded or not
    clean: bool = False  # the source file is known to hold no control character in any cell
    labels: dict[str, tuple[str, str | None]] = field(default_factory=dict)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, where: str, spreadsheet_rows: bool) -> Table:
        """A table of a frame's cells; a frame from :mod:`revmatch.readers` brings its own ``where``,
        row numbers and column labels in ``frame.attrs``."""
        if not isinstance(frame, pd.DataFrame):
            raise InputError([Problem(where, None, None, f"expected a pandas DataFrame, got {type(frame).__name__}")])
        where = str(frame.attrs.get("where", where))
        columns = [str(c).strip() for c in frame.columns]
        if len(set(columns)) != len(columns):
            dup = sorted({c for c in columns if columns.count(c) > 1})
            raise InputError([Problem(where, None, c, "column appears more than once") for c in dup])
        plain = pd.DataFrame(frame, copy=False)  # no attrs: pandas deep-copies them into every column taken
        cells = {name: _as_text(plain.iloc[:, k]) for k, name in enumerate(columns)}
        n = len(frame)
        rows = frame.attrs.get("rows")
        if rows is None or len(rows) != n:
            rows = np.arange(2, n + 2) if spreadsheet_rows else np.asarray(frame.index, dtype=object)
        labels = dict(frame.attrs.get("labels", {}))
        header = list(frame.attrs.get("header", columns))
        return cls(where, cells, np.asarray(rows), n, header, bool(frame.attrs.get("clean", False)), labels)

    def text(self, column: str, default: str = "") -> np.ndarray:
        got = self.cells.get(column)
        return np.full(self.n, default, dtype=object) if got is None else got

    def label(self, column: str | None) -> tuple[str | None, str | None]:
        """The header and Excel letter of a revmatch column as the file shows them."""
        if column is None:
            return None, None
        return self.labels.get(column, (column, None))


def _member(values: np.ndarray, universe) -> np.ndarray:
    """Whether each value is in ``universe``, by hashing (numpy's isin is quadratic on strings)."""
    return pd.Series(values, dtype=object).isin(list(universe)).to_numpy()


def _as_text(col: pd.Series) -> np.ndarray:
    """Cells as stripped strings; missing → ''; whole floats (ids read as numbers) → '7' not '7.0'."""
    if pd.api.types.is_float_dtype(col.dtype):
        values = col.to_numpy(dtype=float)
        whole = np.isfinite(values) & (values == np.round(values))
        out = col.astype(str).to_numpy(dtype=object)
        out[whole] = values[whole].astype(np.int64).astype(str)
        out[np.isnan(values)] = ""
        return out
    if pd.api.types.is_bool_dtype(col.dtype) or pd.api.types.is_integer_dtype(col.dtype):
        return col.astype(str).to_numpy(dtype=object)
    values = col.to_numpy(dtype=object)
    missing = pd.isna(values)
    if missing.any():
        values = np.where(missing, "", values)
    # Cells read from CSV are already str: strip them without a str() call each.
    return np.array([v.strip() if v.__class__ is str else str(v).strip() for v in values.tolist()], dtype=object)


def required_columns(table: Table, columns: Iterable[str], problems: Problems) -> None:
    """Each of ``columns`` in the table; else every missing one named (with the columns found), raised at once."""
    for column in columns:
        if column not in table.cells:
            problems.add(table.where, None, column, f"required column is missing (found: {', '.join(table.cells)})")
    problems.raise_if_any()


def required_text(table: Table, columns: Iterable[str], problems: Problems) -> list[np.ndarray]:
    """The text of each of ``columns``, every empty cell added to ``problems`` as a missing value."""
    out = []
    for column in columns:
        values = table.text(column)
        problems.add_rows(table, values == "", column, lambda i: "missing value (required)")
        out.append(values)
    return out


def parse_int(
    table: Table, column: str, problems: Problems, default: int | None, low: int | None = None, high: int | None = None
) -> np.ndarray:
    """Whole numbers from a text column; empty cells take ``default`` (or are a problem if None)."""
    text = table.text(column)
    empty = text == ""
    numbers = pd.to_numeric(pd.Series(text, dtype=object).where(~empty, None), errors="coerce").to_numpy(dtype=float)
    bad = ~empty & ~(np.isfinite(numbers) & (numbers == np.round(numbers)))
    problems.add_rows(table, bad, column, lambda i: f"{shown(str(text[i]))} is not a whole number")
    if default is None:
        problems.add_rows(table, empty, column, lambda i: "missing value (required)")
    # Range first, in float: a number too large for int64 must be refused, not wrapped around.
    out_of_range = (
        ~empty
        & ~bad
        & ((numbers < (low if low is not None else -(2.0**62))) | (numbers > (high if high is not None else 2.0**62)))
    )
    fine = ~(empty | bad | out_of_range)
    values = np.where(fine, numbers, 0 if default is None else default).astype(np.int64)
    span = f"from {low} to {high}" if high is not None else f"at least {low}"
    message = lambda i: f"{_number(str(text[i]))} is out of range (must be {span})"
    problems.add_rows(table, out_of_range, column, message)
    return values


def _number(cell: str) -> str:
    """A parsed number as written (``7``, ``1e30``), escaped only if it holds something odd."""
    return cell if cell.isprintable() and len(cell) <= 40 else shown(cell)


_CONTROL_PATTERN = "[\x00-\x1f\x7f\ufeff]"
_CONTROL_RE = re.compile(_CONTROL_PATTERN)
# How long a text cell may be: ids and categories short, a name or a list of languages longer.
TEXT_LIMITS = {"name": TEXT_LENGTH, "languages": TEXT_LENGTH, "availability": TEXT_LENGTH}


def check_text(table: Table, columns: Iterable[str], problems: Problems) -> None:
    """Every cell of these columns free of control characters and within its length, else named.

    A NUL, a bare carriage return, an ANSI escape or a byte-order mark inside a cell would become
    part of an id or a name, break the files revmatch writes, or reach a terminal; a cell of
    megabytes would repeat in every reason. Nothing is cut or cleaned silently: the row is named.
    """
    for column in columns:
        if column in table.cells:
            _check_column(table, column, problems)


def _check_column(table: Table, column: str, problems: Problems) -> None:
    """One column's cells: control characters, then lengths, each cell by cell only when needed.

    A file whose bytes held no control character (``clean``) is not searched again; otherwise one
    search over the column's joined text (C speed) decides whether to read it cell by cell.
    """
    cells = table.cells[column]
    values = cells.tolist()
    control = np.zeros(len(values), dtype=bool)
    if not table.clean and _CONTROL_RE.search("".join(values)):
        control = pd.Series(cells, dtype=object).str.contains(_CONTROL_PATTERN, regex=True).to_numpy(dtype=bool)
        problems.add_rows(table, control, column, lambda i: f"{shown(str(values[i]))} holds a control character")
    limit = TEXT_LIMITS.get(column, ID_LENGTH)
    if values and max(map(len, values)) > limit:
        long = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) > limit
        problems.add_rows(
            table, long & ~control, column, lambda i: f"{shown(str(values[i]))} is longer than {limit} characters"
        )


def _require_columns(table: Table, required: tuple[str, ...], problems: Problems) -> bool:
    missing = [c for c in required if c not in table.cells]
    for c in missing:
        problems.add(table.where, None, c, missing_column_message(c, table.header))
    return not missing


def missing_column_message(column: str, header: list[str]) -> str:
    """A required column is missing: say which unmapped headers come closest, which profile maps one,
    and how to map one by hand."""
    known = set(EMPLOYEE_COLUMNS + OPTIONAL_EMPLOYEE_COLUMNS + SKILL_COLUMNS)
    free = [h for h in header if h not in known]
    hits = profile_hits(column, free)
    close = list(dict.fromkeys([h for _, h in hits] + closest_headers(column, free)))[:3]
    if not close:
        return f"required column is missing (found: {_names(header) or 'none'})"
    profiles = "".join(f"; profile={p!r} maps {h!r}" for p, h in hits[:3])
    return (
        f"required column is missing; closest headers: {', '.join(repr(h) for h in close)} (map one: "
        f"columns={{{close[0]!r}: {column!r}}} or a [columns] table in the programme file{profiles})"
    )


def closest_headers(column: str, header: Iterable[str], most: int = 3) -> list[str]:
    """The headers most like a column name, spelling and case aside (difflib's ratio, at least 0.5)."""
    by_key: dict[str, str] = {}
    for h in header:
        by_key.setdefault(squash(h), h)
    keys = difflib.get_close_matches(squash(column), list(by_key), n=most, cutoff=0.5)
    return [by_key[k] for k in keys]


def _warn_ignored(table: Table, known: tuple[str, ...]) -> None:
    """Name the columns that are not loaded (never their values); protected ones get their own notice."""
    ignored = [c for c in table.header if c not in known]
    protected = [c for c in ignored if protected_column(c)]
    other = [c for c in ignored if c not in protected]
    if protected:
        warnings.warn(
            f"{table.where}: protected or sensitive columns dropped on load and never scored: "
            f"{_names(protected)} (give them to an audit, not to the match)",
            ProtectedColumnsWarning,
            stacklevel=4,
        )
    if other:
        warnings.warn(
            f"{table.where}: columns not used by revmatch and not loaded: {_names(other)}",
            IgnoredColumnsWarning,
            stacklevel=4,
        )


def _names(columns: list[str], most: int = 20) -> str:
    """Column names for a message: as written (escaped if odd), the first ``most`` of them."""
    names = [c if c.isprintable() and len(c) <= 60 else shown(c, 60) for c in columns[:most]]
    more = f" … and {len(columns) - most} more" if len(columns) > most else ""
    return ", ".join(names) + more


@lru_cache(maxsize=1)
def _known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _report_duplicates(
    table: Table,
    frame: pd.DataFrame,
    keys: list[str],
    considered: np.ndarray,
    column: str,
    describe,
    problems: Problems,
) -> None:
    """One problem per repeat of a key (among rows where ``considered``), naming the first row."""
    sub = frame.loc[considered, keys]
    later = sub.duplicated(keep="first").to_numpy()
    if not later.any():
        return
    positions = np.flatnonzero(considered)
    first_pos = sub.groupby(keys, sort=False).ngroup().to_numpy()
    first_of_group: dict[int, int] = {}
    for g, pos in zip(first_pos.tolist(), positions.tolist()):
        first_of_group.setdefault(g, pos)
    for g, pos in zip(first_pos[later], positions[later]):
        problems.add_cell(
            table, table.rows[pos], column, f"{describe(pos)} (first on row {table.rows[first_of_group[g]]})"
        )


def skill_key(name: str) -> str:
    """The identity of a skill name: case, surrounding and repeated spaces do not matter."""
    return " ".join(name.split()).casefold()


def validate_employees(
    table: Table, problems: Problems, external_managers: bool = False, default_role: str = "none"
) -> pd.DataFrame | None:
    """Check the employees table; return its clean columns (in input order), or None if unusable.

    ``external_managers``: a manager_id that is not in the table is someone outside the file (a
    partial export) rather than an error; that person is then the top of their chain here.
    ``default_role``: the opt-in of a blank role cell or of everyone when there is no role column.
    """
    if not _require_columns(table, EMPLOYEE_COLUMNS, problems):
        return None
    _warn_ignored(table, EMPLOYEE_COLUMNS + OPTIONAL_EMPLOYEE_COLUMNS)
    check_text(table, EMPLOYEE_COLUMNS + OPTIONAL_EMPLOYEE_COLUMNS, problems)
    ids = table.text("employee_id")
    problems.add_rows(table, ids == "", "employee_id", lambda i: "missing value (required)")
    _report_duplicates(
        table,
        pd.DataFrame({"id": ids}),
        ["id"],
        ids != "",
        "employee_id",
        lambda i: f"duplicate employee_id {ids[i]!r}",
        problems,
    )
    level = parse_int(table, "level", problems, default=None, low=-LEVEL, high=LEVEL)
    department = table.text("department")
    problems.add_rows(table, department == "", "department", lambda i: "missing value (required)")
    manager = table.text("manager_id")
    if not external_managers:
        unknown = (manager != "") & ~_member(manager, ids)
        problems.add_rows(
            table, unknown, "manager_id", lambda i: f"unknown manager {manager[i]!r} (no employee has that employee_id)"
        )
    role = _roles(table, problems, default_role)
    mentor_cap = parse_int(table, "mentor_capacity", problems, default=1, low=0, high=CAPACITY)
    mentee_cap = parse_int(table, "mentee_capacity", problems, default=1, low=0, high=CAPACITY)
    timezone = table.text("timezone")
    zones = _known_timezones()
    if zones:
        problems.add_rows(
            table,
            (timezone != "") & ~_member(timezone, zones),
            "timezone",
            lambda i: f"{timezone[i]!r} is not an IANA time zone (e.g. Europe/London)",
        )
    languages = np.array([";".join(split_list(s)) for s in table.text("languages")], dtype=object)
    availability = table.text("availability")
    for k, message in slot_problems(availability):  # weekly slots, in the person's own time zone
        problems.add(table.where, table.rows[k], "availability", message)
    return pd.DataFrame(
        {
            "employee_id": ids,
            "name": table.text("name"),
            "level": level,
            "department": department,
            "manager_id": manager,
            "location": table.text("location"),
            "timezone": timezone,
            "languages": languages,
            "role": role,
            "mentor_capacity": mentor_cap,
            "mentee_capacity": mentee_cap,
            "availability": availability,
            "_row": table.rows,
        }
    )


def split_list(cell: str) -> list[str]:
    """The items of a list cell, split on ``;`` or ``,`` ("English; French", "English, French"), trimmed."""
    return [x for x in (p.strip() for p in re.split(r"[;,]", cell)) if x]


def _roles(table: Table, problems: Problems, default_role: str) -> np.ndarray:
    """Each person's opt-in; a blank cell (or no role column) is ``default_role``, by default not opted in.

    Participation is voluntary: nobody is enrolled for lack of an answer. Saying how many were left
    out, and how to enrol them, is the warning's job.
    """
    if default_role not in ROLES:
        raise ConfigError(f"default_role must be one of {', '.join(ROLES)}, got {default_role!r}")
    role = np.array([r.casefold() for r in table.text("role")], dtype=object)
    blank = role == ""
    role[blank] = default_role
    problems.add_rows(
        table, ~_member(role, ROLES), "role", lambda i: f"{table.text('role')[i]!r} is not one of {', '.join(ROLES)}"
    )
    if default_role == "none" and blank.any():
        what = "there is no role column" if "role" not in table.cells else f"{int(blank.sum())} role cells are blank"
        warnings.warn(
            f"{table.where}: {what}, so {int(blank.sum())} of {table.n} people are not enrolled (no opt-in). Give "
            "each volunteer a role (mentor, mentee or both), or, if everyone in this file volunteered, load it with "
            "default_role='both' (CLI: --default-role both)",
            NotOptedInWarning,
            stacklevel=5,
        )
    return role


def validate_skills(table: Table, employee_ids: np.ndarray, problems: Problems) -> pd.DataFrame | None:
    """Check the long skills table against the known employees; return clean columns or None."""
    if not _require_columns(table, SKILL_COLUMNS, problems):
        return None
    _warn_ignored(table, SKILL_COLUMNS)
    check_text(table, SKILL_COLUMNS, problems)
    ids = table.text("employee_id")
    problems.add_rows(table, ids == "", "employee_id", lambda i: "missing value (required)")
    problems.add_rows(
        table,
        (ids != "") & ~_member(ids, employee_ids),
        "employee_id",
        lambda i: f"unknown employee {ids[i]!r} (not in the employees table)",
    )
    skill = table.text("skill")
    problems.add_rows(table, skill == "", "skill", lambda i: "missing value (required)")
    code, distinct = pd.factorize(skill)  # a skill name is spelt the same on many rows: key each once
    key = np.array([skill_key(s) for s in distinct] + [""], dtype=object)[code]
    proficiency = parse_int(table, "proficiency", problems, default=0, low=0, high=MAX_SCALE)
    need = parse_int(table, "need", problems, default=0, low=0, high=MAX_SCALE)
    frame = pd.DataFrame(
        {"employee_id": ids, "skill": skill, "key": key, "proficiency": proficiency, "need": need, "_row": table.rows}
    )
    _report_duplicates(
        table,
        frame,
        ["employee_id", "key"],
        skill != "",
        "skill",
        lambda i: f"duplicate skill {skill[i]!r} for employee {ids[i]!r}",
        problems,
    )
    return frame
