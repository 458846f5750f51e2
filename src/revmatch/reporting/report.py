"""The match report: one self-contained HTML page a sponsor can read (seniors first, then pairs and the waitlist)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .charts import flow_table, svg_bars, svg_histogram
from .figures import blocking_pairs, coverage_by_skill, department_flow, match_percent
from .page import cards, escape, number, page, percent, section, table
from .page import fragment as as_fragment
from .summary import SUMMARY_FIGURES, matched_by_level, shared_hours, summary
from .voice import voice_sections

if TYPE_CHECKING:
    from ..matching import MatchResult

HTML_BLOCKING_SHOWN = 50  # pairs listed in the stability section (the count is always complete)


def to_html(
    result: MatchResult, title: str = "revmatch report", extra_sections: str = "", *, fragment: bool = False
) -> str:
    """The whole report as one self-contained HTML page (inline CSS, SVG and script; no network).

    Sections: the programme at a glance (seniors matched, juniors placed and waitlisted, what is
    taught and given back), seniors and juniors by level, shared working hours, pair scores, needs
    covered by skill, the department flow, a sortable table of pairs, the unmatched with reasons and
    waitlist places, and the pairs that would both score higher together. Only what
    ``result.pairs`` and ``result.unmatched`` hold is shown, plus ids, levels, departments and
    locations; every text is escaped, and a Content-Security-Policy forbids loading anything.

    Parameters
    ----------
    result : MatchResult
    title : str, default="revmatch report"
    extra_sections : str, default=""
        HTML appended after the report's own sections (e.g. :func:`revmatch.reporting.kpis_section`).
    fragment : bool, default=False
        A ``<div>`` with its CSS scoped to it, for a notebook cell, instead of a whole document.

    Returns
    -------
    str
        The HTML document; write it with ``Path("report.html").write_text(html, encoding="utf-8")``.

    Examples
    --------
    >>> import revmatch as rm
    >>> to_html(rm.match(rm.synthetic_workforce(200, seed=0))).startswith("<!DOCTYPE html>")
    True
    """
    blocking = blocking_pairs(result)
    s = summary(result, blocking=blocking)
    status = escape(s["status"])
    changed = result.program.model_dump(mode="json", exclude_defaults=True)
    program = ", ".join(f"{k} = {v}" for k, v in changed.items()) or "default settings"
    subtitle = (
        f'<p class="sub">Status <b class="status-{status}">{status}</b> · {escape(result.engine)} · '
        f"programme: {escape(program)}</p>"
    )
    sections = [_summary_section(result, s), _levels_section(result), _hours_section(result, s)]
    sections += [_scores_section(result), _needs_section(result), _flow_section(result)]
    sections += [_pairs_section(result), _unmatched_section(result), _stability_section(blocking)]
    sections += [voice_sections(result), extra_sections]  # stated preferences and free hours, when used
    return (as_fragment if fragment else page)(title, "\n".join(sections), subtitle)


def _card(s: dict, label: str, value: str, key: str, note: str = "") -> tuple[str, str, str]:
    """A figure's card, its definition (from SUMMARY_FIGURES) as the hover text."""
    return label, value, SUMMARY_FIGURES[key] + (f"; {note}" if note else "")


def _of(s: dict, part: str, whole: str) -> str:
    return f"{number(s[part])} / {number(s[whole])}"


