"""The match report: one self-contained HTML page (summary, charts, pairs, unmatched, stability)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .charts import flow_table, svg_bars, svg_histogram
from .figures import blocking_pairs, coverage_by_skill, department_flow, match_percent, summary
from .page import cards, escape, number, page, percent, section, table

if TYPE_CHECKING:
    from ..matching import MatchResult

HTML_BLOCKING_SHOWN = 50  # blocking pairs listed in the HTML report (the count is always complete)


def to_html(result: MatchResult, title: str = "revmatch report", extra_sections: str = "") -> str:
    """The whole report as one self-contained HTML page (inline CSS, SVG and script; no network).

    Sections: summary figures, pair-score histogram, needs covered by skill (mentees and mentors),
    department-to-department flow, a sortable table of pairs, unmatched people with reasons, and
    stability (blocking pairs, the first 50 listed). Only what ``result.pairs`` and
    ``result.unmatched`` hold is shown, plus ids, departments and locations; every text is escaped,
    and a Content-Security-Policy forbids loading anything.

    Parameters
    ----------
    result : MatchResult
    title : str, default="revmatch report"
    extra_sections : str, default=""
        HTML appended after the report's own sections (e.g. :func:`revmatch.reporting.kpis_section`).

    Returns
    -------
    str
        The HTML document; write it with ``Path("report.html").write_text(html, encoding="utf-8")``.

    Examples
    --------
    >>> import revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(200, seed=0), rm.Program(min_level_gap=2))
    >>> to_html(result).startswith("<!DOCTYPE html>")
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
    body = "\n".join(
        [
            _summary_section(result, s),
            _scores_section(result),
            _needs_section(result),
            _flow_section(result),
            _pairs_section(result),
            _unmatched_section(result),
            _stability_section(blocking),
            extra_sections,
        ]
    )
    return page(title, body, subtitle)


def _summary_section(result: MatchResult, s: dict) -> str:
    figures = cards(
        [
            ("status", s["status"], f"engine {s['engine']}; bound {s['bound']:g}; gap {s['gap']:g}"),
            ("pairs", number(s["pairs"]), "rows of the pairs table"),
            (
                "people matched",
                f"{number(s['people_matched'])} / {number(s['people_opted_in'])}",
                "distinct people in at least one pair / distinct people who opted in",
            ),
            (
                "mentors matched",
                f"{number(s['mentors_matched'])} / {number(s['mentors_opted_in'])}",
                "opted in as mentor",
            ),
            (
                "mentees matched",
                f"{number(s['mentees_matched'])} / {number(s['mentees_opted_in'])}",
                "opted in as mentee",
            ),
            ("unmatched people", number(s["unmatched"]), "opted in, no pair at all"),
            ("total score", number(s["total_score"]), "sum of pair scores"),
            (
                "pair score mean / median",
                f"{number(s['mean_pair_score'])} / {number(s['median_pair_score'])}",
                f"min {number(s['min_pair_score'])}, max {number(s['max_pair_score'])}",
            ),
            (
                "mean match %",
                "–" if s["mean_match_percent"] is None else f"{s['mean_match_percent']:.0f}%",
                "pair score / best score the mentee could have had with any allowed mentor",
            ),
            (
                "mentee needs covered",
                percent(s["mentee_need_coverage"]),
                f"need points of matched mentees on skills where their mentor is ahead; "
                f"{percent(s['mentee_need_coverage_all'])} of all opted-in mentees' needs",
            ),
            (
                "mentor needs covered (give-back)",
                percent(s["mentor_need_coverage"]),
                f"need points of matched mentors on skills where their mentee is ahead; "
                f"{percent(s['mentor_need_coverage_all'])} of all opted-in mentors' needs",
            ),
            (
                "cross-department pairs",
                percent(s["cross_department_share"]),
                "mentor and mentee in different departments",
            ),
            (
                "cross-location pairs",
                percent(s["cross_location_share"]),
                f"among {s['pairs_with_locations']} pairs with both locations known",
            ),
            (
                "level gap mean (min–max)",
                f"{number(s['level_gap_mean'])} ({number(s['level_gap_min'])}–{number(s['level_gap_max'])})",
                "mentee level − mentor level",
            ),
            ("blocking pairs", number(s["blocking_pairs"]), "see Stability"),
        ]
    )
    settings = result.program.model_dump(mode="json")
    settings_rows = "".join(
        f'<tr><th scope="row">{escape(k)}</th><td>{escape(v)}</td></tr>' for k, v in settings.items()
    )
    return section(
        "summary",
        "Summary",
        f"""{figures}
<details class="note"><summary>All programme settings</summary><table>{settings_rows}</table></details>
<p class="note">Hover a figure for its definition. Need points are stated need levels (0–5) per skill; a need is
covered when the partner's proficiency in that skill is higher.</p>""",
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
            *part_cols,
            ("reason", "reason", "text"),
        ],
        empty="No pairs.",
    )
    return section(
        "pairs",
        f"Pairs ({len(pairs):,})",
        pair_table,
        "Click a column header to sort. Match % = the pair's score as a share of the best score any "
        "allowed mentor could give this mentee.",
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
            ("reason", "reason", "text"),
        ],
        empty="Everyone who opted in has a pair.",
    )
    return section("unmatched", f"Unmatched people ({len(unmatched):,})", listing)


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
        f"Stability: {n:,} blocking pair{'' if n == 1 else 's'}",
        listing,
        "A blocking pair is an allowed mentor and mentee, not paired, who would both score higher "
        "together than with their weakest current partner (or who have a free place). The optimiser "
        "maximises the total score, so a few are expected." + shown,
    )
