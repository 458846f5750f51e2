"""Every hard rule as a mask over mentor × mentee pairs, and the pair facts rules and soft preferences share."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .availability import shared_hours
from .complementarity import score_parts
from .errors import ConfigError, UnknownPersonError
from .models import Workforce
from .preferences import pair_values
from .program import Program


def participants(workforce: Workforce, program: Program | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Workforce rows of the mentors and the mentees: who opted in on each side, and whose level the
    programme lets take that side (``mentor_max_level``, ``mentee_min_level``). Voluntary: an opt-in of
    ``none`` (or none given) takes no side."""
    role = workforce.employees["role"].to_numpy()
    mentor = (role == "mentor") | (role == "both")
    mentee = (role == "mentee") | (role == "both")
    if program is not None and (program.mentor_max_level is not None or program.mentee_min_level is not None):
        level = workforce.employees["level"].to_numpy()
        if program.mentor_max_level is not None:
            mentor &= level <= program.mentor_max_level
        if program.mentee_min_level is not None:
            mentee &= level >= program.mentee_min_level
    return np.flatnonzero(mentor), np.flatnonzero(mentee)


def capacities(workforce: Workforce, program: Program | None, side: str) -> np.ndarray:
    """Most pairs of every person on ``side`` ("mentor" or "mentee"): the employees file's column, or
    the programme's number for everyone, with the programme's per-person overrides on top."""
    capacity = workforce.employees[f"{side}_capacity"].to_numpy().astype(np.int64)
    given = None if program is None else getattr(program, f"{side}_capacity")
    if isinstance(given, int):
        return np.full(len(capacity), given, dtype=np.int64)
    if given:
        ids = workforce.ids
        at = np.minimum(np.searchsorted(ids, np.array(list(given), dtype=object)), max(len(ids) - 1, 0))
        known = (ids[at] == np.array(list(given), dtype=object)) if len(ids) else np.zeros(len(given), bool)
        if not known.all():
            unknown = [k for k, ok in zip(given, known) if not ok]
            raise ConfigError(f"{side}_capacity names people who are not in the workforce: {', '.join(unknown[:10])}")
        capacity = capacity.copy()
        capacity[at] = list(given.values())
    return capacity


class PairAttributes:
    """Facts about every (mentor, mentee) pair of a block that rules and preferences share.

    Unknown values (empty cells) never count as "same", "shared" or "overlapping".
    """

    def __init__(
        self,
        workforce: Workforce,
        program: Program,
        mentor_rows: np.ndarray,
        mentee_rows: np.ndarray,
        aligned: bool = False,
    ):
        self.wf, self.program, self.aligned = workforce, program, aligned
        self.mentor_rows, self.mentee_rows = mentor_rows, mentee_rows
        # Block: every mentor × every mentee; aligned: the pairs (mentor_rows[k], mentee_rows[k]).
        self.r, self.c = (mentor_rows, mentee_rows) if aligned else (mentor_rows[:, None], mentee_rows[None, :])

    def level_gap(self, gap: int) -> np.ndarray:
        """The mentor is junior to the mentee by at least ``gap`` levels."""
        level = self.wf.employees["level"].to_numpy().astype(np.int64)
        return level[self.c] >= level[self.r] + gap

    def different_department(self) -> np.ndarray:
        dept = self.wf.codes("department")
        return dept[self.r] != dept[self.c]

    def shared_language(self) -> np.ndarray:
        if self.aligned:
            return (self.wf.language_matrix[self.r] & self.wf.language_matrix[self.c]).any(axis=1)
        spoken = self.wf.language_matrix.astype(np.float32)
        return (spoken[self.mentor_rows] @ spoken[self.mentee_rows].T) > 0

    def same_location(self) -> np.ndarray:
        place = self.wf.codes("location")
        return (place[self.r] == place[self.c]) & (place[self.r] >= 0)

    def priority(self) -> np.ndarray:
        """How many of the two people are on the priority list (0, 1 or 2)."""
        favoured = pd.Series(self.wf.ids).isin(self.program.priority).to_numpy()
        return favoured[self.r].astype(np.int8) + favoured[self.c]

    def continuity(self) -> np.ndarray:
        """1 where the pair is one of the running programme's pairs."""
        return ~_pair_mask(
            self.wf,
            self.program.previous_pairs,
            self.mentor_rows,
            self.mentee_rows,
            both_ways=False,
            aligned=self.aligned,
        )

    def preference(self) -> np.ndarray:
        """Rank points stated about the pair by either person (see :mod:`revmatch.preferences`)."""
        stated = self.program.preferences
        if stated is None:
            return np.zeros(self.r.shape if self.aligned else (len(self.mentor_rows), len(self.mentee_rows)))
        return pair_values(stated, self.wf.ids, 0, self.mentor_rows, self.mentee_rows, self.aligned)

    def shared_hours(self) -> np.ndarray:
        """Hours a week both are free: their ``availability`` slots, else ``working_hours`` on weekdays."""
        return shared_hours(self.wf, self.program, self.r, self.c, self.aligned)

    def timezone_overlap(self) -> np.ndarray:
        """Shared working hours, each person working ``working_hours`` in their own time zone."""
        offset = self.wf.utc_offsets(self.program.reference_date)
        start, end = self.program.working_hours
        length = end - start
        shift = np.abs(offset[self.r] - offset[self.c]) % 24
        shift = np.minimum(shift, 24 - shift)
        # Working days are circular intervals: a shift of d overlaps L − d hours (and L − (24 − d)).
        hours = np.maximum(0.0, length - shift) + np.maximum(0.0, length - (24 - shift))
        return np.nan_to_num(hours, nan=0.0)


