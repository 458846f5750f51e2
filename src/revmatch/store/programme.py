"""ProgrammeStore: a programme's rounds, responses, leavers, check-ins and history in one database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

from ..errors import ConfigError, StoreConflictError
from ..kpis import Kpis, programme_kpis, read_checkins
from ..lifecycle import RematchResult
from ..matching import MatchResult
from ..models import Pair, Workforce
from ..reporting.pseudonyms import check_key, pseudonym
from ..respond import read_responses
from . import reading, records, writing
from .database import create_engine, errors_as_store_errors, migrate, read, store_url, write
from .export import export_csv
from .rows import Ids, ids_for, result_tables, run_record
from .schema import checkins, programme, responses


@dataclass(frozen=True)
class History:
    """What a next round needs from the programme so far (ids as the workforce at hand names them).

    ``pairs``: every pair any round made or proposed — running, ended, declined — never to be repeated;
    ``priority``: the last round's volunteers who end it without a running pair (unmatched, declined,
    or left alone by a partner who left); ``round``: the last round's name (None for a new programme).
    """

    pairs: tuple[Pair, ...]
    priority: tuple[str, ...]
    round: str | None


@dataclass(frozen=True)
class RunningRound:
    """What a re-match needs: the round's running pairs and who took part, what is ruled out.

    ``roster``: everyone in the round's last run (paired or unmatched); ``declined``: its declined pairs
    (never made again in the round); ``earlier``: the pairs of every other round (never repeated).
    """

    round: str
    pairs: tuple[Pair, ...]
    roster: tuple[str, ...]
    declined: tuple[Pair, ...]
    earlier: tuple[Pair, ...]


class ProgrammeStore:
    """A reverse-mentoring programme kept in a database: rounds, responses, leavers, check-ins, history.

    Any SQLAlchemy URL works; ``sqlite:///programme.db`` (or just a file path) is the embedded
    default, and ``postgresql+psycopg://user@host/db`` a shared deployment. The schema is created,
    or migrated forward, when the store is opened. Every write is one transaction: it commits whole or
    not at all, and writers queue (up to ``timeout`` seconds) so that each sees what the one before
    committed; a writer whose result no longer fits the store gets a :class:`StoreConflictError`.

    Parameters
    ----------
    url : str or Path, default="sqlite:///programme.db"
    pseudonym_key : str, optional
        Store keyed pseudonyms (:func:`revmatch.reporting.pseudonym`) instead of employee ids. Fixed by
        the first round saved; every later use must give the same key.
    timeout : float, default=30
        Seconds a writer waits for another to finish before giving up with a StoreConflictError.
    upgrade : bool, default=True
        Migrate an older schema forward on opening; with False, an older schema is a ConfigError.

    Examples
    --------
    >>> import revmatch as rm
    >>> store = rm.ProgrammeStore("sqlite://")            # in memory; a file path keeps it
    >>> wf = rm.synthetic_workforce(200, seed=0)
    >>> store.save(rm.match(wf, rm.Program(min_level_gap=2)), round="2027-Q1")
    '2027-Q1'
    >>> later = rm.next_round(None, wf, rm.Program(min_level_gap=2), store=store, priority_weight=2)
    >>> set(store.history().pairs).isdisjoint(zip(later.pairs["mentor_id"], later.pairs["mentee_id"]))
    True
    >>> store.rounds()["round"].tolist()
    ['2027-Q1']
    """

    def __init__(
        self,
        url: str | Path = "sqlite:///programme.db",
        *,
        pseudonym_key: str | None = None,
        timeout: float = 30.0,
        upgrade: bool = True,
    ):
        self.url = store_url(url)
        self.timeout = float(timeout)
        self._key = None if pseudonym_key is None else check_key(pseudonym_key)
        self.engine = create_engine(self.url, self.timeout)
        with self._errors():
            self.schema_version = migrate(self.engine, upgrade=upgrade)
            with read(self.engine) as conn:
                row = conn.execute(sa.select(programme.c.pseudonymized, programme.c.pseudonym_check)).one()
        writing.check_pseudonyms(row.pseudonymized, row.pseudonym_check, Ids(pseudonym_key))

    def __repr__(self) -> str:
        return f"ProgrammeStore({self.url.render_as_string(hide_password=True)!r})"

    def __enter__(self) -> ProgrammeStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the store's connections (it can be used again: they reopen on demand)."""
        self.engine.dispose()

    def _errors(self):
        return errors_as_store_errors(self.url, self.timeout)

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with self._errors(), write(self.engine, self.timeout) as conn:
            yield conn

    @contextmanager
    def _read(self) -> Iterator[sa.Connection]:
        with self._errors(), read(self.engine) as conn:
            yield conn

    # ---- rounds --------------------------------------------------------------------------------
    def save(
        self,
        result: MatchResult | RematchResult,
        round: str | None = None,
        *,
        inputs: dict[str, str | Path] | None = None,
        seed: int | None = None,
        figures: bool = True,
    ) -> str:
        """Keep a result: a :class:`MatchResult` as a new round, a :class:`RematchResult` as a re-match.

        A new round (named ``round``, or ``round-<n>``) keeps the pairs with scores and reasons, the
        unmatched with reasons, the programme's settings, the workforce's SHA-256 and a manifest
        (with ``inputs``' SHA-256 and ``seed``, as ``run.json`` has them). A re-match applies to
        ``round`` (default: the last round): it ends the broken pairs with why, adds the new ones and
        notes leavers and joiners. Ids are stored as pseudonyms in a pseudonymised store, and no
        reason names anyone by name. ``figures=False`` leaves the :func:`revmatch.reporting.summary`
        figures out of the manifest: they take most of a large save (4 of its 5 s at 10 000 × 10 000).

        Returns
        -------
        str
            The round's name.

        Raises
        ------
        StoreConflictError
            Nothing was written because the store moved on: the round name is taken, a pair repeats an
            earlier round, or the re-matched round changed since the re-match read it.
        ConfigError
            A re-match with no round to apply to, or that makes a pair declined in the round.
        """
        if isinstance(result, RematchResult):
            return self._save_rematch(result, round, inputs, seed, figures)
        if not isinstance(result, MatchResult):
            raise ConfigError(f"save takes a MatchResult or a RematchResult, got {type(result).__name__}")
        _check_name(round)
        ids = ids_for(self._key, result.workforce)
        pairs, unmatched = result_tables(result, self._key)
        record = run_record(result, "match", inputs, seed, figures)
        with self._write() as conn:
            writing.settle_pseudonyms(conn, ids)
            round_id, name = writing.new_round(conn, round)
            writing.check_no_repeats(conn, zip(pairs["mentor_id"], pairs["mentee_id"]), round_id)
            run_id = writing.add_run(conn, round_id, record)
            keys = writing.person_keys(conn, [*pairs["mentor_id"], *pairs["mentee_id"], *unmatched["employee_id"]])
            writing.add_pairs(conn, round_id, run_id, pairs, keys)
            writing.add_unmatched(conn, run_id, unmatched, keys)
        return name

    def _save_rematch(self, changed: RematchResult, round: str | None, inputs, seed, figures: bool) -> str:
        ids = ids_for(self._key, changed.result.workforce)
        pairs, unmatched = result_tables(changed.result, self._key)
        stored = lambda frame: frame.assign(
            mentor_id=[ids.stored(x) for x in frame["mentor_id"]], mentee_id=[ids.stored(x) for x in frame["mentee_id"]]
        )
        kept = stored(changed.kept)
        broken = stored(changed.broken).assign(
            reason=[_scrub(r, (m, e), ids) for m, e, r in changed.broken.itertuples(index=False, name=None)]
        )
        record = run_record(changed.result, "rematch", inputs, seed, figures)
        with self._write() as conn:
            writing.settle_pseudonyms(conn, ids)
            target = reading.round_named(conn, round)
            if target is None:
                raise ConfigError(f"no round {round!r} to re-match" if round else "no round to re-match yet: save one")
            running = writing.running_pairs(conn, target.id)
            before = set(zip(kept["mentor_id"], kept["mentee_id"])) | set(zip(broken["mentor_id"], broken["mentee_id"]))
            now = set(zip(running["mentor_id"], running["mentee_id"]))
            if before != now:
                raise StoreConflictError(
                    f"this re-match did not start from the running pairs of round {target.name!r} "
                    f"({len(before ^ now)} differ, e.g. {' → '.join(sorted(before ^ now)[0])}): the round changed "
                    "since it was read, or the re-match was given other pairs; nothing was written — re-match "
                    "with store=store (or --db) again"
                )
            new = [p for p in zip(pairs["mentor_id"], pairs["mentee_id"]) if p not in now]
            writing.check_no_repeats(conn, new, target.id)
            run_id = writing.add_run(conn, target.id, record)
            people = [*pairs["mentor_id"], *pairs["mentee_id"], *unmatched["employee_id"], *broken["mentor_id"]]
            keys = writing.person_keys(conn, [*people, *broken["mentee_id"]])
            writing.apply_rematch(conn, target.id, run_id, {"pairs": pairs, "kept": kept, "broken": broken}, keys)
            writing.add_unmatched(conn, run_id, unmatched, keys)
            writing.add_changes(conn, run_id, map(ids.stored, changed.leavers), map(ids.stored, changed.joiners))
        return target.name

    def rounds(self) -> pd.DataFrame:
        """One row per round, in order: name, created, runs, pairs running / declined / ended, unmatched."""
        with self._read() as conn:
            return reading.rounds_frame(conn)

    def pairs(
        self, round: str | None = None, *, running: bool = True, workforce: Workforce | None = None
    ) -> pd.DataFrame:
        """A round's pairs (default: the last round's), only the running ones unless ``running=False``.

        With ``workforce``, a pseudonymised store's ids come back as that workforce's ids.
        """
        with self._read() as conn:
            target = self._round(conn, round)
            frame = reading.pairs_frame(conn, target.id)
        frame = frame[frame["running"]] if running else frame
        return _named(frame.drop(columns=["pair_id"]).reset_index(drop=True), ids_for(self._key, workforce).back())

    def unmatched(self, round: str | None = None) -> pd.DataFrame:
        """The unmatched people of a round's last run (default: the last round), with why."""
        with self._read() as conn:
            target = self._round(conn, round)
            return reading.unmatched_frame(conn, reading.latest_run(conn, target.id))

    def _round(self, conn: sa.Connection, name: str | None) -> sa.Row:
        target = reading.round_named(conn, name)
        if target is None:
            known = reading.rounds_frame(conn)["round"].tolist()
            raise ConfigError(
                f"no round {name!r} in the programme store (rounds: {', '.join(known) or 'none yet'})"
                if name
                else "the programme store has no round yet: save one first"
            )
        return target

    # ---- what the lifecycle reads --------------------------------------------------------------
    def history(self, workforce: Workforce | None = None) -> History:
        """Every pair so far (never to repeat) and the last round's unplaced volunteers (priority).

        With ``workforce``, a pseudonymised store's ids come back as that workforce's ids.
        """
        with self._read() as conn:
            every = reading.pairs_frame(conn)
            last = reading.latest_round(conn)
            priority: list[str] = []
            if last is not None:
                mine = every[every["round"] == last.name]
                left = reading.unmatched_frame(conn, reading.latest_run(conn, last.id))
                roster = _people(mine[mine["ended_in_run"].isna()]) | set(left["employee_id"])
                priority = sorted(roster - _people(mine[mine["running"]]))
        name = _namer(ids_for(self._key, workforce).back())
        return History(
            pairs=tuple((name(m), name(e)) for m, e in zip(every["mentor_id"], every["mentee_id"])),
            priority=tuple(sorted(map(name, priority))),
            round=None if last is None else last.name,
        )

    def running_round(self, round: str | None = None, workforce: Workforce | None = None) -> RunningRound:
        """A round's running pairs, roster, declined pairs and the other rounds' pairs (for a re-match)."""
        with self._read() as conn:
            target = self._round(conn, round)
            every = reading.pairs_frame(conn)
            left = reading.unmatched_frame(conn, reading.latest_run(conn, target.id))
        mine, others = every[every["round"] == target.name], every[every["round"] != target.name]
        name = _namer(ids_for(self._key, workforce).back())
        as_pairs = lambda f: tuple((name(m), name(e)) for m, e in zip(f["mentor_id"], f["mentee_id"]))
        return RunningRound(
            round=target.name,
            pairs=as_pairs(mine[mine["running"]]),
            roster=tuple(sorted(map(name, _people(mine[mine["ended_in_run"].isna()]) | set(left["employee_id"])))),
            declined=as_pairs(mine[mine["declined"]]),
            earlier=as_pairs(others),
        )

    # ---- responses and check-ins ---------------------------------------------------------------
    def record_responses(self, source: str | Path | pd.DataFrame) -> int:
        """Record accept/decline responses to proposed pairs (CSV or DataFrame); returns rows new or changed.

        Columns: ``mentor_id``, ``mentee_id``, ``response`` (``accept`` | ``decline``), optional
        ``responded_by`` (``mentor`` | ``mentee``) and ``date``. One response per pair and side: a
        later one replaces it. A declined pair is never made again (rematch, next rounds), and its
        two people count as unplaced for priority. Every row is checked (file, row, column) before
        anything is written; a row naming a pair the programme never made is an error.
        """
        frame = read_responses(source)
        with self._write() as conn:
            ids = records.pair_ids(conn, frame, frame["row"], self._key, "a response answers a pair that was proposed")
            new, changed = writing.upsert(
                conn, responses, records.response_rows(frame, ids), ("pair_id", "responded_by")
            )
        return new + changed

    def record_checkins(self, source: str | Path | pd.DataFrame, *, dayfirst: bool | None = None) -> int:
        """Record check-ins (as :func:`revmatch.kpis.read_checkins` reads them, ``dayfirst`` included);
        returns rows new or changed.

        One check-in per pair, date and ``rated_by``: importing the same export again changes nothing,
        a corrected row replaces the stored one. Free-text notes are never read. Every row is checked
        before anything is written; a row naming a pair the programme never made is an error.
        """
        frame = read_checkins(source, dayfirst=dayfirst)
        with self._write() as conn:
            ids = records.pair_ids(
                conn, frame, frame.attrs["rows"], self._key, "a check-in reports on a pair that was made"
            )
            new, changed = writing.upsert(
                conn, checkins, records.checkin_rows(frame, ids), ("pair_id", "date", "rated_by")
            )
        return new + changed

    def checkins(self) -> pd.DataFrame:
        """Every check-in, in the columns of :func:`revmatch.kpis.read_checkins` (plus ``round``)."""
        with self._read() as conn:
            return reading.checkins_frame(conn)

    def responses(self) -> pd.DataFrame:
        """Every response: round, mentor_id, mentee_id, responded_by, response, date, recorded_utc."""
        with self._read() as conn:
            return reading.responses_frame(conn)

    def kpis(
        self, as_of: date | None = None, *, round: str | None = None, workforce: Workforce | None = None, **options
    ) -> Kpis:
        """:func:`revmatch.kpis.programme_kpis` of a round's running pairs (default: the last round).

        All stored check-ins count (those of other rounds' pairs as ``checkins_outside_pairs``);
        ``options`` go to ``programme_kpis`` (``target_per_month``, ``risk_weeks``, ...).
        """
        with self._read() as conn:
            target = self._round(conn, round)
            every = reading.pairs_frame(conn, target.id)
            seen = reading.checkins_frame(conn).drop(columns="round")
        back = ids_for(self._key, workforce).back()
        running, seen = _named(every[every["running"]], back), _named(seen, back)
        return programme_kpis(running, seen, as_of or date.today(), workforce=workforce, **options)

    # ---- privacy and audit ---------------------------------------------------------------------
    def erase(self, employee_id: str) -> dict[str, int]:
        """Right to erasure: unlink a person from the programme, keeping every aggregate KPI.

        The person's id is deleted (their rows then name ``erased-<n>``, a number that says nothing
        about them), the reasons that describe them are cleared and their id is removed from anyone
        else's reasons. Pairs, responses and check-ins stay as counts, dates and ratings, so the
        programme's KPIs are unchanged. ``employee_id`` is the real id (or, in a pseudonymised store,
        the pseudonym too). Returns how many rows were touched.
        """
        with self._write() as conn:
            stored = str(employee_id)
            if self._key is not None and not writing.person_keys(conn, [stored], create=False):
                stored = pseudonym(stored, self._key)
            return writing.erase(conn, stored)

    def export(self, directory: str | Path) -> dict[str, Path]:
        """Write everything back out as CSV for audit (see :func:`revmatch.store.export.export_csv`)."""
        with self._read() as conn:
            return export_csv(conn, Path(directory))


