"""Pairs + score parts → reasons: why each pair was made and why each unmatched person is unmatched."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .engine import Assignment
from .models import Workforce
from .program import Program
from .rules import RULE_WORDS, rule_masks
from .scoring import BlockScores, PairScores

TOP_SKILLS = 3
REASON_BLOCK = 1024  # unmatched people whose rule masks are computed together
STANDING_BLOCK = 2048  # pairs ranked at a time: bounds the temporary memory of the rank scan


@dataclass(frozen=True)
class SkillTransfer:
    """One skill one person can pass on: ``points = need × (teacher − learner proficiency)``."""

    skill: str
    teacher_proficiency: int
    learner_proficiency: int
    need: int
    points: int


@dataclass(frozen=True)
class PairExplanation:
    """Why a (mentor, mentee) pair scores what it scores; ``text`` is the one-line reason.

    ``parts`` are weighted, so ``score == sum(parts.values())``. ``taught`` is what the mentor can
    teach on the mentee's needs (forward), ``given_back`` what the mentee gives back (backward),
    best first.
    """

    mentor_id: str
    mentee_id: str
    score: float
    parts: dict[str, float]
    taught: tuple[SkillTransfer, ...]
    given_back: tuple[SkillTransfer, ...]
    allowed: bool
    paired: bool
    text: str
    match_percent: float = float("nan")  # see pair_standing
    rank_for_mentee: int = 0
    rank_for_mentor: int = 0

    def __str__(self) -> str:
        return self.text


def transfers(
    workforce: Workforce, teachers: np.ndarray, learners: np.ndarray, top: int = TOP_SKILLS
) -> list[tuple[SkillTransfer, ...]]:
    """The ``top`` skills each teacher can pass to each learner (row-aligned arrays), best first.

    Ties go to the alphabetically first skill, so explanations are deterministic.
    """
    p, q = workforce.proficiency, workforce.need
    gap = np.maximum(p[teachers].astype(np.int16) - p[learners], 0)
    points = q[learners] * gap
    order = np.argsort(-points, axis=1, kind="stable")[:, :top]
    # Gather every field as (pairs, top) arrays, then to Python ints at once: no numpy scalar per field.
    rows = np.arange(len(teachers))[:, None]
    fields = zip(
        order.tolist(),
        p[teachers[:, None], order].tolist(),
        p[learners[:, None], order].tolist(),
        q[learners[:, None], order].tolist(),
        points[rows, order].tolist(),
    )
    names = workforce.skill_names
    return [tuple(SkillTransfer(names[s], *values) for s, *values in zip(*line) if values[-1] > 0) for line in fields]


def person_labels(workforce: Workforce, rows: np.ndarray) -> list[str]:
    """ "Name (L3, Finance)" per row: the name if the input had one, else the id."""
    e = workforce.employees
    names = np.where(e["name"].to_numpy(dtype=object) != "", e["name"].to_numpy(dtype=object), workforce.ids)
    level, dept = e["level"].to_numpy(), e["department"].to_numpy(dtype=object)
    return [f"{names[r]} (L{level[r]}, {dept[r]})" for r in rows]


def _skill_list(items: tuple[SkillTransfer, ...]) -> str:
    words = [f"{t.skill} (+{t.points})" for t in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


PREFERENCE_WORDS = {
    "different_department": "different departments",
    "shared_language": "a shared language",
    "same_location": "same location",
    "timezone_overlap": "shared working hours",
    "priority": "priority from last round",
    "continuity": "continuing pair",
}


def pair_text(
    mentor: str,
    mentee: str,
    taught: tuple[SkillTransfer, ...],
    given_back: tuple[SkillTransfer, ...],
    preferences: dict[str, float] | None = None,
) -> str:
    """The one-line reason for a pair, naming the skills taught each way and any preference bonus."""
    forward = (
        f"{mentor} can teach {_skill_list(taught)}" if taught else f"{mentor} has nothing to teach on {mentee}'s needs"
    )
    backward = (
        f"{mentee} gives back {_skill_list(given_back)}"
        if given_back
        else f"{mentee} has nothing to give back on the mentor's needs"
    )
    bonus = [f"{PREFERENCE_WORDS[k]} ({v:+g})" for k, v in (preferences or {}).items() if v]
    return f"{forward}; {backward}" + (f"; preferences: {', '.join(bonus)}" if bonus else "")


def explain_pairs(
    workforce: Workforce, scores: PairScores, rows: np.ndarray, cols: np.ndarray, paired: np.ndarray | bool = True
) -> list[PairExplanation]:
    """Explanations of the pairs at score-matrix positions ``(rows[k], cols[k])``, vectorised."""
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    paired = np.broadcast_to(paired, rows.shape)
    m_rows, e_rows = scores.mentor_rows[rows], scores.mentee_rows[cols]
    taught = transfers(workforce, m_rows, e_rows)
    given = transfers(workforce, e_rows, m_rows)
    pair_score, pair_allowed, pair_parts = scores.pair_scores(rows, cols)
    standing = pair_standing(scores, rows, cols, pair_score, options=False)
    mentor_labels, mentee_labels = person_labels(workforce, m_rows), person_labels(workforce, e_rows)
    out = []
    for k in range(len(rows)):
        i, j = rows[k], cols[k]
        parts = {name: float(scores.weights[name]) * float(part[k]) for name, part in pair_parts.items()}
        preferences = {name: value for name, value in parts.items() if name in PREFERENCE_WORDS}
        text = pair_text(mentor_labels[k], mentee_labels[k], taught[k], given[k], preferences)
        out.append(
            PairExplanation(
                mentor_id=str(scores.mentor_ids[i]),
                mentee_id=str(scores.mentee_ids[j]),
                score=float(pair_score[k]),
                parts=parts,
                taught=taught[k],
                given_back=given[k],
                allowed=bool(pair_allowed[k]),
                paired=bool(paired[k]),
                text=text,
                match_percent=float(standing["match_percent"][k]),
                rank_for_mentee=int(standing["rank_for_mentee"][k]),
                rank_for_mentor=int(standing["rank_for_mentor"][k]),
            )
        )
    return out


def pair_standing(
    scores: PairScores,
    rows: np.ndarray,
    cols: np.ndarray,
    pair_scores: np.ndarray | None = None,
    options: bool = True,
    block: int = STANDING_BLOCK,
) -> dict[str, np.ndarray]:
    """Match % and ranks of the pairs at ``(rows[k], cols[k])`` among each side's allowed alternatives.

    ``match_percent`` = 100 · score / the best score any allowed mentor could give this mentee (NaN if
    none scores above 0); ``rank_for_mentee`` = 1 + allowed mentors who would score strictly higher with
    the mentee (ties share a rank), ``mentee_options`` = allowed mentors scoring above 0 (with
    ``options``); the same from the mentor's side. On :class:`BlockScores` the
    lines' k best scores answer for a pair that beats its line's k-th best; other lines are scanned.
    """
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    if pair_scores is None:
        pair_scores = scores.pair_scores(rows, cols)[0]
    if isinstance(scores, BlockScores):
        best = scores.mentee_top[cols, 0] if len(cols) else np.zeros(0)
        rank_mentee = _rank_in(scores, scores.mentee_top, cols, pair_scores, axis=0, block=block)
        rank_mentor = _rank_in(scores, scores.mentor_top, rows, pair_scores, axis=1, block=block)
    else:
        # A forbidden pair is no option at all, however well it would score.
        allowed_scores = np.where(scores.allowed, scores.matrix, -np.inf)
        best = allowed_scores.max(axis=0, initial=-np.inf)[cols] if len(cols) else np.zeros(0)
        rank_mentee = np.empty(len(rows), dtype=np.int64)
        rank_mentor = np.empty(len(rows), dtype=np.int64)
        for a in range(0, len(rows), block):
            r, c, w = rows[a : a + block], cols[a : a + block], pair_scores[a : a + block]
            rank_mentee[a : a + block] = 1 + (allowed_scores[:, c] > w[None, :]).sum(axis=0)
            rank_mentor[a : a + block] = 1 + (allowed_scores[r, :] > w[:, None]).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        percent = np.where(best > 0, 100.0 * (pair_scores / best), np.nan)  # the best pair is 100 exactly
    # Float weights can put a pair a rounding error above its own column maximum: stay within 0–100.
    out = {
        "match_percent": np.clip(percent, 0.0, 100.0),
        "rank_for_mentee": rank_mentee,
        "rank_for_mentor": rank_mentor,
    }
    if options:
        if isinstance(scores, BlockScores):  # partners scoring above 0 = (rank of a 0 score) − 1
            zero = np.zeros(len(rows))
            out["mentee_options"] = _rank_in(scores, scores.mentee_top, cols, zero, axis=0, block=block) - 1
            out["mentor_options"] = _rank_in(scores, scores.mentor_top, rows, zero, axis=1, block=block) - 1
        else:
            positive = allowed_scores > 0
            out["mentee_options"] = positive.sum(axis=0)[cols].astype(np.int64)
            out["mentor_options"] = positive.sum(axis=1)[rows].astype(np.int64)
    return {name: out[name] for name in STANDING_COLUMNS if name in out}


STANDING_COLUMNS = ("match_percent", "rank_for_mentee", "mentee_options", "rank_for_mentor", "mentor_options")


def _rank_in(
    scores: BlockScores, top: np.ndarray, lines: np.ndarray, values: np.ndarray, axis: int, block: int = STANDING_BLOCK
) -> np.ndarray:
    """1 + allowed partners scoring strictly above ``values[k]`` on line ``lines[k]`` (axis 0: mentees).

    A value ≥ 0 and at least its line's k-th best has every better partner among the line's k best
    (which are positive); other lines are scored in full, a block of them at a time.
    """
    held = top[lines]
    known = (values >= 0) & (values >= held[:, -1])
    rank = 1 + (held > values[:, None]).sum(axis=1)
    scan = np.flatnonzero(~known)
    scan = scan[np.argsort(lines[scan], kind="stable")]  # lines in order: gathers walk memory forwards
    everyone = np.arange(scores.shape[axis])
    for a in range(0, len(scan), block):
        k = scan[a : a + block]
        if axis == 0:
            w, ok = scores.block(everyone, lines[k])
            rank[k] = 1 + (ok & (w > values[k][None, :])).sum(axis=0)
        else:
            w, ok = scores.block(lines[k], everyone)
            rank[k] = 1 + (ok & (w > values[k][:, None])).sum(axis=1)
    return rank


def pairs_frame(
    explanations: list[PairExplanation], part_names: tuple[str, ...] = ("forward", "backward")
) -> pd.DataFrame:
    """The pairs as a table: ids, score, its weighted parts (which add up to it) and the reason."""
    columns = {
        "mentor_id": [e.mentor_id for e in explanations],
        "mentee_id": [e.mentee_id for e in explanations],
        "score": np.array([e.score for e in explanations], dtype=float),
    }
    for name in part_names:
        columns[name] = np.array([e.parts[name] for e in explanations], dtype=float)
    columns["reason"] = [e.text for e in explanations]
    return pd.DataFrame(columns)


def _side_reasons(
    side: str,
    other: str,
    capacity: np.ndarray,
    rules: dict[str, np.ndarray],
    scores: np.ndarray,
    other_ids: np.ndarray,
    other_load: np.ndarray,
    other_capacity: np.ndarray,
    other_worst: np.ndarray,
    other_rival: np.ndarray,
    plain_total: bool,
    across: int = 1,
) -> list[str]:
    """Why each of a block of people got no pair on one side (mentor or mentee), checked, not assumed.

    ``scores`` and every rule mask hold the block's people against everyone on the other side, who
    run along axis ``across`` (1: a person per row, as for mentors; 0: a person per column, as for
    mentees — reduced in place, since transposing the block costs more than all the checks). Every
    check runs on the whole block at once. ``plain_total``: the objective is the total score with no
    quota, so only pairs scoring > 0 are ever made; otherwise (coverage, fair, quotas) any eligible
    pair may be.
    """

    def per_other(values: np.ndarray) -> np.ndarray:
        return values[None, :] if across == 1 else values[:, None]

    def line(matrix: np.ndarray, b: int) -> np.ndarray:
        return matrix[b] if across == 1 else matrix[:, b]

    n = scores.shape[across]
    eligible = np.ones(scores.shape, dtype=bool)
    removed = {}
    for rule, ok in rules.items():
        removed[rule] = np.count_nonzero(eligible & ~ok, axis=across)
        eligible &= ok
    useful = eligible & (scores > 0) if plain_total else eligible
    n_eligible, n_useful = np.count_nonzero(eligible, axis=across), np.count_nonzero(useful, axis=across)
    room = useful & per_other(other_load < other_capacity)
    n_room = np.count_nonzero(room, axis=across)
    # Beaten: no better than the partner's weakest pair (rounded integer costs may tie pairs the
    # floats tell apart by a hair: allow for that).
    bar = other_worst + 1e-9 * np.maximum(1.0, np.abs(other_worst))
    all_beaten = (n_room == 0) & ~np.any(useful & (scores > per_other(bar)), axis=across)
    kind = "with complementary skills " if plain_total else ""
    out = []
    for b in range(len(capacity)):
        if capacity[b] == 0:
            out.append(f"as {side}: {side}_capacity is 0")
        elif n == 0:
            out.append(f"as {side}: no one opted in as {other}")
        elif not n_eligible[b]:
            counts = ", ".join(f"{RULE_WORDS[rule]} {int(c[b])}" for rule, c in removed.items() if c[b])
            out.append(f"as {side}: no eligible {other} — of {n} {other}s, excluded by " + counts)
        elif not n_useful[b]:
            out.append(
                f"as {side}: none of the {int(n_eligible[b])} eligible {other}s has complementary skills (score 0)"
            )
        elif all_beaten[b]:
            score = line(scores, b)
            j = int(np.argmax(np.where(line(useful, b), score, -np.inf)))  # the first best, in index order
            out.append(
                f"as {side}: out-competed — all {int(n_useful[b])} eligible {other}s {kind}are "
                f"taken by partners who score at least as high with them (best: {other_ids[j]}, "
                f"{float(score[j]):g} vs {other_worst[j]:g} with {other_rival[j]})"
            )
        elif not n_room[b]:
            out.append(
                f"as {side}: all {int(n_useful[b])} eligible {other}s {kind}are taken; the programme's "
                f"objective, locks or quotas placed them with other partners"
            )
        else:
            first = int(np.argmax(line(room, b)))
            out.append(
                f"as {side}: not paired although {int(n_room[b])} eligible {other}s have room (e.g. "
                f"{other_ids[first]}); the programme's quotas or the solver's time limit kept them apart"
            )
    return out


def partner_loads(scores: PairScores, rows: np.ndarray, cols: np.ndarray):
    """Pairs held and weakest pair score (inf if none) of every mentor and every mentee.

    An outsider can only displace someone's weakest pair, and only with a strictly better score.
    """
    n_r, n_c = scores.shape
    pair_scores = scores.pair_scores(rows, cols)[0]
    row_worst = np.full(n_r, np.inf)
    np.minimum.at(row_worst, rows, pair_scores)
    col_worst = np.full(n_c, np.inf)
    np.minimum.at(col_worst, cols, pair_scores)
    return np.bincount(rows, minlength=n_r), row_worst, np.bincount(cols, minlength=n_c), col_worst


def unmatched_frame(workforce: Workforce, program: Program, scores: PairScores, assignment: Assignment) -> pd.DataFrame:
    """Everyone who opted in and got no pair at all, with their opt-in role and a true reason."""
    pr = np.array([p[0] for p in assignment.pairs], dtype=np.int64)
    pc = np.array([p[1] for p in assignment.pairs], dtype=np.int64)
    row_load, row_worst, col_load, col_worst = partner_loads(scores, pr, pc)
    # Who holds each person's weakest pair: the rival an outsider would have to beat.
    pair_scores = scores.pair_scores(pr, pc)[0]
    col_rival = np.full(scores.shape[1], "", dtype=object)
    row_rival = np.full(scores.shape[0], "", dtype=object)
    for k in np.lexsort((pr, pc))[::-1]:  # reversed: the first (lowest id) weakest holder wins
        if pair_scores[k] == col_worst[pc[k]]:
            col_rival[pc[k]] = scores.mentor_ids[pr[k]]
        if pair_scores[k] == row_worst[pr[k]]:
            row_rival[pr[k]] = scores.mentee_ids[pc[k]]
    paired_people = set(scores.mentor_rows[pr].tolist()) | set(scores.mentee_rows[pc].tolist())
    row_of = {int(w): k for k, w in enumerate(scores.mentor_rows)}
    col_of = {int(w): k for k, w in enumerate(scores.mentee_rows)}
    people = sorted((set(row_of) | set(col_of)) - paired_people)
    role = workforce.employees["role"].to_numpy()
    plain_total = program.objective == "total" and not program.min_matched_share
    reasons: dict[int, list[str]] = {p: [] for p in people}
    # Rule masks for the unmatched, a block of them at a time (one mask call per block, not per person).
    mentors = np.array([row_of[p] for p in people if p in row_of], dtype=np.int64)
    for lo in range(0, len(mentors), REASON_BLOCK):
        block = mentors[lo : lo + REASON_BLOCK]
        masks = rule_masks(workforce, program, scores.mentor_rows[block], scores.mentee_rows)
        block_scores = scores.block(block, np.arange(scores.shape[1]))[0]
        texts = _side_reasons(
            "mentor",
            "mentee",
            scores.mentor_capacity[block],
            masks,
            block_scores,
            scores.mentee_ids,
            col_load,
            scores.mentee_capacity,
            col_worst,
            col_rival,
            plain_total,
        )
        for i, text in zip(block, texts):
            reasons[int(scores.mentor_rows[i])].append(text)
    mentees = np.array([col_of[p] for p in people if p in col_of], dtype=np.int64)
    for lo in range(0, len(mentees), REASON_BLOCK):
        block = mentees[lo : lo + REASON_BLOCK]
        masks = rule_masks(workforce, program, scores.mentor_rows, scores.mentee_rows[block])
        block_scores = scores.block(np.arange(scores.shape[0]), block)[0]
        texts = _side_reasons(
            "mentee",
            "mentor",
            scores.mentee_capacity[block],
            masks,
            block_scores,
            scores.mentor_ids,
            row_load,
            scores.mentor_capacity,
            row_worst,
            row_rival,
            plain_total,
            across=0,
        )
        for j, text in zip(block, texts):
            reasons[int(scores.mentee_rows[j])].append(text)
    records = [(workforce.ids[p], role[p], "; ".join(reasons[p])) for p in people]
    return pd.DataFrame(records, columns=["employee_id", "role", "reason"])