def _summary_section(result: MatchResult, s: dict) -> str:
    figures = cards(
        [
            _card(
                s,
                "seniors matched",
                _of(s, "mentees_matched", "mentees_opted_in"),
                "mentees_matched",
                "of the seniors who opted in as mentees",
            ),
            _card(
                s,
                "juniors placed",
                _of(s, "mentors_matched", "mentors_opted_in"),
                "mentors_matched",
                f"{s['mentors_opted_in']} mentors for {s['mentee_places']} places",
            ),
            _card(s, "juniors waitlisted", number(s["mentors_waitlisted"]), "mentors_waitlisted"),
            _card(s, "seniors waitlisted", number(s["mentees_waitlisted"]), "mentees_waitlisted"),
            _card(
                s,
                "teaching share",
                percent(s["teaching_share"]),
                "teaching_share",
                f"{number(s['teaching_points'])} taught, {number(s['give_back_points'])} given back",
            ),
            _card(s, "mean match %", _pct(s["mean_match_percent"]), "mean_match_percent"),
            _card(s, "mean give-back %", _pct(s["mean_give_back_percent"]), "mean_give_back_percent"),
            _card(
                s,
                "seniors' needs covered",
                percent(s["mentee_need_coverage"]),
                "mentee_need_coverage",
                f"{percent(s['mentee_need_coverage_all'])} of every senior's needs",
            ),
            _card(s, "juniors' needs covered", percent(s["mentor_need_coverage"]), "mentor_need_coverage"),
            _card(s, "pairs", number(s["pairs"]), "pairs"),
            _card(s, "cross-department pairs", percent(s["cross_department_share"]), "cross_department_share"),
            _card(s, "status", s["status"], "status", f"bound {s['bound']:g}; gap {s['gap']:g}"),
        ]
    )
    settings = result.program.model_dump(mode="json")
    rows = "".join(f'<tr><th scope="row">{escape(k)}</th><td>{escape(v)}</td></tr>' for k, v in settings.items())
    body = f"""{figures}
<details class="note"><summary>All programme settings</summary><table>{rows}</table></details>
<p class="note">Hover a figure for its definition. Juniors teach the seniors first; the seniors give back second.
Need points are stated need levels (0–5) per skill; a need is covered when the partner is more proficient.</p>"""
    return section("summary", "The programme at a glance", body)


def _pct(value) -> str:
    return "–" if value is None else f"{value:.0f}%"


def _levels_section(result: MatchResult) -> str:
    by_level = matched_by_level(result)
    by_level["matched_share"] = 100 * by_level["matched_share"]
    listing = table(
        by_level,
        [
            ("side", "side", "text"),
            ("level", "level", "n"),
            ("opted_in", "opted in", "n"),
            ("matched", "matched", "n"),
            ("matched_share", "share matched", "pct"),
            ("waitlisted", "waitlisted", "n"),
        ],
        sortable=False,
    )
    return section(
        "levels",
        "Seniors and juniors by level",
        listing,
        "Mentees (the seniors who learn) by level, most senior first, then mentors (the juniors "
        "who teach). A senior with no eligible mentor is named, with why, under Unmatched.",
    )


def _hours_section(result: MatchResult, s: dict) -> str:
    pairs = result.pairs.assign(shared_hours=shared_hours(result))
    least = result.program.min_timezone_overlap
    flagged = pairs[(pairs["shared_hours"] <= 0) | ((pairs["shared_hours"] < least) if least is not None else False)]
    listing = table(
        flagged,
        [("mentor_id", "mentor", "id"), ("mentee_id", "mentee", "id"), ("shared_hours", "shared hours", "n")],
        empty="Every pair shares working hours" + (f" (at least {least:g})" if least else "") + ".",
    )
    mean = "–" if s["mean_shared_hours"] is None else f"{s['mean_shared_hours']:.1f}"
    return section(
        "hours",
        "Shared working hours",
        listing,
        f"Mean {mean} shared working hours a day per pair (working hours in each one's time zone). "
        "Pairs listed here have none, or fewer than the programme's minimum: they need a plan "
        "to meet.",
    )


def _scores_section(result: MatchResult) -> str:
    chart = svg_histogram(result.pairs["score"].to_numpy(dtype=float), "pair score")
    return section(
        "scores",
        "Pair scores",
        f"""<div class="charts">{chart}</div>
<p class="note">Score = what the mentor can teach on the mentee's needs + what the mentee gives back, weighted.</p>""",
    )


def _needs_section(result: MatchResult) -> str:
    cov = coverage_by_skill(result)
    charts = {}
    for side in ("mentee", "mentor"):
        # Skills nobody on that side asked for would only lengthen the chart; most wanted first.
        rows = cov[cov[f"{side}_need"] > 0].sort_values(
            [f"{side}_need", "skill"], ascending=[False, True], kind="stable"
        )
        charts[side] = svg_bars(
            rows["skill"].tolist(),
            rows[f"{side}_need"].to_numpy(),
            rows[f"{side}_addressed"].to_numpy(),
            f"{side} need",
            "addressed",
        )
    legend = (
        '<p class="legend"><span style="background:var(--soft)"></span>need points stated by everyone '
        'who opted in on that side<span style="background:var(--accent)"></span>addressed by their partner(s)</p>'
    )
    return section(
        "needs",
        "Needs covered by skill",
        f"""{legend}
<div class="charts">
<div><h3 style="font-size:14px;margin:4px 0">Mentees' needs (taught by their mentors)</h3>
{charts["mentee"]}</div>
<div><h3 style="font-size:14px;margin:4px 0">Mentors' needs (given back by their mentees)</h3>
{charts["mentor"]}</div>
</div>""",
    )


