"""What a match means for the programme: summary figures, match %, stability, an HTML report and audit files."""

from __future__ import annotations

import html
import math

import numpy as np
import pandas as pd

from .explain import pair_standing, partner_loads
from .matching import MatchResult

__all__ = [
    "blocking_pairs", "coverage_by_skill", "department_flow", "match_percent", "plot_needs", "plot_scores",
    "summary", "to_html",
]

ROW_BLOCK = 2048          # score-matrix rows scanned at a time: bounds the temporary memory of a scan
HTML_BLOCKING_SHOWN = 50  # blocking pairs listed in the HTML report (the count is always complete)


# ---- shared helpers -------------------------------------------------------------------------------
def _positions(result: MatchResult) -> tuple[np.ndarray, np.ndarray]:
    """Score-matrix (row, col) of every pair in ``result.pairs``, in pair order."""
    s = result.scores
    rows = pd.Index(s.mentor_ids).get_indexer(result.pairs["mentor_id"].astype(str))
    cols = pd.Index(s.mentee_ids).get_indexer(result.pairs["mentee_id"].astype(str))
    if np.any(rows < 0) or np.any(cols < 0):
        raise ValueError("result.pairs names a mentor or mentee that is not in result.scores; "
                         "was the pairs table edited after match()?")
    return rows.astype(np.int64), cols.astype(np.int64)


def _covered(learner_rows: np.ndarray, teacher_rows: np.ndarray, proficiency: np.ndarray):
    """Distinct learners and, per learner and skill, whether any of their partners is ahead on it.

    A learner with several partners (capacity above 1) has a need addressed if at least one partner
    is more proficient, so a need is never counted twice.
    """
    learners, inverse = np.unique(learner_rows, return_inverse=True)
    ahead = proficiency[teacher_rows] > proficiency[learner_rows]
    covered = np.zeros((len(learners), proficiency.shape[1]), dtype=bool)
    np.logical_or.at(covered, inverse, ahead)
    return learners, covered


def _share(part: float, whole: float) -> float | None:
    return float(part / whole) if whole > 0 else None


def _stats(values: np.ndarray) -> dict[str, float | None]:
    if len(values) == 0:
        return {"mean": None, "median": None, "min": None, "max": None}
    return {"mean": float(np.mean(values)), "median": float(np.median(values)),
            "min": float(np.min(values)), "max": float(np.max(values))}


# ---- figures ----------------------------------------------------------------------------------------
def coverage_by_skill(result: MatchResult) -> pd.DataFrame:
    r"""Need points per skill, stated and addressed, for mentees (taught) and mentors (given back).

    For skill :math:`s`, with need :math:`q` and proficiency :math:`p`:

    - ``mentee_need`` :math:`= \sum_{j} q_{js}` over every opted-in mentee :math:`j`;
    - ``mentee_need_matched``: the same sum over mentees with at least one pair;
    - ``mentee_addressed`` :math:`= \sum_{j} q_{js}\,[\exists\ \text{mentor } i \text{ of } j:
      p_{is} > p_{js}]` over matched mentees;
    - ``mentor_need``, ``mentor_need_matched``, ``mentor_addressed``: the same for the mentors' own
      needs against their mentees' proficiency (what the seniors give back).

    A point is one level of stated need (0–5), not a score point: it counts *whether* a partner can
    help with a need, not by how many levels they are ahead.

    Parameters
    ----------
    result : MatchResult

    Returns
    -------
    pandas.DataFrame
        One row per skill of the workforce, in ``workforce.skill_names`` order.

    Examples
    --------
    >>> import revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(200, seed=0), rm.Program(min_level_gap=2))
    >>> cov = coverage_by_skill(result)
    >>> bool((cov["mentee_addressed"] <= cov["mentee_need_matched"]).all())
    True
    """
    wf, s = result.workforce, result.scores
    rows, cols = _positions(result)
    m_rows, e_rows = s.mentor_rows[rows], s.mentee_rows[cols]
    need = wf.need.astype(np.int64)
    out = {"skill": list(wf.skill_names)}
    for side, learner_rows, teacher_rows, opted in (("mentee", e_rows, m_rows, s.mentee_rows),
                                                     ("mentor", m_rows, e_rows, s.mentor_rows)):
        learners, covered = _covered(learner_rows, teacher_rows, wf.proficiency)
        out[f"{side}_need"] = need[opted].sum(axis=0)
        out[f"{side}_need_matched"] = need[learners].sum(axis=0)
        out[f"{side}_addressed"] = (need[learners] * covered).sum(axis=0)
    return pd.DataFrame(out)


