"""Read HR exports into raw tables of text: the only place that knows about files and encodings."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .limits import COLUMNS, SHOWN


@dataclass(frozen=True)
class Fingerprint:
    """A file as revmatch read it: its path and the SHA-256 and size of the very bytes parsed."""

    path: str
    sha256: str
    bytes: int


# A CSV cell beginning with one of these is run as a formula by spreadsheets (OWASP's list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def read_table(
    path: str | Path,
    strip: bool = True,
    columns: Iterable[str] | Callable[[str], bool] | None = None,
    escaped: bool = False,
) -> pd.DataFrame:
    """Read a CSV export as text cells, exactly as written (no type guessing, no NA guessing).

    Accepts UTF-8 with or without BOM, ``,`` or ``;`` delimiters and Windows line endings, and trims
    spaces around headers and (with ``strip``; the validator, which strips anyway, turns it off)
    cells. Types are checked later by the validator, which can then name the row and column of every
    bad value. The file is read once: ``frame.attrs`` keeps its ``sha256`` and ``bytes`` (what was
    read is what the audit manifest fingerprints) and its whole ``header``. With ``columns``, only
    those of them present (or, given a function, those of the header it accepts) are parsed: the
    other columns are named in the header, never loaded.
    ``escaped``: the file is a CSV revmatch wrote with formula-leading cells made text (see
    :mod:`revmatch.reporting.writing`); one leading ``'`` is removed from each cell that has one.

    Raises
    ------
    InputError
        A missing, empty or non-UTF-8 file; a header with more than ``limits.COLUMNS`` columns, a
        column named twice or a control character in a column name; a row with more cells than the
        header (every such row is named).
    """
    path = Path(path)
    raw = read_bytes(path)
    text = utf8_text(str(path), raw, "save the export as UTF-8 CSV")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    header = _header(str(path), text, delimiter)
    columns = columns if columns is None or callable(columns) else set(columns)
    wanted = None if columns is None else [c for c in header if selects(columns, c)]
    if wanted is not None and len(wanted) == len(header):
        wanted = None  # every column is read: pandas itself then finds a ragged row
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            quoting=csv.QUOTE_MINIMAL,
            usecols=(lambda c: str(c).strip() in wanted) if wanted is not None else None,
        )
    except pd.errors.EmptyDataError:
        raise InputError([Problem(str(path), None, None, "the file is empty (expected a header row)")]) from None
    except pd.errors.ParserError:
        raise InputError(_ragged_rows(str(path), text, delimiter, len(header))) from None
    if wanted is not None and len(wanted) < len(header):  # skipped columns hide a ragged row from pandas
        ragged = _ragged_rows(str(path), text, delimiter, len(header), found_only=True)
        if ragged:
            raise InputError(ragged)
    frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.apply(lambda col: col.str.strip()) if strip else frame
    if escaped:
        frame = frame.apply(lambda col: col.where(~col.str.startswith("'"), col.str[1:]))
    frame.attrs.update(sha256=hashlib.sha256(raw).hexdigest(), bytes=len(raw), header=header)
    frame.attrs["clean"] = _clean(raw, len(frame))
    if _BLANK_LINE.search(text):  # blank lines are skipped: the rows below them keep their number
        rows = _record_rows(text, delimiter)
        if len(rows) == len(frame):
            frame.attrs["rows"] = rows
    return frame


_BLANK_LINE = re.compile(r"\n[ \t]*\r?\n")


def _record_rows(text: str, delimiter: str) -> np.ndarray:
    """The spreadsheet row of each non-blank record below the header (a blank line is a row too)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        filled = (k + 1 for k, cells in enumerate(reader) if k and (len(cells) > 1 or (cells and cells[0].strip())))
        return np.fromiter(filled, dtype=np.int64)
    except csv.Error:
        return np.array([], dtype=np.int64)


def read_bytes(path: Path) -> bytes:
    """A file's bytes, read once (what is parsed is what is fingerprinted); InputError if there are none."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, None, "file not found")]) from None
    except IsADirectoryError:
        raise InputError([Problem(str(path), None, None, "is a folder, not a file")]) from None
    except OSError as exc:  # a path through a file, no permission, ...: the system's words
        raise InputError([Problem(str(path), None, None, f"cannot be read ({exc.strerror})")]) from None


def utf8_text(where: str, raw: bytes, hint: str) -> str:
    """UTF-8 text, with or without BOM; InputError at the first byte that is not, with ``hint``."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        message = f"not UTF-8 text ({exc.reason} at byte {exc.start}); {hint}"
        raise InputError([Problem(where, None, None, message)]) from None


