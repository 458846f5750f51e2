"""Pseudonyms: stable keyed hashes in place of employee ids, for files that must not name anyone."""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

import pandas as pd

from ..errors import ConfigError
from ..explain import PREFERENCE_WORDS, pair_text
from ..unmatched import unmatched_frame

if TYPE_CHECKING:
    from ..matching import MatchResult


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
    check_key(key)
    alias = {i: pseudonym(i, key) for i in map(str, result.workforce.ids)}
    return nameless_tables(result, alias)


def nameless_tables(result: MatchResult, alias: dict[str, str] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``result.pairs`` and ``result.unmatched`` naming people by id (or ``alias[id]``), never by name.

    A pair's reason names each person as ``id (L<level>, <department>)``: the words of the CSV output
    with the id where the input had a name.
    """
    wf = result.workforce
    level = dict(zip(wf.ids, wf.employees["level"]))
    dept = dict(zip(wf.ids, wf.employees["department"]))
    called = (lambda i: alias[str(i)]) if alias is not None else str
    label = lambda i: f"{called(i)} (L{level[i]}, {dept[i]})"
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
        pairs[column] = [called(i) for i in pairs[column]]
    unmatched = unmatched_frame(wf, result.program, result.scores, result.assignment, name=called)
    unmatched["employee_id"] = [called(i) for i in unmatched["employee_id"]]
    return pairs, unmatched
