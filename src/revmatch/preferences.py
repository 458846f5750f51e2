r"""Stated preferences: whom each participant ranks, avoids or must be paired with, read from a table.

A preferences table has one row per statement: ``employee_id`` (who states it), ``partner_id`` (about
whom) and ``preference`` — a whole-number rank (1 = first choice), ``avoid`` or ``must``. A statement
is about the two people, whichever of them mentors: it applies to the pair in either direction.

Ranks are soft by default: a pair earns ``Program.preference_weight`` points for each first choice in
it, and each next choice half the one before,

.. math::

    \mathrm{preference}_{ij} = \sum_{\text{statements } s \text{ about } \{i, j\}} 2^{\,1 - \mathrm{rank}_s}

(both people can rank each other: a mutual first choice is worth twice the weight). Halving keeps
every score on a power-of-two grain, so the optimum stays exact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic_core import core_schema

from .errors import InputError, Problem
from .readers import Sheet, read_frame
from .validate import Problems, Table, check_text, required_columns, required_text

COLUMNS = ("employee_id", "partner_id", "preference")
WORDS = ("avoid", "must")
MAX_RANK = 1000  # a rank beyond this is a typo, not a preference


@dataclass(frozen=True, eq=False)
class Preferences:
    """Validated stated preferences (see :func:`read_preferences`).

    ``frame`` has one row per statement: ``employee_id``, ``partner_id``, ``preference`` (the rank as
    text, ``avoid`` or ``must``), ``kind`` (``rank``, ``avoid``, ``must``), ``rank`` (0 unless ranked)
    and ``row`` (where the statement was read, for messages). ``where`` names the source.
    """

    frame: pd.DataFrame
    where: str = "preferences"
    _rows: dict = field(default_factory=dict, repr=False)  # workforce → statements as its rows

    def __len__(self) -> int:
        return len(self.frame)

    def __repr__(self) -> str:
        counts = self.frame["kind"].value_counts()
        return (
            f"Preferences({len(self)} statements: {int(counts.get('rank', 0))} ranks, "
            f"{int(counts.get('avoid', 0))} avoid, {int(counts.get('must', 0))} must; from {self.where})"
        )

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> core_schema.CoreSchema:
        """A Program holds the preferences as they are: only instances, never converted."""
        return core_schema.is_instance_schema(cls)

    @property
    def has_ranks(self) -> bool:
        return bool((self.frame["kind"] == "rank").any())

    @property
    def has_avoids(self) -> bool:
        return bool((self.frame["kind"] == "avoid").any())

    @property
    def max_rank(self) -> int:
        return int(self.frame["rank"].max()) if len(self.frame) else 0

    def of_kind(self, kind: str) -> pd.DataFrame:
        """The statements of one kind (``rank``, ``avoid`` or ``must``), in the order read."""
        return self.frame[self.frame["kind"] == kind]

    def check_people(self, ids: np.ndarray) -> None:
        """Every id a statement names is someone in the workforce (``ids``, sorted); else an InputError
        naming each row and column, as a typo must not silently state nothing."""
        known = pd.Series(ids, dtype=object)
        problems = Problems()
        for column in ("employee_id", "partner_id"):
            values = self.frame[column].to_numpy(dtype=object)
            for k in np.flatnonzero(~pd.Series(values, dtype=object).isin(known).to_numpy()).tolist():
                problems.add(self.where, self.frame["row"].iat[k], column, f"{values[k]!r} is not in the workforce")
        problems.raise_if_any()

    def statements(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Workforce rows of who states and about whom, the kind codes (0 rank, 1 avoid, 2 must) and ranks.

        ``ids`` are the workforce's sorted ids; cached for the last workforce asked about (tiles ask often).
        """
        cached = self._rows.get("ids")
        if cached is not None and cached[0] is ids:
            return cached[1]
        self.check_people(ids)
        who = np.searchsorted(ids, self.frame["employee_id"].to_numpy(dtype=object))
        whom = np.searchsorted(ids, self.frame["partner_id"].to_numpy(dtype=object))
        kind = self.frame["kind"].map({"rank": 0, "avoid": 1, "must": 2}).to_numpy(dtype=np.int8)
        found = (who.astype(np.int64), whom.astype(np.int64), kind, self.frame["rank"].to_numpy(dtype=np.int64))
        self._rows["ids"] = (ids, found)
        return found


def rank_points(rank: np.ndarray) -> np.ndarray:
    """Points of a choice per unit of ``preference_weight``: 1 for a first choice, halving at each next rank."""
    return np.ldexp(1.0, 1 - np.asarray(rank, dtype=np.int64))


def preference_grain(preferences: Preferences | None) -> float:
    """The power of two every preference part is a whole multiple of (that of the lowest choice)."""
    return float(rank_points(np.array([max(1, preferences.max_rank)]))[0]) if preferences is not None else 1.0


