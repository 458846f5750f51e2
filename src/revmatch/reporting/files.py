"""Results and workforces out to files: CSV tables, explanations as JSON lines, and the audit manifest."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import importlib
import importlib.metadata
import json
import math
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputError, Problem
from ..explain import PREFERENCE_WORDS, pair_text
from ..models import Workforce, workforce_frames
from .figures import match_percent
from .summary import summary

if TYPE_CHECKING:
    from ..matching import MatchResult


VERSIONED = ("revmatch", "ortools", "numpy", "pandas", "pydantic")


def write_workforce(workforce: Workforce, directory: str | Path) -> tuple[Path, Path]:
    """Write ``employees.csv`` and ``skills.csv`` into ``directory`` (created if needed)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    employees, skills = workforce_frames(workforce)
    paths = directory / "employees.csv", directory / "skills.csv"
    employees.to_csv(paths[0], index=False)
    skills.to_csv(paths[1], index=False)
    return paths


def write_result(
    result: MatchResult,
    pairs_path: str | Path,
    unmatched_path: str | Path | None = None,
    pseudonym_key: str | None = None,
) -> None:
    """Write the pairs (with score parts and reasons) and, if asked, the unmatched people.

    With ``pseudonym_key`` (a secret of at least ``MIN_KEY_LENGTH`` characters) ids are written as
    stable pseudonyms and reasons carry no names (see :func:`pseudonymized_tables`).
    """
    pairs, unmatched = (
        (result.pairs, result.unmatched) if pseudonym_key is None else pseudonymized_tables(result, pseudonym_key)
    )
    pairs.to_csv(pairs_path, index=False)
    if unmatched_path is not None:
        unmatched.to_csv(unmatched_path, index=False)


MIN_KEY_LENGTH = 16  # characters of a pseudonym key: a short key could be guessed, and every pseudonym reversed


def pseudonym(employee_id: str, key: str) -> str:
    """A stable pseudonym for an id: ``P`` + 12 hex digits of HMAC-SHA256(key, id).

    The same id and key always give the same pseudonym, so files from several runs still join. The
    key must be a secret of at least ``MIN_KEY_LENGTH`` characters: with a known or empty key anyone
    holding the ids recomputes every pseudonym (a whole id space in seconds).
    """
    check_key(key)
    return "P" + hmac.new(key.encode(), str(employee_id).encode(), hashlib.sha256).hexdigest()[:12]


def check_key(key: str | None) -> str:
    """The pseudonym key, refused when missing or too short to keep the ids secret."""
    if not key or len(key) < MIN_KEY_LENGTH:
        raise ConfigError(
            f"pseudonyms need a secret key of at least {MIN_KEY_LENGTH} characters (set REVMATCH_PSEUDONYM_KEY); "
            "without one anyone holding the ids can recompute every pseudonym"
        )
    return key


