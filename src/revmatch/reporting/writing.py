"""Files out, safely: each written to a temporary file and renamed, and CSV cells a spreadsheet would run made text.

A file revmatch writes is either whole or not there: it is written beside its target and renamed
onto it (``os.replace``), which replaces a planted symlink instead of writing through it.

CSV outputs are opened by people in spreadsheets, and a cell that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is run there as a formula (an id or a name such as
``=HYPERLINK(...)`` would become a live link). As OWASP recommends, such a cell is written with a
leading ``'``, which spreadsheets show as text; so is a cell that already begins with ``'``, which
keeps the rule reversible: :func:`revmatch.tables.read_table` with ``escaped=True`` (how revmatch
reads its own pairs files back) removes exactly one leading ``'``. Machine consumers that want the
cells as they are pass ``formula_safe=False`` (CLI: ``--raw-csv``).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from ..tables import FORMULA_START


@contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A temporary path beside ``path``, renamed onto it when the block succeeds, removed when it fails."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_text(path: str | Path, text: str) -> None:
    """Write UTF-8 text with ``\\n`` line ends, whole or not at all."""
    with replacing(path) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="\n")


def write_csv(frame: pd.DataFrame, path: str | Path, formula_safe: bool = True) -> None:
    """Write a table as UTF-8 CSV, whole or not at all; with ``formula_safe``, formula-leading cells made text."""
    with replacing(path) as temporary:
        (neutralised(frame) if formula_safe else frame).to_csv(temporary, index=False, lineterminator="\n")


def neutralised(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that begins with a formula character (or ``'``) prefixed by ``'``."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if values.dtype != object and not isinstance(values.dtype, pd.StringDtype):
            continue  # numbers are written as numbers: -0.5 stays -0.5
        risky = values.map(lambda v: isinstance(v, str) and v.startswith((*FORMULA_START, "'")))
        if risky.any():
            out[column] = values.where(~risky, "'" + values.astype(str))
    return out