def known_pairs(workforce: Workforce, pairs) -> tuple[tuple[str, str], ...]:
    """The pairs whose two people are both in the workforce (a leaver's old pairs drop out)."""
    known = set(map(str, workforce.ids))
    return tuple((str(a), str(b)) for a, b in pairs if str(a) in known and str(b) in known)


def check_forbidden(workforce: Workforce, program: Program) -> None:
    """Every id in ``program.forbidden`` is someone in the workforce, as for ``locked``: a typo must not
    silently forbid nothing."""
    known = set(map(str, workforce.ids))
    unknown = [
        f"forbidden {a} → {b}: {who} is not in the workforce"
        for a, b in program.forbidden
        for who in dict.fromkeys((a, b))
        if who not in known
    ]
    if unknown:
        raise UnknownPersonError("\n  ".join([f"{len(unknown)} unknown id(s) in forbidden pairs:", *unknown]))


def _pair_mask(
    workforce: Workforce,
    pairs,
    mentor_rows: np.ndarray,
    mentee_rows: np.ndarray,
    both_ways: bool,
    aligned: bool = False,
) -> np.ndarray:
    """True where the (mentor, mentee) block pair is *not* in ``pairs``; unknown ids are ignored.

    ``aligned``: for the pairs ``(mentor_rows[k], mentee_rows[k])`` only, as a vector.
    """
    shape = (len(mentor_rows),) if aligned else (len(mentor_rows), len(mentee_rows))
    mask = np.ones(shape, dtype=bool)
    if not pairs:
        return mask
    ids = workforce.ids
    listed = [(a, b) for a, b in pairs] + ([(b, a) for a, b in pairs] if both_ways else [])
    a = np.array([x for x, _ in listed], dtype=object)
    b = np.array([y for _, y in listed], dtype=object)
    pos_a, pos_b = np.searchsorted(ids, a), np.searchsorted(ids, b)
    pos_a, pos_b = np.minimum(pos_a, len(ids) - 1), np.minimum(pos_b, len(ids) - 1)
    known = (ids[pos_a] == a) & (ids[pos_b] == b)
    if aligned:
        listed_keys = pos_a[known].astype(np.int64) * len(ids) + pos_b[known]
        return ~np.isin(mentor_rows.astype(np.int64) * len(ids) + mentee_rows, listed_keys)
    row_of = np.full(len(ids), -1)
    row_of[mentor_rows] = np.arange(len(mentor_rows))
    col_of = np.full(len(ids), -1)
    col_of[mentee_rows] = np.arange(len(mentee_rows))
    i, j = row_of[pos_a[known]], col_of[pos_b[known]]
    inside = (i >= 0) & (j >= 0)
    mask[i[inside], j[inside]] = False
    return mask


