"""Real HR files in every format, written by the libraries HR tools use, for the reader tests."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

# A Workday-style export: the headers Workday writes, one protected column, 1 = most junior.
WORKDAY_HEADER = [
    "Employee ID",
    "Preferred Name",
    "Management Level",
    "Supervisory Organization",
    "Cost Center",
    "Supervisor ID",
    "Gender",
    "Languages",
    "Primary Work Email",
    "Role",
]
WORKDAY_ROWS = [
    ["E1", "Tom Reyes", 8, "Executive", "CC-100", "", "M", "English, Spanish", "tom@example.com", "mentee"],
    ["E2", "Priya Nair", 2, "IT", "CC-200", "E4", "F", "English; Hindi", "priya@example.com", "mentor"],
    ["E3", "Ann Berg", 6, "Finance", "CC-300", "E1", "F", "", "ann@example.com", "mentee"],
    ["E4", "Lee Chen", 5, "IT", "CC-200", "", "M", "Mandarin", "lee@example.com", "both"],
    ["E5", "Sam Okoro", 1, "Marketing", "CC-400", "E4", "X", "English", "sam@example.com", "mentor"],
]
SKILL_ROWS = [
    {"Employee ID": "E2", "Skill": "Generative AI", "Skill Level": 5, "Learning Interest": 0},
    {"Employee ID": "E2", "Skill": "Strategy", "Skill Level": 0, "Learning Interest": 4},
    {"Employee ID": "E5", "Skill": "Data visualisation", "Skill Level": 4, "Learning Interest": 0},
    {"Employee ID": "E5", "Skill": "Negotiation", "Skill Level": 0, "Learning Interest": 3},
    {"Employee ID": "E1", "Skill": "Generative AI", "Skill Level": 1, "Learning Interest": 5},
    {"Employee ID": "E1", "Skill": "Strategy", "Skill Level": 5, "Learning Interest": 0},
    {"Employee ID": "E3", "Skill": "Data visualisation", "Skill Level": 0, "Learning Interest": 4},
    {"Employee ID": "E3", "Skill": "Negotiation", "Skill Level": 5, "Learning Interest": 0},
    {"Employee ID": "E4", "Skill": "Generative AI", "Skill Level": 3, "Learning Interest": 2},
]


def write_xlsx(path: Path, sheets: dict[str, list[list]], start_row: int = 0, start_col: int = 0) -> Path:
    """A workbook as Excel writes it (xlsxwriter), each sheet's table starting at the given cell."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, tuple):  # (formula, the value Excel cached for it)
                    sheet.write_formula(start_row + r, start_col + c, value[0], None, value[1])
                else:
                    sheet.write(start_row + r, start_col + c, value)
    book.close()
    return path


def write_parquet(path: Path, records: list[dict]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(records), path)
    return path


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def workday_records() -> list[dict]:
    return [dict(zip(WORKDAY_HEADER, row)) for row in WORKDAY_ROWS]


def write_csv(path: Path, records: list[dict]) -> Path:
    pd.DataFrame(records).to_csv(path, index=False)
    return path
