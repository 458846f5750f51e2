"""What-if advice as report sections: what each change would do, the smallest change per person, the objectives."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .charts import svg_points
from .page import cards, number, section, table

if TYPE_CHECKING:
    from ..advice import Advice


def advice_sections(advice: Advice, tradeoffs: pd.DataFrame | None = None) -> str:
    """HTML sections for :func:`revmatch.reporting.to_html`'s ``extra_sections``.

    What each change would do (one row per change, people as counts), the smallest change for each
    person left unmatched, and, given :func:`revmatch.tradeoffs`, the objectives side by side with
    a frontier plot of teaching against seniors matched. Every text is escaped.
    """
    parts = [_changes_section(advice), _people_section(advice)]
    if tradeoffs is not None:
        parts.append(tradeoffs_section(tradeoffs))
    return "\n".join(parts)


def _changes_section(advice: Advice) -> str:
    b = advice.base
    figures = cards(
        [
            ("seniors matched now", number(b["mentees_matched"]), "mentees with a mentor in the current match"),
            ("juniors placed now", number(b["mentors_matched"]), "mentors with a mentee in the current match"),
            ("teaching now", number(b["teaching_points"]), "the weighted forward parts, summed over pairs"),
            ("total now", number(b["total_score"]), "the sum of the pair scores"),
        ]
    )
    rows = advice.table.assign(
        newly=advice.table["newly_matched"].map(len),
        no_longer=advice.table["no_longer_matched"].map(len),
        step=advice.table["from"] + " → " + advice.table["to"],
    )
    listing = table(
        rows,
        [
            ("change", "change", "text"),
            ("field", "setting", "text"),
            ("step", "from → to", "text"),
            ("mentees_matched", "seniors matched", "delta"),
            ("mentors_matched", "juniors placed", "delta"),
            ("teaching", "teaching", "delta"),
            ("total", "total", "delta"),
            ("newly", "newly matched", "n"),
            ("no_longer", "no longer matched", "n"),
            ("status", "status", "text"),
        ],
        empty="No change to ask about: the programme has no active rule to relax.",
    )
    return section(
        "advice",
        "What each change would do",
        f"{figures}\n{listing}",
        "Each row is the programme solved again with that one change, exactly as a new match would "
        "solve it (proved optimal), against the current match: people matched on each side, what the "
        "juniors teach and the total score. On ties a change can move people without moving the total.",
    )


def _people_section(advice: Advice) -> str:
    people = advice.per_person
    helped = int((people["change"] != "").sum())
    people = people.sort_values("change", key=lambda c: c == "", kind="stable")  # those one change helps first
    listing = table(
        people,
        [
            ("employee_id", "person", "id"),
            ("role", "role", "text"),
            ("advice", "smallest change", "text"),
            ("field", "setting", "text"),
        ],
        empty="Everyone who opted in has a pair.",
    )
    return section(
        "advice-people",
        f"The smallest change for each unmatched person ({helped:,} of {len(people):,} helped by one)",
        listing,
        "Of the changes above that would match the person, the one that costs the others least: the "
        "fewest people no longer matched, then the highest total.",
    )


def tradeoffs_section(tradeoffs: pd.DataFrame) -> str:
    """The objectives side by side (:func:`revmatch.tradeoffs`) and teaching against seniors matched."""
    solved = tradeoffs["mentees_matched"].notna().to_numpy()
    xs = tradeoffs["mentees_matched"].to_numpy(dtype=float, na_value=np.nan)
    ys = tradeoffs["teaching"].to_numpy(dtype=float, na_value=np.nan)
    current = np.flatnonzero(tradeoffs["current"].to_numpy(dtype=bool) & solved)
    plot = svg_points(
        xs,
        ys,
        tradeoffs["objective"].astype(str).tolist(),
        "seniors matched",
        "teaching",
        highlight=int(current[0]) if len(current) else None,
    )
    listing = table(
        tradeoffs.assign(objective=tradeoffs["objective"] + np.where(tradeoffs["current"], " (current)", "")),
        [
            ("objective", "objective", "text"),
            ("pairs", "pairs", "n"),
            ("mentees_matched", "seniors matched", "n"),
            ("mentors_matched", "juniors placed", "n"),
            ("teaching", "teaching", "n"),
            ("give_back", "give-back", "n"),
            ("min_pair_score", "lowest pair score", "n"),
            ("total", "total", "n"),
            ("status", "status", "text"),
            ("note", "note", "text"),
        ],
        sortable=False,
    )
    return section(
        "tradeoffs",
        "The price of each objective",
        f'<div class="charts">{plot}</div>\n{listing}',
        "The same programme solved for each objective: total (the most learning), coverage (the most "
        "people matched), fair (the most pairs, then the best lowest pair score). The plot shows what "
        "one objective gains in seniors matched against what another gains in teaching.",
    )
