"""The admins' spreadsheet: pairs, unmatched people (reasons, waitlist) and the summary as sheets of one .xlsx."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..readers import optional_module
from .figures import match_percent
from .summary import summary
from .writing import replacing

if TYPE_CHECKING:
    from ..matching import MatchResult

WIDEST = 60  # characters: a long reason wraps in its cell instead of pushing every column off screen


def write_spreadsheet(result: MatchResult, path: str | Path, *, pairs: pd.DataFrame | None = None) -> Path:
    """Write ``Pairs``, ``Unmatched`` and ``Summary`` sheets to an Excel workbook, whole or not at all.

    Each sheet has a frozen, filterable header row and columns as wide as their content (up to
    ``WIDEST`` characters, longer text wrapped). Text is written as text, never as a formula or a
    link, whatever it begins with. ``pairs`` replaces the pairs table (e.g. with contact columns);
    by default :func:`match_percent` of the result. Needs the ``excel`` extra (xlsxwriter).

    Examples
    --------
    >>> import revmatch as rm, tempfile, pathlib
    >>> result = rm.match(rm.synthetic_workforce(200, seed=0))
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "report.xlsx"
    >>> write_spreadsheet(result, path).stat().st_size > 0
    True
    """
    xlsxwriter = optional_module("xlsxwriter", "excel")
    figures = summary(result)
    sheets = {
        "Pairs": match_percent(result) if pairs is None else pairs,
        "Unmatched": result.unmatched,
        "Summary": pd.DataFrame({"figure": list(figures), "value": list(figures.values())}),
    }
    path = Path(path)
    with replacing(path) as temporary:
        options = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
        book = xlsxwriter.Workbook(str(temporary), options | {"nan_inf_to_errors": True})
        bold = book.add_format({"bold": True, "bg_color": "#E8EEF4", "border": 1})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        for name, frame in sheets.items():
            _sheet(book.add_worksheet(name), frame, bold, wrap)
        book.close()
    return path


def _sheet(sheet, frame: pd.DataFrame, bold, wrap) -> None:
    """One table: bold header frozen at the top with a filter, every cell written as its type."""
    for c, column in enumerate(frame.columns):
        sheet.write_string(0, c, str(column), bold)
        width = len(str(column))
        for r, value in enumerate(frame[column].tolist(), start=1):
            width = max(width, _write(sheet, r, c, value, wrap))
        sheet.set_column(c, c, min(width, WIDEST) + 2, wrap if width > WIDEST else None)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(frame), 1), max(len(frame.columns) - 1, 0))


def _write(sheet, row: int, col: int, value, wrap) -> int:
    """Write a cell (a number as a number, anything else as text); return its width in characters."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        sheet.write_blank(row, col, None)
        return 0
    if isinstance(value, bool):
        sheet.write_boolean(row, col, value)
        return 5
    if isinstance(value, (int, float)) and math.isfinite(value):
        sheet.write_number(row, col, value)
        return len(f"{value:g}")
    text = str(value)
    sheet.write_string(row, col, text, wrap if len(text) > WIDEST else None)
    return len(text)
