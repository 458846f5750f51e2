"""A fairness audit of a match: match rates per group of protected attributes that revmatch never scores.

Audit attributes (gender, age band, …) come in their own table and are read here only. Each side is
audited on its own — juniors who volunteer to teach often outnumber the places, and that surplus
must not read as bias against whoever is young. Each group is compared with the side's overall rate
and, under the four-fifths rule, with the best group large enough to count; groups smaller than
``min_group_size`` are suppressed, for the privacy of their few members.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from .errors import ConfigError, InputError, Problem
from .matching import MatchResult

AUDIT_COLUMNS = (
    "attribute", "side", "group", "people", "matched", "match_rate", "mean_score", "overall_rate",
    "ratio_to_overall", "rate_ratio", "flag", "suppressed",
)  # fmt: skip


def fairness_audit(
    result: MatchResult | pd.DataFrame,
    audit: pd.DataFrame,
    attributes: list[str] | None = None,
    threshold: float = 0.8,
    opted_in: Mapping[str, Iterable[str]] | Iterable[str] | None = None,
    min_group_size: int = 5,
) -> pd.DataFrame:
    """Match rate and mean pair score per side and group of each audit attribute.

    For each attribute, side (``mentee``, ``mentor``) and group: ``people`` who opted in on that side,
    ``matched`` (with a pair on that side), ``match_rate``, ``mean_score`` of their pairs; the side's
    ``overall_rate`` and the group's ``ratio_to_overall``; ``rate_ratio`` = the group's rate / the
    best rate among groups of at least ``min_group_size`` people, ``flag`` when it is below
    ``threshold`` (the four-fifths rule). A group with fewer than ``min_group_size`` people is
    ``suppressed``: its counts and rates are left empty and it is never flagged or compared with.

    ``result`` may also be a pairs table (mentor_id, mentee_id, score) with ``opted_in``: the ids of
    who took part on each side (``{"mentor": [...], "mentee": [...]}``; one list for both sides).

    Raises
    ------
    InputError
        The audit table has no ``employee_id`` column.
    ConfigError
        A pairs table without ``opted_in``, or a ``min_group_size`` below 1.

    Examples
    --------
    >>> import pandas as pd, revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(400, seed=0))
    >>> audit = pd.DataFrame({"employee_id": result.workforce.ids, "band": ["a", "b"] * 200})
    >>> table = fairness_audit(result, audit)
    >>> sorted(set(table["side"]))
    ['mentee', 'mentor']
    """
    if "employee_id" not in audit.columns:
        raise InputError([Problem("audit", None, "employee_id", "required column is missing")])
    if min_group_size < 1:
        raise ConfigError(f"min_group_size must be at least 1, got {min_group_size}")
    audit = audit.assign(employee_id=audit["employee_id"].astype(str))
    attributes = attributes or [c for c in audit.columns if c != "employee_id"]
    sides, pairs = _sides(result, opted_in)
    out = []
    for side, opted in sides.items():
        people = _people(pairs, side, opted).merge(audit, on="employee_id", how="left")
        for attribute in attributes:
            out.append(_groups(people, attribute, threshold, min_group_size).assign(attribute=attribute, side=side))
    return pd.concat(out, ignore_index=True)[list(AUDIT_COLUMNS)] if out else pd.DataFrame(columns=AUDIT_COLUMNS)


def _sides(result, opted_in) -> tuple[dict[str, list[str]], pd.DataFrame]:
    """Who opted in on each side, and the pairs with text ids."""
    if isinstance(result, MatchResult):
        sides = {"mentee": list(map(str, result.scores.mentee_ids)), "mentor": list(map(str, result.scores.mentor_ids))}
        return sides, result.pairs.astype({"mentor_id": str, "mentee_id": str})
    if opted_in is None:
        raise ConfigError("with a pairs table, give opted_in: the ids of who took part on each side")
    if isinstance(opted_in, Mapping):
        sides = {side: list(map(str, opted_in.get(side, ()))) for side in ("mentee", "mentor")}
    else:
        everyone = list(map(str, opted_in))
        sides = {"mentee": everyone, "mentor": everyone}
    return sides, result.astype({"mentor_id": str, "mentee_id": str})


def _people(pairs: pd.DataFrame, side: str, opted: list[str]) -> pd.DataFrame:
    """One row per person who opted in on ``side``: matched on it, and the mean score of their pairs."""
    mean_score = pairs.groupby(f"{side}_id")["score"].mean()
    people = pd.DataFrame({"employee_id": pd.Index(sorted(set(opted)), dtype=object)})
    people["matched"] = people["employee_id"].isin(mean_score.index)
    people["score"] = people["employee_id"].map(mean_score)
    return people


def _groups(people: pd.DataFrame, attribute: str, threshold: float, min_size: int) -> pd.DataFrame:
    """The audit of one attribute on one side: a row per group, small groups suppressed."""
    grouped = people.assign(group=people[attribute].fillna("(unknown)").astype(str)).groupby("group")
    table = grouped.agg(people=("employee_id", "size"), matched=("matched", "sum"), mean_score=("score", "mean"))
    table["match_rate"] = table["matched"] / table["people"]
    overall = float(people["matched"].mean()) if len(people) else np.nan
    table["overall_rate"] = overall
    with np.errstate(divide="ignore", invalid="ignore"):
        table["ratio_to_overall"] = table["match_rate"] / overall if overall > 0 else np.nan
    table["suppressed"] = table["people"] < min_size
    counted = table.loc[~table["suppressed"], "match_rate"]
    best = counted.max() if len(counted) else np.nan
    table["rate_ratio"] = table["match_rate"] / best if best > 0 else np.nan
    table["flag"] = (table["rate_ratio"] < threshold) & ~table["suppressed"]
    # Too few people to show without pointing at them: their figures are withheld.
    hidden = ["people", "matched", "match_rate", "mean_score", "ratio_to_overall", "rate_ratio"]
    table[hidden] = table[hidden].astype(float)
    table.loc[table["suppressed"], hidden] = np.nan
    return table.reset_index()