def department_flow(result: MatchResult) -> pd.DataFrame:
    """Pair counts by mentor department (rows) × mentee department (columns), departments sorted.

    Only departments that appear in at least one pair are listed.

    Examples
    --------
    >>> import revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(200, seed=0), rm.Program(min_level_gap=2))
    >>> int(department_flow(result).to_numpy().sum()) == len(result.pairs)
    True
    """
    wf = result.workforce
    dept = wf.employees["department"].to_numpy(dtype=object)
    mentor = pd.Series(dept[wf.index_of(result.pairs["mentor_id"])] if len(result.pairs) else [],
                       name="mentor department", dtype=object)
    mentee = pd.Series(dept[wf.index_of(result.pairs["mentee_id"])] if len(result.pairs) else [],
                       name="mentee department", dtype=object)
    return pd.crosstab(mentor, mentee).sort_index(axis=0).sort_index(axis=1)


def summary(result: MatchResult) -> dict[str, float | int | str | None]:
    r"""Programme figures an HR admin can act on, as a flat, JSON-ready dict.

    Figures that have no value (e.g. the mean pair score when there are no pairs) are ``None``.

    Parameters
    ----------
    result : MatchResult

    Returns
    -------
    dict
        Solve:

        - ``status``, ``engine``; ``objective`` (the solver's total score), ``bound`` (the true optimum
          is at most this), ``gap = bound − objective``, ``tolerance`` (rounding allowance of
          non-integer scores).

        People — a person who opted in as ``both`` counts once on each side:

        - ``people_opted_in``: distinct people on either side; ``people_matched``: distinct people in
          at least one pair; ``unmatched``: people in ``result.unmatched`` (opted in, no pair at all).
        - ``mentors_opted_in`` / ``mentees_opted_in``: rows / columns of the score matrix;
          ``mentors_matched`` / ``mentees_matched``: distinct ids on that side of ``result.pairs``.
        - ``pairs``: rows of ``result.pairs``.

        Scores, over the pairs' ``score``: ``total_score`` (:math:`\sum`), ``mean_pair_score``,
        ``median_pair_score``, ``min_pair_score``, ``max_pair_score``; ``mean_match_percent``, the
        mean of :func:`match_percent`.

        Coverage of learning needs, pooled over people (a need level 0–5 is a point):

        - ``mentee_need_points``: :math:`\sum_{j,s} q_{js}` over matched mentees :math:`j`;
          ``mentee_need_addressed``: the part of it on skills where at least one of :math:`j`'s
          mentors has a strictly higher proficiency than :math:`j`;
          ``mentee_need_coverage`` = addressed / points; ``mentee_need_coverage_all`` = addressed /
          (the need points of *every* opted-in mentee), so unmatched mentees count as uncovered.
        - ``mentor_need_points``, ``mentor_need_addressed``, ``mentor_need_coverage``,
          ``mentor_need_coverage_all``: the same for the mentors' own needs against their mentees'
          proficiency (give-back).

        Diversity of pairs:

        - ``cross_department_share``: pairs whose mentor and mentee departments differ / pairs.
        - ``cross_location_share``: among pairs where both locations are known (non-empty), those
          whose locations differ; ``pairs_with_locations`` is that denominator.
        - ``level_gap_mean``, ``level_gap_min``, ``level_gap_max``: mentee level − mentor level over
          pairs (positive: the mentor is junior).

        Stability: ``blocking_pairs``, the number of rows of :func:`blocking_pairs`.

    Examples
    --------
    >>> import revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(200, seed=0), rm.Program(min_level_gap=2))
    >>> s = summary(result)
    >>> s["pairs"] == len(result.pairs) and 0 <= s["mentee_need_coverage"] <= 1
    True
    """
    wf, sc, pairs = result.workforce, result.scores, result.pairs
    rows, cols = _positions(result)
    m_rows, e_rows = sc.mentor_rows[rows], sc.mentee_rows[cols]
    n_mentors, n_mentees = sc.shape
    scores = pairs["score"].to_numpy(dtype=float)

    out: dict[str, float | int | str | None] = {
        "status": str(result.status), "engine": result.engine,
        "objective": float(result.objective), "bound": float(result.bound), "gap": float(result.gap),
        "tolerance": float(result.tolerance),
        "people_opted_in": len(np.union1d(sc.mentor_rows, sc.mentee_rows)),
        "people_matched": len(np.union1d(m_rows, e_rows)),
        "unmatched": len(result.unmatched),
        "mentors_opted_in": n_mentors, "mentors_matched": len(np.unique(m_rows)),
        "mentees_opted_in": n_mentees, "mentees_matched": len(np.unique(e_rows)),
        "pairs": len(pairs),
        "total_score": float(scores.sum()),
    }
    out.update({f"{k}_pair_score": v for k, v in _stats(scores).items()})
    percent = match_percent(result)["match_percent"].to_numpy(dtype=float)
    out["mean_match_percent"] = float(percent.mean()) if len(percent) else None

    by_skill = coverage_by_skill(result)
    for side in ("mentee", "mentor"):
        points = int(by_skill[f"{side}_need_matched"].sum())
        addressed = int(by_skill[f"{side}_addressed"].sum())
        out[f"{side}_need_points"] = points
        out[f"{side}_need_addressed"] = addressed
        out[f"{side}_need_coverage"] = _share(addressed, points)
        out[f"{side}_need_coverage_all"] = _share(addressed, int(by_skill[f"{side}_need"].sum()))

    emp = wf.employees
    dept = emp["department"].to_numpy(dtype=object)
    loc = emp["location"].fillna("").astype(str).to_numpy(dtype=object)
    level = emp["level"].to_numpy(dtype=np.int64)
    out["cross_department_share"] = _share(int(np.sum(dept[m_rows] != dept[e_rows])), len(pairs))
    # An unknown location is neither "same" nor "different": those pairs are left out of the share.
    known = (loc[m_rows] != "") & (loc[e_rows] != "")
    out["cross_location_share"] = _share(int(np.sum(known & (loc[m_rows] != loc[e_rows]))), int(known.sum()))
    out["pairs_with_locations"] = int(known.sum())
    gaps = (level[e_rows] - level[m_rows]).astype(float)
    stats = _stats(gaps)
    out["level_gap_mean"], out["level_gap_min"], out["level_gap_max"] = stats["mean"], stats["min"], stats["max"]
    out["blocking_pairs"] = len(blocking_pairs(result))
    return out


