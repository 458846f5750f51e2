"""A result's pairs and unmatched people, and a workforce, out to CSV files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..models import Workforce, workforce_frames
from .pseudonyms import pseudonymized_tables
from .writing import write_csv

if TYPE_CHECKING:
    from ..matching import MatchResult


def write_workforce(workforce: Workforce, directory: str | Path) -> tuple[Path, Path]:
    """Write ``employees.csv`` and ``skills.csv`` into ``directory`` (created if needed).

    They are inputs for revmatch, so every cell is written exactly as it is (no formula prefix).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    employees, skills = workforce_frames(workforce)
    paths = directory / "employees.csv", directory / "skills.csv"
    write_csv(employees, paths[0], formula_safe=False)
    write_csv(skills, paths[1], formula_safe=False)
    return paths


def write_result(
    result: MatchResult,
    pairs_path: str | Path,
    unmatched_path: str | Path | None = None,
    pseudonym_key: str | None = None,
    *,
    formula_safe: bool = True,
) -> None:
    """Write the pairs (with score parts and reasons) and, if asked, the unmatched people.

    With ``pseudonym_key`` (a secret of at least ``MIN_KEY_LENGTH`` characters) ids are written as
    stable pseudonyms and reasons carry no names (see :func:`pseudonymized_tables`). Each file is
    written whole or not at all; ``formula_safe`` makes formula-leading cells text (see
    :mod:`revmatch.reporting.writing`).
    """
    pairs, unmatched = (
        (result.pairs, result.unmatched) if pseudonym_key is None else pseudonymized_tables(result, pseudonym_key)
    )
    write_csv(pairs, pairs_path, formula_safe)
    if unmatched_path is not None:
        write_csv(unmatched, unmatched_path, formula_safe)
