"""Queries: the store's tables back as DataFrames, people named by their stored id."""

from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa

from .schema import changes, checkins, pairs, people, responses, rounds, runs, unmatched

ERASED = "erased-"  # an erased person's label: their row number, which says nothing about them


def label(table: sa.FromClause) -> sa.ColumnElement:
    """A person's stored id, or ``erased-<n>`` once erased (unique, so per-pair figures still add up)."""
    return sa.func.coalesce(table.c.employee_id, sa.literal(ERASED) + sa.cast(table.c.id, sa.String))


def latest_round(conn: sa.Connection) -> sa.Row | None:
    return conn.execute(sa.select(rounds).order_by(rounds.c.position.desc()).limit(1)).first()


def round_named(conn: sa.Connection, name: str | None) -> sa.Row | None:
    """The round called ``name``, or the latest round when ``name`` is None."""
    if name is None:
        return latest_round(conn)
    return conn.execute(sa.select(rounds).where(rounds.c.name == name)).first()


def latest_run(conn: sa.Connection, round_id: int) -> int | None:
    return conn.execute(sa.select(sa.func.max(runs.c.id)).where(runs.c.round_id == round_id)).scalar()


def _declined() -> sa.Select:
    return sa.select(responses.c.pair_id).where(responses.c.response == "decline")


def pairs_frame(conn: sa.Connection, round_id: int | None = None) -> pd.DataFrame:
    """Every pair (of one round, or of all), with its round, status and, in ``pair_id``, its row."""
    mentor, mentee = people.alias("mentor"), people.alias("mentee")
    made, ended = runs.alias("made"), runs.alias("ended")
    declined = pairs.c.id.in_(_declined())
    query = (
        sa.select(
            pairs.c.id.label("pair_id"),
            rounds.c.name.label("round"),
            label(mentor).label("mentor_id"),
            label(mentee).label("mentee_id"),
            pairs.c.score,
            pairs.c.forward,
            pairs.c.backward,
            pairs.c.parts,
            pairs.c.reason,
            pairs.c.made_in_run,
            pairs.c.ended_in_run,
            sa.func.coalesce(pairs.c.end_reason, "").label("end_reason"),
            declined.label("declined"),
            made.c.created_utc.label("made_utc"),
            ended.c.created_utc.label("ended_utc"),
        )
        .join(rounds, rounds.c.id == pairs.c.round_id)
        .join(mentor, mentor.c.id == pairs.c.mentor_id)
        .join(mentee, mentee.c.id == pairs.c.mentee_id)
        .join(made, made.c.id == pairs.c.made_in_run)
        .outerjoin(ended, ended.c.id == pairs.c.ended_in_run)
        .order_by(rounds.c.position, pairs.c.id)
    )
    if round_id is not None:
        query = query.where(pairs.c.round_id == round_id)
    frame = pd.DataFrame.from_records(conn.execute(query).all(), columns=list(query.selected_columns.keys()))
    # Within a round, by mentor then mentee as a result lists them (sorted here: collations differ by database).
    position = frame["round"].map({name: k for k, name in enumerate(dict.fromkeys(frame["round"]))})
    order = np.lexsort((frame["mentee_id"].to_numpy(dtype=object), frame["mentor_id"].to_numpy(dtype=object), position))
    frame = frame.iloc[order].reset_index(drop=True)
    frame["declined"] = frame["declined"].astype(bool)
    frame["running"] = frame["ended_in_run"].isna() & ~frame["declined"]
    frame["ended_in_run"] = frame["ended_in_run"].astype("Int64")
    return frame


def unmatched_frame(conn: sa.Connection, run_id: int | None = None) -> pd.DataFrame:
    """The unmatched people of one run (or of every run), with why."""
    query = (
        sa.select(
            rounds.c.name.label("round"),
            unmatched.c.run_id,
            label(people).label("employee_id"),
            unmatched.c.role,
            unmatched.c.reason,
        )
        .join(people, people.c.id == unmatched.c.person_id)
        .join(runs, runs.c.id == unmatched.c.run_id)
        .join(rounds, rounds.c.id == runs.c.round_id)
        .order_by(unmatched.c.run_id, unmatched.c.id)
    )
    if run_id is not None:
        query = query.where(unmatched.c.run_id == run_id)
    return pd.DataFrame(conn.execute(query).all(), columns=list(query.selected_columns.keys()))