def _namer(back: dict[str, str]):
    """Stored id → the workforce's id where known (pseudonymised store), else the stored id."""

    def name(stored: str) -> str:
        return back.get(stored, stored)

    return name


def _named(frame: pd.DataFrame, back: dict[str, str]) -> pd.DataFrame:
    """A pairs table with stored ids turned back into the workforce's ids (pseudonymised store)."""
    if not back:
        return frame
    return frame.assign(
        mentor_id=[back.get(x, x) for x in frame["mentor_id"]], mentee_id=[back.get(x, x) for x in frame["mentee_id"]]
    )


def _people(frame: pd.DataFrame) -> set[str]:
    return set(frame["mentor_id"]) | set(frame["mentee_id"])


def _check_name(name: str | None) -> None:
    if name is not None and (not isinstance(name, str) or not name.strip() or len(name) > 200):
        raise ConfigError(f"a round's name is a non-empty text of at most 200 characters, got {name!r}")


def _scrub(reason: str, pair: tuple[str, str], ids: Ids) -> str:
    """A broken pair's reason with its two ids as stored (it names at most those two people)."""
    for x in pair:
        stored = ids.stored(x)
        if stored != x:
            reason = re.sub(r"(?<![\w-])" + re.escape(x) + r"(?![\w-])", stored, reason)
    return reason
