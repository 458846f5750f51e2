"""Why each person who opted in got no pair: a checked reason an admin can act on, and the waitlist.

Every reason is checked against the data, never assumed: a side's capacity of 0; nothing to teach
or learn in the skills survey; no eligible partner (how many candidates each rule removed, and how
to relax the reporting-line rule when it alone shuts someone out); no partner with complementary
skills; or waitlisted — every eligible partner is taken by someone who scores at least as high with
them, and the supply of volunteers on that side is said. The waitlisted are ranked on their side by
their best available score (``waitlist_rank``, 1 = first to get a place).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .engine import Assignment
from .models import Workforce
from .program import Program
from .rules import RULE_WORDS, participants, rule_masks
from .scoring import PairScores
from .standing import partner_loads

REASON_BLOCK = 1024  # unmatched people whose rule masks are computed together
UNMATCHED_COLUMNS = ("employee_id", "role", "reason", "waitlist_rank", "waitlist_side")


@dataclass(frozen=True)
class _Others:
    """The other side as an unmatched person meets it: who, how full, and whom an outsider must beat."""

    side: str  # "mentor" or "mentee"
    ids: np.ndarray
    load: np.ndarray
    capacity: np.ndarray
    worst: np.ndarray  # each one's weakest pair score (inf: no pair)
    rival: np.ndarray  # who holds that weakest pair
    name: Callable[[str], str] = str  # how a reason writes an id


@dataclass
class _Reasons:
    """The reasons of a block of people on one side, and the best score of the waitlisted among them."""

    text: list[str]
    waitlisted: np.ndarray  # bool per person
    best: np.ndarray  # best available score per person (for the waitlist order)


def unmatched_frame(
    workforce: Workforce,
    program: Program,
    scores: PairScores,
    assignment: Assignment,
    name: Callable[[str], str] = str,
) -> pd.DataFrame:
    """Everyone who opted in and got no pair at all: opt-in role, a true reason and their waitlist place.

    ``waitlist_rank`` is the person's place in the queue of the waitlisted on ``waitlist_side`` (best
    available score first, ties by id; for someone waitlisted on both sides, the better place); empty
    for people who are not waitlisted (no eligible partner, nothing in the survey, ...). ``name``
    writes each id a reason mentions (pseudonyms, say); the ``employee_id`` column keeps the ids.
    """
    pr = np.array([p[0] for p in assignment.pairs], dtype=np.int64)
    pc = np.array([p[1] for p in assignment.pairs], dtype=np.int64)
    mentors, mentees = _others(scores, pr, pc, name)
    paired = set(scores.mentor_rows[pr].tolist()) | set(scores.mentee_rows[pc].tolist())
    role = workforce.employees["role"].to_numpy()
    people = sorted(set(np.flatnonzero(role != "none").tolist()) - paired)
    reasons: dict[int, list[str]] = {p: [] for p in people}
    rank: dict[int, tuple[int, str]] = {}
    unplaced = np.array(people, dtype=np.int64)
    for side, others in (("mentor", mentees), ("mentee", mentors)):
        lines = np.flatnonzero(np.isin(scores.mentor_rows if side == "mentor" else scores.mentee_rows, unplaced))
        found = _side(workforce, program, scores, side, lines, others)
        line_rows = (scores.mentor_rows if side == "mentor" else scores.mentee_rows)[lines]
        for person, text in zip(line_rows.tolist(), found.text):
            reasons[person].append(text)
        # The waitlist: the waitlisted of this side, best available score first, ties by id.
        order = np.lexsort((workforce.ids[line_rows], -found.best))
        queue = [int(line_rows[k]) for k in order if found.waitlisted[k]]
        for position, person in enumerate(queue, start=1):
            rank[person] = min(rank.get(person, (position, side)), (position, side))
    for person, text in _not_eligible(workforce, program, people).items():
        reasons[person].append(text)
    records = [(workforce.ids[p], role[p], "; ".join(reasons[p]), *rank.get(p, (None, ""))) for p in people]
    frame = pd.DataFrame(records, columns=list(UNMATCHED_COLUMNS))
    frame["waitlist_rank"] = frame["waitlist_rank"].astype("Int64")
    return frame


def _others(scores: PairScores, pr: np.ndarray, pc: np.ndarray, name: Callable[[str], str]) -> tuple[_Others, _Others]:
    """Both sides as the unmatched meet them: loads, weakest pairs and who holds them."""
    row_load, row_worst, col_load, col_worst = partner_loads(scores, pr, pc)
    pair_scores = scores.pair_scores(pr, pc)[0]
    col_rival = np.full(scores.shape[1], "", dtype=object)
    row_rival = np.full(scores.shape[0], "", dtype=object)
    for k in np.lexsort((pr, pc))[::-1]:  # reversed: the first (lowest id) weakest holder wins
        if pair_scores[k] == col_worst[pc[k]]:
            col_rival[pc[k]] = name(str(scores.mentor_ids[pr[k]]))
        if pair_scores[k] == row_worst[pr[k]]:
            row_rival[pr[k]] = name(str(scores.mentee_ids[pc[k]]))
    mentor_ids = np.array([name(str(i)) for i in scores.mentor_ids], dtype=object)
    mentee_ids = np.array([name(str(i)) for i in scores.mentee_ids], dtype=object)
    mentors = _Others("mentor", mentor_ids, row_load, scores.mentor_capacity, row_worst, row_rival, name)
    mentees = _Others("mentee", mentee_ids, col_load, scores.mentee_capacity, col_worst, col_rival, name)
    return mentors, mentees


def _side(
    workforce: Workforce, program: Program, scores: PairScores, side: str, lines: np.ndarray, others: _Others
) -> _Reasons:
    """The reasons of the unmatched on one side (their score-matrix lines), a block at a time."""
    out = _Reasons([], np.zeros(0, bool), np.zeros(0))
    everyone = np.arange(scores.shape[1 if side == "mentor" else 0])
    for lo in range(0, len(lines), REASON_BLOCK):
        block = lines[lo : lo + REASON_BLOCK]
        if side == "mentor":
            masks = rule_masks(workforce, program, scores.mentor_rows[block], scores.mentee_rows)
            block_scores = scores.block(block, everyone)[0]
            rows, capacity = scores.mentor_rows[block], scores.mentor_capacity[block]
        else:
            masks = rule_masks(workforce, program, scores.mentor_rows, scores.mentee_rows[block])
            block_scores = scores.block(everyone, block)[0]
            rows, capacity = scores.mentee_rows[block], scores.mentee_capacity[block]
        n_side = scores.shape[0 if side == "mentor" else 1]
        found = _block_reasons(workforce, program, side, n_side, rows, capacity, masks, block_scores, others)
        out.text += found.text
        out.waitlisted = np.concatenate([out.waitlisted, found.waitlisted])
        out.best = np.concatenate([out.best, found.best])
    return out


def _block_reasons(
    workforce: Workforce,
    program: Program,
    side: str,
    n_side: int,
    rows: np.ndarray,
    capacity: np.ndarray,
    rules: dict[str, np.ndarray],
    scores: np.ndarray,
    others: _Others,
) -> _Reasons:
    """Why each of a block of people got no pair on one side, checked, not assumed.

    ``scores`` and every rule mask hold the block's people against everyone on the other side, who
    run along the other axis (a mentor per row; a mentee per column — reduced in place, since
    transposing the block costs more than all the checks). Every check runs on the whole block at once.
    """
    across = 1 if side == "mentor" else 0

    def per_other(values: np.ndarray) -> np.ndarray:
        return values[None, :] if across == 1 else values[:, None]

    n = scores.shape[across]
    eligible = np.ones(scores.shape, dtype=bool)
    removed = {}
    for rule, ok in rules.items():
        removed[rule] = np.count_nonzero(eligible & ~ok, axis=across)
        eligible &= ok
    # Only pairs scoring > 0 are ever made under the plain total; coverage, fair and quotas may use any.
    plain_total = program.objective == "total" and not program.min_matched_share
    useful = eligible & (scores > 0) if plain_total else eligible
    n_useful = np.count_nonzero(useful, axis=across)
    room = useful & per_other(others.load < others.capacity)
    # Beaten: no better than the partner's weakest pair (rounded integer costs may tie pairs the
    # floats tell apart by a hair: allow for that).
    bar = others.worst + 1e-9 * np.maximum(1.0, np.abs(others.worst))
    beaten = ~np.any(useful & (scores > per_other(bar)), axis=across)
    best = np.where(useful, scores, -np.inf).max(axis=across, initial=-np.inf)
    n_eligible, n_room = np.count_nonzero(eligible, axis=across), np.count_nonzero(room, axis=across)
    facts = _Facts(side, others, n, capacity, n_eligible, n_useful, n_room, beaten, removed, plain_total, n_side)
    nothing = _nothing_to_give(workforce, program, side, rows, others.name)
    without_line = _eligible_without(rules, "reporting_line", across)
    text = [_reason(facts, b, nothing[b], without_line[b], scores, useful) for b in range(len(capacity))]
    waitlisted = (capacity > 0) & (facts.n_useful > 0) & (facts.n_room == 0) & ~np.array([bool(x) for x in nothing])
    return _Reasons(text, waitlisted, best)


@dataclass(frozen=True)
class _Facts:
    """What was counted for a block: enough to word each person's reason."""

    side: str
    others: _Others
    n: int
    capacity: np.ndarray
    n_eligible: np.ndarray
    n_useful: np.ndarray
    n_room: np.ndarray
    beaten: np.ndarray
    removed: dict[str, np.ndarray]
    plain_total: bool

    n_side: int  # everyone on this side

    @property
    def supply(self) -> str:
        """ "143 mentors for 76 places": the volunteers on this side against the other side's places."""
        places = int(self.others.capacity.sum())
        return f"{self.n_side} {self.side}s for {places} place{'s' if places != 1 else ''}"


