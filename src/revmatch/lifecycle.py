"""A programme over time: re-matching when people leave or join, and the next cohort without repeats."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .errors import ConfigError, InputError, Problem
from .matching import MatchResult, match
from .models import Pair, Workforce
from .program import Program
from .rules import RULE_WORDS, capacities, known_pairs, participants, rule_masks
from .scoring import grain_of_scores, part_weights
from .tables import read_table

if TYPE_CHECKING:  # the store sits above the lifecycle: it is handed in, never imported here
    from .store import ProgrammeStore


def pairs_of(previous: MatchResult | pd.DataFrame | list[Pair]) -> list[Pair]:
    """(mentor_id, mentee_id) pairs from a result, a pairs table or a list, as text."""
    if isinstance(previous, MatchResult):
        previous = previous.pairs
    if isinstance(previous, pd.DataFrame):
        missing = {"mentor_id", "mentee_id"} - set(previous.columns)
        if missing:
            raise InputError(
                [Problem("previous pairs", None, c, "required column is missing") for c in sorted(missing)]
            )
        return [(str(m), str(e)) for m, e in zip(previous["mentor_id"], previous["mentee_id"])]
    return [(str(m), str(e)) for m, e in previous]


def read_history(path: str | Path) -> list[Pair]:
    """Past pairs from a CSV with ``mentor_id`` and ``mentee_id`` columns (other columns, e.g. round, ignored).

    Read as revmatch writes its pairs files: a cell's one leading ``'`` (the formula guard) is removed.
    """
    frame = read_table(path, escaped=True)
    missing = {"mentor_id", "mentee_id"} - set(frame.columns)
    if missing:
        raise InputError([Problem(str(path), None, c, "required column is missing") for c in sorted(missing)])
    return pairs_of(frame)


@dataclass(frozen=True)
class RematchResult:
    """What re-matching changed: the new result, and every previous pair kept or broken with why.

    ``kept`` and ``made`` hold (mentor_id, mentee_id); ``broken`` adds a ``reason``; ``leavers`` are
    previous participants no longer in the workforce; ``joiners`` people new to the programme.
    """

    result: MatchResult
    kept: pd.DataFrame
    broken: pd.DataFrame
    made: pd.DataFrame
    leavers: tuple[str, ...]
    joiners: tuple[str, ...]

    def summary_text(self) -> str:
        return (
            f"{len(self.kept)} pairs kept, {len(self.broken)} broken, {len(self.made)} new; "
            f"{len(self.leavers)} leavers, {len(self.joiners)} joiners; total score {self.result.objective:g}"
        )


def _survivors(
    workforce: Workforce, program: Program, pairs: list[Pair]
) -> tuple[list[Pair], list[tuple[str, str, str]]]:
    """Previous pairs that can go on, and the others with the reason they cannot."""
    ids = set(workforce.ids.tolist())
    mentor_rows, mentee_rows = participants(workforce, program)
    as_mentor = set(workforce.ids[mentor_rows].tolist())
    as_mentee = set(workforce.ids[mentee_rows].tolist())
    ok, broken = [], []
    for m, e in pairs:
        if m not in ids or e not in ids:
            gone = [x for x in (m, e) if x not in ids]
            broken.append((m, e, f"{' and '.join(gone)} left"))
        elif m not in as_mentor or e not in as_mentee:
            broken.append((m, e, f"{m if m not in as_mentor else e} no longer opted in on that side"))
        else:
            rows = workforce.index_of([m, e])
            failed = [
                RULE_WORDS[r]
                for r, mask in rule_masks(workforce, program, rows[:1], rows[1:]).items()
                if not mask[0, 0]
            ]
            if failed:
                broken.append((m, e, f"no longer allowed: {', '.join(failed)}"))
            else:
                ok.append((m, e))
    return ok, broken


def _within_capacity(
    workforce: Workforce, program: Program, pairs: list[Pair]
) -> tuple[list[Pair], list[tuple[str, str, str]]]:
    """Drop surviving pairs beyond a person's (possibly reduced) capacity, last listed first."""
    capacity = {
        (x, side): int(c)
        for side in ("mentor", "mentee")
        for x, c in zip(workforce.ids.tolist(), capacities(workforce, program, side).tolist())
    }
    load: dict[tuple[str, str], int] = {}
    keep, broken = [], []
    for m, e in pairs:
        over = [
            (x, side) for x, side in ((m, "mentor"), (e, "mentee")) if load.get((x, side), 0) >= capacity[(x, side)]
        ]
        if over:
            broken.append((m, e, f"{over[0][0]}'s {over[0][1]}_capacity is now lower"))
            continue
        for x, side in ((m, "mentor"), (e, "mentee")):
            load[(x, side)] = load.get((x, side), 0) + 1
        keep.append((m, e))
    return keep, broken


