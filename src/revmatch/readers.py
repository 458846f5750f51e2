"""HR tables from any tabular file — CSV, Excel, Parquet, JSON Lines — as text cells, checked like CSV.

Every reader reads the file's bytes once (what is parsed is what the audit manifest fingerprints),
checks the header as :func:`revmatch.tables.read_table` does (at most ``limits.COLUMNS`` columns, none
twice, no control characters), parses only the columns asked for, and returns text cells with the
labels an error needs in ``frame.attrs``: ``where`` (the file, and the sheet of a workbook),
``rows`` (the row a spreadsheet shows; the line of a JSON Lines file; the record of a Parquet
file), ``letters`` (Excel column letters by header), ``header``, ``sha256``, ``bytes``, ``format``.
Types are checked later by the validator, which then names file, row and column of every bad cell.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import math
import re
import zipfile
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pandas as pd

from .errors import ConfigError, InputError, Problem
from .limits import COLUMNS
from .tables import check_header, read_bytes, read_table, selects, shown, utf8_text

FORMATS = {".csv": "csv", ".xlsx": "excel", ".xlsm": "excel", ".parquet": "parquet", ".jsonl": "jsonl"}
FORMATS |= {".ndjson": "jsonl"}
Columns = Iterable[str] | Callable[[str], bool]
Sheet = str | int | None


def format_of(path: str | Path) -> str:
    """The format of a file by its extension: ``csv``, ``excel``, ``parquet`` or ``jsonl``."""
    suffix = Path(path).suffix.casefold()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        message = (
            f"cannot tell the format from the extension {suffix or '(none)'!r}: revmatch reads {known} "
            "(or say which: file_format='csv', CLI --format csv)"
        )
        raise InputError([Problem(str(path), None, None, message)])
    return FORMATS[suffix]


def read_frame(
    path: str | Path,
    *,
    sheet: Sheet = None,
    columns: Columns | None = None,
    strip: bool = True,
    escaped: bool = False,
    file_format: str | None = None,
) -> pd.DataFrame:
    """Read an HR table from CSV, Excel (``.xlsx``), Parquet or JSON Lines, by extension, as text cells.

    Parameters
    ----------
    path : str or Path
    sheet : str or int, optional
        Excel only: the sheet's name or 0-based position. By default the workbook's only visible
        worksheet; a workbook with several visible sheets needs one named (none is guessed).
    columns : names or a function of a header name, optional
        Parse only these columns; the others are named in ``attrs["header"]``, never loaded.
    strip : bool, default=True
        Trim spaces around cells.
    escaped : bool, default=False
        CSV only: undo revmatch's formula guard (see :func:`revmatch.tables.read_table`).
    file_format : {"csv", "excel", "parquet", "jsonl"}, optional
        Read the file as this format whatever its extension (e.g. a CSV export named ``.txt``).

    Raises
    ------
    InputError
        The file is missing, of an unknown extension or not readable as its format; its header is
        too wide, names a column twice or holds a control character; an Excel cell holds an error
        (``#N/A``, ``#REF!`` …); a JSON line is not an object; a cell holds a nested value. Each
        problem names the file (and sheet), the row and the column.
    ConfigError
        The optional reader for the format is not installed (the message names the extra).
    """
    path = Path(path)
    kind = format_of(path) if file_format is None else file_format
    if kind not in FORMATS.values():
        raise ConfigError(f"file_format must be one of {', '.join(sorted(set(FORMATS.values())))}, got {kind!r}")
    if kind == "csv":
        frame = read_table(path, strip, columns, escaped)
        frame.attrs.update(where=str(path), format="csv")
        return frame
    if sheet is not None and kind != "excel":
        raise ConfigError(f"{path}: sheet={sheet!r} is for Excel workbooks; this is a {kind} file")
    reader = {"excel": _excel, "parquet": _parquet, "jsonl": _jsonl}[kind]
    raw = read_bytes(path)
    frame = reader(str(path), raw, sheet, (lambda name: True) if columns is None else columns)
    attrs = frame.attrs | {"sha256": hashlib.sha256(raw).hexdigest(), "bytes": len(raw), "format": kind}
    frame = pd.DataFrame(frame, copy=False)  # without attrs while it is worked on: pandas deep-copies them
    if strip and len(frame.columns):
        frame = frame.apply(lambda col: col.str.strip())
    frame.attrs = attrs
    return frame


def optional_module(name: str, extra: str) -> ModuleType:
    """Import an optional dependency, or say which extra installs it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        package = name.split(".")[0]
        raise ConfigError(f"this needs {package}, an optional dependency: pip install 'revmatch[{extra}]'") from None


def column_letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _frame(columns: dict[str, Any], n: int, attrs: dict[str, Any]) -> pd.DataFrame:
    """Text columns as a frame, each kept as its own array (no copy into one consolidated block)."""
    series = {name: pd.Series(values, dtype=object) for name, values in columns.items()}
    frame = pd.DataFrame(series, copy=False) if series else pd.DataFrame(index=range(n))
    frame.attrs.update(attrs)
    return frame


# ---- Excel ------------------------------------------------------------------------------------


def _excel(where: str, raw: bytes, sheet: Sheet, columns: Columns) -> pd.DataFrame:
    """A worksheet's first non-empty row as the header, the rows below as data (empty rows skipped).

    python-calamine (Rust) reads the cells; it reads a formula error as an empty cell, so the sheet's
    XML is searched for error cells first and each one in a column asked for is refused.
    """
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(raw))
    except (CalamineError, ValueError, OSError) as exc:
        message = f"not a readable Excel workbook ({exc}); save it as .xlsx or export CSV"
        raise InputError([Problem(where, None, None, message)]) from None
    name = _sheet_name(where, book, sheet)
    place = f"{where}, sheet '{name}'"
    worksheet = book.get_sheet_by_name(name)
    if worksheet.start is None:
        raise InputError([Problem(place, None, None, "the sheet is empty (expected a header row)")])
    top, left = worksheet.start
    cells = worksheet.to_python()
    header = [_excel_text(c).strip() for c in cells[0]]
    letters = [column_letter(left + k) for k in range(len(header))]
    check_header(place, header, top + 1, letters)
    keep = [k for k, h in enumerate(header) if h and selects(columns, h)]
    data = cells[1:]
    width = len(header)
    filled = [k for k, row in enumerate(data) if row.count("") != width]
    rows = np.arange(top + 2, top + 2 + len(data))[filled]
    errors = _error_cells(raw, name, {left + k for k in keep})
    if errors:
        problems = [
            Problem(place, r, header[c - left], f"holds the error {value}: fix the formula or clear the cell", ltr)
            for r, c, ltr, value in errors
        ]
        raise InputError(problems)
    by_column = list(zip(*data)) if data else [() for _ in header]  # one transposition, in C
    every_row = len(filled) == len(data)
    out = {header[k]: _column_text(by_column[k] if every_row else [by_column[k][i] for i in filled]) for k in keep}
    attrs = {"where": place, "rows": rows, "header": [h for h in header if h], "sheet": name}
    return _frame(out, len(filled), attrs | {"letters": {header[k]: letters[k] for k in keep}})


