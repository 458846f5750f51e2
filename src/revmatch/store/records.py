"""Responses and check-ins in: validated row by row before the store is touched, then tied to their pair."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ..kpis import read_checkins
from ..reporting.pseudonyms import pseudonym
from ..tables import read_table
from ..validate import Problems, Table, required_columns, required_text
from .rows import now_utc
from .schema import pairs
from .writing import CHUNK, person_keys

RESPONSES = ("accept", "decline")


def _table(source: str | Path | pd.DataFrame, name: str) -> Table:
    frame = source if isinstance(source, pd.DataFrame) else read_table(source)
    where = name if isinstance(source, pd.DataFrame) else str(source)
    return Table.from_frame(frame, where, spreadsheet_rows=not isinstance(source, pd.DataFrame))


def read_responses(source: str | Path | pd.DataFrame) -> tuple[pd.DataFrame, Table]:
    """Responses to proposed pairs (one row each), validated row by row; with the table for row labels.

    Columns: ``mentor_id``, ``mentee_id``, ``response`` (``accept`` | ``decline``) required;
    ``responded_by`` (``mentor`` | ``mentee``) and ``date`` (ISO) optional.
    """
    table = _table(source, "responses")
    problems = Problems()
    required_columns(table, ("mentor_id", "mentee_id", "response"), problems)
    mentor, mentee = required_text(table, ("mentor_id", "mentee_id"), problems)
    response = np.array([x.casefold() for x in table.text("response")], dtype=object)
    raw = table.text("response")
    problems.add_rows(
        table,
        ~pd.Series(response).isin(RESPONSES).to_numpy(),
        "response",
        lambda i: f"{raw[i]!r} is not accept or decline",
    )
    by = np.array([x.casefold() for x in table.text("responded_by")], dtype=object)
    problems.add_rows(
        table,
        ~pd.Series(by).isin(["", "mentor", "mentee"]).to_numpy(),
        "responded_by",
        lambda i: f"{table.text('responded_by')[i]!r} is not mentor or mentee",
    )
    when = table.text("date")
    parsed = pd.to_datetime(pd.Series(when, dtype=object), format="%Y-%m-%d", errors="coerce")
    problems.add_rows(
        table, (when != "") & parsed.isna().to_numpy(), "date", lambda i: f"{when[i]!r} is not a date like 2026-03-15"
    )
    problems.raise_if_any()
    frame = pd.DataFrame(
        {
            "mentor_id": mentor,
            "mentee_id": mentee,
            "response": response,
            "responded_by": by,
            "date": [d.date() if not pd.isna(d) else None for d in parsed],
        }
    )
    return frame, table


def checkins_table(source: str | Path | pd.DataFrame, dayfirst: bool | None = None) -> tuple[pd.DataFrame, Table]:
    """:func:`revmatch.kpis.read_checkins`, with the table for row labels (its rows stay in order)."""
    frame = read_checkins(source, dayfirst=dayfirst)
    return frame, _table(source, "checkins")


def pair_ids(conn: sa.Connection, frame: pd.DataFrame, table: Table, key: str | None, what: str) -> list[int]:
    """The stored pair of each row; a row naming no pair the programme ever made is an InputError."""
    stored = _stored_ids(conn, [*frame["mentor_id"], *frame["mentee_id"]], key)
    person = person_keys(conn, stored.values(), create=False)
    key_of = lambda x: person.get(stored[x])
    mentors = sorted(k for k in {key_of(m) for m in frame["mentor_id"]} if k is not None)
    found: dict[tuple[int | None, int | None], int] = {}
    for lo in range(0, len(mentors), CHUNK):
        query = (
            sa.select(pairs.c.mentor_id, pairs.c.mentee_id, pairs.c.id)
            .where(pairs.c.mentor_id.in_(mentors[lo : lo + CHUNK]))
            .order_by(pairs.c.round_id)
        )
        found |= {(m, e): p for m, e, p in conn.execute(query).all()}
    out, problems = [], Problems()
    for k, (m, e) in enumerate(zip(frame["mentor_id"], frame["mentee_id"])):
        pair = found.get((key_of(m), key_of(e)))
        if pair is None:
            problems.add(table.where, table.rows[k], "mentee_id", f"{m} → {e} is not a pair of the programme ({what})")
        else:
            out.append(pair)
    problems.raise_if_any()
    return out


def _stored_ids(conn: sa.Connection, ids: list[str], key: str | None) -> dict[str, str]:
    """Each id as the store names it: itself, or (pseudonymised store) its pseudonym unless it is one already."""
    distinct = list(dict.fromkeys(map(str, ids)))
    if key is None:
        return {x: x for x in distinct}
    known = person_keys(conn, distinct, create=False)
    return {x: x if x in known else pseudonym(x, key) for x in distinct}


def response_rows(frame: pd.DataFrame, ids: list[int]) -> list[dict]:
    recorded = now_utc()
    return [
        {"pair_id": p, "responded_by": by, "response": r, "date": d, "recorded_utc": recorded}
        for p, by, r, d in zip(ids, frame["responded_by"], frame["response"], frame["date"])
    ]


def checkin_rows(frame: pd.DataFrame, ids: list[int]) -> list[dict]:
    recorded = now_utc()
    return [
        {
            "pair_id": p,
            "date": d,
            "rating": None if pd.isna(r) else int(r),
            "rated_by": by,
            "skills": ";".join(skills),
            "recorded_utc": recorded,
        }
        for p, d, r, by, skills in zip(ids, frame["date"], frame["rating"], frame["rated_by"], frame["skills"])
    ]
