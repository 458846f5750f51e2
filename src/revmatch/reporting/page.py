"""One HTML page shell for every page revmatch writes (inline CSS and script, a CSP loading nothing), and its parts."""

from __future__ import annotations

import html
import math

import pandas as pd

CSS = """
:root{--ink:#1f2933;--muted:#616e7c;--line:#d9e2ec;--bg:#f5f7fa;--accent:#2563eb;--accent2:#f59e0b;--soft:#cbd5e1}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
  color:var(--ink);background:var(--bg)}
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
td.change{min-width:260px}
table.flow td,table.flow th{text-align:center;border:1px solid var(--line)}
table.flow th.row{text-align:left}
.empty{color:var(--muted);font-style:italic}
"""

# Click a header to sort by it; click again to reverse. Numbers sort by the cell's data-v value.
# It works inside its own container only (the page's body, or a notebook cell's fragment).
SCRIPT = """
(function(root){
root.querySelectorAll('table.sortable').forEach(function(t){
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
})(document.currentScript&&document.currentScript.parentElement||document);
"""

# Nothing may be fetched: the report is read offline and may hold personal data.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
    "form-action 'none'; base-uri 'none'"
)


def escape(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def number(value, digits: int = 1) -> str:
    """A figure for people: integers without decimals, others rounded, thousands separated."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "–"
    value = float(value)
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    return f"{value:,.{digits}f}"


def signed(value) -> str:
    """A change for people: "+3", "−2.5" (a true minus sign), "0"."""
    text = number(abs(value))
    return "0" if text == "0" else ("+" if value > 0 else "\u2212") + text


def percent(value) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def table(frame: pd.DataFrame, columns: list[tuple[str, str, str]], sortable: bool = True, empty: str = "None.") -> str:
    """A table of ``frame``; ``columns`` are (column, header, kind) with kind 'id', 'n', 'pct', 'delta'
    (a change: signed, "+3" and "−2") or 'text'."""
    if frame.empty:
        return f'<p class="empty">{escape(empty)}</p>'
    cls = ' class="sortable"' if sortable else ""
    head = "".join(
        f'<th scope="col"{" class=n" if kind in ("n", "pct", "delta") else ""}>{escape(label)}</th>'
        for _, label, kind in columns
    )
    body = []
    data = {col: frame[col].tolist() for col, _, _ in columns}
    for k in range(len(frame)):
        cells = []
        for col, _, kind in columns:
            v = data[col][k]
            if kind in ("n", "pct", "delta"):
                missing = v is None or bool(pd.isna(v))
                shown = "–" if missing else FORMATS[kind](v)
                cells.append(f'<td class="n" data-v="{"" if missing else repr(float(v))}">{shown}</td>')
            else:
                cells.append(f'<td class="{"id" if kind == "id" else col}">{escape(v)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (
        f'<div class="scroll"><table{cls}><thead><tr>{head}</tr></thead><tbody>'
        + "\n".join(body)
        + "</tbody></table></div>"
    )


FORMATS = {"n": number, "pct": lambda v: f"{v:.0f}%", "delta": lambda v: signed(v)}


def cards(items: list[tuple[str, str, str]]) -> str:
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card" title="{escape(tip)}"><div class="v">{escape(value)}</div>'
            f'<div class="k">{escape(key)}</div></div>'
            for key, value, tip in items
        )
        + "</div>"
    )


def page(title: str, body: str, subtitle: str = "") -> str:
    """A whole self-contained HTML document: the shared CSS and script inline, a Content-Security-Policy
    that lets the page load nothing (it is read offline and may hold personal data), no referrer."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="referrer" content="no-referrer">
<title>{escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<h1>{escape(title)}</h1>
{subtitle}
{body}
</main>
<script>{SCRIPT}</script>
</body>
</html>
"""


SCOPE = "revmatch-report"


def fragment(title: str, body: str, subtitle: str = "") -> str:
    """The page as a fragment for a notebook cell: one ``<div>`` whose CSS applies inside it only.

    A whole document's global CSS (``body``, ``table``, ``h1`` …) would restyle the notebook around
    it; here every selector is prefixed with the container's class, and the script sorts only the
    container's tables.
    """
    return (
        f'<div class="{SCOPE}"><style>{scoped_css(CSS, "." + SCOPE)}</style>'
        f"<main><h1>{escape(title)}</h1>\n{subtitle}\n{body}\n</main><script>{SCRIPT}</script></div>"
    )


def scoped_css(css: str, scope: str) -> str:
    """``css`` with every selector inside ``scope``: ``:root`` and ``body`` become the scope itself."""
    rules = []
    for rule in css.split("}"):
        if "{" not in rule:
            continue
        selectors, declarations = rule.split("{", 1)
        scoped = [
            scope if s.strip() in (":root", "body") else f"{scope} {s.strip()}"
            for s in selectors.split(",")
            if s.strip()
        ]
        rules.append(f"{','.join(scoped)}{{{declarations}}}")
    return "\n".join(rules)


def section(anchor: str, heading: str, body: str, subtitle: str = "") -> str:
    """One ``<section>`` of a page: an anchor id, a heading and its content (``subtitle`` is HTML)."""
    sub = f'<p class="sub">{subtitle}</p>\n' if subtitle else ""
    return f'<section id="{escape(anchor)}">\n<h2>{escape(heading)}</h2>\n{sub}{body}\n</section>\n'