def _sheet_name(where: str, book, sheet: Sheet) -> str:
    """The sheet asked for, or the only visible worksheet; several visible and none named is an error."""
    names = list(book.sheet_names)
    if isinstance(sheet, str):
        if sheet not in names:
            raise InputError([Problem(where, None, None, f"no sheet named {sheet!r} (sheets: {', '.join(names)})")])
        return sheet
    if isinstance(sheet, int) and not isinstance(sheet, bool):
        if not 0 <= sheet < len(names):
            raise InputError([Problem(where, None, None, f"no sheet at position {sheet} ({len(names)} sheets)")])
        return names[sheet]
    if sheet is not None:
        raise ConfigError(f"sheet must be a sheet's name or 0-based position, got {sheet!r}")
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    visible = [
        m.name
        for m in book.sheets_metadata
        if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet
    ]
    if len(visible) == 1:
        return visible[0]
    if not visible:
        raise InputError([Problem(where, None, None, "the workbook has no visible worksheet")])
    message = f"the workbook has {len(visible)} sheets ({', '.join(visible)}): say which one with sheet="
    raise InputError([Problem(where, None, None, message)])


def _column_text(cells) -> list[str]:
    """A column's cells as text; text cells as they are, each distinct number converted once."""
    out: list[str] = []
    memo: dict[float, str] = {}
    for cell in cells:
        kind = cell.__class__
        if kind is str:
            out.append(cell)
        elif kind is float:
            text = memo.get(cell)
            if text is None:
                text = memo[cell] = _excel_text(cell)
            out.append(text)
        else:
            out.append(_excel_text(cell))
    return out