def _running_round(store: ProgrammeStore, workforce: Workforce, program: Program, previous, previous_ids):
    """A stored round's running pairs and roster, and a programme that forbids its declined pairs and
    repeats no other round's pair."""
    running = store.running_round(workforce=workforce)
    update = {
        "forbidden": tuple(dict.fromkeys((*program.forbidden, *known_pairs(workforce, running.declined)))),
        "past_pairs": tuple(dict.fromkeys((*program.past_pairs, *running.earlier))),
    }
    return (
        list(running.pairs) if previous is None else previous,
        running.roster if previous_ids is None else previous_ids,
        program.model_copy(update=update),
    )


def _reshuffled(workforce: Workforce, program: Program, survivors: list[Pair]) -> MatchResult:
    """The best total score, then the most ``survivors`` kept: the re-match without locks.

    A lexicographic objective, solved as one total: each survivor made earns a bonus (the
    ``continuity`` part) of the scores' grain (:func:`revmatch.scoring.grain_of_scores`) divided by a
    power of two above the number of survivors. Two totals that differ, differ by a grain or more,
    and all the bonuses together are worth less, so a better total always wins; among equal totals
    the most survivors are kept. The engine's costs are then exact integers, so this is exact.

    Scores on no power-of-two grain (a weight such as 0.3, shared hours of odd lengths) are rounded
    by the engine (``result.tolerance``), and their smallest difference is unknown: then the best total
    is found alone first, and the bonus is halved until a solve with it keeps that total. No matching
    with at least that total keeps more survivors (it would have scored more with the bonus). A
    ``program.continuity_weight`` of the user's own is used as it is: an explicit trade.
    """
    run = program.model_copy(update={"previous_pairs": tuple(survivors)})
    if program.continuity_weight:
        return match(workforce, run)
    below = 2.0 ** -len(set(survivors)).bit_length()  # a power of two above the number of survivors
    grain = grain_of_scores(workforce, program)
    if grain is not None:
        result = match(workforce, run.model_copy(update={"continuity_weight": grain * below}))
        if result.tolerance == 0:  # exact integer costs (not so for a grain finer than the engine's)
            return result
    best = match(workforce, program)
    bonus = min([1.0, *(abs(w) for w in part_weights(program).values() if w)]) * below
    for _ in range(53):  # halved 53 times, the bonus is below a float's resolution of the weights
        result = match(workforce, run.model_copy(update={"continuity_weight": bonus}))
        if result.tolerance >= bonus:  # lost in the engine's rounding: no tie-break can be seen
            break
        kept = len(set(zip(result.pairs["mentor_id"], result.pairs["mentee_id"])) & set(survivors))
        rounding = best.tolerance + result.tolerance + 1e-12 * max(1.0, abs(best.objective))
        if result.objective - bonus * kept >= best.objective - rounding:
            return result
        bonus /= 2
    return best


def rematch(
    previous: MatchResult | pd.DataFrame | list[Pair] | None,
    workforce: Workforce,
    program: Program | None = None,
    *,
    reshuffle: bool = False,
    previous_ids=None,
    store: ProgrammeStore | None = None,
) -> RematchResult:
    """Re-match a running programme after people left or joined.

    Previous pairs whose two people are still here, still opted in, still allowed by every hard rule
    and within capacity *survive*. By default survivors are kept as locks (0 survivors broken) and
    everyone else — partners of leavers, joiners, the previously unmatched — is matched around them
    under the programme's objective. With ``reshuffle=True`` nothing is locked: the objective is the
    best total score and, among matchings with that total, the most surviving pairs. Each survivor
    made earns a bonus below the scores' grain over the number of survivors, so a better total always
    wins: exact whenever the scores lie on a power-of-two grain (as with the default weights); on no
    such grain the best total is solved first and the bonus checked against it (within the engine's
    rounding, ``result.tolerance``). The bonus shows in the pairs' ``continuity`` column and score.
    Set ``program.continuity_weight`` to trade score for stability explicitly instead.

    Parameters
    ----------
    previous : MatchResult, DataFrame with mentor_id/mentee_id, or list of pairs
    workforce : Workforce
        Today's workforce (leavers gone, joiners in).
    program : Program, default=Program()
    reshuffle : bool, default=False
    previous_ids : iterable of str, optional
        Who was in the previous workforce, to tell joiners apart; taken from ``previous`` if it is a
        MatchResult.
    store : ProgrammeStore, optional
        Read the last round from a :class:`revmatch.ProgrammeStore` (``previous`` may then be None):
        its running pairs, who took part (joiners are then the people opted in today who did not), its
        declined pairs (forbidden) and every other round's pairs (never repeated). Save the outcome
        with ``store.save(changed)``.
    """
    program = program or Program()
    if store is not None:
        previous, previous_ids, program = _running_round(store, workforce, program, previous, previous_ids)
    elif previous is None:
        raise ConfigError("rematch needs the previous pairs, or store= to read them from")
    before = pairs_of(previous)
    if previous_ids is None and isinstance(previous, MatchResult):
        previous_ids = previous.workforce.ids.tolist()
    survivors, broken = _survivors(workforce, program, before)
    survivors, over = _within_capacity(workforce, program, survivors)
    broken += over
    if reshuffle:
        result = _reshuffled(workforce, program, survivors)
    else:
        result = match(
            workforce, program.model_copy(update={"locked": tuple(dict.fromkeys((*program.locked, *survivors)))})
        )
    after = set(zip(result.pairs["mentor_id"], result.pairs["mentee_id"]))
    kept = [p for p in survivors if p in after]
    broken += [(m, e, "reshuffled for a better total score") for m, e in survivors if (m, e) not in after]
    made = sorted(after - set(before))
    here = set(workforce.ids.tolist())
    was = {x for pair in before for x in pair} | set(map(str, previous_ids or ()))
    if isinstance(previous, MatchResult):
        was |= set(previous.unmatched["employee_id"])
    leavers = tuple(sorted(x for x in was if x not in here))
    joiners = tuple(sorted(here - set(map(str, previous_ids))) if previous_ids is not None else ())
    if store is not None:  # the store knows who took part, not the whole previous workforce
        rows = np.concatenate(participants(workforce))
        joiners = tuple(x for x in joiners if x in set(workforce.ids[rows].tolist()))
    return RematchResult(
        result=result,
        kept=pd.DataFrame(kept, columns=["mentor_id", "mentee_id"]),
        broken=pd.DataFrame(broken, columns=["mentor_id", "mentee_id", "reason"]),
        made=pd.DataFrame(made, columns=["mentor_id", "mentee_id"]),
        leavers=leavers,
        joiners=joiners,
    )


