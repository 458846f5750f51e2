"""A programme solved exactly as :func:`revmatch.match` solves it, without the explanations: its figures.

What-if advice and the trade-offs between objectives re-solve a programme many times and read only
what a sponsor reads (people matched on each side, teaching, give-back, the total). They take the
same steps as ``match`` — the same checks, the same route, the same scoring and solve, hence the
same pairs, ties included — and skip the explanations and unmatched reasons, which are most of a
large match's time after the solve.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from .engine import Status, Tuning
from .matching import MatchResult, solved, with_stated
from .models import Workforce
from .preferences import Preferences, read_preferences
from .program import Program
from .reporting.summary import pair_figures
from .rules import check_forbidden
from .scoring import PairScores
from .sparse import unsupported_settings


@dataclass(frozen=True, eq=False)
class Outcome:
    """A solved programme as a sponsor reads it.

    ``figures`` are :func:`revmatch.reporting.summary.pair_figures` of the pairs; ``matched`` the ids
    of everyone in at least one pair (either side); ``seconds`` the time the solve took.
    """

    status: Status
    objective: float
    figures: dict[str, float | int | None]
    matched: frozenset[str]
    seconds: float


def outcome_of(result: MatchResult, seconds: float | None = None) -> Outcome:
    """The outcome of a finished match (its time: ``seconds``, else the sum of its stages)."""
    spent = sum(result.timings.values()) if seconds is None else seconds
    return _outcome(result.scores, result.assignment.pairs, result.status, result.objective, spent)


def solve_outcome(workforce: Workforce, program: Program, *, tuning: Tuning | None = None) -> Outcome:
    """Solve ``program`` as :func:`revmatch.match` does (same route, same pairs) and read its figures.

    Raises what ``match`` raises: :class:`~revmatch.errors.InfeasibleError` when the rules cannot all
    hold, :class:`~revmatch.errors.UnknownPersonError` for a forbidden pair naming someone unknown.
    """
    start = time.perf_counter()
    check_forbidden(workforce, program)
    program, _ = with_stated(workforce, program, None)  # musts locked, as match locks them
    route = "dense" if unsupported_settings(program, locks=True) else "sparse"
    scores, assignment, _ = solved(workforce, program, route, None, None, tuning, None)
    return _outcome(scores, assignment.pairs, assignment.status, assignment.objective, time.perf_counter() - start)


def _outcome(scores: PairScores, pairs, status: Status, objective: float, seconds: float) -> Outcome:
    rows = np.array([p[0] for p in pairs], dtype=np.int64)
    cols = np.array([p[1] for p in pairs], dtype=np.int64)
    people = set(scores.mentor_ids[rows].tolist()) | set(scores.mentee_ids[cols].tolist())
    return Outcome(status, float(objective), pair_figures(scores, pairs), frozenset(map(str, people)), seconds)


def with_preferences(program: Program, preferences) -> Program:
    """The programme with the participants' stated preferences, as ``match`` would solve it.

    ``preferences`` is what :func:`revmatch.read_preferences` returns (or a file or table it reads);
    the programme that every what-if and every objective is solved with carries them, so ``avoid``
    holds, musts are locked and ranks weigh in each of those solves as in ``match``.
    """
    if preferences is None:
        return program
    if not isinstance(preferences, Preferences):
        preferences = read_preferences(preferences)
    return program.model_copy(update={"preferences": preferences})