def pair_values(
    preferences: Preferences,
    ids: np.ndarray,
    kind: int,
    mentor_rows: np.ndarray,
    mentee_rows: np.ndarray,
    aligned: bool = False,
) -> np.ndarray:
    """Per pair of a block (or the aligned pairs), the sum over the statements of one kind about its
    two people: rank points for ranks (kind 0), the count of statements for ``avoid`` (1) and ``must`` (2).

    A statement about ``{a, b}`` applies to ``a → b`` and ``b → a``; each is added once per pair.
    """
    who, whom, kinds, ranks = preferences.statements(ids)
    pick = kinds == kind
    a, b = who[pick], whom[pick]
    value = rank_points(ranks[pick]) if kind == 0 else np.ones(len(a))
    shape = (len(mentor_rows),) if aligned else (len(mentor_rows), len(mentee_rows))
    out = np.zeros(shape)
    if not len(a):
        return out
    # Both directions: the statement's author as mentor, then as mentee.
    m, e, v = np.concatenate([a, b]), np.concatenate([b, a]), np.concatenate([value, value])
    n = len(ids)
    if aligned:
        keys = m * n + e
        order = np.argsort(keys, kind="stable")
        keys, v = keys[order], v[order]
        wanted = mentor_rows.astype(np.int64) * n + mentee_rows
        lo, hi = np.searchsorted(keys, wanted, "left"), np.searchsorted(keys, wanted, "right")
        sums = np.concatenate([[0.0], np.cumsum(v)])
        return sums[hi] - sums[lo]
    row_of = np.full(n, -1)
    row_of[mentor_rows] = np.arange(len(mentor_rows))
    col_of = np.full(n, -1)
    col_of[mentee_rows] = np.arange(len(mentee_rows))
    i, j = row_of[m], col_of[e]
    inside = (i >= 0) & (j >= 0)
    np.add.at(out, (i[inside], j[inside]), v[inside])
    return out


def read_preferences(
    source: str | Path | pd.DataFrame, *, sheet: Sheet = None, file_format: str | None = None
) -> Preferences:
    """Read stated preferences: ``employee_id``, ``partner_id``, ``preference`` (a rank, ``avoid`` or ``must``).

    Parameters
    ----------
    source : path or DataFrame
        A file in any format the loaders read (CSV, Excel, Parquet, JSON Lines; see
        :func:`revmatch.readers.read_frame`) or a DataFrame in the same columns.
    sheet : str or int, optional
        Excel only: the sheet to read.
    file_format : {"csv", "excel", "parquet", "jsonl"}, optional
        The file's format whatever its extension.

    Returns
    -------
    Preferences

    Raises
    ------
    InputError
        Every problem at once, each naming the file, row and column: a missing column or value, a
        preference that is neither a whole number from 1 nor ``avoid``/``must``, someone stating a
        preference about themself, the same pair stated twice by one person, or one person giving
        the same rank to two partners. Ids are checked against the workforce when a match uses them.

    Examples
    --------
    >>> import pandas as pd
    >>> prefs = read_preferences(pd.DataFrame({"employee_id": ["E1", "E1"], "partner_id": ["E2", "E3"],
    ...                                        "preference": ["1", "avoid"]}))
    >>> prefs
    Preferences(2 statements: 1 ranks, 1 avoid, 0 must; from preferences)
    """
    if isinstance(source, pd.DataFrame):
        table = Table.from_frame(source, "preferences", spreadsheet_rows=False)
    elif isinstance(source, (str, Path)):
        frame = read_frame(source, sheet=sheet, columns=COLUMNS, strip=False, file_format=file_format)
        table = Table.from_frame(frame, str(frame.attrs.get("where", source)), spreadsheet_rows=True)
    else:
        raise InputError([Problem("preferences", None, None, f"expected a file path or a DataFrame, got {source!r}")])
    problems = Problems()
    required_columns(table, COLUMNS, problems)
    check_text(table, COLUMNS, problems)
    frame = _statements(table, problems)
    problems.raise_if_any()
    return Preferences(frame, table.where)


def _statements(table: Table, problems: Problems) -> pd.DataFrame:
    """The rows as statements, every bad cell added to ``problems``."""
    who, whom, said = required_text(table, ("employee_id", "partner_id", "preference"), problems)
    oneself = (who == whom) & (who != "")
    problems.add_rows(table, oneself, "partner_id", lambda i: "a preference about oneself (same id as employee_id)")
    word = np.array([s.casefold() for s in said], dtype=object)
    number = pd.to_numeric(pd.Series(said, dtype=object), errors="coerce").to_numpy(dtype=float)
    whole = np.isfinite(number) & (number == np.round(number)) & (number >= 1) & (number <= MAX_RANK)
    is_word = pd.Series(word).isin(WORDS).to_numpy()
    problems.add_rows(
        table,
        (said != "") & ~whole & ~is_word,
        "preference",
        lambda i: f"{said[i]!r} is not a rank (a whole number from 1 to {MAX_RANK}), avoid or must",
    )
    kind = np.where(is_word, word, "rank")
    rank = np.where(whole & ~is_word, number, 0).astype(np.int64)
    frame = pd.DataFrame(
        {
            "employee_id": who,
            "partner_id": whom,
            "preference": np.where(is_word, word, rank.astype(str)),
            "kind": kind,
            "rank": rank,
            "row": table.rows,
        }
    )
    again = "states a preference about this partner again"
    _repeats(table, frame, ["employee_id", "partner_id"], "partner_id", again, problems)
    ranked = frame["kind"].to_numpy() == "rank"
    twice = "gives this rank to a second partner"
    _repeats(table, frame[ranked], ["employee_id", "rank"], "preference", twice, problems)
    return frame


def _repeats(table: Table, frame: pd.DataFrame, key: list[str], column: str, message: str, problems: Problems) -> None:
    """Name every row that repeats an earlier row's ``key`` (the earlier row is named too)."""
    filled = frame[(frame[key].astype(str) != "").all(axis=1)]
    again = filled.duplicated(key, keep="first").to_numpy()
    if not again.any():
        return
    first = filled.groupby(key, sort=False)["row"].transform("first")
    for k in np.flatnonzero(again).tolist():
        person = filled["employee_id"].iat[k]
        problems.add(table.where, filled["row"].iat[k], column, f"{person} {message} (first at row {first.iat[k]})")
