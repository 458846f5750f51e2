"""What-if advice: what each rule costs, in people and learning, each figure from an exact re-solve.

:func:`advise` matches the programme as it is, then solves it again once per change — each active
hard rule relaxed one step, each quota off, each costly lock or forbid dropped, one more place for
the mentors most often the reason a senior is unmatched, each soft wish made a rule, or the admin's
own changes — and tabulates the effect of each change alone. Every row is solved as
:func:`revmatch.match` would solve the changed programme (:mod:`revmatch.outcome`): the same pairs,
proved optimal, so a row says exactly what rerunning the match with that change would give.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .engine import Tuning
from .errors import InfeasibleError
from .matching import MatchResult, match
from .models import Workforce
from .outcome import Outcome, outcome_of, solve_outcome, with_preferences
from .program import Program
from .whatif import CAPACITY_MENTORS, Change, as_change, default_changes

ADVICE_COLUMNS = (
    "change",
    "field",
    "from",
    "to",
    "mentees_matched",
    "mentors_matched",
    "teaching",
    "total",
    "newly_matched",
    "no_longer_matched",
    "status",
)
PER_PERSON_COLUMNS = ("employee_id", "role", "change", "field", "from", "to", "advice")


@dataclass(frozen=True, eq=False)
class Advice:
    """The outcome of :func:`advise`: one row per change, and the smallest change for each unmatched person.

    ``table`` has one row per change (:data:`ADVICE_COLUMNS`): ``change`` in plain words, the
    programme ``field`` it sets ``from`` one value ``to`` another, the change in ``mentees_matched``
    and ``mentors_matched`` (people), ``teaching`` (the summed weighted forward parts) and ``total``
    (the objective) against the current programme, the ids ``newly_matched`` and
    ``no_longer_matched`` (tuples, people in any pair on either side), and the re-solve's ``status``
    ("optimal"; "infeasible" when the changed rules cannot all hold, with the reason in ``notes``).
    ``per_person`` names, for each person the current match leaves unmatched, the smallest change in
    the table that would match them (:func:`smallest_changes`). ``result`` is the current match,
    ``base`` its figures (:func:`revmatch.reporting.summary.pair_figures`), ``changes`` the changes in
    row order, ``seconds`` each row's re-solve time and ``base_seconds`` the current match's.
    """

    table: pd.DataFrame
    per_person: pd.DataFrame
    result: MatchResult
    base: dict[str, float | int | None]
    changes: tuple[Change, ...]
    seconds: tuple[float, ...]
    base_seconds: float
    notes: tuple[str, ...]

    def to_html(self, title: str = "revmatch what-if advice", tradeoffs: pd.DataFrame | None = None) -> str:
        """The match report with the advice's sections after it (and the objectives' frontier, given
        :func:`revmatch.tradeoffs`): see :func:`revmatch.reporting.advice_page.advice_sections`."""
        from .reporting.advice_page import advice_sections
        from .reporting.report import to_html

        return to_html(self.result, title, extra_sections=advice_sections(self, tradeoffs))

    def _repr_html_(self) -> str:
        """Notebooks show the advice's sections (not the whole match report), styles kept to the cell."""
        from .reporting.advice_page import advice_sections
        from .reporting.page import fragment

        return fragment("revmatch what-if advice", advice_sections(self))

    def __repr__(self) -> str:
        return f"Advice(changes={len(self.table)}, unmatched={len(self.per_person)}, status={self.result.status!s})"


def advise(
    workforce: Workforce,
    program: Program | None = None,
    changes: Sequence[Change | dict[str, Any]] | None = None,
    preferences=None,
    *,
    capacity_mentors: int = CAPACITY_MENTORS,
    progress: Callable[[str], None] | None = None,
    tuning: Tuning | None = None,
) -> Advice:
    """What each change to a programme would do, alone, measured by solving the changed programme exactly.

    Parameters
    ----------
    workforce : Workforce
    program : Program, default=Program()
        The current programme: the match every change is measured against.
    changes : list of dict or Change, optional
        The what-ifs, one row each: ``{"min_level_gap": 1}`` sets that field (several keys: one
        change). Default: :func:`revmatch.whatif.default_changes` — each active hard rule one step
        looser, each quota off, each lock and forbid dropped (kept when that changes the match), one
        more place for the ``capacity_mentors`` mentors most often the reason a senior is unmatched,
        each soft wish (a positive ``*_weight``) made a hard rule.
    preferences : optional
        Participants' stated preferences (:func:`revmatch.read_preferences`), as ``rm.match`` takes
        them: the current programme and every change are solved with them (avoids hold, musts locked).
    capacity_mentors : int, default=3
        Mentors offered one more place in the default changes.
    progress : callable, optional
        Called with a one-line message after the current match and after each change.
    tuning : Tuning, optional
        The engine's knobs, as ``rm.match`` takes them.

    Returns
    -------
    Advice
        ``table`` (one row per change), ``per_person``, the current ``result`` and its ``base`` figures.

    Raises
    ------
    ConfigError
        A change that is not a setting, or a value the programme refuses (before any solve).
    InfeasibleError
        The current programme's rules cannot all hold (a change that breaks them is an "infeasible" row).

    Examples
    --------
    >>> import revmatch as rm
    >>> advice = rm.advise(rm.synthetic_workforce(400, seed=0), rm.Program(), [{"min_level_gap": 0}])
    >>> advice.table.loc[0, ["field", "from", "to", "status"]].tolist()
    ['min_level_gap', '1', '0', 'optimal']
    """
    program = with_preferences(program or Program(), preferences)
    given = None if changes is None else [as_change(c, program, f"changes[{k}]") for k, c in enumerate(changes)]
    start = time.perf_counter()
    result = match(workforce, program, tuning=tuning)
    base_seconds = time.perf_counter() - start
    if progress:
        progress(f"current programme: {len(result.pairs)} pairs in {base_seconds:.1f} s")
    wanted = default_changes(workforce, program, result, capacity_mentors=capacity_mentors) if given is None else given
    base = outcome_of(result, base_seconds)
    solved = [(change, *_row(workforce, program, base, change, tuning, progress)) for change in wanted]
    # A lock or forbid dropped by default that costs nothing is no advice; the admin's own changes all stay.
    solved = [s for s in solved if given is not None or s[0].kind != "override" or not _costs_nothing(s[1])]
    table = pd.DataFrame([row for _, row, _, _ in solved], columns=list(ADVICE_COLUMNS))
    for column in ("mentees_matched", "mentors_matched"):
        table[column] = table[column].astype("Int64")  # whole people; missing where infeasible
    kept = tuple(change for change, _, _, _ in solved)
    return Advice(
        table=table,
        per_person=smallest_changes(result, table, kept),
        result=result,
        base=base.figures,
        changes=kept,
        seconds=tuple(spent for _, _, spent, _ in solved),
        base_seconds=base_seconds,
        notes=tuple(note for _, _, _, note in solved),
    )


