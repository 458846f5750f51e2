"""Everything in a programme store back out as CSV files, for audit and for the file-based commands."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from ..reporting.writing import write_csv, write_text
from . import reading
from .database import stored_version
from .rows import now_utc


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def export_csv(conn: sa.Connection, directory: Path) -> dict[str, Path]:
    """Write every table of the store into ``directory`` (created if needed), read in one transaction.

    Files (UTF-8, ``\\n`` line ends), people named by stored id (``erased-<n>`` once erased):

    - ``rounds.csv``: round, position, created_utc, runs, pairs running / declined / ended, unmatched;
    - ``runs.csv``: run_id, round, kind (match | rematch), created_utc, status, objective, bound,
      workforce_sha256, program and manifest (JSON);
    - ``pairs.csv``: every pair of every round with score, parts (JSON), reason, status
      (running | declined | ended), made_in_run, ended_in_run, end_reason;
    - ``unmatched.csv``: round, run_id, employee_id, role, reason;
    - ``responses.csv``, ``changes.csv`` (leavers and joiners of each re-match);
    - ``checkins.csv``: in the columns ``revmatch kpis`` reads (skills ``;``-separated), plus round;
    - ``history.csv``: mentor_id, mentee_id, round — every pair so far, as ``revmatch next-round`` reads it;
    - ``store.json``: schema version, export time and the row count of each file.
    """
    directory.mkdir(parents=True, exist_ok=True)
    pairs = reading.pairs_frame(conn)
    status = pd.Series("running", index=pairs.index, dtype=object)
    status[pairs["declined"]] = "declined"
    status[pairs["ended_in_run"].notna()] = "ended"
    checkins = reading.checkins_frame(conn)
    tables = {
        "rounds.csv": reading.rounds_frame(conn),
        "runs.csv": reading.runs_frame(conn).assign(
            program=lambda f: f["program"].map(_json), manifest=lambda f: f["manifest"].map(_json)
        ),
        "pairs.csv": pairs.assign(parts=pairs["parts"].map(_json), status=status)[
            [
                "round",
                "mentor_id",
                "mentee_id",
                "score",
                "forward",
                "backward",
                "parts",
                "reason",
                "status",
                "made_in_run",
                "ended_in_run",
                "end_reason",
            ]
        ],
        "unmatched.csv": reading.unmatched_frame(conn),
        "responses.csv": reading.responses_frame(conn),
        "checkins.csv": checkins.assign(
            rating=checkins["rating"].astype("Int64"), skills=checkins["skills"].map(";".join)
        ),
        "changes.csv": reading.changes_frame(conn),
        "history.csv": pairs[["mentor_id", "mentee_id", "round"]],
    }
    paths = {}
    for name, frame in tables.items():
        paths[name] = directory / name
        write_csv(frame, paths[name])  # cells a spreadsheet would run are made text, as in every CSV out
    about = {
        "schema_version": stored_version(conn),
        "exported_utc": now_utc(),
        "rows": {name: len(frame) for name, frame in tables.items()},
    }
    paths["store.json"] = directory / "store.json"
    write_text(paths["store.json"], json.dumps(about, indent=2) + "\n")
    return paths
