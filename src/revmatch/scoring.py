r"""Pure numpy scoring: workforce + programme → pair scores, their parts, and the allowed mask.

Rows are the people who opted in as mentors, columns those who opted in as mentees, both in
``employee_id`` order. For mentor :math:`i`, mentee :math:`j`, skills :math:`s`, proficiency
:math:`p` and need :math:`q` (integers 0–5):

.. math::

    \mathrm{forward}_{ij}  = \sum_s q_{js}\,\max(0,\ p_{is} - p_{js}) \qquad
    \mathrm{backward}_{ij} = \sum_s q_{is}\,\max(0,\ p_{js} - p_{is})

    \mathrm{score}_{ij} = w_f\,\mathrm{forward}_{ij} + w_b\,\mathrm{backward}_{ij}

Forward is what the (junior) mentor can teach on the (senior) mentee's needs; backward is what the
senior gives back on the junior's needs. Each term is "need × how far ahead the other person is",
so a point is one level of proficiency gap on one level of need. Because proficiency is an integer,
:math:`\max(0, a-b) = \sum_{t=1}^{5} [a \ge t]\,[b < t]`, and each direction is one matrix product
of indicator blocks — no loop over pairs, and exact (integers in float32 up to 2**24).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np

from .complementarity import hinge_blocks, score_parts
from .engine.arrays import take
from .engine.mincost import score_grain
from .models import Workforce
from .preferences import pair_values, preference_grain
from .program import Program
from .resources import require_memory
from .rules import PairAttributes, capacities, participants, rule_masks
from .validate import MAX_SCALE


class PairScores(Protocol):
    """What explanations, diagnosis and reports ask of a match's scores, whichever route made them.

    :class:`Scores` (the dense route) holds every matrix; :class:`BlockScores` (the sparse route)
    answers block by block and densifies ``matrix``/``allowed``/``parts`` only when asked.
    Positions are rows (mentors) and columns (mentees) of the mentors × mentees problem.
    """

    @property
    def shape(self) -> tuple[int, int]: ...
    @property
    def mentor_ids(self) -> np.ndarray: ...
    @property
    def mentee_ids(self) -> np.ndarray: ...
    @property
    def mentor_rows(self) -> np.ndarray: ...
    @property
    def mentee_rows(self) -> np.ndarray: ...
    @property
    def mentor_capacity(self) -> np.ndarray: ...
    @property
    def mentee_capacity(self) -> np.ndarray: ...
    @property
    def weights(self) -> dict[str, float]: ...
    @property
    def matrix(self) -> np.ndarray: ...
    @property
    def allowed(self) -> np.ndarray: ...
    @property
    def parts(self) -> dict[str, np.ndarray]: ...

    def pair_scores(
        self, rows: np.ndarray, cols: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]: ...

    def block(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...


@dataclass(frozen=True, eq=False)
class Scores:
    """Scores of every (mentor, mentee) pair of a workforce under a programme.

    ``matrix[i, j] = Σ weights[k] · parts[k][i, j]``; ``allowed[i, j]`` is False where a hard rule
    forbids the pair (the matrix still holds its score, for explanations).
    """

    matrix: np.ndarray
    allowed: np.ndarray
    parts: dict[str, np.ndarray]
    weights: dict[str, float]
    mentor_ids: np.ndarray
    mentee_ids: np.ndarray
    mentor_rows: np.ndarray  # positions of the mentors in the workforce
    mentee_rows: np.ndarray
    mentor_capacity: np.ndarray
    mentee_capacity: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def pair_scores(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Score, allowed flag and unweighted parts of the pairs at positions ``(rows[k], cols[k])``."""
        return self.matrix[rows, cols], self.allowed[rows, cols], {n: p[rows, cols] for n, p in self.parts.items()}

    def block(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Scores and allowed mask of the mentor positions ``rows`` × mentee positions ``cols``."""
        return take(self.matrix, rows, cols), take(self.allowed, rows, cols)


class BlockScores:
    """The same questions as :class:`Scores`, answered block by block, never holding the full matrix.

    What the sparse route hands to explanations and reports. ``mentor_top``/``mentee_top`` hold each
    line's ``k`` best allowed positive scores (descending, -inf padded), so ranks and match % need no
    scan for pairs among them. ``matrix``, ``allowed`` and ``parts`` densify on first use (and fail
    with :class:`ResourceError` when that would not fit in memory).
    """

    def __init__(
        self,
        workforce: Workforce,
        program: Program,
        mentor_rows: np.ndarray,
        mentee_rows: np.ndarray,
        mentor_top: np.ndarray,
        mentee_top: np.ndarray,
        cache: np.ndarray | None = None,
    ):
        self.workforce, self.program = workforce, program
        self.weights = part_weights(program)
        self.mentor_rows, self.mentee_rows = mentor_rows, mentee_rows
        self.mentor_ids, self.mentee_ids = workforce.ids[mentor_rows], workforce.ids[mentee_rows]
        self.mentor_capacity = capacities(workforce, program, "mentor")[mentor_rows]
        self.mentee_capacity = capacities(workforce, program, "mentee")[mentee_rows]
        self.mentor_top, self.mentee_top = mentor_top, mentee_top
        self.cache = cache  # all scores, forbidden pairs as -inf, when the sparse route kept them

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.mentor_rows), len(self.mentee_rows)

    def pair_scores(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        return score_block(self.workforce, self.program, self.mentor_rows[rows], self.mentee_rows[cols], aligned=True)

    def block(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Scores and allowed mask of a block; where the mask forbids a pair, its score may read -inf."""
        if self.cache is not None:
            matrix = take(self.cache, rows, cols)
            return matrix, matrix != -np.inf
        matrix, allowed, _ = score_block(
            self.workforce, self.program, self.mentor_rows[rows], self.mentee_rows[cols], with_parts=False
        )
        return matrix.astype(np.float64, copy=False), allowed

    @cached_property
    def _dense(self) -> Scores:
        return score(self.workforce, self.program)

    @property
    def matrix(self) -> np.ndarray:
        """The full score matrix (densified on first use)."""
        return self._dense.matrix

    @property
    def allowed(self) -> np.ndarray:
        """The full allowed mask (densified on first use)."""
        return self._dense.allowed

    @property
    def parts(self) -> dict[str, np.ndarray]:
        """The full part matrices (densified on first use)."""
        return self._dense.parts


PREFERENCES = {  # score part → (Program weight field, how the part is measured)
    "different_department": "different_department_weight",
    "shared_language": "shared_language_weight",
    "same_location": "same_location_weight",
    "timezone_overlap": "timezone_overlap_weight",
    "priority": "priority_weight",
    "continuity": "continuity_weight",
    "preference": "preference_weight",
    "shared_hours": "shared_hours_weight",
}


def part_weights(program: Program) -> dict[str, float]:
    """The weight of each score part in use: the two skill directions and every soft preference set
    (stated ranks only when some are given)."""
    weights = {"forward": program.forward_weight, "backward": program.backward_weight}
    weights.update(
        {
            part: getattr(program, field)
            for part, field in PREFERENCES.items()
            if getattr(program, field) and (part != "preference" or program.has_ranks)
        }
    )
    return weights


def grain_of_scores(workforce: Workforce, program: Program) -> float | None:
    """A power of two every pair score of the programme is a whole multiple of; None if there is none.

    Read from the weights and the values each part can take, without scoring any pair: every part
    but shared hours is a whole number (its weight's grain holds, see
    :func:`revmatch.engine.mincost.score_grain`), shared hours take the grain of the weight times each
    overlap two of the workforce's time zones give. Two totals that differ, differ by at least it.
    """
    grains = []
    for part, weight in part_weights(program).items():
        values = np.array([weight])
        if part == "timezone_overlap":
            _, first = np.unique(workforce.employees["timezone"].to_numpy(dtype=object), return_index=True)
            hours = PairAttributes(workforce, program, first, first).timezone_overlap()
            values = weight * hours.astype(np.float32).astype(np.float64)  # as score_block computes it
        grain = score_grain(values)
        if grain is None:
            return None
        grains.append(grain)
    return min(grains, default=1.0)


def score_block(
    workforce: Workforce,
    program: Program,
    mentor_rows: np.ndarray,
    mentee_rows: np.ndarray,
    with_parts: bool = True,
    aligned: bool = False,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Scores, allowed mask and unweighted parts of any block of mentors × mentees.

    The one place a score is computed: the dense :func:`score` calls it on everyone, large-scale
    routes call it block by block. Parts: ``forward``, ``backward`` and, for each soft preference
    with a non-zero weight, its measure (1/0, or shared hours for ``timezone_overlap``).

    ``with_parts=False`` (the blocked routes, which need scores only) returns no parts and, when the
    two skill weights are the only ones and :func:`exact_in_float32`, computes the scores in float32
    — exact, and equal to the float64 sum: without ``min_forward``, one GEMM of the stacked indicator
    blocks; with it, the two directions' GEMMs (the same work), since the rule reads the forward
    part. Otherwise the scores are float64. ``aligned``: the pairs ``(mentor_rows[k],
    mentee_rows[k])`` only, as vectors (explanations of made pairs).
    """
    weights = part_weights(program)
    forward = None
    if not with_parts and not aligned and float32_exact(program, workforce.proficiency.shape[1]):
        if program.min_forward:
            parts = score_parts(workforce, mentor_rows, mentee_rows)
            forward, matrix = parts["forward"], parts["backward"]
            matrix *= np.float32(weights["backward"])
            matrix += forward if weights["forward"] == 1 else forward * np.float32(weights["forward"])
        else:
            matrix = _fused_scores(workforce, weights, mentor_rows, mentee_rows)
        if "preference" in weights:  # a few stated pairs: added where they are, exact in float32
            _add_rank_points(matrix, workforce, program, mentor_rows, mentee_rows)
        parts = {}
    else:
        parts = score_parts(workforce, mentor_rows, mentee_rows, aligned)
        facts = PairAttributes(workforce, program, mentor_rows, mentee_rows, aligned)
        for part in weights:
            if part in PREFERENCES:
                parts[part] = getattr(facts, part)().astype(np.float32)
        matrix = np.zeros(parts["forward"].shape)
        for name, weight in weights.items():
            if weight == 1:
                matrix += parts[name]  # no temporary: the default weights
            elif weight:  # in float64: a float32 part times 0.3 would round the weight to float32
                matrix += np.multiply(parts[name], weight, dtype=np.float64)
        forward = parts["forward"]
    masks = iter(rule_masks(workforce, program, mentor_rows, mentee_rows, aligned, forward).values())
    allowed = next(masks)
    for mask in masks:
        allowed &= mask
    return matrix, allowed, (parts if with_parts else {})


def exact_in_float32(weights: dict[str, float], n_skills: int, rank_grain: float = 1.0) -> bool:
    """Whether float32 arithmetic gives these weighted skill scores exactly, in any summation order.

    True when only ``forward`` and ``backward`` (and stated ranks, ``preference``, whose part is a
    multiple of ``rank_grain`` and at most 2) are weighted, each weight times its part's grain is a
    multiple of 1/256, and the largest possible score, in 1/256ths, stays below 2**24 (float32's
    exact integers).
    """
    if not {"forward", "backward"} <= set(weights) <= {"forward", "backward", "preference"}:
        return False
    ticks = [weights["forward"] * 256, weights["backward"] * 256]
    largest = sum(abs(t) for t in ticks) * n_skills * MAX_SCALE * MAX_SCALE
    if "preference" in weights:
        ticks.append(weights["preference"] * rank_grain * 256)
        largest += abs(weights["preference"]) * 2 * 256
    return all(float(t).is_integer() for t in ticks) and largest < 2**24


def float32_exact(program: Program, n_skills: int) -> bool:
    """:func:`exact_in_float32` for a programme's weights and stated ranks."""
    return exact_in_float32(part_weights(program), n_skills, preference_grain(program.preferences))


def _add_rank_points(
    matrix: np.ndarray, workforce: Workforce, program: Program, mentor_rows: np.ndarray, mentee_rows: np.ndarray
) -> None:
    """Add ``preference_weight`` × rank points to a block's scores, in place (exact: see float32_exact)."""
    assert program.preferences is not None
    points = pair_values(program.preferences, workforce.ids, 0, mentor_rows, mentee_rows)
    i, j = np.nonzero(points)
    matrix[i, j] += (points[i, j] * program.preference_weight).astype(matrix.dtype)


def _fused_scores(
    workforce: Workforce, weights: dict[str, float], mentor_rows: np.ndarray, mentee_rows: np.ndarray
) -> np.ndarray:
    """``w_f·forward + w_b·backward`` as one float32 GEMM: [w_f·ahead, w_b·wants]_i · [wants, ahead]_j."""
    ahead_r, wants_r = hinge_blocks(workforce.proficiency[mentor_rows], workforce.need[mentor_rows])
    ahead_c, wants_c = hinge_blocks(workforce.proficiency[mentee_rows], workforce.need[mentee_rows])
    left = np.hstack([ahead_r * np.float32(weights["forward"]), wants_r * np.float32(weights["backward"])])
    return left @ np.hstack([wants_c, ahead_c]).T


def skill_bound(workforce: Workforce, program: Program, mentor_rows: np.ndarray, mentee_rows: np.ndarray):
    r"""A function ``(rows, cols) -> tile`` bounding every valid pair's score, at a fifth of the scoring GEMM.

    Proficiency is never negative, so :math:`\max(0, p_{is} - p_{js}) \le p_{is}`, and

    .. math::

        w_f\,\mathrm{forward}_{ij} + w_b\,\mathrm{backward}_{ij} \le
        \sum_s w_f\,p_{is}\,q_{js} + w_b\,q_{is}\,p_{js} = (L R^\top)_{ij}

    with ``L = [w_f·p, w_b·q]`` (mentors) and ``R = [q, p]`` (mentees): GEMMs over 2 columns per
    skill instead of 10, tight where a need is on a skill its holder lacks (the common case). The
    rules that cost one comparison per pair (level gap, department, location) set their forbidden
    pairs to -inf, so a mentee nobody may mentor never clears a bar; so does ``min_forward`` where
    even the forward bound :math:`\sum_s p_{is} q_{js}` falls short of it. ``rows``/``cols`` are positions
    into ``mentor_rows``/``mentee_rows``; exact in float32 under :func:`exact_in_float32` (the weights
    are never negative). None for programmes it does not bound (soft preferences, weights that are
    not multiples of 1/256): their scores are computed whole.
    """
    weights = part_weights(program)
    if not float32_exact(program, workforce.proficiency.shape[1]):
        return None
    p, q = workforce.proficiency.astype(np.float32), workforce.need.astype(np.float32)
    w_f, w_b = np.float32(weights["forward"]), np.float32(weights["backward"])
    teach, learn = p[mentor_rows], q[mentee_rows]  # forward ≤ Σ_s p_is q_js
    gives, gets = q[mentor_rows], p[mentee_rows]  # backward ≤ Σ_s q_is p_js
    level = workforce.employees["level"].to_numpy().astype(np.int64)

    def bound(rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        forward = teach[rows] @ learn[cols].T
        tile = gives[rows] @ gets[cols].T
        tile *= w_b
        tile += forward if w_f == 1 else forward * w_f
        if program.min_forward:
            np.copyto(tile, -np.inf, where=forward < program.min_forward)
        facts = PairAttributes(workforce, program, mentor_rows[rows], mentee_rows[cols])
        gap = program.min_level_gap
        # No mask where the tile's most senior mentor is junior enough to its most junior mentee.
        if gap is not None and int(level[mentee_rows[cols]].min()) < int(level[mentor_rows[rows]].max()) + gap:
            np.copyto(tile, -np.inf, where=~facts.level_gap(gap))
        if program.require_different_department:
            np.copyto(tile, -np.inf, where=~facts.different_department())
        if program.require_same_location:
            np.copyto(tile, -np.inf, where=~facts.same_location())
        if "preference" in weights:  # the stated ranks' points, exactly
            _add_rank_points(tile, workforce, program, mentor_rows[rows], mentee_rows[cols])
        return tile

    return bound


DENSE_BYTES_PER_PAIR = 64  # score, parts, masks and the solver's candidate scan, with room to spare
# The indicator blocks of one scoring call, per person and skill: ahead and wants (float32, five
# levels each), their boolean and stacked temporaries.
HINGE_BYTES_PER_SKILL = 2 * MAX_SCALE * 4 * 2


def check_dense_memory(n_mentors: int, n_mentees: int, n_skills: int = 0, memory_limit: int | None = None) -> None:
    """Fail early, with sizes, when the dense route would not fit in ``memory_limit`` bytes (default: free memory)."""
    require_memory(
        n_mentors * n_mentees * DENSE_BYTES_PER_PAIR + (n_mentors + n_mentees) * n_skills * HINGE_BYTES_PER_SKILL,
        f"scoring {n_mentors:,} mentors × {n_mentees:,} mentees densely on {n_skills:,} skills",
        "Use the sparse route (revmatch.sparse.sparse_assignment), which never holds the full matrix, "
        "match smaller groups, or merge the skills' spellings.",
        memory_limit,
    )


def check_skill_memory(n_people: int, n_skills: int, memory_limit: int | None = None) -> None:
    """Fail early when one block of ``n_people`` would not fit its skill indicator blocks in memory."""
    require_memory(
        n_people * n_skills * HINGE_BYTES_PER_SKILL,
        f"scoring a block of {n_people:,} people on {n_skills:,} distinct skills",
        "Merge the skills' spellings or keep the skills the programme matches on "
        "(each distinct skill is a column of every block).",
        memory_limit,
    )


def score(workforce: Workforce, program: Program | None = None, *, memory_limit: int | None = None) -> Scores:
    """Score every opted-in mentor against every opted-in mentee, with the hard-rule mask.

    Parameters
    ----------
    workforce : Workforce
    program : Program, default=Program()
    memory_limit : int, optional
        Bytes the dense matrices may take; default: what the system reports free now.

    Returns
    -------
    Scores
        ``matrix`` (float64, mentors × mentees), ``allowed`` (bool), ``parts`` (forward, backward),
        ``mentor_ids``, ``mentee_ids`` and the capacities.

    Examples
    --------
    >>> import revmatch as rm
    >>> s = rm.score(rm.synthetic_workforce(200, seed=0), rm.Program(min_level_gap=2))
    >>> s.matrix.shape == s.allowed.shape == (len(s.mentor_ids), len(s.mentee_ids))
    True
    """
    program = program or Program()
    mentor_rows, mentee_rows = participants(workforce, program)
    check_dense_memory(len(mentor_rows), len(mentee_rows), len(workforce.skill_names), memory_limit)
    matrix, allowed, parts = score_block(workforce, program, mentor_rows, mentee_rows)
    return Scores(
        matrix=matrix,
        allowed=allowed,
        parts=parts,
        weights=part_weights(program),
        mentor_ids=workforce.ids[mentor_rows],
        mentee_ids=workforce.ids[mentee_rows],
        mentor_rows=mentor_rows,
        mentee_rows=mentee_rows,
        mentor_capacity=capacities(workforce, program, "mentor")[mentor_rows],
        mentee_capacity=capacities(workforce, program, "mentee")[mentee_rows],
    )
