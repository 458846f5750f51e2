"""What a solve returns, and the group rules it takes: plain records, no behaviour."""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np


class Status(StrEnum):
    """Outcome of a solve; compares equal to its lower-case name (``status == "optimal"``)."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"


@dataclass(frozen=True)
class Assignment:
    """Pairs chosen by a solve, as ``(row, col)`` positions in the score matrix, sorted.

    ``objective`` is always the total score of the pairs; ``bound`` an upper bound on the best total
    the objective allows (for ``coverage``/``fair``: among the matchings that are best on the first
    criteria). ``gap = bound − objective``.
    """

    pairs: list[tuple[int, int]]
    objective: float
    bound: float
    status: Status
    engine: str
    solve_time: float
    tolerance: float
    rounds: int = 1  # solves on a growing candidate set until the duals proved optimality
    arcs: int = 0  # candidate arcs in the last solve
    warm_starts: int = 0  # solves that started from the last flow and potentials instead of from scratch

    @property
    def gap(self) -> float:
        """``bound − objective``: how far the result may be from the best possible total."""
        return self.bound - self.objective


def rescaled(result: Assignment, exponent: int) -> Assignment:
    """A result solved on scores × 2**-exponent, its totals back in the scores' own units (exact in binary)."""
    if not exponent:
        return result
    return replace(
        result,
        objective=float(np.ldexp(result.objective, exponent)),
        bound=float(np.ldexp(result.bound, exponent)),
        tolerance=float(np.ldexp(result.tolerance, exponent)),
    )


@dataclass(frozen=True)
class MenteeQuota:
    """At least ``least[g]`` distinct mentees of group ``g`` are matched (``group`` per mentee, -1 = none)."""

    group: np.ndarray
    least: np.ndarray
    names: tuple[str, ...]


@dataclass(frozen=True)
class GroupPairCap:
    """At most ``limit`` pairs between any mentor group and any mentee group (-1 = no group)."""

    row_group: np.ndarray
    col_group: np.ndarray
    limit: int
    row_names: tuple[str, ...]
    col_names: tuple[str, ...]