def match_percent(result: MatchResult) -> pd.DataFrame:
    r"""A copy of ``result.pairs`` with a 0–100 match score and each pair's rank on both sides.

    For a pair of mentor :math:`i` and mentee :math:`j` with allowed mask :math:`A` and scores
    :math:`W`:

    .. math::

        \mathrm{match\_percent}_{ij} = 100\,\frac{W_{ij}}{\max_{i' : A_{i'j}} W_{i'j}}

    i.e. the pair's score as a share of the best score any mentor the programme's rules allow could
    give this mentee — whether or not that mentor was free. 100 means the mentee got (one of) their
    best allowed mentor(s). The optimiser maximises the *total*, so not every mentee can get 100.

    Added columns:

    - ``match_percent``: as above, in [0, 100] (0 only for a locked pair that scores 0); NaN if the
      mentee has no allowed mentor with a positive score.
    - ``rank_for_mentee``: 1 + the number of allowed mentors who would score strictly higher with
      this mentee (1 = best; ties share a rank); ``mentee_options``: allowed mentors with a
      positive score.
    - ``rank_for_mentor``, ``mentor_options``: the same from the mentor's side, among allowed mentees.

    Parameters
    ----------
    result : MatchResult

    Returns
    -------
    pandas.DataFrame
        ``result.pairs`` (same index and order) with the five columns above.

    Examples
    --------
    >>> import revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(200, seed=0), rm.Program(min_level_gap=2))
    >>> mp = match_percent(result)
    >>> bool(mp["match_percent"].between(0, 100).all())
    True
    """
    rows, cols = _positions(result)
    out = result.pairs.copy()
    for name, values in pair_standing(result.scores, rows, cols).items():
        out[name] = values
    return out


