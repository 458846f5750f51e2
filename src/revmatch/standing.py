"""How good a pair is for each side: match % (the senior's learning), give-back %, and ranks among the options.

Reverse mentoring puts the senior's learning first, so a pair's match % reads its forward part (what
the junior mentor teaches on the senior mentee's needs) against the best forward part any allowed
mentor could give that mentee; give-back % reads the backward part against the best any allowed
mentee could give that mentor. Ranks read whole scores. Both routes answer alike: the dense one from
its matrices, the sparse one by reading each line through a cheap bound and scoring exactly only the
partners that could beat what is known.
"""

from __future__ import annotations

import numpy as np

from .scoring import BlockScores, PairScores, score_block

STANDING_BLOCK = 2048  # lines read at a time: bounds the temporary memory of a scan
STANDING_COLUMNS = (
    "match_percent",
    "give_back_percent",
    "rank_for_mentee",
    "mentee_options",
    "rank_for_mentor",
    "mentor_options",
)


def pair_standing(
    scores: PairScores,
    rows: np.ndarray,
    cols: np.ndarray,
    pair_scores: np.ndarray | None = None,
    options: bool = True,
    block: int = STANDING_BLOCK,
) -> dict[str, np.ndarray]:
    r"""Match %, give-back % and ranks of the pairs at ``(rows[k], cols[k])``.

    For mentor :math:`i`, mentee :math:`j`, forward part :math:`F` and backward part :math:`B`
    (unweighted), over the pairs the programme allows (:math:`A`):

    .. math::

        \mathrm{match\_percent}_{ij} = 100\,\frac{F_{ij}}{\max_{i' : A_{i'j}} F_{i'j}}, \qquad
        \mathrm{give\_back\_percent}_{ij} = 100\,\frac{B_{ij}}{\max_{j' : A_{ij'}} B_{ij'}}

    (NaN when no allowed partner gives more than 0). ``rank_for_mentee`` = 1 + allowed mentors who
    would score strictly higher with the mentee (ties share a rank); ``mentee_options`` = allowed
    mentors scoring above 0 (with ``options``); the same from the mentor's side.
    """
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    parts = scores.pair_scores(rows, cols)
    if pair_scores is None:
        pair_scores = parts[0]
    allowed = parts[1]
    out = {}
    for name, part, lines, axis in (("match_percent", "forward", cols, 0), ("give_back_percent", "backward", rows, 1)):
        own = parts[2][part].astype(np.float64)
        best = best_part(scores, part, lines, axis, np.where(allowed, own, -np.inf), block)
        with np.errstate(divide="ignore", invalid="ignore"):
            out[name] = np.where(best > 0, np.clip(100.0 * (own / best), 0.0, 100.0), np.nan)
    out["rank_for_mentee"] = rank_among(scores, cols, pair_scores, 0, block)
    out["rank_for_mentor"] = rank_among(scores, rows, pair_scores, 1, block)
    if options:  # partners scoring above 0 = (rank of a 0 score) − 1
        zero = np.zeros(len(rows))
        out["mentee_options"] = rank_among(scores, cols, zero, 0, block) - 1
        out["mentor_options"] = rank_among(scores, rows, zero, 1, block) - 1
    return {name: out[name] for name in STANDING_COLUMNS if name in out}


def best_part(
    scores: PairScores, part: str, lines: np.ndarray, axis: int, known: np.ndarray, block: int = STANDING_BLOCK
) -> np.ndarray:
    """Each line's largest unweighted ``part`` ("forward" or "backward") over its allowed partners.

    ``axis`` 0: the lines are mentees (columns) and the partners mentors; 1: the other way round.
    ``known`` is a value each line is known to reach with an allowed partner (-inf if none).
    """
    if not isinstance(scores, BlockScores):
        values = np.where(scores.allowed, scores.parts[part], -np.inf)
        best = values.max(axis=axis, initial=-np.inf)
        return best[lines] if len(lines) else np.zeros(0)
    best = np.asarray(known, dtype=np.float64).copy()
    order = np.argsort(lines, kind="stable")
    for a in range(0, len(lines), block):
        k = order[a : a + block]
        best[k] = _scan_part(scores, part, lines[k], axis, best[k])
    return best


def _scan_part(scores: BlockScores, part: str, lines: np.ndarray, axis: int, best: np.ndarray) -> np.ndarray:
    """A block of lines read through the part's bound; only partners that could beat ``best`` scored exactly.

    Proficiency is never negative, so forward ≤ Σ_s p_is q_js (the mentor's proficiency on the
    mentee's needs) and backward ≤ Σ_s q_is p_js: one GEMM over one column per skill bounds them all.
    """
    wf, program = scores.workforce, scores.program
    p, q = wf.proficiency.astype(np.float32), wf.need.astype(np.float32)
    line_rows = (scores.mentee_rows if axis == 0 else scores.mentor_rows)[lines]
    partner_rows = scores.mentor_rows if axis == 0 else scores.mentee_rows
    # Forward: mentors' proficiency × mentees' needs; backward: mentors' needs × mentees' proficiency.
    teacher_is_partner = (part == "forward") == (axis == 0)
    left, right = (p, q) if teacher_is_partner else (q, p)
    bound = left[partner_rows] @ right[line_rows].T  # partners × lines
    hit_partner, hit_line = np.nonzero(bound > best[None, :])
    if len(hit_partner):
        m_rows, e_rows = (partner_rows[hit_partner], line_rows[hit_line])
        if axis == 1:
            m_rows, e_rows = e_rows, m_rows
        _, ok, exact = score_block(wf, program, m_rows, e_rows, aligned=True)
        values = np.where(ok, exact[part], -np.inf)
        np.maximum.at(best, hit_line, values)
    return best


def rank_among(scores: PairScores, lines: np.ndarray, values: np.ndarray, axis: int, block: int = STANDING_BLOCK):
    """1 + allowed partners scoring strictly above ``values[k]`` on line ``lines[k]`` (axis 0: mentees).

    On :class:`BlockScores`, a value ≥ 0 and at least its line's k-th best has every better partner
    among the line's k best (which are positive); other lines are scored in full, a block at a time.
    """
    lines, values = np.asarray(lines, dtype=np.int64), np.asarray(values, dtype=np.float64)
    if not isinstance(scores, BlockScores):
        # A forbidden pair is no option at all, however well it would score.
        allowed_scores = np.where(scores.allowed, scores.matrix, -np.inf)
        rank = np.empty(len(lines), dtype=np.int64)
        for a in range(0, len(lines), block):
            k, v = lines[a : a + block], values[a : a + block]
            if axis == 0:
                rank[a : a + block] = 1 + (allowed_scores[:, k] > v[None, :]).sum(axis=0)
            else:
                rank[a : a + block] = 1 + (allowed_scores[k, :] > v[:, None]).sum(axis=1)
        return rank
    top = scores.mentee_top if axis == 0 else scores.mentor_top
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
