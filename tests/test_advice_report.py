"""The advice's report sections: every text escaped, the frontier of the objectives plotted once each."""

import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import revmatch as rm
from revmatch.reporting.advice_page import advice_sections, tradeoffs_section
from revmatch.reporting.charts import svg_points


def test_the_sections_escape_every_text():
    workforce = rm.synthetic_workforce(400, seed=0)
    advice = rm.advise(workforce, rm.Program(), [{"min_level_gap": 0}])
    table = advice.table.assign(change="<script>alert(1)</script>")
    tricky = rm.Advice(table, advice.per_person.assign(advice="<b>x</b>"), advice.result, advice.base,
                       advice.changes, advice.seconds, advice.base_seconds, advice.notes)  # fmt: skip
    html = advice_sections(tricky, rm.tradeoffs(workforce).assign(note="<i>n</i>"))
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<b>x</b>" not in html and "<i>n</i>" not in html
    assert advice.to_html().startswith("<!DOCTYPE html>")
    cell = advice._repr_html_()
    assert cell.startswith("<div") and '<section id="advice">' in cell and "<!DOCTYPE" not in cell


def test_the_frontier_plots_each_objective_once():
    table = pd.DataFrame(
        {
            "objective": ["total", "coverage", "fair"],
            "current": [True, False, False],
            "mentees_matched": pd.array([10, 12, 10], dtype="Int64"),
            "teaching": [100.0, 90.0, 100.0],
        }
    )
    svg = svg_points(
        table["mentees_matched"].to_numpy(dtype=float), table["teaching"].to_numpy(), table["objective"].tolist(),
        "seniors matched", "teaching", highlight=0,
    )  # fmt: skip
    assert svg.count("<circle") == 2  # total and fair land on one spot: one point, both names
    assert "total, fair" in svg and "(current)" in svg
    line = re.search(r'<polyline points="([^"]+)"', svg)
    assert line is not None
    xs = [float(point.split(",")[0]) for point in line.group(1).split()]
    assert len(xs) == 3 and xs == sorted(xs)  # the frontier, joined in order of seniors matched
    assert "Nothing to plot" in svg_points(np.array([np.nan]), np.array([np.nan]), ["x"], "a", "b")


def test_an_objective_that_cannot_be_solved_is_listed_not_plotted():
    workforce = rm.synthetic_workforce(300, seed=0)
    table = rm.tradeoffs(workforce, rm.Program(priority=["E000001"], priority_first=True))
    html = tradeoffs_section(table)
    assert html.count("<circle") == 1 and "not solved" in html


CHROMIUM = ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium")
def test_the_sections_render_and_sort_in_headless_chromium(tmp_path):
    workforce = rm.synthetic_workforce(2000, seed=0)
    changes = [{"min_level_gap": 0}, {"min_level_gap": 2}, {"require_same_location": True}, {"min_forward": 0}]
    advice = rm.advise(workforce, rm.Program(), changes)
    html = advice.to_html(tradeoffs=rm.tradeoffs(workforce))
    # Two clicks on "seniors matched" sort the changes by it, largest first, reading the signed figures.
    click = 'document.querySelector("#advice th.n").click();'
    page = tmp_path / "advice.html"
    page.write_text(html.replace("</body>", f"<script>{click * 2}</script></body>"), encoding="utf-8")
    dom = subprocess.run(
        [*CHROMIUM, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    section = dom[dom.index('<section id="advice">') : dom.index('<section id="advice-people">')]
    shown = [float(v) for v in re.findall(r'<td class="n" data-v="([^"]+)">[^<]*</td>', section)[::6]]
    expected = sorted(advice.table["mentees_matched"].astype(float), reverse=True)
    assert shown == expected and expected[0] > expected[-1]
    frontier = dom[dom.index('<section id="tradeoffs">') :]
    assert frontier.count("<circle") >= 2 and "seniors matched" in frontier
