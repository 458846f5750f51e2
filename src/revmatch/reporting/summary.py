"""The programme in figures a sponsor can act on: seniors matched, the waitlist, teaching and give-back, hours."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..rules import PairAttributes
from .figures import blocking_pairs, coverage_by_skill, match_percent, positions, share, stats

if TYPE_CHECKING:
    from ..matching import MatchResult
    from ..scoring import PairScores

SUMMARY_FIGURES = {
    "status": "optimal, feasible (stopped at the time limit: see gap) or infeasible",
    "engine": "the optimisation engine that ran",
    "objective": "the total score of the pairs",
    "bound": "the best total any matching could reach (the proof of optimality)",
    "gap": "bound − objective: 0 when proved optimal",
    "tolerance": "rounding allowance of scores that are not multiples of a power of two",
    "mentees_opted_in": "seniors who volunteered to learn (a person opted in as both counts on each side)",
    "mentees_matched": "seniors with a mentor",
    "mentee_places": "pairs the mentees can take in all (the sum of their capacities)",
    "mentees_waitlisted": "seniors with eligible mentors who are all taken (see waitlist_rank)",
    "mentors_opted_in": "juniors who volunteered to teach",
    "mentors_matched": "juniors with a mentee",
    "mentor_places": "pairs the mentors can take in all",
    "mentors_waitlisted": "juniors with eligible mentees who are all taken: the surplus of volunteers",
    "people_opted_in": "distinct people on either side",
    "people_matched": "distinct people in at least one pair",
    "unmatched": "people who opted in and have no pair at all",
    "pairs": "pairs made",
    "total_score": "sum of the pair scores",
    "mean_pair_score": "mean pair score",
    "median_pair_score": "median pair score",
    "min_pair_score": "lowest pair score",
    "max_pair_score": "highest pair score",
    "teaching_points": "what the juniors teach: the weighted forward parts, summed over pairs",
    "give_back_points": "what the seniors give back: the weighted backward parts, summed",
    "teaching_share": "teaching points / total score: the share of the programme's value that is the senior's learning",
    "mean_match_percent": "mean over pairs of the mentor's teaching against the best any allowed mentor could give",
    "mean_give_back_percent": "mean over pairs of the give-back against the best any allowed mentee could give",
    "mentee_need_points": "need points (0–5 per skill) of the matched seniors",
    "mentee_need_addressed": "of which on skills where their mentor is more proficient",
    "mentee_need_coverage": "mentee_need_addressed / mentee_need_points",
    "mentee_need_coverage_all": "mentee_need_addressed / the need points of every senior who opted in",
    "mentor_need_points": "need points of the matched juniors",
    "mentor_need_addressed": "of which on skills where their mentee is more proficient (give-back)",
    "mentor_need_coverage": "mentor_need_addressed / mentor_need_points",
    "mentor_need_coverage_all": "mentor_need_addressed / the need points of every junior who opted in",
    "mean_shared_hours": "mean shared working hours a day per pair (working_hours in each one's time zone)",
    "pairs_without_shared_hours": "pairs with no shared working hours (or a time zone unknown)",
    "pairs_below_min_shared_hours": "pairs below the programme's min_timezone_overlap (0 when it is not set)",
    "cross_department_share": "pairs across departments / pairs",
    "cross_location_share": "pairs across locations / pairs with both locations known",
    "pairs_with_locations": "pairs with both locations known",
    "level_gap_mean": "mean of mentee level − mentor level (positive: the mentor is junior)",
    "level_gap_min": "smallest level gap",
    "level_gap_max": "largest level gap",
    "blocking_pairs": "pairs not made that would both score higher together than with a current partner",
}
"""Every key of :func:`summary`, in order, with what it means.