def _reason(facts: _Facts, b: int, nothing: str, without_line: int, scores: np.ndarray, useful: np.ndarray) -> str:
    """One person's reason on one side, from the block's counts."""
    side, other, n = facts.side, facts.others.side, facts.n
    if facts.capacity[b] == 0:
        return f"as {side}: {side}_capacity is 0"
    if n == 0:
        return f"as {side}: no one opted in as {other}"
    if nothing:
        return f"as {side}: {nothing}"
    if not facts.n_eligible[b]:
        counts = ", ".join(f"{RULE_WORDS[rule]} {int(c[b])}" for rule, c in facts.removed.items() if c[b])
        text = f"as {side}: no eligible {other} — of {n} {other}s, excluded by {counts}"
        if without_line:
            text += (
                f"; without the reporting-line rule {without_line} would be eligible: reporting_line_depth = 2 "
                f"(nobody with their manager or their manager's manager) lets the top of a chain take part"
            )
        return text
    if not facts.n_useful[b]:
        return f"as {side}: none of the {int(facts.n_eligible[b])} eligible {other}s has complementary skills (score 0)"
    kind = "with complementary skills " if facts.plain_total else ""
    if facts.n_room[b] == 0 and facts.beaten[b]:
        line = scores[b] if side == "mentor" else scores[:, b]
        j = int(np.argmax(np.where(useful[b] if side == "mentor" else useful[:, b], line, -np.inf)))
        o = facts.others
        return (
            f"as {side}: waitlisted ({facts.supply}) — all {int(facts.n_useful[b])} eligible {other}s {kind}are "
            f"taken by partners who score at least as high with them (best: {o.ids[j]}, {float(line[j]):g} vs "
            f"{o.worst[j]:g} with {o.rival[j]})"
        )
    if facts.n_room[b] == 0:
        return (
            f"as {side}: waitlisted ({facts.supply}) — all {int(facts.n_useful[b])} eligible {other}s {kind}are "
            f"taken; the programme's objective, locks or quotas placed them with other partners"
        )
    first = int(
        np.argmax(
            useful[b] & (facts.others.load < facts.others.capacity)
            if side == "mentor"
            else useful[:, b] & (facts.others.load < facts.others.capacity)
        )
    )
    return (
        f"as {side}: not paired although {int(facts.n_room[b])} eligible {other}s have room (e.g. "
        f"{facts.others.ids[first]}); the programme's quotas or the solver's time limit kept them apart"
    )


