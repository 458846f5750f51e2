"""Accept / decline rounds: keep what was accepted, never make a declined pair again, re-match the freed."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .lifecycle import RematchResult, pairs_of, rematch
from .matching import MatchResult
from .models import Pair, Workforce
from .preferences import Preferences, read_preferences
from .program import Program
from .readers import read_frame
from .rules import known_pairs
from .validate import Problems, Table, required_columns, required_text

if TYPE_CHECKING:  # the store sits above: it is handed in, never imported here
    from .store import ProgrammeStore

RESPONSES = ("accept", "decline")


@dataclass(frozen=True)
class RespondResult(RematchResult):
    """A :class:`~revmatch.RematchResult` after responses: ``accepted`` and ``declined`` list the
    answered pairs (``mentor_id``, ``mentee_id``; declined with a ``reason``). ``kept``, ``broken`` and
    ``made`` cover the other pairs as :func:`revmatch.rematch` says; ``result.program`` forbids the
    declined pairs, so a later re-match with it never makes them again."""

    accepted: pd.DataFrame = field(default_factory=pd.DataFrame)
    declined: pd.DataFrame = field(default_factory=pd.DataFrame)

    def summary_text(self) -> str:
        return (
            f"{len(self.accepted)} accepted, {len(self.declined)} declined (never made again); "
            + super().summary_text()
        )


def read_responses(source: str | Path | pd.DataFrame) -> pd.DataFrame:
    """Responses to proposed pairs: ``mentor_id``, ``mentee_id``, ``response`` (``accept`` | ``decline``),
    optional ``responded_by`` (``mentor`` | ``mentee``) and ``date`` (ISO); every bad cell named by
    file, row and column. A file in any format the loaders read (a CSV revmatch wrote included).

    The returned frame keeps each response's source ``row``; ``attrs["where"]`` names the source.
    """
    if isinstance(source, pd.DataFrame):
        table = Table.from_frame(source, "responses", spreadsheet_rows=False)
    else:
        frame = read_frame(source, escaped=True)
        table = Table.from_frame(frame, str(frame.attrs.get("where", source)), spreadsheet_rows=True)
    problems = Problems()
    required_columns(table, ("mentor_id", "mentee_id", "response"), problems)
    mentor, mentee = required_text(table, ("mentor_id", "mentee_id"), problems)
    said = table.text("response")
    response = np.array([x.casefold() for x in said], dtype=object)
    bad = ~pd.Series(response).isin(RESPONSES).to_numpy()
    problems.add_rows(table, bad, "response", lambda i: f"{said[i]!r} is not accept or decline")
    by = np.array([x.casefold() for x in table.text("responded_by")], dtype=object)
    wrong = ~pd.Series(by).isin(["", "mentor", "mentee"]).to_numpy()
    problems.add_rows(
        table, wrong, "responded_by", lambda i: f"{table.text('responded_by')[i]!r} is not mentor or mentee"
    )
    when = table.text("date")
    parsed = pd.to_datetime(pd.Series(when, dtype=object), format="%Y-%m-%d", errors="coerce")
    problems.add_rows(
        table, (when != "") & parsed.isna().to_numpy(), "date", lambda i: f"{when[i]!r} is not a date like 2026-03-15"
    )
    problems.raise_if_any()
    dates = [d.date() if not pd.isna(d) else None for d in parsed]
    frame = pd.DataFrame(
        {"mentor_id": mentor, "mentee_id": mentee, "response": response, "responded_by": by, "date": dates}
    )
    frame.attrs["where"] = table.where
    return frame.assign(row=table.rows)


def respond(
    previous: MatchResult | pd.DataFrame | list[Pair] | None,
    responses,
    workforce: Workforce,
    program: Program | None = None,
    *,
    preferences=None,
    store: ProgrammeStore | None = None,
) -> RespondResult:
    """Apply participants' answers to proposed pairs, and re-match around them.

    Accepted pairs are kept (locked); a declined pair (by either person) is never made again — it
    is forbidden in this re-match and in ``result.program``, and a store keeps it declined for every
    later round; everyone a decline freed is re-matched with the unmatched; pairs without a response
    stay as they are unless they must move (a leaver, a rule, a capacity: :func:`revmatch.rematch`).

    Parameters
    ----------
    previous : MatchResult, DataFrame with mentor_id/mentee_id, or list of pairs
        The proposed pairs (with ``store``: None, the store's running round).
    responses : path or DataFrame
        ``mentor_id``, ``mentee_id``, ``response`` (``accept`` | ``decline``), optional
        ``responded_by``; see :func:`read_responses`.
    workforce : Workforce
    program : Program, default=Program()
    preferences : optional
        Stated preferences for the re-match (as :func:`revmatch.match` takes them).
    store : ProgrammeStore, optional
        Record the responses in the store first, then re-match its running round; save the outcome
        with ``store.save(changed)``.

    Raises
    ------
    InputError
        A response that answers no proposed pair, or a bad cell (named by row and column).

    Examples
    --------
    >>> import revmatch as rm
    >>> wf = rm.synthetic_workforce(300, seed=1)
    >>> first = rm.match(wf)
    >>> m, e = first.pairs.mentor_id[0], first.pairs.mentee_id[0]
    >>> changed = rm.respond(first, [(m, e, "decline")], wf)
    >>> (m, e) in set(zip(changed.result.pairs.mentor_id, changed.result.pairs.mentee_id))
    False
    """
    program = program or Program()
    if isinstance(responses, list):
        responses = pd.DataFrame(responses, columns=["mentor_id", "mentee_id", "response"])
    answers = read_responses(responses)
    before = _proposed(previous, answers, workforce, store)
    declined = _declined(answers)
    no = set(map(tuple, declined[["mentor_id", "mentee_id"]].to_numpy().tolist()))
    forbid = known_pairs(workforce, sorted(no))
    run = program.model_copy(update={"forbidden": tuple(dict.fromkeys((*program.forbidden, *forbid)))})
    if preferences is not None:
        stated = preferences if isinstance(preferences, Preferences) else read_preferences(preferences)
        run = run.model_copy(update={"preferences": stated})
    previous_ids = previous.workforce.ids.tolist() if isinstance(previous, MatchResult) else None
    if store is not None:
        changed = rematch(None if previous is None else [p for p in before if p not in no], workforce, run, store=store)
    else:
        changed = rematch([p for p in before if p not in no], workforce, run, previous_ids=previous_ids)
    accepted = answers[answers["response"] == "accept"][["mentor_id", "mentee_id"]].drop_duplicates()
    accepted = accepted[~accepted.apply(tuple, axis=1).isin(no)] if len(accepted) else accepted
    rematched = {f.name: getattr(changed, f.name) for f in fields(changed)}  # every field rematch filled
    return RespondResult(**rematched, accepted=accepted.reset_index(drop=True), declined=declined)


def _proposed(previous, answers: pd.DataFrame, workforce: Workforce, store) -> list[Pair]:
    """The proposed pairs, every response checked against them (a store records them, checking its own)."""
    if store is not None:
        store.record_responses(answers.drop(columns="row"))
        return list(store.running_round(workforce=workforce).pairs) if previous is None else pairs_of(previous)
    if previous is None:
        raise InputError([Problem("previous pairs", None, None, "give the proposed pairs, or store= to read them")])
    before = pairs_of(previous)
    _check_answered(answers, before)
    return before


def _check_answered(answers: pd.DataFrame, before: list[Pair]) -> None:
    """Every response answers a proposed pair."""
    proposed = set(before)
    where = answers.attrs.get("where", "responses")
    problems = [
        Problem(where, row, "mentee_id", f"{m} → {e} is not a proposed pair: a response answers one")
        for m, e, row in zip(answers["mentor_id"], answers["mentee_id"], answers["row"])
        if (m, e) not in proposed
    ]
    if problems:
        raise InputError(problems)


def _declined(answers: pd.DataFrame) -> pd.DataFrame:
    """The pairs declined by either person, once each, with who declined them."""
    no = answers[answers["response"] == "decline"]
    who = no.groupby(["mentor_id", "mentee_id"], sort=True)["responded_by"].agg(lambda x: sorted(set(x) - {""}))
    reason = [f"declined by the {' and the '.join(by)}" if by else "declined" for by in who]
    return pd.DataFrame(
        {
            "mentor_id": [m for m, _ in who.index],
            "mentee_id": [e for _, e in who.index],
            "reason": reason,
        }
    )
