"""Stated preferences in a match: ``must`` made locks (or reported why not), and how well the statements were met."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from .engine import Assignment, solve
from .models import Workforce
from .program import Program
from .rules import RULE_WORDS, capacities, how_to_allow, participants, rule_masks
from .scoring import PairScores, score_block

MUST_COLUMNS = ("employee_id", "partner_id", "mentor_id", "mentee_id", "honoured", "reason")


@dataclass(frozen=True)
class VoiceReport:
    """How a match met the participants' stated preferences (``MatchResult.voice``).

    ``musts``: one row per ``must`` statement — the pair it became (``mentor_id``, ``mentee_id``, empty
    when no direction is allowed), ``honoured`` and, when not, why. ``choices``: one row per person who
    ranked anyone — ``employee_id``, ``ranked`` (how many), ``best_rank_met`` (the best rank among
    their partners; empty: none of their choices). ``avoids`` and ``avoids_respected``: ``avoid``
    statements, and those whose pair was not made (all: a hard rule). ``blocking``: pairs stated about
    (ranked by at least one of the two) that both would rather have than a partner they got or an empty
    place (stated ranks first, then score). ``total_optimum``: the ``total`` objective's optimum under
    the same rules, when the programme's objective is ``rank_maximal`` or ``stable`` (what it costs).
    """

    musts: pd.DataFrame
    choices: pd.DataFrame
    avoids: int
    avoids_respected: int
    blocking: pd.DataFrame
    total_optimum: float | None = None

    def shares(self) -> dict[str, float | None]:
        """Share of the people who ranked anyone with their 1st, 2nd, 3rd choice (best met), a later
        one, or none of them; None when nobody ranked anyone."""
        best = self.choices["best_rank_met"]
        n = len(best)
        if not n:
            return dict.fromkeys(("first", "second", "third", "later", "none"))
        met = best.dropna().astype(int)
        return {
            "first": float((met == 1).sum() / n),
            "second": float((met == 2).sum() / n),
            "third": float((met == 3).sum() / n),
            "later": float((met > 3).sum() / n),
            "none": float(best.isna().sum() / n),
        }


def must_locks(workforce: Workforce, program: Program) -> tuple[Program, pd.DataFrame]:
    """The programme with every ``must`` that can hold added to its locks, and every ``must`` with why.

    A must about ``{a, b}`` becomes the direction the two opted in for and the hard rules allow (both:
    the better scoring). Admin locks take their places first; among the rest, as many musts as the
    capacities allow are honoured (then the best total), and the others are reported, never dropped.
    """
    stated = program.preferences
    if stated is None or not len(stated.of_kind("must")):
        return program, pd.DataFrame(columns=list(MUST_COLUMNS))
    musts = stated.of_kind("must")
    a = workforce.index_of(musts["employee_id"]).astype(np.int64)
    b = workforce.index_of(musts["partner_id"]).astype(np.int64)
    mentor, mentee, reason = _directions(workforce, program, a, b)
    ids = workforce.ids
    chosen = _within_capacity(workforce, program, mentor, mentee, reason)
    rows = []
    for k in range(len(a)):
        pair = (str(ids[mentor[k]]), str(ids[mentee[k]])) if mentor[k] >= 0 else ("", "")
        rows.append((str(ids[a[k]]), str(ids[b[k]]), *pair, bool(chosen[k]), "" if chosen[k] else reason[k]))
    frame = pd.DataFrame(rows, columns=list(MUST_COLUMNS))
    honoured = frame[frame["honoured"]]
    locks = tuple(dict.fromkeys((*program.locked, *zip(honoured["mentor_id"], honoured["mentee_id"]))))
    return program.model_copy(update={"locked": locks}), frame


def _directions(
    workforce: Workforce, program: Program, a: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Per must, the allowed direction as workforce rows (-1 when none), and why none is."""
    mentors, mentees = (set(x.tolist()) for x in participants(workforce, program))
    options = []
    for m, e in ((a, b), (b, a)):  # the author as mentor, then as mentee
        sides = np.array([x in mentors and y in mentees for x, y in zip(m.tolist(), e.tolist())], dtype=bool)
        masks = rule_masks(workforce, program, m, e, aligned=True)
        allowed = sides & np.logical_and.reduce(list(masks.values()))
        score = score_block(workforce, program, m, e, with_parts=False, aligned=True)[0]
        options.append((m, e, sides, masks, allowed, score))
    (m1, e1, _, _, ok1, w1), (m2, e2, _, _, ok2, w2) = options
    first = ok1 & (~ok2 | (w1 >= w2))
    mentor = np.where(first, m1, np.where(ok2, m2, -1))
    mentee = np.where(first, e1, np.where(ok2, e2, -1))
    reasons = []
    for k in range(len(a)):
        if mentor[k] >= 0:
            reasons.append("")
            continue
        why = [
            _broken(workforce, program, int(m[k]), int(e[k]), {r: v[k] for r, v in masks.items()})
            for m, e, sides, masks, _, _ in options
            if sides[k]
        ]
        reasons.append(
            "; ".join(why) if why else "no direction fits their opt-ins (one must mentor, the other be mentored)"
        )
    return mentor, mentee, reasons