def _nothing_to_give(
    workforce: Workforce, program: Program, side: str, rows: np.ndarray, name: Callable[[str], str]
) -> list[str]:
    """Per person, why the skills survey leaves them nothing to teach (mentor) or learn (mentee); "" if not.

    Only when ``min_forward`` holds: then a mentee with no stated need, or a mentor with no stated
    skill, can never be paired, and the fix is the survey, not the rules.
    """
    if not program.min_forward:
        return [""] * len(rows)
    answered = (workforce.proficiency[rows] > 0).any(axis=1) | (workforce.need[rows] > 0).any(axis=1)
    empty = (
        ~(workforce.need[rows] > 0).any(axis=1) if side == "mentee" else ~(workforce.proficiency[rows] > 0).any(axis=1)
    )
    ids = [name(str(i)) for i in workforce.ids[rows]]
    what = "learning needs" if side == "mentee" else "skills"
    return [
        ""
        if not gap
        else (
            f"no skills survey answers (no rows for {i} in the skills file): add their skills and needs"
            if not any_answer
            else f"no {what} in the skills survey answers, so nothing to {'learn' if side == 'mentee' else 'teach'}: "
            f"add {i}'s {what} to the skills file"
        )
        for i, gap, any_answer in zip(ids, empty, answered)
    ]


def _eligible_without(rules: dict[str, np.ndarray], rule: str, across: int) -> np.ndarray:
    """Per person, how many partners every rule but ``rule`` allows, where ``rule`` alone shuts them out."""
    if rule not in rules:
        return np.zeros(rules["self"].shape[1 - across], dtype=np.int64)
    others = np.ones(rules[rule].shape, dtype=bool)
    for name, ok in rules.items():
        if name != rule:
            others &= ok
    without = np.count_nonzero(others, axis=across)
    shut_out = ~np.any(others & rules[rule], axis=across)
    return np.where(shut_out, without, 0)


def _not_eligible(workforce: Workforce, program: Program, people: list[int]) -> dict[int, str]:
    """Why an unmatched volunteer takes no part on a side they opted in for: the programme's level limits."""
    mentor_rows, mentee_rows = participants(workforce, program)
    role = workforce.employees["role"].to_numpy()
    level = workforce.employees["level"].to_numpy()
    on_side = {"mentor": set(mentor_rows.tolist()), "mentee": set(mentee_rows.tolist())}
    out: dict[int, str] = {}
    for p in people:
        texts = []
        for side, limit, word in (
            ("mentor", program.mentor_max_level, "above mentor_max_level"),
            ("mentee", program.mentee_min_level, "below mentee_min_level"),
        ):
            if role[p] in (side, "both") and p not in on_side[side]:
                texts.append(f"as {side}: not eligible — level {int(level[p])} is {word} {limit}")
        if texts:
            out[p] = "; ".join(texts)
    return out
