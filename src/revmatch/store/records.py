"""Responses and check-ins tied to their stored pair (read and checked row by row before the store is touched)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from ..reporting.pseudonyms import pseudonym
from ..validate import Problems
from .rows import now_utc
from .schema import pairs
from .writing import CHUNK, person_keys


def pair_ids(conn: sa.Connection, frame: pd.DataFrame, rows, key: str | None, what: str) -> list[int]:
    """The stored pair of each row (``rows``: their rows in the source, named in ``frame.attrs["where"]``);
    a row naming no pair the programme ever made is an InputError."""
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
            problems.add(
                frame.attrs["where"], rows[k], "mentee_id", f"{m} → {e} is not a pair of the programme ({what})"
            )
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
