"""Read HR exports into raw tables of text: the only place that knows about files and encodings."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from .errors import InputError, Problem


def read_table(path: str | Path, strip: bool = True) -> pd.DataFrame:
    """Read a CSV export as text cells, exactly as written (no type guessing, no NA guessing).

    Accepts UTF-8 with or without BOM, ``,`` or ``;`` delimiters and Windows line endings, and trims
    spaces around headers and (with ``strip``; the validator, which strips anyway, turns it off)
    cells. Types are checked later by the validator, which can then name the row and column of every
    bad value.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError([Problem(str(path), None, None, "file not found")]) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(str(path), None, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})")]
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        frame = pd.read_csv(
            path,
            sep=delimiter,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            skipinitialspace=True,
            quoting=csv.QUOTE_MINIMAL,
        )
    except pd.errors.EmptyDataError:
        raise InputError([Problem(str(path), None, None, "the file is empty (expected a header row)")]) from None
    except pd.errors.ParserError as exc:
        raise InputError([Problem(str(path), None, None, f"not a readable CSV table: {exc}")]) from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.apply(lambda col: col.str.strip()) if strip else frame