def _flow_section(result: MatchResult) -> str:
    return section(
        "flow",
        "Department to department",
        flow_table(department_flow(result)),
        "Pairs by the mentor's department (rows) and the mentee's (columns).",
    )


def _department_of(result: MatchResult, ids) -> list[str]:
    emp = result.workforce.employees
    dept_of = dict(zip(emp["employee_id"].astype(str), emp["department"].astype(str)))
    return [dept_of.get(str(x), "") for x in ids]


def _pairs_section(result: MatchResult) -> str:
    pairs = match_percent(result)
    pairs["mentor_department"] = _department_of(result, pairs["mentor_id"])
    pairs["mentee_department"] = _department_of(result, pairs["mentee_id"])
    # forward and backward always; any soft-preference part the programme weights, too.
    part_cols = [(p, p.replace("_", " "), "n") for p in result.scores.weights if p in pairs]
    pair_table = table(
        pairs,
        [
            ("mentor_id", "mentor", "id"),
            ("mentor_department", "mentor dept", "text"),
            ("mentee_id", "mentee", "id"),
            ("mentee_department", "mentee dept", "text"),
            ("score", "score", "n"),
            ("match_percent", "match %", "pct"),
            ("give_back_percent", "give-back %", "pct"),
            *part_cols,
            ("reason", "reason", "text"),
        ],
        empty="No pairs.",
    )
    return section(
        "pairs",
        f"Pairs ({len(pairs):,})",
        pair_table,
        "Click a column header to sort. Match % = what the mentor teaches on the mentee's needs, as a share of "
        "the best any allowed mentor could teach this mentee; give-back % = what the mentee gives back, as a "
        "share of the best any allowed mentee could give this mentor.",
    )


def _unmatched_section(result: MatchResult) -> str:
    emp = result.workforce.employees
    loc_of = dict(zip(emp["employee_id"].astype(str), emp["location"].fillna("").astype(str)))
    unmatched = result.unmatched.copy()
    unmatched["department"] = _department_of(result, unmatched["employee_id"])
    unmatched["location"] = [loc_of.get(str(x), "") for x in unmatched["employee_id"]]
    listing = table(
        unmatched,
        [
            ("employee_id", "person", "id"),
            ("role", "role", "text"),
            ("department", "department", "text"),
            ("location", "location", "text"),
            ("waitlist_rank", "waitlist place", "n"),
            ("reason", "reason", "text"),
        ],
        empty="Everyone who opted in has a pair.",
    )
    return section(
        "unmatched",
        f"Unmatched people ({len(unmatched):,})",
        listing,
        "Each reason is checked against the data. The waitlisted are ranked on their side by their best "
        "available score: the first to get a place when one opens.",
    )


def _stability_section(blocking) -> str:
    listing = table(
        blocking.head(HTML_BLOCKING_SHOWN),
        [
            ("mentor_id", "mentor", "id"),
            ("mentee_id", "mentee", "id"),
            ("score", "score together", "n"),
            ("mentor_current_worst", "mentor's weakest pair now", "n"),
            ("mentor_spare", "mentor spare", "n"),
            ("mentee_current_worst", "mentee's weakest pair now", "n"),
            ("mentee_spare", "mentee spare", "n"),
        ],
        empty="None: no mentor and mentee would both rather be paired with each other.",
    )
    shown = f" The first {HTML_BLOCKING_SHOWN}, best first:" if len(blocking) > HTML_BLOCKING_SHOWN else ""
    n = len(blocking)
    return section(
        "stability",
        f"Pairs that would both score higher together: {n:,}",
        listing,
        "An allowed mentor and mentee, not paired, who would both score higher together than with their "
        "weakest current partner (or who have a free place). Nobody stated preferences: these are scores, "
        "not wishes, and the programme's best total leaves a few by design." + shown,
    )