def _broken(workforce: Workforce, program: Program, mentor: int, mentee: int, masks: dict) -> str:
    """The hard rules a direction breaks, each with how to allow it."""
    ids = workforce.ids
    broken = [r for r, ok in masks.items() if not ok]
    rules = [f"{RULE_WORDS[r]} ({how_to_allow(workforce, program, r, mentor, mentee)})" for r in broken]
    return f"{ids[mentor]} → {ids[mentee]} breaks: " + ", ".join(rules)


def _within_capacity(
    workforce: Workforce, program: Program, mentor: np.ndarray, mentee: np.ndarray, reason: list[str]
) -> np.ndarray:
    """Which allowed musts to honour: the most the capacities left by admin locks allow, then the best total.

    Exact: a b-matching of the musts whose every pair is worth more than all their scores together.
    """
    ids = workforce.ids
    locked = {(m, e) for m, e in program.locked}
    keys = [(str(ids[m]), str(ids[e])) if m >= 0 else None for m, e in zip(mentor, mentee)]
    chosen = np.array([k is not None and k in locked for k in keys], dtype=bool)
    todo = sorted({k for k in keys if k is not None and k not in locked})
    if not todo:
        return chosen
    row_cap = capacities(workforce, program, "mentor")
    col_cap = capacities(workforce, program, "mentee")
    for m, e in program.locked:
        at = workforce.index_of([m, e])
        row_cap[at[0]] -= 1
        col_cap[at[1]] -= 1
    m_rows, e_rows = workforce.index_of([k[0] for k in todo]), workforce.index_of([k[1] for k in todo])
    r_ids, r_at = np.unique(m_rows, return_inverse=True)
    c_ids, c_at = np.unique(e_rows, return_inverse=True)
    score = score_block(workforce, program, m_rows, e_rows, with_parts=False, aligned=True)[0]
    w = np.zeros((len(r_ids), len(c_ids)))
    w[r_at, c_at] = 2 * np.abs(score).sum() + 1 + score
    allowed = np.zeros(w.shape, dtype=bool)
    allowed[r_at, c_at] = True
    made = solve(w, allowed, np.maximum(row_cap[r_ids], 0), np.maximum(col_cap[c_ids], 0)).pairs
    honoured = {(str(ids[r_ids[i]]), str(ids[c_ids[j]])) for i, j in made}
    for k, key in enumerate(keys):
        if key is None or chosen[k]:
            continue
        if key in honoured:
            chosen[k] = True
        else:
            reason[k] = f"{key[0]} → {key[1]} does not fit: their capacities are taken by admin locks or other musts"
    return chosen


def voice_report(
    workforce: Workforce,
    program: Program,
    scores: PairScores,
    assignment: Assignment,
    musts: pd.DataFrame,
    total_optimum: float | None = None,
) -> VoiceReport:
    """How the match met the statements of ``program.preferences`` (see :class:`VoiceReport`)."""
    stated = program.preferences
    assert stated is not None
    made = {(str(scores.mentor_ids[i]), str(scores.mentee_ids[j])) for i, j in assignment.pairs}
    together = {frozenset(p) for p in made}
    ranks = stated.of_kind("rank")
    met = np.array([frozenset(p) in together for p in zip(ranks["employee_id"], ranks["partner_id"])], dtype=bool)
    per = ranks.assign(met_rank=np.where(met, ranks["rank"], np.nan)).groupby("employee_id", sort=True)
    choices = pd.DataFrame(
        {"ranked": per["rank"].size(), "best_rank_met": per["met_rank"].min().astype("Int64")}
    ).reset_index()
    avoids = stated.of_kind("avoid")
    kept_apart = sum(frozenset(p) not in together for p in zip(avoids["employee_id"], avoids["partner_id"]))
    if len(musts):
        musts = musts.assign(honoured=[(m, e) in made for m, e in zip(musts["mentor_id"], musts["mentee_id"])])
    blocking = blocking_pairs(workforce, program, scores, assignment) if len(ranks) else _no_blocking()
    return VoiceReport(musts, choices, len(avoids), int(kept_apart), blocking, total_optimum)


def _no_blocking() -> pd.DataFrame:
    return pd.DataFrame(columns=["mentor_id", "mentee_id", "score"])


