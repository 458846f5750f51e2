"""The pipeline a user calls: workforce + programme → scores → optimal pairs → explained result."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from .constraints import solver_rules
from .engine import Assignment, Status, Tuning, solve
from .errors import ConfigError, InfeasibleError, UnknownPersonError
from .explain import PairExplanation, explain_pairs, pairs_frame
from .models import Workforce
from .preferences import Preferences, read_preferences
from .program import Program
from .ranked import STATED_OBJECTIVES, solve_stated
from .rules import RULE_WORDS, check_forbidden, how_to_allow, rule_masks
from .scoring import BlockScores, PairScores, part_weights, score
from .sparse import sparse_assignment, unsupported_settings
from .sparse_locks import sparse_with_locks
from .stated import VoiceReport, must_locks, voice_report, with_stated_reasons
from .unmatched import unmatched_frame


@dataclass(frozen=True, eq=False)
class MatchResult:
    """The outcome of :func:`match`: explained pairs, unmatched people with reasons, status and timings.

    ``pairs`` has one row per pair (``mentor_id``, ``mentee_id``, ``score``, ``forward``,
    ``backward``, a column per soft preference in use, ``reason``); ``unmatched`` one row per
    opted-in person with no pair: ``employee_id``, ``role``, ``reason``, ``waitlist_rank`` (their
    place in the queue of the waitlisted, 1 = first to get a place; empty if not waitlisted) and
    ``waitlist_side`` (the side of that queue, ``mentor`` or ``mentee``; empty if none) — see
    :func:`revmatch.unmatched.unmatched_frame`. ``objective`` is the total score; the true optimum is
    at most ``bound``. ``timings`` holds seconds per stage.
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
    scores: PairScores = field(repr=False)
    assignment: Assignment = field(repr=False)
    explanations: tuple[PairExplanation, ...] = field(repr=False, default=())
    voice: VoiceReport | None = field(repr=False, default=None)  # how stated preferences were met

    @property
    def gap(self) -> float:
        return self.bound - self.objective

    @property
    def solve_time(self) -> float:
        return self.timings["solve"]

    def explain(self, mentor_id: str, mentee_id: str) -> PairExplanation:
        """Why a pair scores what it does — for a made pair, or any opted-in mentor and mentee."""
        i, j = self._position(mentor_id, mentee_id)
        made = self._explanation_of.get((str(mentor_id), str(mentee_id)))
        if made is not None:
            return made
        return explain_pairs(self.workforce, self.scores, np.array([i]), np.array([j]), paired=False)[0]

    @cached_property
    def _explanation_of(self) -> dict[tuple[str, str], PairExplanation]:
        return {(e.mentor_id, e.mentee_id): e for e in self.explanations}

    def summary(self) -> dict[str, float | int | str | None]:
        """Headline figures (see :func:`revmatch.reporting.summary`) plus ``seconds`` for the whole match."""
        from .reporting.summary import summary  # reporting reads a finished result: imported when asked

        return summary(self) | {"seconds": sum(self.timings.values())}

    def to_html(self, title: str = "revmatch report", *, fragment: bool = False) -> str:
        """The self-contained HTML report (see :func:`revmatch.reporting.to_html`)."""
        from .reporting.report import to_html

        return to_html(self, title, fragment=fragment)

    def why_not(self, mentor_id: str, mentee_id: str) -> WhyNot:
        """Why a pair was not made: the hard rule that forbids it, or the exact cost of forcing it.

        The cost is found by solving the programme again with the pair locked (same rules, same
        objective), so it is exact; the pairs that forcing it would undo are listed by id.
        """
        i, j = self._position(mentor_id, mentee_id)
        m, e = str(mentor_id), str(mentee_id)
        if (i, j) in set(self.assignment.pairs):
            return WhyNot(m, e, True, (), 0.0, self.objective, (), (), f"{m} → {e} is already a pair")
        mentor, mentee = int(self.scores.mentor_rows[i]), int(self.scores.mentee_rows[j])
        masks = rule_masks(self.workforce, self.program, np.array([mentor]), np.array([mentee]))
        rules = [rule for rule, ok in masks.items() if not ok[0, 0]]
        if rules:
            hints = [
                f"{RULE_WORDS[r]} ({how_to_allow(self.workforce, self.program, r, mentor, mentee)})" for r in rules
            ]
            broken = tuple(RULE_WORDS[r] for r in rules)
            return WhyNot(m, e, False, broken, None, None, (), (), f"{m} → {e} is not allowed: {'; '.join(hints)}")
        forced = self.program.model_copy(update={"locked": (*self.program.locked, (m, e))})
        try:
            other = solve_program(self.workforce, forced, self.scores)
        except InfeasibleError as exc:
            return WhyNot(
                m, e, False, (), None, None, (), (), f"{m} → {e} cannot be forced: " + "; ".join(exc.conflicts)
            )
        ids = lambda pairs: {(str(self.scores.mentor_ids[a]), str(self.scores.mentee_ids[b])) for a, b in pairs}
        before, after = ids(self.assignment.pairs), ids(other.pairs)
        undone, made = tuple(sorted(before - after)), tuple(sorted(after - before - {(m, e)}))
        cost = self.objective - other.objective
        text = (
            f"forcing {m} → {e} would change the total score by {0.0 - cost:+g} ({self.objective:g} → "
            f"{other.objective:g})"
        )
        if undone:
            text += "; undone: " + ", ".join(f"{a} → {b}" for a, b in undone)
        if made:
            text += "; made instead: " + ", ".join(f"{a} → {b}" for a, b in made)
        return WhyNot(m, e, False, (), cost, other.objective, undone, made, text)

    def _position(self, mentor_id: str, mentee_id: str) -> tuple[int, int]:
        i = np.flatnonzero(self.scores.mentor_ids == str(mentor_id))
        j = np.flatnonzero(self.scores.mentee_ids == str(mentee_id))
        if not len(i) or not len(j):
            side, who = ("mentor", mentor_id) if not len(i) else ("mentee", mentee_id)
            raise UnknownPersonError(f"{who!r} did not opt in as a {side} (or is not in the workforce)")
        return int(i[0]), int(j[0])

    def _repr_html_(self) -> str:
        """Notebooks show the report, as a fragment whose styles stay inside its cell."""
        return self.to_html(fragment=True)

    def __repr__(self) -> str:
        return (
            f"MatchResult(status={self.status!s}, pairs={len(self.pairs)}, unmatched={len(self.unmatched)}, "
            f"objective={self.objective:g}, engine={self.engine})"
        )