def blocking_pairs(result: MatchResult) -> pd.DataFrame:
    r"""The stability report: allowed pairs not made that both people would prefer, by score.

    Mentor :math:`i` and mentee :math:`j` block the result if the pair is allowed, scores above 0,
    is not in the result, and both would rather have it than their current situation:

    .. math::

        W_{ij} > t_i \ \text{and}\ W_{ij} > u_j, \qquad
        t_i = \begin{cases} -\infty & \text{load}_i < c_i \ \text{(spare capacity)} \\
        \min_{j' \text{ paired with } i} W_{ij'} & \text{otherwise} \end{cases}

    and :math:`u_j` the same for the mentee. Someone with capacity 0 never blocks. The optimiser
    maximises the total score, which can leave blocking pairs: they are what a participant could
    point to ("we both would have scored higher together"), not an error.

    Parameters
    ----------
    result : MatchResult

    Returns
    -------
    pandas.DataFrame
        Columns ``mentor_id``, ``mentee_id``, ``score``, ``mentor_current_worst``,
        ``mentee_current_worst`` (the weakest current pair score of each, NaN if they have no pair),
        ``mentor_spare``, ``mentee_spare`` (capacity left). Best score first, then by ids.

    Examples
    --------
    >>> import revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(200, seed=0), rm.Program(min_level_gap=2))
    >>> list(blocking_pairs(result).columns[:3])
    ['mentor_id', 'mentee_id', 'score']
    """
    s = result.scores
    rows, cols = _positions(result)
    row_load, row_worst, col_load, col_worst = partner_loads(result.scores, rows, cols)
    row_spare = s.mentor_capacity - row_load
    col_spare = s.mentee_capacity - col_load
    # Spare capacity: any positive pair beats staying as you are. Full (or capacity 0): only a score
    # strictly above your weakest pair does (capacity 0 leaves that at +inf, so never).
    row_bar = np.where(row_spare > 0, -np.inf, row_worst)
    col_bar = np.where(col_spare > 0, -np.inf, col_worst)
    col_bar = np.maximum(col_bar, 0.0)  # "positive score" folded into the mentee's bar

    found_r, found_c = [], []
    for a in range(0, s.shape[0], ROW_BLOCK):
        w, allowed = s.block(np.arange(a, min(a + ROW_BLOCK, s.shape[0])), np.arange(s.shape[1]))
        hit = allowed & (w > row_bar[a:a + ROW_BLOCK, None]) & (w > col_bar[None, :])
        inside = (rows >= a) & (rows < a + ROW_BLOCK)
        # A made pair can pass both bars when both people have spare capacity: it is not a blocker.
        hit[rows[inside] - a, cols[inside]] = False
        r, c = np.nonzero(hit)
        found_r.append(r + a)
        found_c.append(c)
    r = np.concatenate(found_r) if found_r else np.zeros(0, dtype=np.int64)
    c = np.concatenate(found_c) if found_c else np.zeros(0, dtype=np.int64)
    out = pd.DataFrame({
        "mentor_id": s.mentor_ids[r].astype(object), "mentee_id": s.mentee_ids[c].astype(object),
        "score": s.pair_scores(r, c)[0].astype(float),
        "mentor_current_worst": np.where(np.isinf(row_worst[r]), np.nan, row_worst[r]),
        "mentee_current_worst": np.where(np.isinf(col_worst[c]), np.nan, col_worst[c]),
        "mentor_spare": row_spare[r].astype(np.int64), "mentee_spare": col_spare[c].astype(np.int64),
    })
    return out.sort_values(["score", "mentor_id", "mentee_id"], ascending=[False, True, True],
                           kind="stable", ignore_index=True)


# ---- HTML -------------------------------------------------------------------------------------------
_CSS = """
:root{--ink:#1f2933;--muted:#616e7c;--line:#d9e2ec;--bg:#f5f7fa;--accent:#2563eb;--accent2:#f59e0b;--soft:#cbd5e1}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1180px;margin:0 auto;padding:24px 28px 60px}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:18px;margin:0 0 10px;padding-top:6px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px 18px;margin:16px 0}
.sub{color:var(--muted);margin:0 0 12px}
.note{color:var(--muted);font-size:12.5px;margin:8px 0 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(170px,1fr));gap:10px}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 10px;background:#fbfcfe}
.card .v{font-size:20px;font-weight:600}
.card .k{color:var(--muted);font-size:12px}
.status-optimal{color:#047857}.status-feasible{color:#b45309}.status-infeasible{color:#b91c1c}
.charts{display:flex;flex-wrap:wrap;gap:18px}
svg{max-width:100%;height:auto;font:11px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
svg .bar{fill:var(--accent)}svg .bar2{fill:var(--soft)}svg .axis{stroke:#9aa5b1;stroke-width:1}
svg text{fill:var(--ink)}svg .muted{fill:var(--muted)}
.legend span{display:inline-block;width:11px;height:11px;border-radius:2px;margin:0 4px -1px 12px}
.scroll{max-height:70vh;overflow:auto;border:1px solid var(--line);border-radius:6px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{background:#eef2f7;position:sticky;top:0;z-index:1;white-space:nowrap}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th:hover{background:#e1e8f0}
th[aria-sort=ascending]::after{content:" \\25B2";font-size:10px}
th[aria-sort=descending]::after{content:" \\25BC";font-size:10px}
td.id{white-space:nowrap;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
td.reason{min-width:380px}
table.flow td,table.flow th{text-align:center;border:1px solid var(--line)}
table.flow th.row{text-align:left}
.empty{color:var(--muted);font-style:italic}
"""

