"""Writes, each inside the caller's one transaction: rounds, re-matches, records, erasure.

Every function here checks what it must before it writes, against what the transaction reads (the
writer lock is held: see :func:`revmatch.store.database.write`), and raises before committing
anything when a check fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import pandas as pd
import sqlalchemy as sa

from ..errors import ConfigError, StoreConflictError, UnknownPersonError
from . import reading
from .rows import Ids, now_utc
from .schema import changes, pairs, people, programme, rounds, runs, unmatched

CHUNK = 500  # ids per IN (...) list: well under every backend's limit on bound parameters
Pair = tuple[str, str]


def settle_pseudonyms(conn: sa.Connection, ids: Ids) -> None:
    """The first round fixes whether ids are stored as pseudonyms; later writes must agree (and key)."""
    row = conn.execute(sa.select(programme.c.pseudonymized, programme.c.pseudonym_check)).one()
    if row.pseudonymized is None:
        conn.execute(sa.update(programme).values(pseudonymized=ids.key is not None, pseudonym_check=ids.check))
    else:
        check_pseudonyms(row.pseudonymized, row.pseudonym_check, ids)


def check_pseudonyms(pseudonymized: bool | None, check: str | None, ids: Ids) -> None:
    if pseudonymized is None:
        return
    if pseudonymized and ids.key is None:
        raise ConfigError(
            "this programme store holds pseudonyms: give the key it was written with "
            "(pseudonym_key=..., or --pseudonymize with REVMATCH_PSEUDONYM_KEY set)"
        )
    if not pseudonymized and ids.key is not None:
        raise ConfigError("this programme store holds plain ids: open it without a pseudonym key (no --pseudonymize)")
    if pseudonymized and check != ids.check:
        raise ConfigError(
            "the pseudonym key differs from the one this programme store was written with "
            "(REVMATCH_PSEUDONYM_KEY): with another key no id would match its history"
        )


def person_keys(conn: sa.Connection, ids: Iterable[str], *, create: bool = True) -> dict[str, int]:
    """Row keys of people by stored id, adding the new ones (unless ``create`` is False).

    Reads the whole (two-column) people table at once: a programme has as many rows as people who ever
    took part, and one scan costs far less than thousands of bound parameters in IN lists.
    """
    wanted = list(dict.fromkeys(ids))
    query = sa.select(people.c.employee_id, people.c.id).where(people.c.employee_id.is_not(None))
    every = dict(conn.execute(query).all())
    missing = [x for x in wanted if x not in every]
    if missing and create:
        conn.execute(sa.insert(people), [{"employee_id": x} for x in missing])
        return person_keys(conn, wanted, create=False)
    return {x: every[x] for x in wanted if x in every}


def new_round(conn: sa.Connection, name: str | None) -> tuple[int, str]:
    """Add a round at the end (named ``round-<n>`` if no name is given); a taken name is a conflict."""
    last = conn.execute(sa.select(sa.func.max(rounds.c.position))).scalar() or 0
    name = name if name is not None else f"round-{last + 1}"
    if conn.execute(sa.select(rounds.c.id).where(rounds.c.name == name)).first() is not None:
        raise StoreConflictError(
            f"round {name!r} is already in the programme store (saved before, or by another command while "
            "this one ran); nothing was written: save under another name, or re-match that round with rematch"
        )
    row = {"name": name, "position": last + 1, "created_utc": now_utc()}
    return _new_key(conn.execute(sa.insert(rounds).values(row))), name


def check_no_repeats(conn: sa.Connection, made: Iterable[Pair], round_id: int) -> None:
    """A pair of any other round, either way round, is never made again (the programme's history)."""
    made = list(made)
    if not made:
        return
    earlier = reading.pairs_frame(conn)
    earlier = earlier[earlier["round"] != _round_name(conn, round_id)]
    seen = dict(zip(zip(earlier["mentor_id"], earlier["mentee_id"]), earlier["round"]))
    seen |= dict(zip(zip(earlier["mentee_id"], earlier["mentor_id"]), earlier["round"]))
    repeats = [(m, e, seen[(m, e)]) for m, e in made if (m, e) in seen]
    if repeats:
        m, e, where = repeats[0]
        raise StoreConflictError(
            f"{len(repeats)} pair{'s' if len(repeats) > 1 else ''} of this result repeat the programme's history "
            f"(e.g. {m} → {e}, made in round {where!r}); nothing was written: build the round with "
            "next_round(..., store=store) or `revmatch next-round --db`, which exclude past pairs — and if "
            "another command saved a round while this one ran, run this one again"
        )


def _round_name(conn: sa.Connection, round_id: int) -> str:
    return conn.execute(sa.select(rounds.c.name).where(rounds.c.id == round_id)).scalar_one()


def add_run(conn: sa.Connection, round_id: int, record: dict) -> int:
    return _new_key(conn.execute(sa.insert(runs).values(round_id=round_id, **record)))


def _new_key(inserted: sa.CursorResult) -> int:
    key = inserted.inserted_primary_key  # portable: no RETURNING needed (any SQLAlchemy backend)
    assert key is not None
    return int(key[0])


def pair_rows(frame: pd.DataFrame, keys: dict[str, int]) -> list[dict]:
    """The ``pairs`` columns of a stored pairs table (score, parts, reason), people by row key."""
    return [
        {
            "mentor_id": keys[m],
            "mentee_id": keys[e],
            "score": float(s),
            "forward": float(f),
            "backward": float(b),
            "parts": p,
            "reason": r,
        }
        for m, e, s, f, b, p, r in zip(
            frame["mentor_id"],
            frame["mentee_id"],
            frame["score"],
            frame["forward"],
            frame["backward"],
            frame["parts"],
            frame["reason"],
        )
    ]


def add_pairs(conn: sa.Connection, round_id: int, run_id: int, frame: pd.DataFrame, keys: dict[str, int]) -> None:
    rows = [row | {"round_id": round_id, "made_in_run": run_id} for row in pair_rows(frame, keys)]
    if rows:
        conn.execute(sa.insert(pairs), rows)


def add_unmatched(conn: sa.Connection, run_id: int, frame: pd.DataFrame, keys: dict[str, int]) -> None:
    rows = [
        {"run_id": run_id, "person_id": keys[p], "role": str(role), "reason": str(reason)}
        for p, role, reason in zip(frame["employee_id"], frame["role"], frame["reason"])
    ]
    if rows:
        conn.execute(sa.insert(unmatched), rows)


def add_changes(conn: sa.Connection, run_id: int, left: Iterable[str], joined: Iterable[str]) -> None:
    left, joined = list(left), list(joined)
    keys = person_keys(conn, [*left, *joined])
    rows = [{"run_id": run_id, "person_id": keys[p], "change": "left"} for p in left]
    rows += [{"run_id": run_id, "person_id": keys[p], "change": "joined"} for p in joined]
    if rows:
        conn.execute(sa.insert(changes), rows)


def running_pairs(conn: sa.Connection, round_id: int) -> pd.DataFrame:
    every = reading.pairs_frame(conn, round_id)
    return every[every["running"]]


def apply_rematch(
    conn: sa.Connection, round_id: int, run_id: int, tables: dict[str, pd.DataFrame], keys: dict[str, int]
) -> None:
    """End the broken pairs, make the new ones (or make an ended one again), refresh the kept ones."""
    every = reading.pairs_frame(conn, round_id)
    row_of = dict(zip(zip(every["mentor_id"], every["mentee_id"]), every["pair_id"]))
    declined = set(zip(every.loc[every["declined"], "mentor_id"], every.loc[every["declined"], "mentee_id"]))
    made = tables["pairs"]
    made_pairs = list(zip(made["mentor_id"], made["mentee_id"]))
    again = [p for p in made_pairs if p in declined]
    if again:
        raise ConfigError(
            f"{again[0][0]} → {again[0][1]} was declined in this round and would be made again: re-match with "
            "store=store (or --db), which forbids declined pairs"
        )
    broken = tables["broken"]
    for m, e, reason in zip(broken["mentor_id"], broken["mentee_id"], broken["reason"]):
        conn.execute(
            sa.update(pairs)
            .where(pairs.c.id == int(row_of[(m, e)]))
            .values(ended_in_run=run_id, end_reason=str(reason))
        )
    is_new = [p not in row_of for p in made_pairs]
    add_pairs(conn, round_id, run_id, made[is_new], keys)
    kept = set(zip(tables["kept"]["mentor_id"], tables["kept"]["mentee_id"]))
    again_made = made[[not n for n in is_new]]
    for pair, row in zip(zip(again_made["mentor_id"], again_made["mentee_id"]), pair_rows(again_made, keys)):
        update = {k: v for k, v in row.items() if k not in ("mentor_id", "mentee_id")}
        if pair not in kept:  # an earlier re-match ended it; this one makes it again
            update |= {"made_in_run": run_id, "ended_in_run": None, "end_reason": None}
        conn.execute(sa.update(pairs).where(pairs.c.id == int(row_of[pair])).values(**update))


def upsert(conn: sa.Connection, table: sa.Table, rows: list[dict], key: tuple[str, ...]) -> tuple[int, int]:
    """Insert rows, or update those whose ``key`` columns are already stored; (inserted, updated).

    Portable (no dialect's ON CONFLICT): the writer lock is held, so nobody inserts in between.
    """
    if not rows:
        return 0, 0
    pair_ids = sorted({r["pair_id"] for r in rows})
    stored: dict[tuple, sa.RowMapping] = {}
    for lo in range(0, len(pair_ids), CHUNK):
        query = sa.select(table).where(table.c.pair_id.in_(pair_ids[lo : lo + CHUNK]))
        stored |= {tuple(r[k] for k in key): r for r in conn.execute(query).mappings()}
    fresh = {tuple(r[k] for k in key): r for r in rows}  # the last row of a key wins, as a later report
    new = [r for k, r in fresh.items() if k not in stored]
    changed = [
        (stored[k]["id"], r)
        for k, r in fresh.items()
        if k in stored and any(stored[k][c] != v for c, v in r.items() if c != "recorded_utc")
    ]
    if new:
        conn.execute(sa.insert(table), new)
    for row_id, r in changed:
        conn.execute(sa.update(table).where(table.c.id == row_id).values(**r))
    return len(new), len(changed)


def erase(conn: sa.Connection, stored_id: str) -> dict[str, int]:
    """Unlink a person from everything the store keeps; every row (and so every KPI) stays.

    Their id cell becomes NULL (they show as ``erased-<n>``); the reasons of their pairs and of their
    own unmatched rows, which describe them, are cleared; their id inside anyone else's reason (a
    rival named in an unmatched reason, a leaver in an end reason) becomes ``(erased)``.
    """
    key = conn.execute(sa.select(people.c.id).where(people.c.employee_id == stored_id)).scalar()
    if key is None:
        raise UnknownPersonError(f"{stored_id!r} is not in the programme store (or was erased already)")
    theirs = sa.or_(pairs.c.mentor_id == key, pairs.c.mentee_id == key)
    counts = {
        "pairs": conn.execute(sa.update(pairs).where(theirs).values(reason="")).rowcount,
        "unmatched": conn.execute(sa.update(unmatched).where(unmatched.c.person_id == key).values(reason="")).rowcount,
    }
    word = re.compile(r"(?<![\w-])" + re.escape(stored_id) + r"(?![\w-])")
    like = "%" + stored_id.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    scrubbed = 0
    for table, column in ((pairs, pairs.c.reason), (pairs, pairs.c.end_reason), (unmatched, unmatched.c.reason)):
        for row_id, text in conn.execute(sa.select(table.c.id, column).where(column.like(like, escape="\\"))).all():
            if word.search(text):
                conn.execute(
                    sa.update(table).where(table.c.id == row_id).values({column.name: word.sub("(erased)", text)})
                )
                scrubbed += 1
    conn.execute(sa.update(people).where(people.c.id == key).values(employee_id=None, erased_utc=now_utc()))
    return counts | {"reasons_scrubbed": scrubbed}
