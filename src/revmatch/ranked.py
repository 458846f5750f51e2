"""The objectives stated ranks drive: ``rank_maximal`` (most first choices, then second, …) and ``stable``.

Both run on the dense scores around the programme's locks (admin locks and honoured musts): the
locked pairs are made, their places taken, and the rest is solved by the engine —
:func:`revmatch.engine.lexicographic.lexicographic_matching` (one exact stage per rank, then the
total) or :func:`revmatch.engine.stable.deferred_acceptance` (mentees proposing).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .engine import Assignment
from .engine.lexicographic import lexicographic_matching
from .engine.stable import stable_assignment
from .errors import ConfigError, InfeasibleError
from .models import Workforce
from .program import Program
from .scoring import PairScores

STATED_OBJECTIVES = ("rank_maximal", "stable")
UNRANKED = np.iinfo(np.int32).max  # after every stated rank


def stated_ranks(workforce: Workforce, program: Program, scores: PairScores) -> tuple[np.ndarray, np.ndarray]:
    """Two mentors × mentees matrices of stated ranks (0: none): the mentor's rank of the mentee, and
    the mentee's rank of the mentor."""
    by_mentor = np.zeros(scores.shape, dtype=np.int64)
    by_mentee = np.zeros(scores.shape, dtype=np.int64)
    if program.preferences is None:
        return by_mentor, by_mentee
    who, whom, kind, rank = program.preferences.statements(workforce.ids)
    pick = kind == 0
    row_of = np.full(len(workforce), -1)
    row_of[scores.mentor_rows] = np.arange(scores.shape[0])
    col_of = np.full(len(workforce), -1)
    col_of[scores.mentee_rows] = np.arange(scores.shape[1])
    a, b, r = who[pick], whom[pick], rank[pick]
    # The author as mentor ranks a mentee; the author as mentee ranks a mentor.
    fit = (row_of[a] >= 0) & (col_of[b] >= 0)
    by_mentor[row_of[a[fit]], col_of[b[fit]]] = r[fit]
    fit = (row_of[b] >= 0) & (col_of[a] >= 0)
    by_mentee[row_of[b[fit]], col_of[a[fit]]] = r[fit]
    return by_mentor, by_mentee


def solve_stated(
    workforce: Workforce, program: Program, scores: PairScores, locked: list[tuple[int, int]], quota
) -> Assignment:
    """The ``rank_maximal`` or ``stable`` pairs around the locks (``locked``: matrix positions)."""
    if quota is not None or program.priority_first:
        raise ConfigError(f"the {program.objective!r} objective takes no quotas and no priority_first")
    w, allowed = scores.matrix, scores.allowed
    locks = np.array(locked, dtype=np.int64).reshape(-1, 2)
    row_left = scores.mentor_capacity - np.bincount(locks[:, 0], minlength=w.shape[0])
    col_left = scores.mentee_capacity - np.bincount(locks[:, 1], minlength=w.shape[1])
    over = [f"locks on mentor {scores.mentor_ids[i]} exceed their capacity" for i in np.flatnonzero(row_left < 0)]
    over += [f"locks on mentee {scores.mentee_ids[j]} exceed their capacity" for j in np.flatnonzero(col_left < 0)]
    if over:
        raise InfeasibleError(over)
    free = allowed.copy()
    free[locks[:, 0], locks[:, 1]] = False
    by_mentor, by_mentee = stated_ranks(workforce, program, scores)
    if program.objective == "rank_maximal":
        rows, cols = np.nonzero(free)
        stages = [
            (by_mentor[rows, cols] == r).astype(np.int64) + (by_mentee[rows, cols] == r)
            for r in np.unique(np.concatenate([by_mentor[free], by_mentee[free]]))
            if r > 0
        ]
        result = lexicographic_matching(w.shape, rows, cols, stages, w[rows, cols], row_left, col_left)
    else:
        result = _stable(w, free, by_mentor, by_mentee, row_left, col_left)
    made = [(int(i), int(j)) for i, j in locks]
    extra = float(sum(w[i, j] for i, j in made))
    return replace(
        result, pairs=sorted(result.pairs + made), objective=result.objective + extra, bound=result.bound + extra
    )


def _stable(w, free, by_mentor, by_mentee, row_left, col_left) -> Assignment:
    """Deferred acceptance on the free pairs; each side orders partners by stated rank, then score, then index."""
    n_rows, n_cols = w.shape
    stated_mentee = np.where(by_mentee > 0, by_mentee, UNRANKED)
    stated_mentor = np.where(by_mentor > 0, by_mentor, UNRANKED)
    # Each mentee's mentors, best first (a column sort); not allowed pairs go last and are cut off.
    index = np.broadcast_to(np.arange(n_rows)[:, None], w.shape)
    order = np.lexsort((index, -w, stated_mentee, ~free), axis=0)
    counts = free.sum(axis=0)
    start = np.concatenate([[0], np.cumsum(counts)])
    choices = np.concatenate([order[: counts[j], j] for j in range(n_cols)]) if n_cols else np.zeros(0, np.int64)
    # Each mentor's ranking of the mentees: their position in the mentor's order.
    index = np.broadcast_to(np.arange(n_cols)[None, :], w.shape)
    by_row = np.lexsort((index, -w, stated_mentor), axis=1)
    mentor_rank = np.empty(w.shape, dtype=np.int64)
    np.put_along_axis(mentor_rank, by_row, np.broadcast_to(np.arange(n_cols), w.shape), axis=1)
    return stable_assignment(start, choices.astype(np.int64), mentor_rank, row_left, col_left, w)
