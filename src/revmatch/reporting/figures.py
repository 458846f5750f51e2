"""What a match means for the programme: summary figures, match %, need coverage, department flow, stability."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import UnknownPersonError
from ..standing import STANDING_BLOCK, pair_standing, partner_loads

if TYPE_CHECKING:
    from ..matching import MatchResult

ROW_BLOCK = 2048  # score-matrix rows scanned at a time: bounds the temporary memory of a scan


# ---- shared helpers -------------------------------------------------------------------------------
def positions(result: MatchResult) -> tuple[np.ndarray, np.ndarray]:
    """Score-matrix (row, col) of every pair in ``result.pairs``, in pair order."""
    s = result.scores
    rows = pd.Index(s.mentor_ids).get_indexer(result.pairs["mentor_id"].astype(str))
    cols = pd.Index(s.mentee_ids).get_indexer(result.pairs["mentee_id"].astype(str))
    if np.any(rows < 0) or np.any(cols < 0):
        raise UnknownPersonError(
            "result.pairs names a mentor or mentee that is not in result.scores; "
            "was the pairs table edited after match()?"
        )
    return rows.astype(np.int64), cols.astype(np.int64)


def _covered(learner_rows: np.ndarray, teacher_rows: np.ndarray, proficiency: np.ndarray):
    """Distinct learners and, per learner and skill, whether any of their partners is ahead on it.

    A learner with several partners (capacity above 1) has a need addressed if at least one partner
    is more proficient, so a need is never counted twice.
    """
    learners, inverse = np.unique(learner_rows, return_inverse=True)
    ahead = proficiency[teacher_rows] > proficiency[learner_rows]
    covered = np.zeros((len(learners), proficiency.shape[1]), dtype=bool)
    np.logical_or.at(covered, inverse, ahead)
    return learners, covered


def share(part: float, whole: float) -> float | None:
    return float(part / whole) if whole > 0 else None


def stats(values: np.ndarray) -> dict[str, float | None]:
    if len(values) == 0:
        return {"mean": None, "median": None, "min": None, "max": None}
    return {
        "mean": float(np.mean(values)),
        "median": float(np.median(values)),
        "min": float(np.min(values)),
        "max": float(np.max(values)),
    }


# ---- figures ----------------------------------------------------------------------------------------
def coverage_by_skill(result: MatchResult) -> pd.DataFrame:
    r"""Need points per skill, stated and addressed, for mentees (taught) and mentors (given back).

    For skill :math:`s`, with need :math:`q` and proficiency :math:`p`:

    - ``mentee_need`` :math:`= \sum_{j} q_{js}` over every opted-in mentee :math:`j`;
    - ``mentee_need_matched``: the same sum over mentees with at least one pair;
    - ``mentee_addressed`` :math:`= \sum_{j} q_{js}\,[\exists\ \text{mentor } i \text{ of } j:
      p_{is} > p_{js}]` over matched mentees;
    - ``mentor_need``, ``mentor_need_matched``, ``mentor_addressed``: the same for the mentors' own
      needs against their mentees' proficiency (what the seniors give back).

    A point is one level of stated need (0–5), not a score point: it counts *whether* a partner can
    help with a need, not by how many levels they are ahead.

    Parameters
    ----------
    result : MatchResult

    Returns
    -------
    pandas.DataFrame
        One row per skill of the workforce, in ``workforce.skill_names`` order.

    Examples
    --------
    >>> import revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(200, seed=0), rm.Program(min_level_gap=2))
    >>> cov = coverage_by_skill(result)
    >>> bool((cov["mentee_addressed"] <= cov["mentee_need_matched"]).all())
    True
    """
    wf, s = result.workforce, result.scores
    rows, cols = positions(result)
    m_rows, e_rows = s.mentor_rows[rows], s.mentee_rows[cols]
    need = wf.need.astype(np.int64)
    out = {"skill": list(wf.skill_names)}
    for side, learner_rows, teacher_rows, opted in (
        ("mentee", e_rows, m_rows, s.mentee_rows),
        ("mentor", m_rows, e_rows, s.mentor_rows),
    ):
        learners, covered = _covered(learner_rows, teacher_rows, wf.proficiency)
        out[f"{side}_need"] = need[opted].sum(axis=0)
        out[f"{side}_need_matched"] = need[learners].sum(axis=0)
        out[f"{side}_addressed"] = (need[learners] * covered).sum(axis=0)
    return pd.DataFrame(out)


def department_flow(result: MatchResult) -> pd.DataFrame:
    """Pair counts by mentor department (rows) × mentee department (columns), departments sorted.

    Only departments that appear in at least one pair are listed.

    Examples
    --------
    >>> import revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(200, seed=0), rm.Program(min_level_gap=2))
    >>> int(department_flow(result).to_numpy().sum()) == len(result.pairs)
    True
    """
    wf = result.workforce
    dept = wf.employees["department"].to_numpy(dtype=object)
    mentor = pd.Series(
        dept[wf.index_of(result.pairs["mentor_id"])] if len(result.pairs) else [],
        name="mentor department",
        dtype=object,
    )
    mentee = pd.Series(
        dept[wf.index_of(result.pairs["mentee_id"])] if len(result.pairs) else [],
        name="mentee department",
        dtype=object,
    )
    return pd.crosstab(mentor, mentee).sort_index(axis=0).sort_index(axis=1)


def match_percent(result: MatchResult, block: int = STANDING_BLOCK) -> pd.DataFrame:
    r"""A copy of ``result.pairs`` with each pair's match %, give-back % and rank on both sides.

    Reverse mentoring puts the senior's learning first, so match % reads the pair's *forward* part
    (what the mentor teaches on the mentee's needs), not its whole score. For mentor :math:`i` and
    mentee :math:`j`, with allowed mask :math:`A` and unweighted forward and backward parts
    :math:`F` and :math:`B`:

    .. math::

        \mathrm{match\_percent}_{ij} = 100\,\frac{F_{ij}}{\max_{i' : A_{i'j}} F_{i'j}}, \qquad
        \mathrm{give\_back\_percent}_{ij} = 100\,\frac{B_{ij}}{\max_{j' : A_{ij'}} B_{ij'}}

    i.e. what the mentor teaches as a share of the most any mentor the programme's rules allow could
    teach this mentee — whether or not that mentor was free; 100 means the mentee got (one of) the
    mentors who could teach them most. Give-back % is the same for what the mentee gives back to the
    mentor. The optimiser maximises the *total* score, so not every pair can reach 100. Ranks read
    whole scores (weights and preferences included).

    Added columns (see :func:`revmatch.standing.pair_standing`):

    - ``match_percent``: as above, in [0, 100]; 0 for a pair whose forward part is 0 (possible only
      with ``min_forward = 0``); NaN if no allowed mentor could teach the mentee anything.
    - ``give_back_percent``: as above, from the mentor's side; NaN if no allowed mentee could give
      the mentor anything back.
    - ``rank_for_mentee``: 1 + the number of allowed mentors who would score strictly higher with
      this mentee (1 = best; ties share a rank); ``mentee_options``: allowed mentors with a positive
      score.
    - ``rank_for_mentor``, ``mentor_options``: the same from the mentor's side, among allowed mentees.

    Parameters
    ----------
    result : MatchResult

    Returns
    -------
    pandas.DataFrame
        ``result.pairs`` (same index and order) with the six columns above.

    Examples
    --------
    >>> import revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(200, seed=0), rm.Program(min_level_gap=2))
    >>> mp = match_percent(result)
    >>> bool(mp["match_percent"].between(0, 100).all())
    True
    """
    rows, cols = positions(result)
    out = result.pairs.copy()
    for name, values in pair_standing(result.scores, rows, cols, block=block).items():
        out[name] = values
    return out


def blocking_pairs(result: MatchResult, block: int = ROW_BLOCK) -> pd.DataFrame:
    r"""The stability report: allowed pairs not made that both people would prefer, by score.

    Mentor :math:`i` and mentee :math:`j` block the result if the pair is allowed, scores above 0,
    is not in the result, and both would rather have it than their current situation:

    .. math::

        W_{ij} > t_i \ \text{and}\ W_{ij} > u_j, \qquad
        t_i = \begin{cases} -\infty & \text{load}_i < c_i \ \text{(spare capacity)} \\
        \min_{j' \text{ paired with } i} W_{ij'} & \text{otherwise} \end{cases}

    and :math:`u_j` the same for the mentee. Someone with capacity 0 never blocks. The optimiser
    maximises the total score, which can leave blocking pairs: they are what a participant could
    point to ("we both would have scored higher together"), not an error.

    Parameters
    ----------
    result : MatchResult

    Returns
    -------
    pandas.DataFrame
        Columns ``mentor_id``, ``mentee_id``, ``score``, ``mentor_current_worst``,
        ``mentee_current_worst`` (the weakest current pair score of each, NaN if they have no pair),
        ``mentor_spare``, ``mentee_spare`` (capacity left). Best score first, then by ids.

    Examples
    --------
    >>> import revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(200, seed=0), rm.Program(min_level_gap=2))
    >>> list(blocking_pairs(result).columns[:3])
    ['mentor_id', 'mentee_id', 'score']
    """
    s = result.scores
    rows, cols = positions(result)
    row_load, row_worst, col_load, col_worst = partner_loads(result.scores, rows, cols)
    row_spare = s.mentor_capacity - row_load
    col_spare = s.mentee_capacity - col_load
    # Spare capacity: any positive pair beats staying as you are. Full (or capacity 0): only a score
    # strictly above your weakest pair does (capacity 0 leaves that at +inf, so never).
    row_bar = np.where(row_spare > 0, -np.inf, row_worst)
    col_bar = np.where(col_spare > 0, -np.inf, col_worst)
    col_bar = np.maximum(col_bar, 0.0)  # "positive score" folded into the mentee's bar

    found_r, found_c = [], []
    for a in range(0, s.shape[0], block):
        w, allowed = s.block(np.arange(a, min(a + block, s.shape[0])), np.arange(s.shape[1]))
        hit = allowed & (w > row_bar[a : a + block, None]) & (w > col_bar[None, :])
        inside = (rows >= a) & (rows < a + block)
        # A made pair can pass both bars when both people have spare capacity: it is not a blocker.
        hit[rows[inside] - a, cols[inside]] = False
        r, c = np.nonzero(hit)
        found_r.append(r + a)
        found_c.append(c)
    r = np.concatenate(found_r) if found_r else np.zeros(0, dtype=np.int64)
    c = np.concatenate(found_c) if found_c else np.zeros(0, dtype=np.int64)
    out = pd.DataFrame(
        {
            "mentor_id": s.mentor_ids[r].astype(object),
            "mentee_id": s.mentee_ids[c].astype(object),
            "score": s.pair_scores(r, c)[0].astype(float),
            "mentor_current_worst": np.where(np.isinf(row_worst[r]), np.nan, row_worst[r]),
            "mentee_current_worst": np.where(np.isinf(col_worst[c]), np.nan, col_worst[c]),
            "mentor_spare": row_spare[r].astype(np.int64),
            "mentee_spare": col_spare[c].astype(np.int64),
        }
    )
    return out.sort_values(
        ["score", "mentor_id", "mentee_id"], ascending=[False, True, True], kind="stable", ignore_index=True
    )