def blocking_pairs(workforce: Workforce, program: Program, scores: PairScores, assignment: Assignment) -> pd.DataFrame:
    """Pairs ranked by at least one of their two people, allowed, not made, that both would rather have.

    Each person orders partners by their stated rank (unranked after every ranked one), then by the
    pair's score; someone with a free place on that side takes any allowed partner. Locked pairs (admin
    locks, honoured musts) are fixed: their places are taken and never freed by a better offer. Only
    stated pairs are checked, so the cost is the statements', not the whole matrix's.
    """
    stated = program.preferences
    assert stated is not None
    who, whom, kinds, rank = stated.statements(workforce.ids)
    pick = kinds == 0
    a, b = who[pick], whom[pick]
    pos_r = {int(r): k for k, r in enumerate(scores.mentor_rows)}
    pos_c = {int(r): k for k, r in enumerate(scores.mentee_rows)}
    both_ways = [(m, e) for x, y in zip(a.tolist(), b.tolist()) for m, e in ((x, y), (y, x))]
    cand = {(pos_r[m], pos_c[e]) for m, e in both_ways if m in pos_r and e in pos_c}
    cand -= set(assignment.pairs)
    if not cand:
        return _no_blocking()
    rows = np.array([c[0] for c in cand], dtype=np.int64)
    cols = np.array([c[1] for c in cand], dtype=np.int64)
    order = np.lexsort((cols, rows))
    rows, cols = rows[order], cols[order]
    score, allowed, _ = scores.pair_scores(rows, cols)
    locks = set(program.locked)
    free = [p for p in assignment.pairs if (str(scores.mentor_ids[p[0]]), str(scores.mentee_ids[p[1]])) not in locks]
    pr = np.array([p[0] for p in free], dtype=np.int64)
    pc = np.array([p[1] for p in free], dtype=np.int64)
    held = scores.pair_scores(pr, pc)[0] if len(pr) else np.zeros(0)
    rank_of = {(int(x), int(y)): int(r) for x, y, r in zip(a, b, rank[pick])}
    key = lambda person, partner, s: (rank_of.get((person, partner), 1 << 30), -float(s))
    worst_r: dict[int, tuple] = {}
    worst_c: dict[int, tuple] = {}
    for i, j, s in zip(pr.tolist(), pc.tolist(), held.tolist()):
        m, e = int(scores.mentor_rows[i]), int(scores.mentee_rows[j])
        worst_r[i] = max(worst_r.get(i, (-1, 0.0)), key(m, e, s))
        worst_c[j] = max(worst_c.get(j, (-1, 0.0)), key(e, m, s))
    # A lock is fixed: its place is taken, never freed by a better offer.
    load_r = np.bincount(np.array([p[0] for p in assignment.pairs], dtype=np.int64), minlength=scores.shape[0])
    load_c = np.bincount(np.array([p[1] for p in assignment.pairs], dtype=np.int64), minlength=scores.shape[1])
    out = []
    for i, j, s, ok in zip(rows.tolist(), cols.tolist(), score.tolist(), allowed.tolist()):
        if not ok:
            continue
        m, e = int(scores.mentor_rows[i]), int(scores.mentee_rows[j])
        mentor_wants = load_r[i] < scores.mentor_capacity[i] or key(m, e, s) < worst_r.get(i, (-1, 0.0))
        mentee_wants = load_c[j] < scores.mentee_capacity[j] or key(e, m, s) < worst_c.get(j, (-1, 0.0))
        if mentor_wants and mentee_wants and scores.mentor_capacity[i] > 0 and scores.mentee_capacity[j] > 0:
            out.append((str(scores.mentor_ids[i]), str(scores.mentee_ids[j]), float(s)))
    return pd.DataFrame(out, columns=["mentor_id", "mentee_id", "score"])


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def with_stated_reasons(explanations: list, program: Program) -> list:
    """Each explanation's reason followed by what was stated about the pair: whose choice it was (and
    which), who asked for it (must). Explanations of pairs nobody stated anything about are unchanged."""
    stated = program.preferences
    if stated is None:
        return explanations
    f = stated.frame[stated.frame["kind"] != "avoid"]
    said: dict[frozenset, list[str]] = {}
    for who, whom, kind, rank in zip(f["employee_id"], f["partner_id"], f["kind"], f["rank"]):
        text = f"{who} asked for this pair (must)" if kind == "must" else f"{who}'s {_ordinal(int(rank))} choice"
        said.setdefault(frozenset((who, whom)), []).append(text)
    out = []
    for e in explanations:
        words = said.get(frozenset((e.mentor_id, e.mentee_id)))
        out.append(replace(e, text=f"{e.text}; stated: {', '.join(words)}") if words else e)
    return out
