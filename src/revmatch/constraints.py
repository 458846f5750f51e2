"""Programme rules that are not masks (locks, quotas) as solver inputs, with a named diagnosis when they cannot hold."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .engine import GroupPairCap, MenteeQuota
from .errors import ConfigError, InfeasibleError
from .models import Workforce
from .program import Program
from .rules import RULE_WORDS, how_to_allow, rule_masks
from .scoring import PairScores


@dataclass(frozen=True)
class SolverRules:
    """What :func:`revmatch.solve` needs besides the matrix: locked positions and group quotas."""

    locked: list[tuple[int, int]]
    lock_labels: list[str]
    mentee_quota: MenteeQuota | None
    pair_cap: GroupPairCap | None


def _position(ids: np.ndarray, wanted: str) -> int | None:
    hit = np.flatnonzero(ids == wanted)
    return int(hit[0]) if len(hit) else None


def locked_positions(
    workforce: Workforce, program: Program, scores: PairScores
) -> tuple[list[tuple[int, int]], list[str]]:
    """Locked (mentor_id, mentee_id) pairs as matrix positions; every lock that cannot be made is named."""
    known = set(workforce.ids.tolist())
    positions, labels, conflicts = [], [], []
    for mentor_id, mentee_id in program.locked:
        label = f"lock {mentor_id} → {mentee_id}"
        i, j = _position(scores.mentor_ids, mentor_id), _position(scores.mentee_ids, mentee_id)
        for who, side, pos in ((mentor_id, "mentor", i), (mentee_id, "mentee", j)):
            if who not in known:
                conflicts.append(f"{label}: {who} is not in the workforce")
            elif pos is None:
                conflicts.append(f"{label}: {who} did not opt in as a {side}")
        if i is None or j is None:
            continue
        broken = [
            rule
            for rule, ok in rule_masks(workforce, program, scores.mentor_rows[[i]], scores.mentee_rows[[j]]).items()
            if not ok[0, 0]
        ]
        if broken:
            mentor, mentee = int(scores.mentor_rows[i]), int(scores.mentee_rows[j])
            hints = [f"{RULE_WORDS[r]} ({how_to_allow(workforce, program, r, mentor, mentee)})" for r in broken]
            conflicts.append(f"{label} breaks the hard rule(s): " + ", ".join(hints))
        positions.append((i, j))
        labels.append(label)
    if conflicts:
        raise InfeasibleError(conflicts)
    return positions, labels


def mentee_quota(workforce: Workforce, program: Program, scores: PairScores, locked) -> MenteeQuota | None:
    """Each department's least number of matched mentees, checked against who can be matched at all."""
    share = program.min_matched_share
    if not share:
        return None
    dept = workforce.employees["department"].to_numpy(dtype=object)[scores.mentee_rows]
    names = tuple(sorted(set(dept.tolist())))
    wanted = share if isinstance(share, dict) else dict.fromkeys(names, share)
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        raise ConfigError(
            f"min_matched_share names departments with no opted-in mentees: {', '.join(unknown)} "
            f"(departments with mentees: {', '.join(names)})"
        )
    group = np.searchsorted(np.array(names, dtype=object), dept)
    least = np.array(
        [math.ceil(wanted.get(name, 0) * np.count_nonzero(group == g) - 1e-9) for g, name in enumerate(names)],
        dtype=np.int64,
    )
    # A mentee can count only with a possible mentor: an allowed pair, or a lock.
    reachable = scores.allowed.any(axis=0) & (scores.mentee_capacity > 0)
    reachable[[j for _, j in locked]] = True
    conflicts = []
    for g, name in enumerate(names):
        members = np.flatnonzero(group == g)
        able = members[reachable[members]]
        if least[g] > len(able):
            stuck = scores.mentee_ids[np.setdiff1d(members, able)]
            conflicts.append(
                f"quota {name} ≥ {wanted[name]:.0%} needs {least[g]} of {len(members)} {name} mentees matched, "
                f"but only {len(able)} have any eligible mentor (see: {', '.join(stuck[:10])}"
                f"{', …' if len(stuck) > 10 else ''})"
            )
    if conflicts:
        raise InfeasibleError(conflicts)
    labels = tuple(f"quota {name} ≥ {wanted.get(name, 0):.0%}" for name in names)
    return MenteeQuota(group=group.astype(np.int64), least=least, names=labels)


def department_pair_cap(workforce: Workforce, program: Program, scores: PairScores) -> GroupPairCap | None:
    """The most pairs from any one (mentor department, mentee department)."""
    if program.max_pairs_per_department_pair is None:
        return None
    dept = workforce.employees["department"].to_numpy(dtype=object)
    names = np.array(sorted(set(dept.tolist())), dtype=object)
    code = np.searchsorted(names, dept)
    return GroupPairCap(
        code[scores.mentor_rows],
        code[scores.mentee_rows],
        program.max_pairs_per_department_pair,
        tuple(names),
        tuple(names),
    )


def solver_rules(workforce: Workforce, program: Program, scores: PairScores) -> SolverRules:
    """Locks and quotas of a programme, diagnosed, in the solver's terms."""
    locked, labels = locked_positions(workforce, program, scores)
    return SolverRules(
        locked,
        labels,
        mentee_quota(workforce, program, scores, locked),
        department_pair_cap(workforce, program, scores),
    )
