"""Load-balanced shortlists: each person's best suggestions, the first ones an optimal matching, nobody flooded.

Two exact solves. First the programme's optimum (:func:`revmatch.match`): each person's partners in
it are their rank-1 suggestions, so if everyone takes their first suggestion every capacity holds and
the total is the optimum. Then the other suggestions: a b-matching over suggestion *slots* — each
person has ``k`` minus their rank-1 partners, each partner may appear in ``max_exposure`` shortlists
minus the rank-1 places they hold — with the best total suggestion score, under every hard rule of the
programme (``avoid`` and ``min_forward`` included) and never repeating a rank-1 pair. Popular mentors are
therefore spread over shortlists by the optimum itself, not cut from top-k lists. Both solves take the
sparse route when the programme allows it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import ConfigError
from .matching import MatchResult, match
from .models import Workforce
from .preferences import Preferences, read_preferences
from .program import Program
from .rules import capacities

SIDES = ("mentee", "mentor")
COLUMNS = ["employee_id", "rank", "partner_id", "score", "reason"]


def shortlists(
    workforce: Workforce,
    program: Program | None = None,
    k: int = 3,
    side: str = "mentee",
    preferences=None,
    max_exposure: int | None = None,
    *,
    route: str = "auto",
) -> pd.DataFrame:
    """Up to ``k`` suggested partners for every opted-in person on ``side`` who has an allowed partner.

    Parameters
    ----------
    workforce : Workforce
    program : Program, default=Program()
    k : int, default=3
        Suggestions per person (a person whose capacity gives them more partners in the optimum gets
        all of them at rank 1).
    side : {"mentee", "mentor"}, default="mentee"
        Who receives the shortlists; the other side is suggested.
    preferences : Preferences or what :func:`revmatch.read_preferences` reads, optional
        Stated preferences: ``avoid`` pairs are never suggested, ``must`` pairs are rank 1, ranks
        weigh in the scores.
    max_exposure : int, optional
        Most shortlists any one partner appears in; default ``k`` × that partner's capacity.
    route : {"auto", "dense", "sparse"}, default="auto"
        As :func:`revmatch.match`.

    Returns
    -------
    DataFrame
        ``employee_id``, ``rank`` (1 = their partner in the optimal matching), ``partner_id``,
        ``score`` and ``reason`` (plain language), one row per suggestion, by person then rank.
        ``attrs["optimum"]`` holds the optimal matching's total score.

    Raises
    ------
    ConfigError
        ``k`` below 1, an unknown ``side``, or a ``max_exposure`` below the places a partner holds in
        the optimum (their rank-1 suggestions must all hold).

    Examples
    --------
    >>> import revmatch as rm
    >>> lists = rm.shortlists(rm.synthetic_workforce(300, seed=1), k=2)
    >>> list(lists.columns)
    ['employee_id', 'rank', 'partner_id', 'score', 'reason']
    """
    program = program or Program()
    if isinstance(k, bool) or not isinstance(k, int) or k < 1:
        raise ConfigError(f"k must be a whole number from 1, got {k!r}")
    if side not in SIDES:
        raise ConfigError(f"side must be one of {', '.join(SIDES)}, got {side!r}")
    if preferences is not None and not isinstance(preferences, Preferences):
        preferences = read_preferences(preferences)
    best = match(workforce, program, preferences=preferences, route=route)
    first = _ranked_pairs(best, side, 1)
    others = match(workforce, _suggestion_programme(workforce, best, first, k, side, max_exposure), route=route)
    frame = pd.concat([first, _ranked_pairs(others, side, 2)], ignore_index=True)
    frame = frame.sort_values(["employee_id", "rank", "score", "partner_id"], ascending=[True, True, False, True])
    counter = frame.groupby("employee_id").cumcount() + 1  # rank 1 shared; the others number on from there
    firsts = (frame["rank"] == 1).groupby(frame["employee_id"]).transform("sum")
    frame["rank"] = np.where(frame["rank"] == 1, 1, counter - firsts + 1).astype(np.int64)
    frame = frame[COLUMNS].reset_index(drop=True)
    frame.attrs["optimum"] = best.objective
    return frame


def _ranked_pairs(result: MatchResult, side: str, rank: int) -> pd.DataFrame:
    """A result's pairs as suggestions to ``side``: who receives, the partner, score and reason."""
    person, partner = ("mentee_id", "mentor_id") if side == "mentee" else ("mentor_id", "mentee_id")
    pairs = result.pairs
    return pd.DataFrame(
        {
            "employee_id": pairs[person].astype(str),
            "rank": np.full(len(pairs), rank, dtype=np.int64),
            "partner_id": pairs[partner].astype(str),
            "score": pairs["score"].to_numpy(dtype=float),
            "reason": pairs["reason"].astype(str),
        }
    )


