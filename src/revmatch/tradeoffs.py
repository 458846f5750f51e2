"""The price of each objective: the same programme solved for each, in pairs, people and learning."""

from __future__ import annotations

from typing import get_args

import pandas as pd

from .engine import Tuning
from .errors import InfeasibleError
from .models import Workforce
from .outcome import solve_outcome, with_preferences
from .program import Program

# What needs nothing but the skills survey; any other objective Program knows reads stated preferences.
SCORE_OBJECTIVES = ("total", "coverage", "fair")
TRADEOFF_COLUMNS = (
    "objective",
    "current",
    "pairs",
    "mentees_matched",
    "mentors_matched",
    "teaching",
    "give_back",
    "min_pair_score",
    "total",
    "status",
    "note",
)


def objectives(with_preferences: bool) -> tuple[str, ...]:
    """The objectives ``Program`` knows, in its order; those reading stated preferences only with them."""
    known = get_args(Program.model_fields["objective"].annotation)
    return tuple(o for o in known if o in SCORE_OBJECTIVES or with_preferences)


def tradeoffs(
    workforce: Workforce, program: Program | None = None, preferences=None, *, tuning: Tuning | None = None
) -> pd.DataFrame:
    """The programme solved for each objective, side by side: what fairness or coverage costs.

    Every row is the programme with only its ``objective`` changed, solved as :func:`revmatch.match`
    solves it (the same pairs, proved optimal), read with the summary's definitions
    (:func:`revmatch.reporting.summary.pair_figures`).

    Parameters
    ----------
    workforce : Workforce
    program : Program, default=Program()
    preferences : optional
        Stated preferences (:func:`revmatch.read_preferences`): every objective is solved with them,
        and ``rank_maximal`` and ``stable`` are added.
    tuning : Tuning, optional

    Returns
    -------
    pandas.DataFrame
        One row per objective (:data:`TRADEOFF_COLUMNS`): ``objective``, ``current`` (the
        programme's own), ``pairs``, ``mentees_matched`` and ``mentors_matched`` (people),
        ``teaching`` and ``give_back`` (the summed weighted forward and backward parts),
        ``min_pair_score``, ``total`` (the sum of pair scores), ``status``, and a ``note`` where an
        objective could not be solved (its rules cannot all hold, or it does not go with
        ``priority_first``).

    Examples
    --------
    >>> import revmatch as rm
    >>> table = rm.tradeoffs(rm.synthetic_workforce(400, seed=0))
    >>> table["objective"].tolist()
    ['total', 'coverage', 'fair']
    >>> bool(table.loc[0, "total"] >= table["total"].max())
    True
    """
    program = with_preferences(program or Program(), preferences)
    rows = []
    for objective in objectives(preferences is not None):
        row = {"objective": objective, "current": objective == program.objective, "note": ""}
        if program.priority_first and objective != "total":
            rows.append(row | {"status": "not solved", "note": "priority_first goes with the 'total' objective only"})
            continue
        try:
            outcome = solve_outcome(workforce, program.model_copy(update={"objective": objective}), tuning=tuning)
        except InfeasibleError as exc:  # the rules cannot all hold for this objective
            rows.append(row | {"status": "infeasible", "note": str(exc)})
            continue
        f = outcome.figures
        rows.append(
            row
            | {
                "pairs": f["pairs"],
                "mentees_matched": f["mentees_matched"],
                "mentors_matched": f["mentors_matched"],
                "teaching": f["teaching_points"],
                "give_back": f["give_back_points"],
                "min_pair_score": f["min_pair_score"],
                "total": outcome.objective,
                "status": str(outcome.status),
            }
        )
    table = pd.DataFrame(rows, columns=list(TRADEOFF_COLUMNS))
    for column in ("pairs", "mentees_matched", "mentors_matched"):
        table[column] = table[column].astype("Int64")
    return table