def _excel_text(cell) -> str:
    """A cell as text: numbers as written (3.0 → '3'), dates in ISO, true/false as Excel shows them."""
    if cell.__class__ is str:
        return cell
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if isinstance(cell, (datetime, date, time)):
        return cell.isoformat(sep=" ") if isinstance(cell, datetime) else cell.isoformat()
    if isinstance(cell, timedelta):
        return str(cell)
    return str(cell)


def _error_cells(raw: bytes, sheet: str, wanted: set[int]) -> list[tuple[int, int, str, str]]:
    """Error cells (``t="e"``) of a sheet in the wanted 0-based columns: (row, column, letter, value).

    The sheet's XML is found through the workbook's relationships and streamed in blocks cut after a
    whole cell (memory stays a block, whatever the sheet's size); a block without the marker costs one
    substring search.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        book = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError):
        return []
    ids = {_unescape(n): i for n, i in re.findall(r'<sheet\b[^>]*?name="([^"]*)"[^>]*?r:id="([^"]*)"', book)}
    targets = dict(re.findall(r'<Relationship\b[^>]*?Id="([^"]*)"[^>]*?Target="([^"]*)"', rels))
    target = targets.get(ids.get(sheet, ""), "")
    member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    found = []
    try:
        with archive.open(member) as stream:
            for attributes, content in _error_elements(stream):
                ref = re.search(rb'\br="([A-Z]+)(\d+)"', attributes)
                if ref is None:
                    continue
                letters, row = ref.group(1).decode(), int(ref.group(2))
                column = sum((ord(ch) - 64) * 26**k for k, ch in enumerate(reversed(letters))) - 1
                value = re.search(rb"<v>([^<]*)</v>", content)
                if column in wanted:
                    found.append(
                        (row, column, letters, value.group(1).decode("utf-8", "replace") if value else "error")
                    )
    except KeyError:
        return []
    return found


_ERROR_CELL = re.compile(rb'<c\b([^>]*?\bt="e"[^>/]*)>(.*?)</c>', re.DOTALL)


def _error_elements(stream, block: int = 1 << 22):
    """The (attributes, content) of every error cell in a sheet's XML stream, block by block."""
    carry = b""
    while chunk := stream.read(block):
        data = carry + chunk
        cut = data.rfind(b"</c>") + 4
        if cut < 4:
            carry = data
            continue
        head, carry = data[:cut], data[cut:]
        if b't="e"' in head:
            yield from _ERROR_CELL.findall(head)
    if b't="e"' in carry:
        yield from _ERROR_CELL.findall(carry)


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )


# ---- Parquet ----------------------------------------------------------------------------------