def selects(columns: Iterable[str] | Callable[[str], bool], name: str) -> bool:
    """Whether a column selection (names, or a function of the name) takes the column ``name``."""
    return bool(columns(name)) if callable(columns) else name in columns


def _header(where: str, text: str, delimiter: str) -> list[str]:
    """The header's column names, checked: not too many, none twice, no control characters."""
    line = text.split("\n", 1)[0]
    if line.count(delimiter) >= COLUMNS:
        message = f"the header has {line.count(delimiter) + 1:,} columns; at most {COLUMNS:,} are read"
        raise InputError([Problem(where, 1, None, message)])
    reader = csv.reader(io.StringIO(line, newline=""), delimiter=delimiter, skipinitialspace=True)
    try:
        names = [c.strip() for c in next(reader, [])]
    except csv.Error as exc:
        raise InputError([Problem(where, 1, None, f"the header is not readable CSV ({exc})")]) from None
    check_header(where, names)
    return names


def check_header(where: str, names: list[str], row: int = 1, letters: list[str] | None = None) -> None:
    """Column names as any reader found them: at most ``limits.COLUMNS``, none twice, no control characters."""
    if len(names) > COLUMNS:
        message = f"the header has {len(names):,} columns; at most {COLUMNS:,} are read"
        raise InputError([Problem(where, row, None, message)])
    letter = (lambda k: letters[k]) if letters else (lambda k: None)
    problems = [
        Problem(where, row, None, f"the column name {shown(c)} holds a control character", letter(k))
        for k, c in enumerate(names)
        if unsafe(c)
    ]
    seen: set[str] = set()
    for k, name in enumerate(names):
        if name in seen and name:
            problems.append(Problem(where, row, name, "this column appears more than once: keep one", letter(k)))
        seen.add(name)
    if problems:
        raise InputError(problems)


def _ragged_rows(where: str, text: str, delimiter: str, n_columns: int, found_only: bool = False) -> list[Problem]:
    """Every row with more cells than the header, by the spreadsheet row it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    problems, row = [], 1  # spreadsheet rows: one per record (a quoted line break stays in its row)
    try:
        for record in reader:
            if len(record) > n_columns:
                message = f"{len(record)} cells, but the header has {n_columns} (a stray delimiter?)"
                problems.append(Problem(where, row, None, message))
            row += 1
    except csv.Error as exc:
        problems.append(Problem(where, row, None, f"not readable CSV ({exc})"))
    return problems if problems or found_only else [Problem(where, None, None, "not a readable CSV table")]


# Characters no HR cell needs, which would corrupt outputs or a terminal: C0 controls (NUL, ANSI
# escape, bare CR …), DEL and a byte-order mark in the middle of the text.
CONTROL = "".join(chr(c) for c in [*range(32), 127]) + "\ufeff"
_CONTROL_TABLE = str.maketrans("", "", CONTROL)


def _clean(raw: bytes, n_rows: int) -> bool:
    """Whether no cell of the file can hold a control character, from its bytes in a few C passes.

    Clean: no byte below 32 but line ends (``\n``, ``\r\n``: no bare ``\r``), no DEL, no byte-order
    mark after the start, and one line per row (a quoted cell with a line break would make more).
    UTF-8 encodes every other character in bytes of 128 and above, so none is mistaken for one.
    """
    codes = np.frombuffer(raw, dtype=np.uint8)
    newlines, returns = raw.count(b"\n"), raw.count(b"\r")
    lines = newlines + (0 if not raw or raw.endswith(b"\n") else 1)
    return (
        lines == n_rows + 1
        and returns == raw.count(b"\r\n")
        and int(np.count_nonzero(codes < 32)) == newlines + returns
        and not np.any(codes == 127)
        and raw.find(b"\xef\xbb\xbf", 1) == -1
    )


def unsafe(cell: str) -> bool:
    """Whether a text cell holds a control character."""
    return len(cell.translate(_CONTROL_TABLE)) != len(cell)


def cut(text: str, limit: int = SHOWN) -> str:
    """Text as an error message shows it: the first ``limit`` characters, and how long it was."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def shown(cell: str, limit: int = SHOWN) -> str:
    """A cell as an error message shows it: quoted, control characters escaped, long ones cut."""
    text = repr(cell[:limit])
    return text if len(cell) <= limit else f"{text}… ({len(cell):,} characters)"