# Click a header to sort by it; click again to reverse. Numbers sort by the cell's data-v value.
_JS = """
(function(){
document.querySelectorAll('table.sortable').forEach(function(t){
  var heads=t.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads,function(th,col){
    th.tabIndex=0;
    function go(){
      var asc=th.getAttribute('aria-sort')!=='ascending', num=th.classList.contains('n');
      Array.prototype.forEach.call(heads,function(h){h.removeAttribute('aria-sort');});
      th.setAttribute('aria-sort',asc?'ascending':'descending');
      var body=t.tBodies[0], rows=Array.prototype.slice.call(body.rows);
      function key(r){var c=r.cells[col],v=c.getAttribute('data-v');v=v===null?c.textContent:v;
        return num?(v===''?-Infinity:parseFloat(v)):v.toLowerCase();}
      rows.sort(function(a,b){var x=key(a),y=key(b),d=num?x-y:x.localeCompare(y);return asc?d:-d;});
      rows.forEach(function(r){body.appendChild(r);});
    }
    th.addEventListener('click',go);
    th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();go();}});
  });
});
})();
"""

# Nothing may be fetched: the report is read offline and may hold personal data.
_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
        "form-action 'none'; base-uri 'none'")


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _num(value, digits: int = 1) -> str:
    """A figure for people: integers without decimals, others rounded, thousands separated."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def _pct(value) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _nice_step(span: float, target: int) -> float:
    """A 1-2-5 step that cuts ``span`` into about ``target`` pieces (axis ticks, bin widths)."""
    raw = max(span, 1e-12) / max(target, 1)
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _svg_histogram(values: np.ndarray, xlabel: str, width: int = 560, height: int = 230) -> str:
    """A histogram as inline SVG: bars with hover titles, count axis and value axis."""
    if len(values) == 0:
        return '<p class="empty">No pairs.</p>'
    lo, hi = float(values.min()), float(values.max())
    step = _nice_step(hi - lo, 20) if hi > lo else 1.0
    if np.all(values == np.round(values)):
        step = max(1.0, math.ceil(step))  # integer scores: bins of whole points
    start = math.floor(lo / step) * step
    n_bins = max(1, int(math.floor((hi - start) / step)) + 1)
    edges = start + step * np.arange(n_bins + 1)
    counts = np.bincount(np.minimum(((values - start) // step).astype(np.int64), n_bins - 1), minlength=n_bins)
    left, right, top, bottom = 44, 12, 10, 40
    pw, ph = width - left - right, height - top - bottom
    ymax = int(counts.max())
    ystep = _nice_step(ymax, 4) if ymax > 4 else 1
    ystep = max(1, int(math.ceil(ystep)))
    ytop = max(ystep, int(math.ceil(ymax / ystep) * ystep))
    bw = pw / n_bins
    out = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
           f'aria-label="{_e(xlabel)} histogram">']
    for t in range(0, ytop + 1, ystep):
        y = top + ph - ph * t / ytop
        out.append(f'<line class="axis" x1="{left}" x2="{left + pw}" y1="{y:.1f}" y2="{y:.1f}" stroke-opacity="0.35"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="muted">{t}</text>')
    for k, n in enumerate(counts):
        h = ph * n / ytop
        x = left + k * bw
        label = f"{_num(edges[k])} to under {_num(edges[k + 1])}: {n} pair{'s' if n != 1 else ''}"
        out.append(f'<rect class="bar" x="{x + 0.5:.1f}" y="{top + ph - h:.1f}" width="{max(bw - 1, 0.5):.1f}" '
                   f'height="{h:.1f}"><title>{_e(label)}</title></rect>')
    tick_every = max(1, int(math.ceil(n_bins / 8)))
    for k in range(0, n_bins + 1, tick_every):
        x = left + k * bw
        out.append(f'<text x="{x:.1f}" y="{top + ph + 15}" text-anchor="middle" class="muted">'
                   f'{_e(_num(edges[k]))}</text>')
    out.append(f'<line class="axis" x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}"/>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6}" text-anchor="middle">{_e(xlabel)}</text>')
    mid = top + ph / 2
    out.append(f'<text x="12" y="{mid:.1f}" text-anchor="middle" transform="rotate(-90 12 {mid:.1f})">pairs</text>')
    out.append("</svg>")
    return "".join(out)


def _svg_bars(labels: list[str], totals: np.ndarray, parts: np.ndarray, total_word: str, part_word: str,
              width: int = 520, row: int = 17) -> str:
    """Horizontal bars per label: the total in a pale bar, the part of it in colour on top."""
    if len(labels) == 0 or totals.max(initial=0) <= 0:
        return '<p class="empty">No stated needs.</p>'
    label_w, value_w, top = 190, 92, 4
    pw = width - label_w - value_w
    height = top + row * len(labels) + 4
    scale = pw / float(totals.max())
    out = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" '
           f'aria-label="{_e(part_word)} of {_e(total_word)} by skill">']
    for k, (name, total, part) in enumerate(zip(labels, totals, parts)):
        y = top + k * row
        share = f" ({100 * part / total:.0f}%)" if total else ""
        tip = f"{name}: {int(part)} of {int(total)} need points {part_word}{share}"
        shown = name if len(name) <= 28 else name[:27] + "…"
        out.append(f'<g><title>{_e(tip)}</title>'
                   f'<text x="{label_w - 6}" y="{y + row - 5}" text-anchor="end">{_e(shown)}</text>'
                   f'<rect class="bar2" x="{label_w}" y="{y + 2}" width="{total * scale:.1f}" height="{row - 4}"/>'
                   f'<rect class="bar" x="{label_w}" y="{y + 2}" width="{part * scale:.1f}" height="{row - 4}"/>'
                   f'<text x="{label_w + pw + 6}" y="{y + row - 5}" class="muted">'
                   f'{int(part)}/{int(total)}{_e(share)}</text></g>')
    out.append("</svg>")
    return "".join(out)


def _flow_table(flow: pd.DataFrame) -> str:
    """Mentor department × mentee department counts as a heat-map table (darker = more pairs)."""
    if flow.empty:
        return '<p class="empty">No pairs.</p>'
    peak = max(int(flow.to_numpy().max()), 1)
    head = "".join(f'<th scope="col">{_e(c)}</th>' for c in flow.columns)
    out = ['<div class="scroll" style="max-height:none"><table class="flow"><thead><tr>'
           f'<th class="row">mentor dept ↓ / mentee dept →</th>{head}<th>total</th></tr></thead><tbody>']
    for dept, counts in flow.iterrows():
        cells = []
        for n in counts.to_numpy():
            alpha = 0.08 + 0.85 * n / peak if n else 0
            ink = "#fff" if alpha > 0.55 else "inherit"
            style = f' style="background:rgba(37,99,235,{alpha:.2f});color:{ink}"' if n else ""
            cells.append(f'<td class="n"{style}>{int(n) if n else ""}</td>')
        out.append(f'<tr><th class="row" scope="row">{_e(dept)}</th>{"".join(cells)}'
                   f'<td class="n"><b>{int(counts.sum())}</b></td></tr>')
    col_totals = "".join(f'<td class="n"><b>{int(n)}</b></td>' for n in flow.sum(axis=0).to_numpy())
    out.append(f'<tr><th class="row">total</th>{col_totals}<td class="n"><b>{int(flow.to_numpy().sum())}</b></td></tr>')
    out.append("</tbody></table></div>")
    return "".join(out)


def _table(frame: pd.DataFrame, columns: list[tuple[str, str, str]], sortable: bool = True,
           empty: str = "None.") -> str:
    """A table of ``frame``; ``columns`` are (column, header, kind) with kind 'id', 'n', 'pct' or 'text'."""
    if frame.empty:
        return f'<p class="empty">{_e(empty)}</p>'
    cls = ' class="sortable"' if sortable else ""
    head = "".join(f'<th scope="col"{" class=n" if kind in ("n", "pct") else ""}>{_e(label)}</th>'
                   for _, label, kind in columns)
    body = []
    data = {col: frame[col].tolist() for col, _, _ in columns}
    for k in range(len(frame)):
        cells = []
        for col, _, kind in columns:
            v = data[col][k]
            if kind in ("n", "pct"):
                missing = v is None or (isinstance(v, float) and math.isnan(v))
                shown = "–" if missing else (f"{v:.0f}%" if kind == "pct" else _num(v))
                cells.append(f'<td class="n" data-v="{"" if missing else repr(float(v))}">{shown}</td>')
            else:
                cells.append(f'<td class="{"id" if kind == "id" else col}">{_e(v)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="scroll"><table{cls}><thead><tr>{head}</tr></thead><tbody>'
            + "\n".join(body) + "</tbody></table></div>")


def _cards(items: list[tuple[str, str, str]]) -> str:
    return '<div class="cards">' + "".join(
        f'<div class="card" title="{_e(tip)}"><div class="v">{_e(value)}</div><div class="k">{_e(key)}</div></div>'
        for key, value, tip in items) + "</div>"


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
    s = summary(result)
    wf = result.workforce
    emp = wf.employees
    dept_of = dict(zip(emp["employee_id"].astype(str), emp["department"].astype(str)))
    loc_of = dict(zip(emp["employee_id"].astype(str), emp["location"].fillna("").astype(str)))

    status = _e(s["status"])
    cards = _cards([
        ("status", s["status"], f"engine {s['engine']}; bound {s['bound']:g}; gap {s['gap']:g}"),
        ("pairs", _num(s["pairs"]), "rows of the pairs table"),
        ("people matched", f"{_num(s['people_matched'])} / {_num(s['people_opted_in'])}",
         "distinct people in at least one pair / distinct people who opted in"),
        ("mentors matched", f"{_num(s['mentors_matched'])} / {_num(s['mentors_opted_in'])}", "opted in as mentor"),
        ("mentees matched", f"{_num(s['mentees_matched'])} / {_num(s['mentees_opted_in'])}", "opted in as mentee"),
        ("unmatched people", _num(s["unmatched"]), "opted in, no pair at all"),
        ("total score", _num(s["total_score"]), "sum of pair scores"),
        ("pair score mean / median", f"{_num(s['mean_pair_score'])} / {_num(s['median_pair_score'])}",
         f"min {_num(s['min_pair_score'])}, max {_num(s['max_pair_score'])}"),
        ("mean match %", "–" if s["mean_match_percent"] is None else f"{s['mean_match_percent']:.0f}%",
         "pair score / best score the mentee could have had with any allowed mentor"),
        ("mentee needs covered", _pct(s["mentee_need_coverage"]),
         f"need points of matched mentees on skills where their mentor is ahead; "
         f"{_pct(s['mentee_need_coverage_all'])} of all opted-in mentees' needs"),
        ("mentor needs covered (give-back)", _pct(s["mentor_need_coverage"]),
         f"need points of matched mentors on skills where their mentee is ahead; "
         f"{_pct(s['mentor_need_coverage_all'])} of all opted-in mentors' needs"),
        ("cross-department pairs", _pct(s["cross_department_share"]), "mentor and mentee in different departments"),
        ("cross-location pairs", _pct(s["cross_location_share"]),
         f"among {s['pairs_with_locations']} pairs with both locations known"),
        ("level gap mean (min–max)",
         f"{_num(s['level_gap_mean'])} ({_num(s['level_gap_min'])}–{_num(s['level_gap_max'])})",
         "mentee level − mentor level"),
        ("blocking pairs", _num(s["blocking_pairs"]), "see Stability"),
    ])

    cov = coverage_by_skill(result)
    charts = {}
    for side in ("mentee", "mentor"):
        # Skills nobody on that side asked for would only lengthen the chart; most wanted first.
        rows = cov[cov[f"{side}_need"] > 0].sort_values([f"{side}_need", "skill"], ascending=[False, True],
                                                       kind="stable")
        charts[side] = _svg_bars(rows["skill"].tolist(), rows[f"{side}_need"].to_numpy(),
                                 rows[f"{side}_addressed"].to_numpy(), f"{side} need", "addressed")
    legend = ('<p class="legend"><span style="background:var(--soft)"></span>need points stated by everyone '
              'who opted in on that side<span style="background:var(--accent)"></span>addressed by their partner(s)</p>')

    pairs = match_percent(result)
    pairs["mentor_department"] = [dept_of.get(str(x), "") for x in pairs["mentor_id"]]
    pairs["mentee_department"] = [dept_of.get(str(x), "") for x in pairs["mentee_id"]]
    # forward and backward always; any soft-preference part the programme weights, too.
    part_cols = [(p, p.replace("_", " "), "n") for p in result.scores.weights if p in pairs]
    pair_table = _table(pairs, [("mentor_id", "mentor", "id"), ("mentor_department", "mentor dept", "text"),
                                ("mentee_id", "mentee", "id"), ("mentee_department", "mentee dept", "text"),
                                ("score", "score", "n"), ("match_percent", "match %", "pct"), *part_cols,
                                ("reason", "reason", "text")], empty="No pairs.")

    unmatched = result.unmatched.copy()
    unmatched["department"] = [dept_of.get(str(x), "") for x in unmatched["employee_id"]]
    unmatched["location"] = [loc_of.get(str(x), "") for x in unmatched["employee_id"]]
    unmatched_table = _table(unmatched, [("employee_id", "person", "id"), ("role", "role", "text"),
                                         ("department", "department", "text"), ("location", "location", "text"),
                                         ("reason", "reason", "text")], empty="Everyone who opted in has a pair.")

    blocking = blocking_pairs(result)
    blocking_table = _table(blocking.head(HTML_BLOCKING_SHOWN), [
        ("mentor_id", "mentor", "id"), ("mentee_id", "mentee", "id"), ("score", "score together", "n"),
        ("mentor_current_worst", "mentor's weakest pair now", "n"), ("mentor_spare", "mentor spare", "n"),
        ("mentee_current_worst", "mentee's weakest pair now", "n"), ("mentee_spare", "mentee spare", "n")],
        empty="None: no mentor and mentee would both rather be paired with each other.")
    shown = f" The first {HTML_BLOCKING_SHOWN}, best first:" if len(blocking) > HTML_BLOCKING_SHOWN else ""

    settings = result.program.model_dump(mode="json")
    changed = result.program.model_dump(mode="json", exclude_defaults=True)
    program = ", ".join(f"{k} = {v}" for k, v in changed.items()) or "default settings"
    settings_rows = "".join(f'<tr><th scope="row">{_e(k)}</th><td>{_e(v)}</td></tr>' for k, v in settings.items())
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="referrer" content="no-referrer">
<title>{_e(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<main>
<h1>{_e(title)}</h1>
<p class="sub">Status <b class="status-{status}">{status}</b> · {_e(result.engine)} · programme: {_e(program)}</p>

<section id="summary">
<h2>Summary</h2>
{cards}
<details class="note"><summary>All programme settings</summary><table>{settings_rows}</table></details>
<p class="note">Hover a figure for its definition. Need points are stated need levels (0–5) per skill; a need is
covered when the partner's proficiency in that skill is higher.</p>
</section>

<section id="scores">
<h2>Pair scores</h2>
<div class="charts">{_svg_histogram(result.pairs["score"].to_numpy(dtype=float), "pair score")}</div>
<p class="note">Score = what the mentor can teach on the mentee's needs + what the mentee gives back, weighted.</p>
</section>

<section id="needs">
<h2>Needs covered by skill</h2>
{legend}
<div class="charts">
<div><h3 style="font-size:14px;margin:4px 0">Mentees' needs (taught by their mentors)</h3>
{charts["mentee"]}</div>
<div><h3 style="font-size:14px;margin:4px 0">Mentors' needs (given back by their mentees)</h3>
{charts["mentor"]}</div>
</div>
</section>

<section id="flow">
<h2>Department to department</h2>
<p class="sub">Pairs by the mentor's department (rows) and the mentee's (columns).</p>
{_flow_table(department_flow(result))}
</section>

<section id="pairs">
<h2>Pairs ({len(pairs):,})</h2>
<p class="sub">Click a column header to sort. Match % = the pair's score as a share of the best score any allowed
mentor could give this mentee.</p>
{pair_table}
</section>

<section id="unmatched">
<h2>Unmatched people ({len(unmatched):,})</h2>
{unmatched_table}
</section>

<section id="stability">
<h2>Stability: {len(blocking):,} blocking pair{"" if len(blocking) == 1 else "s"}</h2>
<p class="sub">A blocking pair is an allowed mentor and mentee, not paired, who would both score higher together
than with their weakest current partner (or who have a free place). The optimiser maximises the total score, so a
few are expected.{shown}</p>
{blocking_table}
</section>
{extra_sections}
</main>
<script>{_JS}</script>
</body>
</html>
"""