def _parquet(where: str, raw: bytes, sheet: Sheet, columns: Columns) -> pd.DataFrame:
    """The chosen columns of a Parquet file (pyarrow, the ``parquet`` extra) as text.

    Numbers, text, booleans, dates and times are cast to text by Arrow; a list of text (e.g. the
    languages) is joined with ``;``; any other nested type is refused, naming the column.
    """
    pa = optional_module("pyarrow", "parquet")
    pq = optional_module("pyarrow.parquet", "parquet")
    pc = optional_module("pyarrow.compute", "parquet")
    try:
        parquet = pq.ParquetFile(pa.BufferReader(raw))
        header = [str(n).strip() for n in parquet.schema_arrow.names]
        check_header(where, header)
        keep = [h for h in header if h and selects(columns, h)]
        table = parquet.read(columns=keep)
    except (pa.ArrowException, OSError) as exc:
        raise InputError([Problem(where, None, None, f"not a readable Parquet file ({exc})")]) from None
    out, problems = {}, []
    for name, column in zip(keep, table.columns):
        kind = column.type
        if pa.types.is_list(kind) or pa.types.is_large_list(kind):
            if not (pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)):
                problems.append(Problem(where, None, name, f"holds lists of {kind.value_type}; give text"))
                continue
            column = pc.binary_join(column, ";")
        elif pa.types.is_nested(kind) or pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
            problems.append(Problem(where, None, name, f"holds {kind}; give text, numbers or dates"))
            continue
        out[name] = pc.fill_null(pc.cast(column, pa.large_string()), "").to_numpy(zero_copy_only=False)
    if problems:
        raise InputError(problems)
    return _frame(out, table.num_rows, {"where": where, "rows": np.arange(1, table.num_rows + 1), "header": header})


# ---- JSON Lines -------------------------------------------------------------------------------


def _jsonl(where: str, raw: bytes, sheet: Sheet, columns: Columns) -> pd.DataFrame:
    """One JSON object per line; the header is every key in order of first appearance.

    Values: text, numbers (2.0 → '2'), true/false, null (empty) and lists of those (joined with
    ``;``). A line that is not an object, a key given twice in one object, a nested object: named
    by line. Blank lines are skipped; rows are the lines' numbers.
    """
    text = utf8_text(where, raw, "save the file as UTF-8")
    header: dict[str, None] = {}
    records, rows, problems = [], [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line, object_pairs_hook=_once)
        except ValueError as exc:
            problems.append(Problem(where, number, None, f"not a JSON object ({exc})"))
            continue
        if not isinstance(record, dict):
            problems.append(Problem(where, number, None, f"expected a JSON object, got {type(record).__name__}"))
            continue
        header.update(dict.fromkeys(str(k).strip() for k in record))
        if len(header) > COLUMNS:
            message = f"the objects have more than {COLUMNS:,} distinct keys; at most {COLUMNS:,} columns are read"
            raise InputError([Problem(where, number, None, message)])
        records.append(record)
        rows.append(number)
    if problems:
        raise InputError(problems)
    names = list(header)
    check_header(where, names)
    keep = [h for h in names if selects(columns, h)]
    out: dict[str, list[str]] = {h: [] for h in keep}
    for record, number in zip(records, rows):
        values = {str(k).strip(): v for k, v in record.items()}
        for h in keep:
            cell = _json_text(values.get(h))
            if cell is None:
                problems.append(Problem(where, number, h, f"holds a nested value {shown(json.dumps(values[h]))}"))
                cell = ""
            out[h].append(cell)
    if problems:
        raise InputError(problems)
    return _frame(out, len(records), {"where": where, "rows": np.asarray(rows), "header": names})


def _once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        raise ValueError(f"the key {twice[0]!r} appears more than once")
    return dict(pairs)


def _json_text(value) -> str | None:
    """A JSON value as a text cell; None for a nested value (an object, or a list holding one)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if math.isfinite(value) and value.is_integer() else repr(value)
    if isinstance(value, list):
        items = [_json_text(v) if not isinstance(v, (list, dict)) else None for v in value]
        return None if any(i is None for i in items) else ";".join(i for i in items if i)
    return None
