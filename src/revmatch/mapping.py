"""Column mapping: an export's headers → revmatch's column names, by hand or by a built-in HRIS profile.

``columns={"Employee ID": "employee_id", ...}`` maps headers by hand; a profile maps the headers the
common HR systems export. Headers are compared with case, spaces and punctuation aside ("EMPLOYEE
ID", "Employee Id" and "employee-id" are one header). Precedence, per revmatch column: the
``columns`` mapping, then a header that is the column's own name, then the profile's headers in the
order listed (the first present wins; the others are noted in the decisions). A protected column
(:func:`revmatch.protected.protected_column`) is never mapped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import ConfigError
from .profiles import PROFILES, squash
from .protected import protected_column
from .readers import Sheet, read_frame
from .tables import Fingerprint
from .validate import (
    EMPLOYEE_COLUMNS,
    OPTIONAL_EMPLOYEE_COLUMNS,
    SKILL_COLUMNS,
    Table,
    closest_headers,
)

CONTACT_COLUMNS = ("email",)  # loaded only when asked for (contact_columns=)
TARGETS = tuple(dict.fromkeys(EMPLOYEE_COLUMNS + OPTIONAL_EMPLOYEE_COLUMNS + SKILL_COLUMNS + CONTACT_COLUMNS))


@dataclass(frozen=True)
class ColumnPlan:
    """How one file's headers become revmatch columns: ``rename`` (header → column) and the notes."""

    rename: dict[str, str]
    notes: list[str] = field(default_factory=list)
    used_keys: set[str] = field(default_factory=set)  # keys of ``columns`` found in this file


def check_mapping(columns: Mapping[str, str] | None, profile: str | None) -> dict[str, str]:
    """The ``columns`` mapping, checked: text to a revmatch column name; and the profile's name."""
    if profile is not None and profile not in PROFILES:
        raise ConfigError(f"profile must be one of {', '.join(PROFILES)}, got {profile!r}")
    out: dict[str, str] = {}
    for header, target in dict(columns or {}).items():
        if not isinstance(header, str) or not isinstance(target, str) or not header.strip():
            raise ConfigError(f"columns maps a header (text) to a revmatch column (text), got {header!r}: {target!r}")
        if target not in TARGETS:
            close = closest_headers(target, TARGETS)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConfigError(
                f"columns: {header!r} maps to {target!r}, not a revmatch column{hint}; "
                f"the columns are {', '.join(TARGETS)}"
            )
        if protected_column(header):
            raise ConfigError(f"columns: {header!r} is a protected or sensitive column: it is never loaded")
        out[header.strip()] = target
    return out


def candidates(columns: dict[str, str], profile: str | None, known: tuple[str, ...]) -> set[str]:
    """Every squashed header that could become one of ``known``: what a reader needs to parse."""
    out = {squash(k) for k in known} | {squash(h) for h, t in columns.items() if t in known}
    for target, headers in PROFILES.get(profile or "", {}).items():
        if target in known:
            out |= {squash(h) for h in headers}
    return out


def resolve(header: list[str], columns: dict[str, str], profile: str | None, known: tuple[str, ...]) -> ColumnPlan:
    """Which header becomes which of the ``known`` columns in a file with this ``header``."""
    by_key = {squash(h): h for h in reversed(header)}  # the first of two equal spellings
    rename: dict[str, str] = {}
    notes: list[str] = []
    used_keys = {k for k in columns if squash(k) in by_key}
    for key in used_keys:
        if columns[key] in known:
            source = by_key[squash(key)]
            other = next((s for s, t in rename.items() if t == columns[key]), None)
            if other is not None:
                raise ConfigError(f"columns maps both {other!r} and {source!r} to {columns[key]!r}: keep one")
            rename[source] = columns[key]
    for target in known:
        if target in rename.values():
            if squash(target) in by_key and by_key[squash(target)] not in rename:
                raise ConfigError(
                    f"{next(s for s, t in rename.items() if t == target)!r} is mapped to {target!r}, but the file "
                    f"also has a column {by_key[squash(target)]!r}: drop one, or map the other elsewhere"
                )
            continue
        found = [by_key[squash(h)] for h in PROFILES.get(profile or "", {}).get(target, ()) if squash(h) in by_key]
        found = [h for h in found if h not in rename and not protected_column(h)]
        if squash(target) in by_key:
            if found and by_key[squash(target)] != found[0]:
                notes.append(f"{target} ← {by_key[squash(target)]!r} (its own name; {found[0]!r} not used)")
            rename[by_key[squash(target)]] = target
        elif found:
            rename[found[0]] = target
            rest = f"; also present, not used: {', '.join(map(repr, found[1:]))}" if len(found) > 1 else ""
            notes.append(f"{target} ← {found[0]!r} (profile {profile}{rest})")
    return ColumnPlan(rename, notes, used_keys)


