"""Results and workforces out to files: CSV tables an HR system or a spreadsheet can read."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .matching import MatchResult
from .models import Workforce


def workforce_frames(workforce: Workforce) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The workforce back in the input schema (employees, long skills), ready for ``to_csv``."""
    return workforce.employees.copy(), workforce.skills.copy()


def write_workforce(workforce: Workforce, directory: str | Path) -> tuple[Path, Path]:
    """Write ``employees.csv`` and ``skills.csv`` into ``directory`` (created if needed)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    employees, skills = workforce_frames(workforce)
    paths = directory / "employees.csv", directory / "skills.csv"
    employees.to_csv(paths[0], index=False)
    skills.to_csv(paths[1], index=False)
    return paths


def write_result(result: MatchResult, pairs_path: str | Path, unmatched_path: str | Path | None = None) -> None:
    """Write the pairs (with score parts and reasons) and, if asked, the unmatched people."""
    result.pairs.to_csv(pairs_path, index=False)
    if unmatched_path is not None:
        result.unmatched.to_csv(unmatched_path, index=False)