def pseudonymized_tables(result: MatchResult, key: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``result.pairs`` and ``result.unmatched`` with every id a pseudonym and no names in the reasons.

    The reasons are rebuilt with pseudonyms in place of names and ids — only the ids change: counts
    and scores in a reason stay as they are, whatever the ids look like.
    """
    from ..unmatched import unmatched_frame

    check_key(key)
    wf = result.workforce
    level = dict(zip(wf.ids, wf.employees["level"]))
    dept = dict(zip(wf.ids, wf.employees["department"]))
    alias = {i: pseudonym(i, key) for i in map(str, wf.ids)}
    label = lambda i: f"{alias[i]} (L{level[i]}, {dept[i]})"
    pairs = result.pairs.copy()
    pairs["reason"] = [
        pair_text(
            label(e.mentor_id),
            label(e.mentee_id),
            e.taught,
            e.given_back,
            {k: v for k, v in e.parts.items() if k in PREFERENCE_WORDS},
        )
        for e in result.explanations
    ]
    for column in ("mentor_id", "mentee_id"):
        pairs[column] = [alias[str(i)] for i in pairs[column]]
    unmatched = unmatched_frame(wf, result.program, result.scores, result.assignment, name=alias.__getitem__)
    unmatched["employee_id"] = [alias[str(i)] for i in unmatched["employee_id"]]
    return pairs, unmatched


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _version(name: str) -> str | None:
    """Installed version of a distribution, else the module's ``__version__`` (e.g. run from a checkout)."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        return str(importlib.import_module(name).__version__)
    except (ImportError, AttributeError):
        return None


def _plain(value):
    """numpy scalars → Python, non-finite floats → None: strict JSON that any tool reads."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_outputs(
    result: MatchResult, directory: str | Path, inputs: dict[str, str | Path] | None = None, seed: int | None = None
) -> dict[str, Path]:
    r"""Write the result and an audit manifest into ``directory`` (created if needed).

    Files:

    - ``pairs.csv``: ``result.pairs`` followed by the columns of :func:`match_percent`.
    - ``unmatched.csv``: ``result.unmatched``.
    - ``pairs.jsonl``: one JSON object per pair, in pair order — every field of its
      :class:`PairExplanation` (ids, score, parts, ``taught`` and ``given_back`` as lists of
      ``{skill, teacher_proficiency, learner_proficiency, need, points}``, text).
    - ``run.json``: the manifest — SHA-256 and size of each file in ``inputs``, versions of revmatch,
      OR-Tools, numpy, pandas, pydantic and Python, the programme settings, ``seed``, status,
      objective, bound, gap, tolerance, engine, timings, the :func:`summary` figures, SHA-256 of the
      three files above and a UTC timestamp (``created_utc``), the only field that changes between
      runs on the same result.

    Text files are UTF-8 with ``\n`` line ends. Non-finite numbers are written as JSON ``null``.

    Parameters
    ----------
    result : MatchResult
    directory : str or Path
    inputs : dict of str to str or Path, optional
        Input files to fingerprint, by role, e.g. ``{"employees": "employees.csv", "skills": "skills.csv"}``.
    seed : int, optional
        The seed of a synthetic workforce or of anything random upstream, for the record.

    Returns
    -------
    dict of str to Path
        File name → path written: ``pairs.csv``, ``unmatched.csv``, ``pairs.jsonl``, ``run.json``.

    Raises
    ------
    InputError
        If a file named in ``inputs`` does not exist (checked before anything is written).

    Examples
    --------
    >>> import tempfile, json, revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(200, seed=0), rm.Program(min_level_gap=2))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = write_outputs(result, folder, seed=0)
    ...     json.loads(paths["run.json"].read_text())["seed"]
    0
    """
    paths_in = {str(k): Path(v) for k, v in (inputs or {}).items()}
    for name, path in paths_in.items():
        if not path.is_file():
            raise InputError([Problem(str(path), None, None, f"input {name!r} is not a file")])
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {name: directory / name for name in ("pairs.csv", "unmatched.csv", "pairs.jsonl", "run.json")}

    match_percent(result).to_csv(paths["pairs.csv"], index=False, lineterminator="\n")
    result.unmatched.to_csv(paths["unmatched.csv"], index=False, lineterminator="\n")
    with paths["pairs.jsonl"].open("w", encoding="utf-8", newline="\n") as f:
        for e in result.explanations:
            f.write(json.dumps(_plain(dataclasses.asdict(e)), ensure_ascii=False, allow_nan=False) + "\n")

    manifest = {
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": {
            name: {"path": str(path), "sha256": _sha256(path), "bytes": path.stat().st_size}
            for name, path in paths_in.items()
        },
        "versions": {**{name: _version(name) for name in VERSIONED}, "python": platform.python_version()},
        "program": result.program.model_dump(mode="json"),
        "seed": seed,
        "status": str(result.status),
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "tolerance": result.tolerance,
        "engine": result.engine,
        "timings": dict(result.timings),
        "counts": summary(result),
        "outputs": {name: _sha256(paths[name]) for name in ("pairs.csv", "unmatched.csv", "pairs.jsonl")},
    }
    paths["run.json"].write_text(
        json.dumps(_plain(manifest), indent=2, ensure_ascii=False, allow_nan=False) + "\n",
        encoding="utf-8",
        newline="\n",
    )
    return paths