def read_mapped(
    source: str | Path | pd.DataFrame,
    role: str,
    known: tuple[str, ...],
    *,
    sheet: Sheet = None,
    columns: dict[str, str] | None = None,
    profile: str | None = None,
    file_format: str | None = None,
) -> tuple[Table, Fingerprint | None, dict[str, Any], set[str]]:
    """Read one input (a file of any format, or a frame) and name its columns as revmatch does.

    Returns the table (cells under revmatch's names; errors name the file's headers and letters),
    the file's fingerprint (None for a frame without one), the decisions taken (format, sheet, every
    header mapped) and the keys of ``columns`` this file had.
    """
    columns = columns or {}
    wanted = candidates(columns, profile, known)
    if isinstance(source, pd.DataFrame):
        frame = source.loc[:, [c for c in source.columns if squash(str(c)) in wanted]]
        frame.attrs = dict(source.attrs) | {"header": list(source.attrs.get("header", map(str, source.columns)))}
        where, spreadsheet_rows = str(source.attrs.get("where", role)), "rows" in source.attrs
    else:
        selected = lambda h: squash(h) in wanted
        frame = read_frame(source, sheet=sheet, columns=selected, strip=False, file_format=file_format)
        where, spreadsheet_rows = str(source), True
    attrs = dict(frame.attrs)
    header = [str(h).strip() for h in attrs.get("header", frame.columns)]
    plan = resolve(header, columns, profile, known)
    letters = attrs.get("letters", {})
    loaded = [c for c in frame.columns if str(c).strip() in plan.rename]
    frame = pd.DataFrame(frame, copy=False)[loaded]  # attrs set once below: pandas deep-copies them per step
    frame.columns = [plan.rename[str(c).strip()] for c in loaded]
    attrs["header"] = [plan.rename.get(h, h) for h in header]
    prior = attrs.get("labels", {})  # a frame may bring its own (read_survey's id column)
    attrs["labels"] = {t: prior.get(s, (s, letters.get(s))) for s, t in plan.rename.items()}
    frame.attrs = attrs
    table = Table.from_frame(frame, where, spreadsheet_rows=spreadsheet_rows)
    path = source.attrs.get("path") if isinstance(source, pd.DataFrame) else str(source)
    fingerprint = (
        Fingerprint(str(path), frame.attrs["sha256"], frame.attrs["bytes"])
        if path and "sha256" in frame.attrs
        else None
    )
    decision: dict[str, Any] = {"format": frame.attrs.get("format", "frame")}
    if "sheet" in frame.attrs:
        decision["sheet"] = frame.attrs["sheet"]
    decision["columns"] = {s: t for s, t in plan.rename.items() if s != t}
    if plan.notes:
        decision["notes"] = plan.notes
    decision.update(frame.attrs.get("decisions", {}))
    return table, fingerprint, decision, plan.used_keys


def check_unused_keys(columns: dict[str, str], used: set[str], headers: list[str], where: str) -> None:
    """A ``columns`` key found in no file is a typo or a missing column: refused, with the closest headers."""
    for key in columns:
        if key not in used:
            close = closest_headers(key, headers)
            hint = f"; closest: {', '.join(map(repr, close))}" if close else ""
            raise ConfigError(f"columns: no header {key!r} in {where}{hint}")