def _suggestion_programme(
    workforce: Workforce, best: MatchResult, first: pd.DataFrame, k: int, side: str, max_exposure: int | None
) -> Program:
    """The b-matching of the other suggestions: slots per person, exposure left per partner, the
    programme's hard rules, no rank-1 pair again, the plain total (no locks, quotas or musts)."""
    program = best.program
    other = "mentor" if side == "mentee" else "mentee"
    ids = workforce.ids.tolist()
    taken = first["employee_id"].value_counts()
    held = first["partner_id"].value_counts()
    cap = capacities(workforce, program, other)
    if max_exposure is not None and (isinstance(max_exposure, bool) or not isinstance(max_exposure, int)):
        raise ConfigError(f"max_exposure must be a whole number, got {max_exposure!r}")
    exposure = np.full(len(ids), max_exposure) if max_exposure is not None else k * cap
    over = [f"{p} ({n})" for p, n in held.items() if n > exposure[ids.index(p)]]
    if over:
        raise ConfigError(
            f"max_exposure={max_exposure} is below the rank-1 places some partners hold in the optimal "
            f"matching: {', '.join(over[:10])}; raise it to at least their capacity"
        )
    slots = {i: max(0, k - int(taken.get(i, 0))) for i in ids}
    left = {i: int(exposure[n]) - int(held.get(i, 0)) for n, i in enumerate(ids)}
    stated = program.preferences
    if stated is not None:  # musts are rank 1 already; avoid and ranks still apply
        stated = Preferences(stated.frame[stated.frame["kind"] != "must"].reset_index(drop=True), stated.where)
    made = tuple(zip(best.pairs["mentor_id"].astype(str), best.pairs["mentee_id"].astype(str)))
    update = {
        f"{side}_capacity": slots,
        f"{other}_capacity": left,
        "forbidden": tuple(dict.fromkeys((*program.forbidden, *made))),
        "locked": (),
        "objective": "total",
        "priority_first": False,
        "min_matched_share": None,
        "max_pairs_per_department_pair": None,
        "preferences": stated,
    }
    return program.model_copy(update=update)


def mail_merge(lists: pd.DataFrame, workforce: Workforce, k: int) -> pd.DataFrame:
    """One row per person for a mail merge: ``employee_id``, ``name`` and, for each suggestion in rank
    order, ``partner_<n>`` (id), ``partner_<n>_name`` and ``reason_<n>`` (plain language)."""
    names = workforce.employees.set_index("employee_id")["name"]
    rows = []
    for person, group in lists.groupby("employee_id", sort=True):
        row = {"employee_id": person, "name": names.get(person, "") or person}
        for n, s in enumerate(group.itertuples(index=False), start=1):
            row |= {f"partner_{n}": s.partner_id, f"partner_{n}_name": names.get(s.partner_id, "") or s.partner_id}
            row[f"reason_{n}"] = s.reason
        rows.append(row)
    most = max([k, *(len(g) for _, g in lists.groupby("employee_id"))]) if len(lists) else k
    columns = ["employee_id", "name"] + [
        f"{c}_{n}" if c != "partner_name" else f"partner_{n}_name"
        for n in range(1, most + 1)
        for c in ("partner", "partner_name", "reason")
    ]
    return pd.DataFrame(rows, columns=columns).fillna("")
