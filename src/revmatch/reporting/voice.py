"""The report's voice sections: how stated preferences were met, free hours in common, shortlist exposure."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..rules import PairAttributes
from .figures import positions
from .page import cards, escape, number, percent, section, table

if TYPE_CHECKING:
    from ..matching import MatchResult

SHOWN = 50  # rows listed in a table (counts are always complete)


def voice_sections(result: MatchResult) -> str:
    """The sections a result with stated preferences or availability gets (empty otherwise)."""
    parts = []
    if result.voice is not None:
        parts.append(preferences_section(result))
    uses_slots = (
        "availability" in result.workforce.employees and result.workforce.employees["availability"].ne("").any()
    )
    if uses_slots or result.program.min_shared_hours is not None or result.program.shared_hours_weight:
        parts.append(free_hours_section(result))
    return "\n".join(parts)


def preferences_section(result: MatchResult) -> str:
    """Choices met (1st / 2nd / 3rd), musts honoured or why not, avoids respected, blocking pairs."""
    voice = result.voice
    assert voice is not None
    shares = voice.shares()
    honoured = int(voice.musts["honoured"].sum()) if len(voice.musts) else 0
    figures = cards(
        [
            (
                "first choice",
                percent(shares["first"]),
                "of the people who ranked anyone: with their 1st choice",
            ),
            ("second choice", percent(shares["second"]), "… with their 2nd choice as their best ranked partner"),
            ("third choice", percent(shares["third"]), "… with their 3rd choice as their best ranked partner"),
            ("none of their choices", percent(shares["none"]), "… paired with nobody they ranked"),
            ("musts honoured", f"{honoured} / {len(voice.musts)}", "must statements whose pair was made"),
            (
                "avoids respected",
                f"{voice.avoids_respected} / {voice.avoids}",
                "avoid statements kept apart",
            ),
            (
                "blocking pairs",
                number(len(voice.blocking)),
                "stated pairs both would rather have",
            ),
        ]
    )
    cost = ""
    if voice.total_optimum is not None:
        cost = (
            f'<p class="note">The {escape(result.program.objective)} objective gives a total score of '
            f"{result.objective:g}; the best possible total under the same rules is {voice.total_optimum:g} "
            f"({voice.total_optimum - result.objective:g} points given up for the stated preferences).</p>"
        )
    unmet = voice.musts[~voice.musts["honoured"]] if len(voice.musts) else voice.musts
    musts = table(
        unmet.head(SHOWN),
        [("employee_id", "said must", "id"), ("partner_id", "about", "id"), ("reason", "why not made", "text")],
        empty="Every must was honoured.",
    )
    blocking = table(
        voice.blocking.head(SHOWN),
        [("mentor_id", "mentor", "id"), ("mentee_id", "mentee", "id"), ("score", "score", "n")],
        empty="No stated pair blocks the match.",
    )
    body = f"""{figures}{cost}
<h3>Musts not honoured</h3>{musts}
<h3>Blocking pairs ({len(voice.blocking)}, first {SHOWN} listed)</h3>{blocking}"""
    return section(
        "preferences",
        "Participants' stated preferences",
        body,
        "Ranks count as stated (1 = first choice). A blocking pair is a stated pair, allowed and not made, "
        "that both would rather have than a partner they got or an empty place (stated ranks first, then score; "
        "locks stay).",
    )


def free_hours_section(result: MatchResult) -> str:
    """Each pair's free hours a week in common (availability, else working hours), fewest first."""
    rows, cols = positions(result)
    sc = result.scores
    facts = PairAttributes(result.workforce, result.program, sc.mentor_rows[rows], sc.mentee_rows[cols], aligned=True)
    hours = facts.shared_hours() if len(rows) else np.zeros(0)
    pairs = result.pairs.assign(free_hours=hours).sort_values(["free_hours", "mentor_id"], kind="stable")
    listing = table(
        pairs.head(SHOWN)[["mentor_id", "mentee_id", "free_hours"]],
        [("mentor_id", "mentor", "id"), ("mentee_id", "mentee", "id"), ("free_hours", "free hours a week", "n")],
    )
    mean = f"{hours.mean():.1f}" if len(hours) else "–"
    return section(
        "free-hours",
        "Free hours a week in common",
        listing,
        f"Mean {mean} hours a week both people are free (their availability, else working hours on "
        f"weekdays, in each one's time zone); the {SHOWN} pairs with the fewest are listed.",
    )


def shortlists_section(lists: pd.DataFrame) -> str:
    """How often each partner appears in shortlists, most exposed first (for ``to_html(extra_sections=...)``)."""
    exposure = (
        lists.groupby("partner_id")
        .agg(shortlists=("employee_id", "size"), rank_1=("rank", lambda r: int((r == 1).sum())))
        .reset_index()
        .sort_values(["shortlists", "partner_id"], ascending=[False, True], kind="stable")
    )
    listing = table(
        exposure.head(SHOWN),
        [("partner_id", "partner", "id"), ("shortlists", "in shortlists", "n"), ("rank_1", "as rank 1", "n")],
    )
    people = lists["employee_id"].nunique()
    return section(
        "exposure",
        "Shortlist exposure",
        listing,
        f"{len(lists)} suggestions to {people} people over {len(exposure)} partners; the most exposed partner "
        f"is in {int(exposure['shortlists'].max()) if len(exposure) else 0} shortlists.",
    )
