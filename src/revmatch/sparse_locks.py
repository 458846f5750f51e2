"""Locks on the sparse route: the locked pairs are made first, their places taken, the rest solved tile by tile.

The dense engine solves around locks the same way (:func:`revmatch.solve`): a locked pair is made,
each of its two people has one place fewer, the pair leaves the problem, and the rest is the plain
``total`` b-matching — which the sparse route solves, proved optimal by pricing. Admin locks and the
participants' honoured ``must`` statements therefore no longer force the dense route.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from .constraints import locked_positions
from .errors import InfeasibleError, InputError, Problem
from .models import Workforce
from .program import Program
from .rules import capacities, participants
from .scoring import score_block
from .sparse import SparseAssignment, sparse_assignment


@dataclass(frozen=True)
class _People:
    """Who takes each side, as :func:`revmatch.constraints.locked_positions` reads a match's scores."""

    mentor_ids: np.ndarray
    mentee_ids: np.ndarray
    mentor_rows: np.ndarray
    mentee_rows: np.ndarray


def sparse_with_locks(workforce: Workforce, program: Program, **options) -> SparseAssignment:
    """:func:`revmatch.sparse.sparse_assignment` for a programme with ``locked`` pairs (checked and named
    as on the dense route); ``options`` go to it unchanged."""
    mentor_rows, mentee_rows = participants(workforce, program)
    ids = workforce.ids
    people = _People(ids[mentor_rows], ids[mentee_rows], mentor_rows, mentee_rows)
    positions, labels = locked_positions(workforce, program, people)  # type: ignore[arg-type]
    locks = np.array(positions, dtype=np.int64).reshape(-1, 2)
    if len(np.unique(locks, axis=0)) != len(locks):
        raise InputError([Problem("program", None, "locked", "a pair is locked twice")])
    row_cap = capacities(workforce, program, "mentor")[mentor_rows]
    col_cap = capacities(workforce, program, "mentee")[mentee_rows]
    row_left = row_cap - np.bincount(locks[:, 0], minlength=len(mentor_rows))
    col_left = col_cap - np.bincount(locks[:, 1], minlength=len(mentee_rows))
    # Worded as the dense engine words it (revmatch.solve), so both routes name a conflict alike.
    over = [
        f"{int(np.sum(locks[:, axis] == line))} locks on {side} {line} exceed its capacity {cap[line]}: "
        + "; ".join(labels[k] for k in np.flatnonzero(locks[:, axis] == line))
        for side, axis, cap, left in (("mentor row", 0, row_cap, row_left), ("mentee column", 1, col_cap, col_left))
        for line in np.flatnonzero(left < 0)
    ]
    if over:
        raise InfeasibleError(over)
    # The rest: each person's places left, the locked pairs out of the problem.
    run = program.model_copy(
        update={
            "locked": (),
            "forbidden": tuple(dict.fromkeys((*program.forbidden, *program.locked))),
            "mentor_capacity": dict(zip(people.mentor_ids.tolist(), row_left.tolist())),
            "mentee_capacity": dict(zip(people.mentee_ids.tolist(), col_left.tolist())),
        }
    )
    rest = sparse_assignment(workforce, run, **options)
    return _with_locks(rest, workforce, program, locks, row_cap, col_cap)


def _with_locks(
    rest: SparseAssignment, workforce: Workforce, program: Program, locks: np.ndarray, row_cap, col_cap
) -> SparseAssignment:
    """The locked pairs added to the pairs, the total, the kept scores and each line's best scores."""
    scores = score_block(
        workforce, program, rest.mentor_rows[locks[:, 0]], rest.mentee_rows[locks[:, 1]], with_parts=False, aligned=True
    )[0]
    extra = float(scores.sum())
    assignment = replace(
        rest.assignment,
        pairs=sorted(rest.assignment.pairs + [(int(i), int(j)) for i, j in locks]),
        objective=rest.assignment.objective + extra,
        bound=rest.assignment.bound + extra,
    )
    if rest.scores is not None:  # the kept scores held the locked pairs as forbidden
        rest.scores[locks[:, 0], locks[:, 1]] = scores
    mentor_top, mentee_top = rest.mentor_top, rest.mentee_top
    if mentor_top is not None and mentee_top is not None:
        mentor_top, mentee_top = mentor_top.copy(), mentee_top.copy()
        for (i, j), s in zip(locks.tolist(), scores.tolist()):
            if s > 0:  # a line's best allowed positive scores now include its locked pair
                mentor_top[i] = np.sort(np.append(mentor_top[i], s))[::-1][: mentor_top.shape[1]]
                mentee_top[j] = np.sort(np.append(mentee_top[j], s))[::-1][: mentee_top.shape[1]]
    return replace(
        rest,
        assignment=assignment,
        mentor_capacity=row_cap,
        mentee_capacity=col_cap,
        mentor_top=mentor_top,
        mentee_top=mentee_top,
    )
