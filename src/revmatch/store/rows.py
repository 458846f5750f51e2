"""A result as the store keeps it: ids as stored (or pseudonyms), reasons without names, a run's record."""

from __future__ import annotations

import hashlib
import math
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd

from ..matching import MatchResult
from ..models import Workforce, workforce_frames
from ..program import Program
from ..reporting.audit import VERSIONED, input_fingerprints, plain_json, version_of
from ..reporting.pseudonyms import nameless_tables, pseudonym, pseudonymized_tables
from ..reporting.summary import summary

# Program fields that list people: counted in a run's settings, never copied (erasure stays one place).
ID_LISTS = ("locked", "forbidden", "past_pairs", "previous_pairs", "priority")
PAIR_COLUMNS = ("mentor_id", "mentee_id", "score", "forward", "backward", "reason")
CHECK_TEXT = "revmatch programme store"  # its pseudonym tells a store's key from another


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Ids:
    """How employee ids are stored: as they are, or as keyed pseudonyms (``--pseudonymize``).

    ``known`` are the ids of the workforce at hand; an id outside it came from the store itself (a
    leaver's pseudonym, say) and is kept as it is.
    """

    key: str | None
    known: frozenset[str] = field(default_factory=frozenset)

    @property
    def check(self) -> str | None:
        return None if self.key is None else pseudonym(CHECK_TEXT, self.key)

    def stored(self, employee_id: str) -> str:
        if self.key is None or employee_id not in self.known:
            return employee_id
        return pseudonym(employee_id, self.key)

    def back(self) -> dict[str, str]:
        """Stored id → the workforce's id, for the people of the workforce at hand."""
        if self.key is None:
            return {}
        return {pseudonym(x, self.key): x for x in self.known}


def ids_for(key: str | None, workforce: Workforce | None) -> Ids:
    return Ids(key, frozenset(map(str, workforce.ids)) if workforce is not None else frozenset())


def result_tables(result: MatchResult, key: str | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``result.pairs`` and ``result.unmatched`` as stored: ids as stored, and no names in any reason.

    A pair's reason names each person as ``id (level, department)`` — the words of the CSV output, with
    the id where the input had a name — so the store holds no names, and erasing an id scrubs it all.
    """
    pairs, unmatched = nameless_tables(result) if key is None else pseudonymized_tables(result, key)
    other = [c for c in pairs.columns if c not in PAIR_COLUMNS]
    parts = [{c: float(v) for c, v in zip(other, values)} for values in pairs[other].itertuples(index=False, name=None)]
    stored = pairs[list(PAIR_COLUMNS)].astype({"mentor_id": str, "mentee_id": str})
    stored["parts"] = pd.Series(parts, index=stored.index, dtype=object)
    return stored.reset_index(drop=True), unmatched.astype({"employee_id": str}).reset_index(drop=True)


def settings(program: Program) -> dict:
    """The programme's rules and weights as JSON; its lists of people only as counts."""
    data = program.model_dump(mode="json", exclude=set(ID_LISTS))
    return data | {f"{name}_count": len(getattr(program, name)) for name in ID_LISTS}


def workforce_sha256(workforce: Workforce) -> str:
    """A fingerprint of the workforce a run saw (every column revmatch read, skills included)."""
    employees, skills = workforce_frames(workforce)
    digest = hashlib.sha256(employees.to_csv(index=False, lineterminator="\n").encode())
    digest.update(skills.to_csv(index=False, lineterminator="\n").encode())
    return digest.hexdigest()


def run_record(result: MatchResult, kind: str, inputs: dict | None, seed: int | None, figures: bool = True) -> dict:
    """The ``runs`` row of a result: status and scores, settings, workforce fingerprint and manifest.

    The manifest holds what ``run.json`` of :func:`revmatch.reporting.write_outputs` holds about the
    run (input files' SHA-256, versions, status, timings and, with ``figures``, the
    :func:`revmatch.reporting.summary` figures), without people's ids.
    """
    created = now_utc()
    manifest = {
        "created_utc": created,
        "inputs": input_fingerprints(result.workforce, inputs or {}),
        "versions": {**{name: version_of(name) for name in VERSIONED}, "python": platform.python_version()},
        "seed": seed,
        "engine": result.engine,
        "gap": result.gap,
        "tolerance": result.tolerance,
        "timings": dict(result.timings),
        "counts": summary(result) if figures else None,
    }
    return {
        "kind": kind,
        "created_utc": created,
        "status": str(result.status),
        "objective": float(result.objective),
        "bound": float(result.bound) if math.isfinite(result.bound) else None,
        "workforce_sha256": workforce_sha256(result.workforce),
        "program": plain_json(settings(result.program)),
        "manifest": plain_json(manifest),
    }