def _pair_people(query: sa.Select, table: sa.Table) -> sa.Select:
    mentor, mentee = people.alias("mentor"), people.alias("mentee")
    return (
        query.join(pairs, pairs.c.id == table.c.pair_id)
        .join(rounds, rounds.c.id == pairs.c.round_id)
        .join(mentor, mentor.c.id == pairs.c.mentor_id)
        .join(mentee, mentee.c.id == pairs.c.mentee_id)
        .add_columns(label(mentor).label("mentor_id"), label(mentee).label("mentee_id"), rounds.c.name.label("round"))
    )


def checkins_frame(conn: sa.Connection) -> pd.DataFrame:
    """Every check-in, as :func:`revmatch.kpis.read_checkins` returns them (plus the pair's round)."""
    query = _pair_people(
        sa.select(checkins.c.date, checkins.c.rating, checkins.c.rated_by, checkins.c.skills), checkins
    ).order_by(checkins.c.id)  # as recorded: a re-read export lists them as its file did
    rows = conn.execute(query).mappings().all()
    return pd.DataFrame(
        {
            "mentor_id": pd.Series([r["mentor_id"] for r in rows], dtype=object),
            "mentee_id": pd.Series([r["mentee_id"] for r in rows], dtype=object),
            "date": pd.Series([r["date"] for r in rows], dtype=object),
            "rating": pd.Series([r["rating"] for r in rows], dtype=float),
            "rated_by": pd.Series([r["rated_by"] for r in rows], dtype=object),
            "skills": pd.Series([tuple(s for s in r["skills"].split(";") if s) for r in rows], dtype=object),
            "round": pd.Series([r["round"] for r in rows], dtype=object),
        }
    )


def responses_frame(conn: sa.Connection) -> pd.DataFrame:
    query = _pair_people(
        sa.select(responses.c.responded_by, responses.c.response, responses.c.date, responses.c.recorded_utc),
        responses,
    ).order_by(responses.c.id)
    columns = ["round", "mentor_id", "mentee_id", "responded_by", "response", "date", "recorded_utc"]
    return pd.DataFrame(conn.execute(query).mappings().all(), columns=columns)


def changes_frame(conn: sa.Connection) -> pd.DataFrame:
    query = (
        sa.select(rounds.c.name.label("round"), changes.c.run_id, label(people).label("employee_id"), changes.c.change)
        .join(people, people.c.id == changes.c.person_id)
        .join(runs, runs.c.id == changes.c.run_id)
        .join(rounds, rounds.c.id == runs.c.round_id)
        .order_by(changes.c.run_id, changes.c.change, changes.c.id)
    )
    return pd.DataFrame(conn.execute(query).all(), columns=list(query.selected_columns.keys()))


def runs_frame(conn: sa.Connection) -> pd.DataFrame:
    query = (
        sa.select(
            runs.c.id.label("run_id"),
            rounds.c.name.label("round"),
            runs.c.kind,
            runs.c.created_utc,
            runs.c.status,
            runs.c.objective,
            runs.c.bound,
            runs.c.workforce_sha256,
            runs.c.program,
            runs.c.manifest,
        )
        .join(rounds, rounds.c.id == runs.c.round_id)
        .order_by(runs.c.id)
    )
    return pd.DataFrame(conn.execute(query).all(), columns=list(query.selected_columns.keys()))


def rounds_frame(conn: sa.Connection) -> pd.DataFrame:
    """One row per round: when, how many runs, and its pairs by status."""
    every = pairs_frame(conn)
    run_counts: dict[int, int] = dict(
        conn.execute(sa.select(runs.c.round_id, sa.func.count()).group_by(runs.c.round_id)).all()
    )
    rows = []
    for r in conn.execute(sa.select(rounds).order_by(rounds.c.position)).all():
        mine = every[every["round"] == r.name]
        last = latest_run(conn, r.id)
        rows.append(
            {
                "round": r.name,
                "position": r.position,
                "created_utc": r.created_utc,
                "runs": int(run_counts.get(r.id, 0)),
                "pairs_running": int(mine["running"].sum()),
                "pairs_declined": int(mine["declined"].sum()),
                "pairs_ended": int(mine["ended_in_run"].notna().sum()),
                "unmatched": int(
                    conn.execute(
                        sa.select(sa.func.count()).select_from(unmatched).where(unmatched.c.run_id == last)
                    ).scalar()
                    or 0
                ),
            }
        )
    columns = [
        "round",
        "position",
        "created_utc",
        "runs",
        "pairs_running",
        "pairs_declined",
        "pairs_ended",
        "unmatched",
    ]
    return pd.DataFrame(rows, columns=columns)
