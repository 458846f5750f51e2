"""The audit folder: a run's pairs, unmatched people, explanations and manifest, written as one whole.

The files of the folder:

- ``pairs.csv``: ``result.pairs`` followed by the columns of :func:`match_percent`.
- ``unmatched.csv``: ``result.unmatched``.
- ``pairs.jsonl``: one JSON object per pair, in pair order — every field of its
  :class:`PairExplanation` (ids, score, parts, ``taught`` and ``given_back`` as lists of
  ``{skill, teacher_proficiency, learner_proficiency, need, points}``, text).
- ``run.json``: the manifest, written last — SHA-256 and size of each file in ``inputs`` as it
  was read, how they were read (``reading``: :attr:`Workforce.decisions`), versions of revmatch,
  OR-Tools, numpy, pandas, pydantic and Python, the programme settings, ``seed``, status,
  objective, bound, gap, tolerance, engine, timings, the :func:`summary` figures, SHA-256 of the
  three files above and a UTC timestamp (``created_utc``), the only field that changes between
  runs on the same result.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib
import importlib.metadata
import json
import math
import os
import platform
import secrets
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..errors import ConfigError, InputError, Problem
from .figures import match_percent
from .summary import summary
from .writing import write_csv

if TYPE_CHECKING:
    from ..matching import MatchResult
    from ..models import Workforce

VERSIONED = ("revmatch", "ortools", "numpy", "pandas", "pydantic")
AUDIT_FILES = ("pairs.csv", "unmatched.csv", "pairs.jsonl", "run.json")


def write_outputs(
    result: MatchResult,
    directory: str | Path,
    inputs: dict[str, str | Path] | None = None,
    seed: int | None = None,
    *,
    force: bool = False,
    formula_safe: bool = True,
) -> dict[str, Path]:
    r"""Write the result and an audit manifest into the folder ``directory``, all of it or nothing.

    The files are listed in :mod:`revmatch.reporting.audit`.

    The folder is built under a temporary name and renamed into place: a failure part-way leaves no
    mixture of two runs, and a symlink is never followed. Text is UTF-8 with ``\n`` line ends,
    non-finite numbers JSON ``null``; CSV cells a spreadsheet would run are made text unless
    ``formula_safe=False`` (see :mod:`revmatch.reporting.writing`).

    Parameters
    ----------
    result : MatchResult
    directory : str or Path
    inputs : dict of str to str or Path, optional
        Input files to fingerprint, by role, e.g. ``{"employees": "employees.csv", "skills": "skills.csv"}``.
        A file the workforce was read from keeps the fingerprint of the bytes read then.
    seed : int, optional
        The seed of a synthetic workforce or of anything random upstream, for the record.
    force : bool, default=False
        Replace an existing audit folder (only the four files above, nothing else).
    formula_safe : bool, default=True

    Returns
    -------
    dict of str to Path
        File name → path written: ``pairs.csv``, ``unmatched.csv``, ``pairs.jsonl``, ``run.json``.

    Raises
    ------
    InputError
        If a file named in ``inputs`` does not exist (checked before anything is written).
    ConfigError
        If ``directory`` is a symlink, holds an input, or is not empty (without ``force``, or with it
        when it is not an audit folder).

    Examples
    --------
    >>> import tempfile, json, revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(200, seed=0), rm.Program(min_level_gap=2))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = write_outputs(result, folder, seed=0)
    ...     json.loads(paths["run.json"].read_text())["seed"]
    0
    """
    directory = Path(directory)
    fingerprints = input_fingerprints(result.workforce, inputs or {}, directory)
    check_audit_folder(directory, force)
    directory.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", suffix=".tmp", dir=directory.parent))
    try:
        _write_files(result, staging, formula_safe)
        manifest = _manifest(result, fingerprints, seed, staging)
        (staging / "run.json").write_text(
            json.dumps(plain_json(manifest), indent=2, ensure_ascii=False, allow_nan=False) + "\n",
            encoding="utf-8",
            newline="\n",
        )
        os.chmod(staging, 0o777 & ~_umask())  # as mkdir would have made it
        _put_in_place(staging, directory)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return {name: directory / name for name in AUDIT_FILES}


def input_fingerprints(
    workforce: Workforce, inputs: dict[str, str | Path], directory: Path | None = None
) -> dict[str, dict]:
    """Path, SHA-256 and size of each input: as read when the workforce was loaded, else read now.

    An input inside ``directory`` (the audit folder about to be written) is refused.
    """
    read = {Path(f.path).resolve(): f for f in workforce.fingerprints.values()}
    out = {}
    for name, given in inputs.items():
        path = Path(given)
        if not path.is_file():
            raise InputError([Problem(str(path), None, None, f"input {name!r} is not a file")])
        if directory is not None and directory.resolve() in path.resolve().parents:
            raise ConfigError(f"the input {name!r} ({path}) is inside the audit folder {directory}: keep inputs apart")
        known = read.get(path.resolve())
        sha, size = (known.sha256, known.bytes) if known else (_sha256(path), path.stat().st_size)
        out[str(name)] = {"path": str(path), "sha256": sha, "bytes": size}
    return out


def check_audit_folder(directory: str | Path, force: bool = False) -> None:
    """Whether :func:`write_outputs` may write the audit folder ``directory``; ConfigError saying why not."""
    directory = Path(directory)
    if directory.is_symlink():
        raise ConfigError(f"the audit folder {directory} is a symlink: give the real folder")
    if not directory.exists():
        return
    if not directory.is_dir():
        raise ConfigError(f"the audit folder {directory} is a file: give a folder")
    entries = list(directory.iterdir())
    if not entries:
        return
    if not force:
        raise ConfigError(
            f"the audit folder {directory} already holds files: give a new folder, or --force (force=True) "
            "to replace a previous audit folder"
        )
    odd = [e.name for e in entries if e.name not in AUDIT_FILES or e.is_symlink() or not e.is_file()]
    if odd or not (directory / "run.json").is_file():
        what = f"it holds {', '.join(sorted(odd)[:5])}" if odd else "it has no run.json"
        raise ConfigError(f"{directory} is not a revmatch audit folder ({what}): not replacing it")


def _put_in_place(staging: Path, directory: Path) -> None:
    """Rename the finished folder onto ``directory``; a previous one is moved aside first, then removed."""
    if directory.exists() and not any(directory.iterdir()):
        directory.rmdir()
    if not directory.exists():
        staging.rename(directory)
        return
    old = directory.with_name(f".{directory.name}.{secrets.token_hex(6)}.old")
    directory.rename(old)
    try:
        staging.rename(directory)
    except OSError:
        old.rename(directory)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write_files(result: MatchResult, folder: Path, formula_safe: bool) -> None:
    write_csv(match_percent(result), folder / "pairs.csv", formula_safe)
    write_csv(result.unmatched, folder / "unmatched.csv", formula_safe)
    with (folder / "pairs.jsonl").open("w", encoding="utf-8", newline="\n") as f:
        for e in result.explanations:
            f.write(json.dumps(plain_json(dataclasses.asdict(e)), ensure_ascii=False, allow_nan=False) + "\n")


def _manifest(result: MatchResult, inputs: dict[str, dict], seed: int | None, folder: Path) -> dict[str, Any]:
    return {
        "created_utc": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": inputs,
        "reading": result.workforce.decisions,
        "versions": {**{name: version_of(name) for name in VERSIONED}, "python": platform.python_version()},
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
        "outputs": {name: _sha256(folder / name) for name in AUDIT_FILES[:3]},
    }


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def version_of(name: str) -> str | None:
    """Installed version of a distribution, else the module's ``__version__`` (e.g. run from a checkout)."""
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        pass
    try:
        return str(importlib.import_module(name).__version__)
    except (ImportError, AttributeError):
        return None


def plain_json(value):
    """numpy scalars → Python, non-finite floats → None: strict JSON that any tool reads."""
    if isinstance(value, dict):
        return {str(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_json(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
