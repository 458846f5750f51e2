"""The KPI page and section: a running programme's indicators, risks and fairness audit as HTML."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .page import cards, escape, page, table

if TYPE_CHECKING:
    from ..kpis import Kpis


def kpis_html(kpis: Kpis, audit: pd.DataFrame | None = None, title: str = "revmatch programme KPIs") -> str:
    """A self-contained page with just the KPI section (when there is no match result at hand)."""
    return page(title, kpis_section(kpis, audit))


def kpis_section(kpis: Kpis, audit: pd.DataFrame | None = None) -> str:
    """An HTML section for :func:`revmatch.reporting.to_html`'s ``extra_sections``: KPIs, risks, fairness."""
    f = kpis.figures
    pct = lambda v: "–" if v is None else f"{v:.0%}"
    num = lambda v: "–" if v is None else f"{v:.1f}"
    figures = cards(
        [
            ("active pairs", f"{f['active_pairs']}/{f['pairs']}", "a check-in in the last weeks"),
            ("on cadence", pct(f["on_cadence_share"]), "pairs meeting the target check-ins per month"),
            ("check-ins per month", num(f["mean_checkins_per_month"]), "mean over pairs"),
            ("mentor satisfaction", num(f["mentor_satisfaction"]), "mean rating 1-5 given by mentors"),
            ("mentee satisfaction", num(f["mentee_satisfaction"]), "mean rating 1-5 given by mentees"),
            ("pairs at risk", str(f["pairs_at_risk"]), "silent too long or rated low"),
        ]
    )
    risk = table(
        kpis.at_risk,
        [
            ("mentor_id", "Mentor", "id"),
            ("mentee_id", "Mentee", "id"),
            ("checkins", "Check-ins", "n"),
            ("risk", "Why at risk", "text"),
        ],
        empty="No pair at risk.",
    )
    skills = table(
        kpis.skills,
        [(c, c.replace("_", " ").capitalize(), "n" if c != "skill" else "text") for c in kpis.skills.columns],
        empty="No skills reported yet.",
    )
    fairness = ""
    if audit is not None:
        shown = audit.assign(**{c: 100 * audit[c] for c in ("match_rate", "overall_rate", "rate_ratio")})
        columns = [
            ("side", "Side", "text"),
            ("attribute", "Attribute", "text"),
            ("group", "Group", "text"),
            ("people", "People", "n"),
            ("matched", "Matched", "n"),
            ("match_rate", "Match rate", "pct"),
            ("overall_rate", "Side's rate", "pct"),
            ("rate_ratio", "Ratio to best", "pct"),
            ("mean_score", "Mean score", "n"),
            ("flag", "Flag", "text"),
            ("suppressed", "Suppressed", "text"),
        ]
        fairness = (
            '<h3>Fairness audit</h3><p class="sub">Audit attributes are never scored. Each side on its own; a '
            "group is flagged when its match rate is below four-fifths of the best group's (groups large enough "
            "to count); groups too small to show without pointing at their members are suppressed.</p>"
            + table(shown, columns)
        )
    return f"""<section id="kpis">
<h2>Programme KPIs as of {escape(f["as_of"])}</h2>
{figures}
<h3>Pairs at risk</h3>{risk}
<h3>Skills worked on</h3>{skills}
{fairness}
</section>"""