@dataclass(frozen=True)
class WhyNot:
    """Why a pair is not in the result: ``broken_rules`` if a hard rule forbids it, else what forcing
    it would cost (``cost`` = total score lost) and which pairs it would undo or bring in."""

    mentor_id: str
    mentee_id: str
    paired: bool
    broken_rules: tuple[str, ...]
    cost: float | None
    objective_if_forced: float | None
    undone: tuple[tuple[str, str], ...]
    made_instead: tuple[tuple[str, str], ...]
    text: str

    def __str__(self) -> str:
        return self.text


def solve_program(
    workforce: Workforce, program: Program, scores: PairScores, tuning: Tuning | None = None
) -> Assignment:
    """The programme's objective under its locks and quotas, on already computed scores."""
    rules = solver_rules(workforce, program, scores)
    if program.objective in STATED_OBJECTIVES:
        return solve_stated(workforce, program, scores, rules.locked, rules.mentee_quota or rules.pair_cap)
    first = None
    if program.priority_first:  # the priority people first: the most of them paired, then the total
        favoured = set(program.priority)
        first = (
            np.array([i in favoured for i in scores.mentor_ids.tolist()], dtype=bool),
            np.array([i in favoured for i in scores.mentee_ids.tolist()], dtype=bool),
        )
    return solve(
        scores.matrix,
        scores.allowed,
        scores.mentor_capacity,
        scores.mentee_capacity,
        objective=program.objective,
        locked=rules.locked,
        lock_labels=rules.lock_labels,
        mentee_quota=rules.mentee_quota,
        pair_cap=rules.pair_cap,
        time_limit=program.time_limit,
        # The dense kernel may pick another of equal optima: keep the sparse route's tie rule.
        tuning=replace(tuning or Tuning(), dense_kernel=False),
        first=first,
    )


ROUTES = ("auto", "dense", "sparse")