def _row(
    workforce: Workforce,
    program: Program,
    base: Outcome,
    change: Change,
    tuning: Tuning | None,
    progress: Callable[[str], None] | None,
) -> tuple[dict[str, Any], float, str]:
    """One change's row, its seconds and a note: the changed programme solved as ``match`` solves it."""
    row: dict[str, Any] = {"change": change.words, "field": change.field, "from": change.before, "to": change.after}
    start = time.perf_counter()
    try:
        after = solve_outcome(workforce, change.applied_to(program), tuning=tuning)
    except InfeasibleError as exc:
        row.update(dict.fromkeys(ADVICE_COLUMNS[4:8]), newly_matched=(), no_longer_matched=(), status="infeasible")
        if progress:
            progress(f"{change.words}: infeasible")
        return row, time.perf_counter() - start, str(exc)
    now, then = after.figures, base.figures
    row.update(
        mentees_matched=int(now["mentees_matched"] or 0) - int(then["mentees_matched"] or 0),
        mentors_matched=int(now["mentors_matched"] or 0) - int(then["mentors_matched"] or 0),
        teaching=float(now["teaching_points"] or 0) - float(then["teaching_points"] or 0),
        total=after.objective - base.objective,
        newly_matched=tuple(sorted(after.matched - base.matched)),
        no_longer_matched=tuple(sorted(base.matched - after.matched)),
        status=str(after.status),
    )
    if progress:
        progress(f"{change.words}: {after.status} in {after.seconds:.1f} s")
    return row, after.seconds, ""


def _costs_nothing(row: dict[str, Any]) -> bool:
    """Nothing moves: no person, no point of teaching, no point of the total."""
    if row["status"] == "infeasible":
        return False
    return not (row["mentees_matched"] or row["mentors_matched"] or row["teaching"] or row["total"]) and not (
        row["newly_matched"] or row["no_longer_matched"]
    )


def smallest_changes(result: MatchResult, table: pd.DataFrame, changes: Sequence[Change]) -> pd.DataFrame:
    """For each person ``result`` leaves unmatched, the smallest change in ``table`` that would match them.

    Among the rows whose ``newly_matched`` holds the person, the smallest change is the one that
    costs the others least: the fewest people no longer matched, then the largest total, then the
    earlier row. ``advice`` reads "would be matched if the minimum level gap were 0", or says that
    no single change in the table matches them. Columns: :data:`PER_PERSON_COLUMNS`.
    """
    unmatched = result.unmatched[["employee_id", "role"]].astype({"employee_id": str})
    newly: list[tuple[str, ...]] = table["newly_matched"].tolist()
    best: dict[str, int] = {}
    for k in _rows_by_cost(table):
        for who in newly[k]:
            best.setdefault(who, k)
    out = []
    for who, role in zip(unmatched["employee_id"], unmatched["role"]):
        if who not in best:
            out.append((who, role, "", "", "", "", "no single change in this table matches them"))
            continue
        k = best[who]
        row = table.iloc[k]
        text = f"would be matched if {changes[k].condition}"
        out.append((who, role, row["change"], row["field"], row["from"], row["to"], text))
    return pd.DataFrame(out, columns=list(PER_PERSON_COLUMNS))


def _rows_by_cost(table: pd.DataFrame) -> list[int]:
    """Row positions, cheapest first: fewest people no longer matched, then largest total, then row order."""
    solved = np.flatnonzero(table["status"].to_numpy() != "infeasible")
    lost = np.array([len(ids) for ids in table["no_longer_matched"].tolist()], dtype=np.int64)[solved]
    total = table["total"].to_numpy(dtype=float)[solved]
    return solved[np.lexsort((solved, -total, lost))].tolist()
