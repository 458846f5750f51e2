"""The two HR inputs read together: any format, mapped columns, contact columns, and every decision taken."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import ConfigError
from .mapping import check_mapping, check_unused_keys, read_mapped
from .protected import protected_column
from .readers import Sheet
from .tables import Fingerprint
from .validate import (
    EMPLOYEE_COLUMNS,
    OPTIONAL_EMPLOYEE_COLUMNS,
    SKILL_COLUMNS,
    Problems,
    Table,
    check_text,
    closest_headers,
)

Source = str | Path | pd.DataFrame


@dataclass(frozen=True)
class Inputs:
    """The employees and skills tables as read, with their fingerprints, decisions and contact columns."""

    employees: Table
    skills: Table | None
    fingerprints: dict[str, Fingerprint]
    decisions: dict[str, Any]
    contacts: pd.DataFrame | None


def read_inputs(
    employees: Source,
    skills: Source | None,
    *,
    sheet: Sheet | Mapping[str, Sheet] = None,
    columns: Mapping[str, str] | None = None,
    profile: str | None = None,
    contact_columns: tuple[str, ...] | str = (),
    file_format: str | None = None,
) -> Inputs:
    """Read the employees and skills inputs through the column mapping; see :meth:`Workforce.from_files`."""
    mapping = check_mapping(columns, profile)
    contacts = _check_contacts(contact_columns)
    sheets = dict(sheet) if isinstance(sheet, Mapping) else {"employees": sheet, "skills": sheet}
    unknown_roles = set(sheets) - {"employees", "skills"}
    if unknown_roles:
        raise ConfigError(f"sheet maps a role to a sheet; the roles are employees and skills, got {unknown_roles}")
    employee_known: tuple[str, ...] = EMPLOYEE_COLUMNS + OPTIONAL_EMPLOYEE_COLUMNS
    employee_known += tuple(c for c in contacts if c not in employee_known)
    emp, emp_print, emp_decision, used = read_mapped(
        employees,
        "employees",
        employee_known,
        sheet=sheets.get("employees"),
        columns=mapping,
        profile=profile,
        file_format=file_format,
    )
    fingerprints = {"employees": emp_print} if emp_print else {}
    decisions: dict[str, Any] = {"employees": _where(employees) | emp_decision}
    sk = None
    headers = [h for h, _ in emp.labels.values()] + list(emp.header)
    if skills is not None:
        sk, sk_print, sk_decision, sk_used = read_mapped(
            skills,
            "skills",
            SKILL_COLUMNS,
            sheet=sheets.get("skills"),
            columns=mapping,
            profile=profile,
            file_format=file_format,
        )
        used |= sk_used
        headers += [h for h, _ in sk.labels.values()] + list(sk.header)
        fingerprints |= {"skills": sk_print} if sk_print else {}
        decisions["skills"] = _where(skills) | sk_decision
    check_unused_keys(mapping, used, headers, "the employees or skills file")
    if profile:
        decisions["profile"] = profile
    contact_frame = _contacts(emp, contacts) if contacts else None
    if contacts:
        decisions["contact_columns"] = list(contacts)
    return Inputs(emp, sk, fingerprints, decisions, contact_frame)


def _where(source: Source) -> dict[str, Any]:
    if isinstance(source, pd.DataFrame):
        return {"path": str(source.attrs["path"])} if "path" in source.attrs else {}
    return {"path": str(source)}


def _check_contacts(contact_columns) -> tuple[str, ...]:
    """Contact columns asked for: names of columns, none protected, none twice."""
    if isinstance(contact_columns, str):
        contact_columns = tuple(c.strip() for c in contact_columns.split(","))
    out = tuple(dict.fromkeys(str(c).strip() for c in contact_columns if str(c).strip()))
    for column in out:
        if protected_column(column):
            raise ConfigError(f"contact column {column!r} is protected or sensitive: it is never loaded")
        if column in EMPLOYEE_COLUMNS + SKILL_COLUMNS:
            raise ConfigError(f"contact column {column!r} is not contact data; give e.g. name,email")
    return out


def _contacts(emp: Table, contacts: tuple[str, ...]) -> pd.DataFrame:
    """The contact columns of the employees table, checked like any text cell and set apart from it.

    They leave the table, so the validator neither warns about them as unused nor loads them into
    the workforce's columns: only the programme's outputs that ask for them carry them.
    """
    missing = [c for c in contacts if c not in emp.cells]
    if missing:
        found = [h for h in emp.header if h not in EMPLOYEE_COLUMNS + OPTIONAL_EMPLOYEE_COLUMNS]
        close = closest_headers(missing[0], found)
        hint = f"closest: {', '.join(map(repr, close))}" if close else f"found: {', '.join(found) or 'none'}"
        raise ConfigError(f"{emp.where}: no contact column {missing[0]!r} ({hint}); map it with columns=")
    problems = Problems()
    check_text(emp, contacts, problems)
    problems.raise_if_any()
    frame = pd.DataFrame({"employee_id": emp.text("employee_id"), **{c: emp.text(c) for c in contacts}})
    for column in contacts:
        if column not in OPTIONAL_EMPLOYEE_COLUMNS:
            del emp.cells[column]
            emp.header.remove(column)
    return frame