def rule_masks(
    workforce: Workforce,
    program: Program,
    mentor_rows: np.ndarray,
    mentee_rows: np.ndarray,
    aligned: bool = False,
    forward: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    """Each hard rule as a boolean matrix (True = the rule allows the pair), in a fixed order.

    Opt-in is already applied by the choice of rows and columns. The same function serves the
    allowed mask and the "which rule excluded whom" explanations. ``aligned``: vectors for the
    pairs ``(mentor_rows[k], mentee_rows[k])`` instead of matrices. ``forward``: the pairs' forward
    part when the caller has it (scoring does), else it is computed for ``min_forward``.
    """
    facts = PairAttributes(workforce, program, mentor_rows, mentee_rows, aligned)
    r, c = facts.r, facts.c
    masks = {}
    # Nobody is paired with themself (people who opted in as "both" are on both sides): in a block,
    # set the few cells where a row and a column are one person, instead of comparing every pair.
    if aligned:
        masks["self"] = mentor_rows != mentee_rows
    else:
        masks["self"] = np.ones((len(mentor_rows), len(mentee_rows)), dtype=bool)
        masks["self"][_same_person(mentor_rows, mentee_rows)] = False
    if program.min_level_gap is not None:
        # The mentor is junior to the mentee by at least the gap: reverse mentoring.
        masks["min_level_gap"] = facts.level_gap(program.min_level_gap)
    if program.exclude_reporting_line:
        # Nobody mentors, or is mentored by, someone in their own reporting line (to the depth set).
        masks["reporting_line"] = ~workforce.in_reporting_line(r, c, program.reporting_line_depth)
    if program.require_different_department:
        # Silo-busting: mentor and mentee come from different departments.
        masks["different_department"] = facts.different_department()
    if program.require_shared_language:
        # The pair can talk: at least one language in common.
        masks["shared_language"] = facts.shared_language()
    if program.require_same_location:
        # Meetings in person: both work in the same location.
        masks["same_location"] = facts.same_location()
    if program.min_timezone_overlap is not None:
        # Meetings in working time: enough shared working hours.
        masks["timezone_overlap"] = facts.timezone_overlap() >= program.min_timezone_overlap
    if program.min_shared_hours is not None:
        # Meetings in both people's free time: enough hours a week in common.
        masks["shared_hours"] = facts.shared_hours() >= program.min_shared_hours
    if program.forbidden:
        # The admin forbade these pairs.
        masks["forbidden"] = _pair_mask(workforce, program.forbidden, mentor_rows, mentee_rows, False, aligned)
    if program.preferences is not None and program.preferences.has_avoids:
        # Nobody is paired with someone who asked to avoid them (either of the two may ask).
        ids = workforce.ids
        masks["avoid"] = pair_values(program.preferences, ids, 1, mentor_rows, mentee_rows, aligned) == 0
    if program.past_pairs:
        # A new cohort never repeats an earlier pair, in either direction.
        masks["past_pair"] = _pair_mask(workforce, program.past_pairs, mentor_rows, mentee_rows, True, aligned)
    if program.min_forward:
        # The junior teaches first: the mentor has enough to teach on the mentee's needs.
        if forward is None:
            forward = score_parts(workforce, mentor_rows, mentee_rows, aligned)["forward"]
        masks["min_forward"] = forward >= program.min_forward
    return masks


def _same_person(mentor_rows: np.ndarray, mentee_rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Block positions (i, j) where mentor_rows[i] == mentee_rows[j] (either side may repeat people)."""
    order = np.argsort(mentor_rows, kind="stable")
    ranked = mentor_rows[order]
    lo, hi = np.searchsorted(ranked, mentee_rows, "left"), np.searchsorted(ranked, mentee_rows, "right")
    counts = hi - lo
    at = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
    return order[at], np.repeat(np.arange(len(mentee_rows)), counts)


RULE_WORDS = {
    "self": "same person",
    "min_forward": "too little to teach",
    "min_level_gap": "minimum level gap",
    "reporting_line": "same reporting line",
    "different_department": "same department",
    "shared_language": "no shared language",
    "same_location": "different location",
    "timezone_overlap": "too few shared working hours",
    "shared_hours": "too few free hours a week in common",
    "forbidden": "forbidden by the admin",
    "avoid": "one of them asked not to be paired",
    "past_pair": "paired in an earlier cohort",
}


def how_to_allow(workforce: Workforce, program: Program, rule: str, mentor: int, mentee: int) -> str:
    """How to relax just ``rule`` so the pair of workforce rows ``mentor``, ``mentee`` is allowed."""
    level = workforce.employees["level"].to_numpy()
    if rule == "min_level_gap":
        return f"their level gap is {int(level[mentee]) - int(level[mentor])}: lower min_level_gap to allow it"
    if rule == "reporting_line":
        steps = abs(int(workforce.depth[mentee]) - int(workforce.depth[mentor]))
        if steps <= 1:
            return "one manages the other: no depth of the reporting-line rule allows it"
        return f"they are {steps} steps apart in one chain: reporting_line_depth = {steps - 1} allows it"
    if rule == "min_forward":
        taught = int(score_parts(workforce, np.array([mentor]), np.array([mentee]), aligned=True)["forward"][0])
        return f"the mentor can teach {taught} need points: min_forward = {taught} allows it"
    return RULE_HINTS.get(rule, "")


RULE_HINTS = {
    "self": "nobody can be paired with themself",
    "different_department": "require_different_department = false allows it",
    "shared_language": "require_shared_language = false allows it",
    "same_location": "require_same_location = false allows it",
    "timezone_overlap": "a lower min_timezone_overlap allows it",
    "shared_hours": "a lower min_shared_hours (or more availability) allows it",
    "forbidden": "taking the pair out of forbidden allows it",
    "avoid": "only the person who said avoid can lift it (their row in the preferences)",
    "past_pair": "taking the pair out of past_pairs (or the history) allows it",
}