def match(
    workforce: Workforce,
    program: Program | None = None,
    *,
    preferences=None,
    route: str = "auto",
    progress: Callable[[str], None] | None = None,
    client=None,
    tuning: Tuning | None = None,
    memory_limit: int | None = None,
) -> MatchResult:
    """Pair mentors and mentees optimally under a programme and explain every decision.

    Scores every opted-in mentor × mentee, solves the programme's objective exactly under its locks
    and quotas, then explains each pair and each unmatched person. Two routes give the same pairs:

    * ``"dense"`` scores the whole matrix (:func:`revmatch.score`) and solves it (:func:`revmatch.solve`);
    * ``"sparse"`` (:func:`revmatch.sparse.sparse_assignment`) scores tile by tile and keeps only each
      person's best pairs, in memory linear in the people: for large programmes with the ``total``
      objective and no quotas (locks and ``must`` statements are made first, the rest solved around them);
    * ``"auto"`` takes the sparse route whenever the programme allows it (it was as fast or faster
      at every size measured: the docs' Scale and benchmarks page), the dense one otherwise.

    ``preferences`` (:func:`revmatch.read_preferences`, or what it reads) are the participants' stated
    choices: ``avoid`` is a hard rule, each ``must`` is locked when the rules and capacities allow it
    (``result.voice.musts`` says why not otherwise), ranks add ``Program.preference_weight`` points
    or drive the ``rank_maximal`` and ``stable`` objectives; ``result.voice`` reports how they were
    met. ``progress`` (sparse route) is called with a one-line message after each stage. With a Dask
    ``client`` the sparse route computes its candidates on the cluster
    (:func:`revmatch.candidates.candidate_arcs`). ``tuning`` turns the engine's knobs
    (:class:`revmatch.engine.Tuning`); ``memory_limit`` is the bytes the match may count on
    (default: what the system reports free).

    Raises
    ------
    InfeasibleError
        The rules cannot all hold; the error names each conflicting rule and the people involved.
    ConfigError
        ``route="sparse"`` for a programme it does not solve, or an unknown route.
    ResourceError
        The dense route would not fit in memory (the message gives the sizes).

    Examples
    --------
    >>> import revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(300, seed=1), rm.Program(min_level_gap=2))
    >>> result.status
    <Status.OPTIMAL: 'optimal'>
    """
    program = program or Program()
    if route not in ROUTES:
        raise ConfigError(f"route must be one of {', '.join(ROUTES)}, got {route!r}")
    check_forbidden(workforce, program)
    program, musts = with_stated(workforce, program, preferences)
    if route == "auto":
        route = "dense" if unsupported_settings(program, locks=True) else "sparse"
    scores, assignment, timings = solved(workforce, program, route, progress, client, tuning, memory_limit)
    t = time.perf_counter()
    explanations, pairs, unmatched, voice = _explained(workforce, program, scores, assignment, musts)
    timings["explain"] = time.perf_counter() - t
    if progress:
        progress(f"explained {len(pairs)} pairs and {len(unmatched)} unmatched people in {timings['explain']:.1f} s")
    return MatchResult(
        pairs=pairs,
        unmatched=unmatched,
        status=assignment.status,
        objective=assignment.objective,
        bound=assignment.bound,
        engine=assignment.engine,
        tolerance=assignment.tolerance,
        timings=timings,
        program=program,
        workforce=workforce,
        scores=scores,
        assignment=assignment,
        explanations=tuple(explanations),
        voice=voice,
    )


def _explained(workforce: Workforce, program: Program, scores: PairScores, assignment: Assignment, musts: pd.DataFrame):
    """Every pair explained, every unmatched person's reason, and how the stated preferences were met."""
    rows = np.array([p[0] for p in assignment.pairs], dtype=np.int64)
    cols = np.array([p[1] for p in assignment.pairs], dtype=np.int64)
    explanations = with_stated_reasons(explain_pairs(workforce, scores, rows, cols), program)
    pairs = pairs_frame(explanations, tuple(part_weights(program)))
    unmatched = unmatched_frame(workforce, program, scores, assignment)
    voice = None
    if program.preferences is not None:
        total = None
        if program.objective in STATED_OBJECTIVES:  # what meeting the statements costs in total score
            total = solve_program(workforce, program.model_copy(update={"objective": "total"}), scores).objective
        voice = voice_report(workforce, program, scores, assignment, musts, total)
    return explanations, pairs, unmatched, voice


def with_stated(workforce: Workforce, program: Program, preferences) -> tuple[Program, pd.DataFrame]:
    """The programme with the stated preferences (given here or already in it) and its musts locked."""
    if preferences is not None:
        if not isinstance(preferences, Preferences):
            preferences = read_preferences(preferences)
        program = program.model_copy(update={"preferences": preferences})
    if program.preferences is None:
        if program.objective in STATED_OBJECTIVES:
            raise ConfigError(f"the {program.objective!r} objective needs stated preferences: pass preferences=")
        return program, pd.DataFrame()
    program.preferences.check_people(workforce.ids)
    return must_locks(workforce, program)


def solved(
    workforce: Workforce,
    program: Program,
    route: str,
    progress,
    client,
    tuning: Tuning | None,
    memory_limit: int | None,
) -> tuple[PairScores, Assignment, dict[str, float]]:
    """Scores and the optimal assignment by one route, with the seconds of each stage."""
    t = time.perf_counter()
    if route == "sparse":
        solver = sparse_with_locks if program.locked else sparse_assignment  # locks made first, then the rest
        sparse = solver(workforce, program, progress=progress, client=client, tuning=tuning, memory_limit=memory_limit)
        assert sparse.mentor_top is not None and sparse.mentee_top is not None  # the candidate pass sets them
        scores = BlockScores(
            workforce,
            program,
            sparse.mentor_rows,
            sparse.mentee_rows,
            sparse.mentor_top,
            sparse.mentee_top,
            sparse.scores,
        )
        seconds = sparse.timings["candidates"], sparse.timings["total"] - sparse.timings["candidates"]
        return scores, sparse.assignment, dict(zip(("score", "solve"), seconds))
    dense = score(workforce, program, memory_limit=memory_limit)
    t_score = time.perf_counter() - t
    assignment = solve_program(workforce, program, dense, tuning)
    return dense, assignment, {"score": t_score, "solve": time.perf_counter() - t - t_score}
