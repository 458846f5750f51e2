"""Capacitated deferred acceptance: a pairwise-stable many-to-many matching, mentees proposing.

Each mentee proposes to the mentors on their list in order while they have a free place; each mentor
holds the best proposals up to their capacity (by their own ranking) and rejects the rest, who
propose further. With responsive preferences (a person's ranking of partners one by one) the outcome
is pairwise stable — no mentor and mentee both prefer each other to a partner they hold or to an
empty place — and, one-to-one or many-to-one, the best stable matching for every mentee (Gale and
Shapley 1962; Roth and Sotomayor 1990).
"""

from __future__ import annotations

import heapq
import time
from collections import deque

import numpy as np

from .assignment import Assignment, Status


def deferred_acceptance(
    start: np.ndarray,
    choices: np.ndarray,
    mentor_rank: np.ndarray,
    row_capacity: np.ndarray,
    col_capacity: np.ndarray,
) -> list[tuple[int, int]]:
    """Mentee-proposing deferred acceptance with capacities on both sides.

    Parameters
    ----------
    start, choices : array of int
        Each mentee's acceptable mentors, best first: mentee ``j``'s are
        ``choices[start[j]:start[j + 1]]`` (a CSR list).
    mentor_rank : array of int, shape (n_mentors, n_mentees)
        Mentor ``i``'s ranking of mentee ``j`` (lower is better; read only where ``j`` proposes to ``i``).
    row_capacity, col_capacity : array of int
        Most mentees per mentor, most mentors per mentee.

    Returns
    -------
    list of (row, col)
        The pairs, sorted.
    """
    n_cols = len(start) - 1
    held: list[list[tuple[int, int]]] = [[] for _ in range(len(row_capacity))]  # max-heap by rank: (-rank, j)
    nxt = start[:-1].astype(np.int64).copy()
    holding = np.zeros(n_cols, np.int64)
    queue = deque(j for j in range(n_cols) if col_capacity[j] > 0)
    waiting = np.zeros(n_cols, dtype=bool)
    waiting[list(queue)] = True
    while queue:
        j = queue.popleft()
        waiting[j] = False
        while holding[j] < col_capacity[j] and nxt[j] < start[j + 1]:
            i = int(choices[nxt[j]])
            nxt[j] += 1
            cap = int(row_capacity[i])
            if cap == 0:
                continue
            rank = int(mentor_rank[i, j])
            if len(held[i]) < cap:
                heapq.heappush(held[i], (-rank, j))
                holding[j] += 1
            elif -held[i][0][0] > rank:  # i prefers j to the worst mentee it holds
                _, out = heapq.heapreplace(held[i], (-rank, j))
                holding[j] += 1
                holding[out] -= 1
                if not waiting[out]:
                    queue.append(out)
                    waiting[out] = True
    return sorted((i, j) for i, heap in enumerate(held) for _, j in heap)


def stable_assignment(start, choices, mentor_rank, row_capacity, col_capacity, scores: np.ndarray) -> Assignment:
    """:func:`deferred_acceptance` as an :class:`Assignment`; ``scores`` (n_mentors × n_mentees) give its total."""
    began = time.perf_counter()
    pairs = deferred_acceptance(start, choices, mentor_rank, row_capacity, col_capacity)
    total = float(sum(scores[i, j] for i, j in pairs))
    return Assignment(
        pairs, total, total, Status.OPTIMAL, "deferred_acceptance", time.perf_counter() - began, 0.0, arcs=len(choices)
    )