One definition for the dict, the docs (the table in Explanations) and the report's hover text, so
they cannot disagree.
"""


def summary(result: MatchResult, *, blocking: pd.DataFrame | None = None) -> dict[str, float | int | str | None]:
    """Programme figures an HR lead and a sponsor can act on, as a flat, JSON-ready dict.

    The keys, in order, and what each means: :data:`SUMMARY_FIGURES`. A figure with no value (the
    mean pair score when there are no pairs, say) is ``None``. ``blocking``: the result's blocking
    pairs when already computed.

    Examples
    --------
    >>> import revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(400, seed=0))
    >>> s = summary(result)
    >>> list(s) == list(SUMMARY_FIGURES) and s["pairs"] == len(result.pairs)
    True
    >>> 0 < s["teaching_share"] <= 1 and 0 <= s["mentee_need_coverage"] <= 1
    True
    """
    rows, cols = positions(result)
    sc = result.scores
    m_rows, e_rows = sc.mentor_rows[rows], sc.mentee_rows[cols]
    out: dict[str, float | int | str | None] = {
        "status": str(result.status),
        "engine": result.engine,
        "objective": float(result.objective),
        "bound": float(result.bound),
        "gap": float(result.gap),
        "tolerance": float(result.tolerance),
    }
    out.update(_sides(result, m_rows, e_rows))
    out.update(_scores(result))
    out.update(_need_coverage(result))
    out.update(_hours(result))
    out.update(_diversity(result, m_rows, e_rows))
    out["blocking_pairs"] = len(blocking_pairs(result) if blocking is None else blocking)
    return {key: out[key] for key in SUMMARY_FIGURES}


def pair_figures(scores: PairScores, pairs: list[tuple[int, int]]) -> dict[str, float | int | None]:
    """The figures of :func:`summary` a set of pairs settles, computed as it computes them, before any
    explanation: ``pairs``, ``mentees_matched``, ``mentors_matched``, ``teaching_points``,
    ``give_back_points``, ``min_pair_score`` and ``total_score``.

    ``pairs`` are score-matrix positions ``(row, col)``, as an assignment holds them; what-if advice
    reads a re-solve with this, so its figures are the ones a sponsor reads in the summary.
    """
    rows = np.array([p[0] for p in pairs], dtype=np.int64)
    cols = np.array([p[1] for p in pairs], dtype=np.int64)
    if len(rows):
        score, _, parts = scores.pair_scores(rows, cols)
        score = np.asarray(score, dtype=float)
    else:
        score, parts = np.zeros(0), {"forward": np.zeros(0), "backward": np.zeros(0)}
    # Weighted per pair, then summed: as the explanations weigh each part and the summary adds them.
    teaching = np.asarray(parts["forward"], dtype=float) * float(scores.weights["forward"])
    give_back = np.asarray(parts["backward"], dtype=float) * float(scores.weights["backward"])
    return {
        "pairs": len(rows),
        "mentees_matched": len(np.unique(scores.mentee_rows[cols])),
        "mentors_matched": len(np.unique(scores.mentor_rows[rows])),
        "teaching_points": float(teaching.sum()),
        "give_back_points": float(give_back.sum()),
        "min_pair_score": stats(score)["min"],
        "total_score": float(score.sum()),
    }


def _sides(result: MatchResult, m_rows: np.ndarray, e_rows: np.ndarray) -> dict[str, int]:
    sc, waitlist = result.scores, result.unmatched.get("waitlist_side", pd.Series(dtype=object))
    return {
        "mentees_opted_in": sc.shape[1],
        "mentees_matched": len(np.unique(e_rows)),
        "mentee_places": int(sc.mentee_capacity.sum()),
        "mentees_waitlisted": int((waitlist == "mentee").sum()),
        "mentors_opted_in": sc.shape[0],
        "mentors_matched": len(np.unique(m_rows)),
        "mentor_places": int(sc.mentor_capacity.sum()),
        "mentors_waitlisted": int((waitlist == "mentor").sum()),
        "people_opted_in": len(np.union1d(sc.mentor_rows, sc.mentee_rows)),
        "people_matched": len(np.union1d(m_rows, e_rows)),
        "unmatched": len(result.unmatched),
        "pairs": len(result.pairs),
    }


def _scores(result: MatchResult) -> dict[str, float | None]:
    pairs = result.pairs
    scores = pairs["score"].to_numpy(dtype=float)
    out: dict[str, float | None] = {"total_score": float(scores.sum())}
    out.update({f"{k}_pair_score": v for k, v in stats(scores).items()})
    teaching, give_back = float(pairs["forward"].sum()), float(pairs["backward"].sum())
    out.update(teaching_points=teaching, give_back_points=give_back, teaching_share=share(teaching, scores.sum()))
    standing = match_percent(result)
    for key, column in (("mean_match_percent", "match_percent"), ("mean_give_back_percent", "give_back_percent")):
        values = standing[column].to_numpy(dtype=float)
        out[key] = float(np.nanmean(values)) if np.isfinite(values).any() else None
    return out


def _need_coverage(result: MatchResult) -> dict[str, float | int | None]:
    by_skill = coverage_by_skill(result)
    out: dict[str, float | int | None] = {}
    for side in ("mentee", "mentor"):
        points = int(by_skill[f"{side}_need_matched"].sum())
        addressed = int(by_skill[f"{side}_addressed"].sum())
        out[f"{side}_need_points"] = points
        out[f"{side}_need_addressed"] = addressed
        out[f"{side}_need_coverage"] = share(addressed, points)
        out[f"{side}_need_coverage_all"] = share(addressed, int(by_skill[f"{side}_need"].sum()))
    return out


def shared_hours(result: MatchResult) -> np.ndarray:
    """Shared working hours a day of every pair, in pair order (0 where a time zone is unknown)."""
    rows, cols = positions(result)
    sc = result.scores
    facts = PairAttributes(result.workforce, result.program, sc.mentor_rows[rows], sc.mentee_rows[cols], aligned=True)
    return facts.timezone_overlap() if len(rows) else np.zeros(0)


def _hours(result: MatchResult) -> dict[str, float | int | None]:
    hours = shared_hours(result)
    least = result.program.min_timezone_overlap
    return {
        "mean_shared_hours": float(hours.mean()) if len(hours) else None,
        "pairs_without_shared_hours": int((hours <= 0).sum()),
        "pairs_below_min_shared_hours": int((hours < least).sum()) if least is not None else 0,
    }


def _diversity(result: MatchResult, m_rows: np.ndarray, e_rows: np.ndarray) -> dict[str, float | int | None]:
    emp = result.workforce.employees
    dept = emp["department"].to_numpy(dtype=object)
    loc = emp["location"].fillna("").astype(str).to_numpy(dtype=object)
    level = emp["level"].to_numpy(dtype=np.int64)
    out: dict[str, float | int | None] = {
        "cross_department_share": share(int(np.sum(dept[m_rows] != dept[e_rows])), len(m_rows))
    }
    # An unknown location is neither "same" nor "different": those pairs are left out of the share.
    known = (loc[m_rows] != "") & (loc[e_rows] != "")
    out["cross_location_share"] = share(int(np.sum(known & (loc[m_rows] != loc[e_rows]))), int(known.sum()))
    out["pairs_with_locations"] = int(known.sum())
    gap = stats((level[e_rows] - level[m_rows]).astype(float))
    out["level_gap_mean"], out["level_gap_min"], out["level_gap_max"] = gap["mean"], gap["min"], gap["max"]
    return out


def matched_by_level(result: MatchResult) -> pd.DataFrame:
    """Per level and side: people who opted in, those matched, their share, and those waitlisted.

    Seniors first: the mentees by level, highest level first, then the mentors. A sponsor reads here
    whether the executives the programme is for took part (the CEO's absence is not buried).

    Examples
    --------
    >>> import revmatch as rm
    >>> table = matched_by_level(rm.match(rm.synthetic_workforce(400, seed=0)))
    >>> list(table.columns)
    ['side', 'level', 'opted_in', 'matched', 'matched_share', 'waitlisted']
    """
    sc, level = result.scores, result.workforce.employees["level"].to_numpy()
    rows, cols = positions(result)
    unmatched = result.unmatched
    waitlisted = {
        side: set(unmatched["employee_id"][unmatched["waitlist_side"] == side]) for side in ("mentor", "mentee")
    }
    frames = []
    for side, people, paired in (
        ("mentee", sc.mentee_rows, sc.mentee_rows[cols]),
        ("mentor", sc.mentor_rows, sc.mentor_rows[rows]),
    ):
        ids = result.workforce.ids[people]
        frame = pd.DataFrame(
            {
                "level": level[people],
                "matched": np.isin(people, paired),
                "waitlisted": [i in waitlisted[side] for i in ids],
            }
        )
        table = frame.groupby("level").agg(
            opted_in=("matched", "size"), matched=("matched", "sum"), waitlisted=("waitlisted", "sum")
        )
        table = table.sort_index(ascending=side == "mentor").reset_index()
        table["matched_share"] = table["matched"] / table["opted_in"]
        frames.append(table.assign(side=side))
    columns = ["side", "level", "opted_in", "matched", "matched_share", "waitlisted"]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(columns=columns)
