"""What-if changes to a programme: one setting moved one step, in plain words, checked before anything runs.

A :class:`Change` is what :func:`revmatch.advise` solves the programme again with: the ``Program``
fields it sets and how a sponsor reads it. :func:`default_changes` lists the ones worth asking about
(each active hard rule relaxed one step, quotas off, each costly lock or forbid dropped, one more
place for the mentors most often the reason a senior is unmatched, each soft wish made a rule);
:func:`as_change` turns an admin's own ``{"min_level_gap": 1}`` into one, checked like a programme.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import ConfigError
from .limits import LEVEL, SHOWN
from .models import Workforce
from .program import Program
from .rules import capacities, participants, rule_masks

if TYPE_CHECKING:
    from .matching import MatchResult

CAPACITY_MENTORS = 3  # default: the mentors most often the reason a senior is unmatched, one row each
TIMEZONE_RULE_HOURS = 1.0  # a wish for shared hours made a rule: at least this many


@dataclass(frozen=True, eq=False)
class Change:
    """One what-if: the programme settings it sets, and how a sponsor reads it.

    ``update`` maps ``Program`` fields to their new values. ``words`` says the change ("minimum level
    gap 1 → 0"); ``condition`` completes "would be matched if …" ("the minimum level gap were 0");
    ``field``, ``before`` and ``after`` are the advice table's ``field``, ``from`` and ``to``.
    ``kind`` is "relax", "tighten", "override" (a lock or forbid dropped), "capacity" or "custom".
    """

    update: dict[str, Any]
    words: str
    condition: str
    field: str
    before: str
    after: str
    kind: str = "custom"

    def applied_to(self, program: Program) -> Program:
        """``program`` with this change (every other setting, and anything not written out, kept)."""
        return program.model_copy(update=self.update)


def as_change(change: Change | dict[str, Any], program: Program, where: str = "change") -> Change:
    """An admin's ``{"field": value, ...}`` as a :class:`Change`, checked as ``Program`` checks a setting.

    Raises
    ------
    ConfigError
        Not a dict, empty, a key that is not a ``Program`` setting (with the nearest names), or a
        value the programme refuses; ``where`` names the change in the message.
    """
    if isinstance(change, Change):
        return change
    if not isinstance(change, dict) or not change:
        raise ConfigError(f"{where}: a change is a dict of programme settings, e.g. {{'min_level_gap': 0}}")
    fields = list(Program.model_fields)
    for key in change:
        if key not in fields:
            near = difflib.get_close_matches(str(key), fields, n=2)
            hint = f" (did you mean {' or '.join(near)}?)" if near else ""
            raise ConfigError(f"{where}: {str(key)[:SHOWN]!r} is not a programme setting{hint}")
    # Checked with the whole programme around it, then set on the programme itself: fields that are
    # never written out (stated preferences) stay as they were.
    try:
        checked = Program(**(program.model_dump() | change))
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    update = {key: getattr(checked, key) for key in change}
    shown = lambda key, value: shown_value(key, value)
    return Change(
        update=update,
        words="; ".join(f"{key} {shown(key, getattr(program, key))} → {shown(key, v)}" for key, v in update.items()),
        condition=" and ".join(f"{key} were {shown(key, v)}" for key, v in update.items()),
        field=", ".join(update),
        before=", ".join(shown(key, getattr(program, key)) for key in update),
        after=", ".join(shown(key, v) for key, v in update.items()),
    )


NONE_WORDS = {
    "reporting_line_depth": "whole chain",
    "mentor_capacity": "from the file",
    "mentee_capacity": "from the file",
}


def shown_value(field: str, value: Any) -> str:
    """A setting as the advice table shows it: TOML-like, None in words, pairs as "mentor → mentee"."""
    if value is None:
        text = NONE_WORDS.get(field, "none")
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = f"{value:g}"
    elif isinstance(value, dict):
        text = ", ".join(f"{k}: {shown_value(field, v)}" for k, v in value.items()) or "none"
    elif isinstance(value, (tuple, list)):
        items = [f"{v[0]} → {v[1]}" if isinstance(v, (tuple, list)) and len(v) == 2 else str(v) for v in value]
        text = "; ".join(items) or "none"
    else:
        text = str(value)
    return text if len(text) <= SHOWN else f"{text[:SHOWN]}… ({len(text):,} characters)"


def default_changes(
    workforce: Workforce, program: Program, result: MatchResult, *, capacity_mentors: int = CAPACITY_MENTORS
) -> list[Change]:
    """The what-ifs worth asking about a programme and its current match, one setting each.

    In order: each active hard rule relaxed one step (:func:`relaxations`), each quota off, each lock
    and each forbid that another rule does not already settle dropped (:func:`dropped_overrides`),
    one more place for the ``capacity_mentors`` mentors most often the reason a senior is unmatched
    (:func:`capacity_steps`), and each soft wish made a rule (:func:`tightenings`).
    """
    return [
        *relaxations(workforce, program),
        *dropped_overrides(workforce, program),
        *capacity_steps(workforce, program, result, capacity_mentors),
        *tightenings(program),
    ]


def relaxations(workforce: Workforce, program: Program) -> list[Change]:
    """Each active hard rule one step looser, and each quota off.

    The level gap, the least need points taught and the shared working hours go down by one; the
    mentors' highest level up by one and the mentees' lowest down by one; a required department,
    language or location is no longer required. The reporting-line rule reaches one level less:
    from ``None`` (the whole chain) that is one less than the most steps between an opted-in mentor
    and an opted-in mentee in one chain (:func:`longest_chain`), so the step always frees someone
    the rule held; from a depth of 1, the rule is switched off.
    """
    out = []
    p = program
    if p.min_level_gap:
        g = p.min_level_gap
        out.append(_relax("min_level_gap", g, g - 1, "the minimum level gap", f"{g} → {g - 1}", f"were {g - 1}"))
    if p.min_forward:
        f = p.min_forward
        words = "the need points a mentor must teach"
        out.append(_relax("min_forward", f, f - 1, words, f"{f} → {f - 1}", f"were {f - 1}"))
    if p.mentor_max_level is not None and p.mentor_max_level < LEVEL:
        m = p.mentor_max_level
        out.append(_relax("mentor_max_level", m, m + 1, "the highest mentor level", f"{m} → {m + 1}", f"were {m + 1}"))
    if p.mentee_min_level is not None and p.mentee_min_level > -LEVEL:
        m = p.mentee_min_level
        out.append(_relax("mentee_min_level", m, m - 1, "the lowest mentee level", f"{m} → {m - 1}", f"were {m - 1}"))
    if p.exclude_reporting_line:
        out.extend(_reporting_line_step(workforce, program))
    for field, words in REQUIREMENTS.items():
        if getattr(p, field):
            out.append(
                Change(
                    {field: False},
                    f"{words}: no longer required",
                    f"{words} were not required",
                    field,
                    "true",
                    "false",
                    "relax",
                )
            )
    if p.min_timezone_overlap:
        h = p.min_timezone_overlap
        after = h - 1 if h >= 1 else None
        to = "none" if after is None else f"{after:g}"
        words = "the least shared working hours"
        out.append(_relax("min_timezone_overlap", h, after, words, f"{h:g} → {to}", f"were {to}"))
    for field, words in QUOTAS.items():
        if getattr(p, field) is not None:
            before = shown_value(field, getattr(p, field))
            out.append(Change({field: None}, f"{words} off", f"{words} were off", field, before, "none", "relax"))
    return out


REQUIREMENTS = {
    "require_different_department": "cross-department pairs",
    "require_shared_language": "a shared language",
    "require_same_location": "the same location",
}
QUOTAS = {
    "min_matched_share": "the quota of mentees matched per department",
    "max_pairs_per_department_pair": "the cap on pairs per department pair",
}
WISHES = {  # soft wish (its weight) → the hard rule it would become, its value and words
    "different_department_weight": ("require_different_department", True, "cross-department pairs"),
    "shared_language_weight": ("require_shared_language", True, "a shared language"),
    "same_location_weight": ("require_same_location", True, "the same location"),
    "timezone_overlap_weight": ("min_timezone_overlap", TIMEZONE_RULE_HOURS, "shared working hours"),
}


def _relax(field: str, before, after, words: str, step: str, were: str) -> Change:
    return Change(
        {field: after},
        f"{words} {step}",
        f"{words} {were}",
        field,
        shown_value(field, before),
        shown_value(field, after),
        "relax",
    )


def _reporting_line_step(workforce: Workforce, program: Program) -> list[Change]:
    """The reporting-line rule one level shorter (see :func:`relaxations`), or off from a depth of 1;
    nothing when no opted-in mentor and mentee share a chain (the rule holds nobody apart)."""
    mentor_rows, mentee_rows = participants(workforce, program)
    reach = longest_chain(workforce, mentor_rows, mentee_rows)
    if reach == 0:
        return []
    depth = program.reporting_line_depth
    current = reach if depth is None else min(depth, reach)
    before = shown_value("reporting_line_depth", depth)
    if current >= 2:
        levels = f"{current - 1} level{'s' if current > 2 else ''}"
        now = "the whole chain" if depth is None else str(depth)
        words = f"the reporting-line rule reaches {levels} instead of {now}"
        if current != depth:
            words += f" ({reach} between the people who opted in)"
        condition = f"the reporting-line rule reached {levels}"
        return [
            Change(
                {"reporting_line_depth": current - 1},
                words,
                condition,
                "reporting_line_depth",
                before,
                str(current - 1),
                "relax",
            )
        ]
    return [
        Change(
            {"exclude_reporting_line": False},
            "the reporting-line rule off",
            "the reporting-line rule were off",
            "exclude_reporting_line",
            "true",
            "false",
            "relax",
        )
    ]


def longest_chain(workforce: Workforce, mentor_rows: np.ndarray, mentee_rows: np.ndarray) -> int:
    """The most steps between a mentor and a mentee who are in one management chain (0: none are).

    Walks every opted-in person's chain upwards, one level for all of them at a time.
    """
    parent = np.asarray(workforce.parent)
    is_mentor = np.zeros(len(parent), bool)
    is_mentor[mentor_rows] = True
    is_mentee = np.zeros(len(parent), bool)
    is_mentee[mentee_rows] = True
    people = np.union1d(mentor_rows, mentee_rows)
    above, steps, longest = parent[people], 1, 0
    while len(people):
        inside = above >= 0
        people, above = people[inside], above[inside]
        crossing = (is_mentor[people] & is_mentee[above]) | (is_mentee[people] & is_mentor[above])
        if crossing.any():
            longest = steps
        above, steps = parent[above], steps + 1
    return longest


def dropped_overrides(workforce: Workforce, program: Program) -> list[Change]:
    """Each lock dropped, and each forbid that is all that keeps its pair apart, one at a time.

    A forbid of a pair that some other rule (or the opt-in) rules out anyway changes nothing, so
    it is left out; :func:`revmatch.advise` also leaves out the drops that turn out to cost nothing.
    """
    out = []
    for k, (mentor, mentee) in enumerate(program.locked):
        rest = program.locked[:k] + program.locked[k + 1 :]
        out.append(
            Change(
                {"locked": rest},
                f"the lock {mentor} → {mentee} dropped",
                f"the lock {mentor} → {mentee} were dropped",
                "locked",
                f"{mentor} → {mentee}",
                "dropped",
                "override",
            )
        )
    open_pairs = _otherwise_allowed(workforce, program)
    for k, (mentor, mentee) in enumerate(program.forbidden):
        if not open_pairs[k]:
            continue
        rest = program.forbidden[:k] + program.forbidden[k + 1 :]
        out.append(
            Change(
                {"forbidden": rest},
                f"the forbid {mentor} → {mentee} dropped",
                f"the forbid {mentor} → {mentee} were dropped",
                "forbidden",
                f"{mentor} → {mentee}",
                "dropped",
                "override",
            )
        )
    return out


def _otherwise_allowed(workforce: Workforce, program: Program) -> np.ndarray:
    """Per forbidden pair: both people take those sides, and every rule but the forbid allows it."""
    if not program.forbidden:
        return np.zeros(0, bool)
    mentors, mentees = participants(workforce, program)
    ids = workforce.ids
    at = lambda who: np.searchsorted(ids, np.array(who, dtype=object))
    rows = at([a for a, _ in program.forbidden])
    cols = at([b for _, b in program.forbidden])
    sides = np.isin(rows, mentors) & np.isin(cols, mentees)
    masks = rule_masks(workforce, program.model_copy(update={"forbidden": ()}), rows, cols, aligned=True)
    return sides & np.logical_and.reduce(list(masks.values()))


def capacity_steps(workforce: Workforce, program: Program, result: MatchResult, n: int) -> list[Change]:
    """One more place for each of the ``n`` mentors most often the reason a senior is unmatched.

    For each unmatched mentee with a place, the reason is the best-scoring mentor who may mentor
    them but is full; the mentors named most often come first (ties: the lower id).
    """
    scores, pairs = result.scores, result.assignment.pairs
    rows = np.array([p[0] for p in pairs], dtype=np.int64)
    cols = np.array([p[1] for p in pairs], dtype=np.int64)
    load = np.bincount(rows, minlength=scores.shape[0])
    full = (load >= scores.mentor_capacity) & (scores.mentor_capacity > 0)
    waiting = np.setdiff1d(np.flatnonzero(scores.mentee_capacity > 0), cols)
    if n <= 0 or not len(waiting) or not full.any():
        return []
    matrix, allowed = scores.block(np.flatnonzero(full), waiting)
    useful = allowed & (matrix > 0) if program.objective == "total" else allowed
    named = useful.any(axis=0)
    if not named.any():
        return []
    reason = np.flatnonzero(full)[np.argmax(np.where(useful, matrix, -np.inf), axis=0)[named]]
    counts = np.bincount(reason, minlength=scores.shape[0])
    chosen = np.flatnonzero(counts)[np.argsort(-counts[counts > 0], kind="stable")][:n]
    return [_one_more_place(workforce, program, scores.mentor_rows[i], int(counts[i])) for i in chosen]


def _one_more_place(workforce: Workforce, program: Program, row: int, reasons: int) -> Change:
    """Mentor ``row`` (a workforce row) may take one more mentee; everyone else keeps their capacity."""
    who, now = str(workforce.ids[row]), int(capacities(workforce, program, "mentor")[row])
    given = program.mentor_capacity
    if isinstance(given, int):  # one number for everyone: written out per mentor, so the others keep it
        mentors, _ = participants(workforce, program)
        overrides = {str(i): given for i in workforce.ids[mentors]}
    else:
        overrides = dict(given or {})
    overrides[who] = now + 1
    senior = "senior" if reasons == 1 else "seniors"
    return Change(
        {"mentor_capacity": overrides},
        f"mentor {who} takes {now + 1} mentees instead of {now} (full, and the best free choice of "
        f"{reasons} unmatched {senior})",
        f"mentor {who} could take {now + 1} mentees",
        "mentor_capacity",
        f"{who}: {now}",
        f"{who}: {now + 1}",
        "capacity",
    )


def tightenings(program: Program) -> list[Change]:
    """Each soft wish (a positive preference weight) made a hard rule: what the rule would cost."""
    out = []
    for weight, (field, value, words) in WISHES.items():
        wish = getattr(program, weight)
        current = getattr(program, field)
        if wish > 0 and (not current if isinstance(value, bool) else current is None):
            after = shown_value(field, value)
            rule = f"{words} required" + ("" if isinstance(value, bool) else f" (at least {after} a day)")
            out.append(
                Change(
                    {field: value},
                    f"{rule}, a soft wish today (weight {wish:g})",
                    f"{rule.replace(' required', ' were required', 1)}",
                    field,
                    shown_value(field, current),
                    after,
                    "tighten",
                )
            )
    return out
