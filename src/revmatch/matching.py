"""The pipeline a user calls: workforce + programme → scores → optimal pairs → explained result."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from .constraints import solver_rules
from .explain import PairExplanation, explain_pairs, pairs_frame, unmatched_frame
from .models import Program, Workforce
from .scoring import Scores, score
from .solver import Assignment, Status, solve


@dataclass(frozen=True, eq=False)
class MatchResult:
    """The outcome of :func:`match`: explained pairs, unmatched people with reasons, status and timings.

    ``pairs`` has one row per pair (``mentor_id``, ``mentee_id``, ``score``, ``forward``,
    ``backward``, ``reason``); ``unmatched`` one row per opted-in person with no pair
    (``employee_id``, ``role``, ``reason``). ``objective`` is the total score; the true optimum is at
    most ``bound``. ``timings`` holds seconds per stage.
    """

    pairs: pd.DataFrame
    unmatched: pd.DataFrame
    status: Status
    objective: float
    bound: float
    engine: str
    tolerance: float
    timings: dict[str, float]
    program: Program = field(repr=False)
    workforce: Workforce = field(repr=False)
    scores: Scores = field(repr=False)
    assignment: Assignment = field(repr=False)
    explanations: tuple[PairExplanation, ...] = field(repr=False, default=())

    @property
    def gap(self) -> float:
        return self.bound - self.objective

    @property
    def solve_time(self) -> float:
        return self.timings["solve"]

    def explain(self, mentor_id: str, mentee_id: str) -> PairExplanation:
        """Why a pair scores what it does — for a made pair, or any opted-in mentor and mentee."""
        i = np.flatnonzero(self.scores.mentor_ids == str(mentor_id))
        j = np.flatnonzero(self.scores.mentee_ids == str(mentee_id))
        if not len(i) or not len(j):
            side, who = ("mentor", mentor_id) if not len(i) else ("mentee", mentee_id)
            raise KeyError(f"{who!r} did not opt in as a {side} (or is not in the workforce)")
        made = self._explanation_of.get((str(mentor_id), str(mentee_id)))
        if made is not None:
            return made
        return explain_pairs(self.workforce, self.scores, i[:1], j[:1], paired=False)[0]

    @cached_property
    def _explanation_of(self) -> dict[tuple[str, str], PairExplanation]:
        return {(e.mentor_id, e.mentee_id): e for e in self.explanations}

    def summary(self) -> dict[str, float | int | str | None]:
        """Headline figures (see :func:`revmatch.report.summary`) plus ``seconds`` for the whole match."""
        from .report import summary  # the report sits downstream of the result it describes

        return summary(self) | {"seconds": sum(self.timings.values())}

    def to_html(self, title: str = "revmatch report") -> str:
        """The self-contained HTML report (see :func:`revmatch.report.to_html`)."""
        from .report import to_html

        return to_html(self, title)

    def _repr_html_(self) -> str:
        """Notebooks show the report."""
        return self.to_html()

    def __repr__(self) -> str:
        return (f"MatchResult(status={self.status!s}, pairs={len(self.pairs)}, unmatched={len(self.unmatched)}, "
                f"objective={self.objective:g}, engine={self.engine})")


def match(workforce: Workforce, program: Program | None = None) -> MatchResult:
    """Pair mentors and mentees optimally under a programme and explain every decision.

    Scores every opted-in mentor × mentee (:func:`revmatch.score`), solves the programme's objective
    exactly under its locks and quotas (:func:`revmatch.solve`), then explains each pair and each
    unmatched person.

    Raises
    ------
    InfeasibleError
        The rules cannot all hold; the error names each conflicting rule and the people involved.

    Examples
    --------
    >>> import revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(300, seed=1), rm.Program(min_level_gap=2))
    >>> result.status
    <Status.OPTIMAL: 'optimal'>
    """
    program = program or Program()
    timings = {}
    t = time.perf_counter()
    scores = score(workforce, program)
    timings["score"] = time.perf_counter() - t
    t = time.perf_counter()
    rules = solver_rules(workforce, program, scores)
    assignment = solve(scores.matrix, scores.allowed, scores.mentor_capacity, scores.mentee_capacity,
                       objective=program.objective, locked=rules.locked, lock_labels=rules.lock_labels,
                       mentee_quota=rules.mentee_quota, pair_cap=rules.pair_cap, time_limit=program.time_limit)
    timings["solve"] = time.perf_counter() - t
    t = time.perf_counter()
    rows = np.array([p[0] for p in assignment.pairs], dtype=np.int64)
    cols = np.array([p[1] for p in assignment.pairs], dtype=np.int64)
    explanations = explain_pairs(workforce, scores, rows, cols)
    pairs = pairs_frame(explanations, tuple(scores.parts))
    unmatched = unmatched_frame(workforce, program, scores, assignment)
    timings["explain"] = time.perf_counter() - t
    return MatchResult(
        pairs=pairs, unmatched=unmatched, status=assignment.status, objective=assignment.objective,
        bound=assignment.bound, engine=assignment.engine, tolerance=assignment.tolerance, timings=timings,
        program=program, workforce=workforce, scores=scores, assignment=assignment,
        explanations=tuple(explanations),
    )
