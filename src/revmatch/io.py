"""Results and workforces out to files: CSV tables an HR system or a spreadsheet can read."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

import pandas as pd

from .explain import PREFERENCE_WORDS, pair_text
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


def write_result(result: MatchResult, pairs_path: str | Path, unmatched_path: str | Path | None = None,
                 pseudonym_key: str | None = None) -> None:
    """Write the pairs (with score parts and reasons) and, if asked, the unmatched people.

    With ``pseudonym_key`` (any string, "" included) ids are written as stable pseudonyms and reasons
    carry no names (see :func:`pseudonymized_tables`).
    """
    pairs, unmatched = (result.pairs, result.unmatched) if pseudonym_key is None else \
        pseudonymized_tables(result, pseudonym_key)
    pairs.to_csv(pairs_path, index=False)
    if unmatched_path is not None:
        unmatched.to_csv(unmatched_path, index=False)


def pseudonym(employee_id: str, key: str = "") -> str:
    """A stable pseudonym for an id: ``P`` + 12 hex digits of HMAC-SHA256(key, id).

    The same id and key always give the same pseudonym, so files from several runs still join; without
    a secret key anyone holding the ids can recompute them, so pass one for real privacy.
    """
    return "P" + hmac.new(key.encode(), str(employee_id).encode(), hashlib.sha256).hexdigest()[:12]


def pseudonymized_tables(result: MatchResult, key: str = "") -> tuple[pd.DataFrame, pd.DataFrame]:
    """``result.pairs`` and ``result.unmatched`` with every id hashed and no names in the reasons.

    Pair reasons are rebuilt with pseudonyms in place of names; ids inside unmatched reasons are
    replaced whole-word.
    """
    wf = result.workforce
    level = dict(zip(wf.ids, wf.employees["level"]))
    dept = dict(zip(wf.ids, wf.employees["department"]))
    label = lambda i: f"{pseudonym(i, key)} (L{level[i]}, {dept[i]})"
    pairs = result.pairs.copy()
    pairs["reason"] = [pair_text(label(e.mentor_id), label(e.mentee_id), e.taught, e.given_back,
                                 {k: v for k, v in e.parts.items() if k in PREFERENCE_WORDS})
                       for e in result.explanations]
    for column in ("mentor_id", "mentee_id"):
        pairs[column] = [pseudonym(i, key) for i in pairs[column]]
    unmatched = result.unmatched.copy()
    ids = sorted(map(str, wf.ids), key=len, reverse=True)
    if ids and len(unmatched):
        pattern = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, ids)) + r")(?![\w-])")
        unmatched["reason"] = [pattern.sub(lambda m: pseudonym(m.group(1), key), r) for r in unmatched["reason"]]
    unmatched["employee_id"] = [pseudonym(i, key) for i in unmatched["employee_id"]]
    return pairs, unmatched
