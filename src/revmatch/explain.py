"""Pairs + score parts → reasons: why each pair scores what it does, the junior's teaching first."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .models import Workforce
from .scoring import PairScores
from .standing import pair_standing

TOP_SKILLS = 3


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
    match_percent: float = float("nan")  # see revmatch.standing.pair_standing
    give_back_percent: float = float("nan")
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
    "preference": "stated preference",
    "shared_hours": "free hours a week in common",
}


def pair_text(
    mentor: str,
    mentee: str,
    taught: tuple[SkillTransfer, ...],
    given_back: tuple[SkillTransfer, ...],
    preferences: dict[str, float] | None = None,
    measures: dict[str, float] | None = None,
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
    counted = measures or {}  # e.g. the hours behind a per-hour bonus: "6 free hours a week in common"
    bonus = [
        f"{f'{counted[k]:g} ' if k in counted else ''}{PREFERENCE_WORDS[k]} ({v:+g})"
        for k, v in (preferences or {}).items()
        if v
    ]
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
        hours = {"shared_hours": float(pair_parts["shared_hours"][k])} if "shared_hours" in pair_parts else None
        text = pair_text(mentor_labels[k], mentee_labels[k], taught[k], given[k], preferences, hours)
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
                give_back_percent=float(standing["give_back_percent"][k]),
                rank_for_mentee=int(standing["rank_for_mentee"][k]),
                rank_for_mentor=int(standing["rank_for_mentor"][k]),
            )
        )
    return out


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