def next_round(
    history: list[Pair] | pd.DataFrame | MatchResult | None,
    workforce: Workforce,
    program: Program | None = None,
    *,
    priority: list[str] | tuple[str, ...] | None = None,
    priority_weight: float | None = None,
    poorly_rated: list[Pair] | tuple[Pair, ...] = (),
    store: ProgrammeStore | None = None,
) -> MatchResult:
    """The next cohort: never repeats a pair from ``history`` (either direction); the unplaced come first.

    ``priority`` (default: last round's unplaced volunteers — ``history.unmatched`` when ``history``
    is a MatchResult, otherwise everyone who opted in and appears in no pair of the history) are
    matched before people who were already paired: the most of them get a pair, then the best total
    (exact, :attr:`Program.priority_first`). That needs the ``total`` objective and no quota: with
    ``objective="coverage"`` or ``"fair"``, ``min_matched_share`` or ``max_pairs_per_department_pair``
    the default call raises :class:`ConfigError` when anyone is to go first; pass ``priority_weight``
    there. With ``priority_weight`` they are favoured by that many score points per person in a pair
    instead (a soft preference, traded against the skills, under any objective). ``poorly_rated`` pairs (see
    :func:`revmatch.kpis.poorly_rated_pairs`) are forbidden outright. With ``store`` (a
    :class:`revmatch.ProgrammeStore`), every pair it holds joins ``history`` (which may then be None)
    and, unless ``priority`` is given, its last round's unplaced volunteers are the priority (see
    :meth:`~revmatch.store.ProgrammeStore.history`); save the result with ``store.save(result, round=...)``.
    """
    program = program or Program()
    if store is not None:
        kept = store.history(workforce)
        history = [*(pairs_of(history) if history is not None else []), *kept.pairs]
        if priority is None and kept.round is not None:
            priority = kept.priority
    elif history is None:
        raise ConfigError("next_round needs the history of past pairs, or store= to read it from")
    past = pairs_of(history)
    update: dict[str, object] = {"past_pairs": tuple(dict.fromkeys((*program.past_pairs, *past)))}
    if priority is None:
        priority = unplaced(history, workforce)
    if priority:
        update["priority"] = tuple(map(str, priority))
        if priority_weight is None:
            update["priority_first"] = True
        else:
            update["priority_weight"] = priority_weight
    if len(poorly_rated):
        rated = known_pairs(workforce, pairs_of(list(poorly_rated)))  # a leaver's pairs drop out
        update["forbidden"] = tuple(dict.fromkeys((*program.forbidden, *rated)))
    return match(workforce, program.model_copy(update=update))


def unplaced(history: list[Pair] | pd.DataFrame | MatchResult, workforce: Workforce) -> tuple[str, ...]:
    """Last round's unplaced volunteers: a result's unmatched, or the opted-in people in no pair of the history."""
    if isinstance(history, MatchResult):
        return tuple(map(str, history.unmatched["employee_id"]))
    paired = {x for pair in pairs_of(history) for x in pair}
    opted = workforce.ids[workforce.employees["role"].to_numpy() != "none"]
    return tuple(i for i in map(str, opted) if i not in paired)