# ---- notebook plots (matplotlib is optional: pip install 'revmatch[plot]') -------------------------
def _axes(ax):
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("plots need matplotlib: pip install 'revmatch[plot]'") from exc
    return plt.subplots()[1]


def plot_scores(result: MatchResult, ax=None, bins: int = 20):
    """Histogram of pair scores on ``ax`` (a new Axes if None); returns the Axes."""
    ax = _axes(ax)
    ax.hist(result.pairs["score"].to_numpy(dtype=float), bins=bins, color="#2563eb")
    ax.set_xlabel("pair score")
    ax.set_ylabel("pairs")
    ax.set_title(f"{len(result.pairs)} pairs, total {result.objective:g}")
    return ax


def plot_needs(result: MatchResult, side: str = "mentee", ax=None, top: int = 15):
    """Stated vs addressed need points for the ``top`` most-needed skills of one side; returns the Axes."""
    if side not in ("mentee", "mentor"):
        raise ValueError(f"side must be 'mentee' or 'mentor', got {side!r}")
    ax = _axes(ax)
    cov = coverage_by_skill(result).sort_values(f"{side}_need", ascending=False, kind="stable").head(top)[::-1]
    ax.barh(cov["skill"], cov[f"{side}_need"], color="#cbd5e1", label="need stated")
    ax.barh(cov["skill"], cov[f"{side}_addressed"], color="#2563eb", label="addressed by the pairs")
    ax.set_xlabel("need points")
    ax.set_title(f"{side}s' needs covered")
    ax.legend(loc="lower right")
    return ax
