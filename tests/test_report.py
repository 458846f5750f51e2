"""Reporting: every figure recomputed the slow way, stability against brute force, HTML and files that hold."""

import dataclasses
import hashlib
import json
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import revmatch as rm
from revmatch import reporting as report
from revmatch.reporting import figures
from revmatch.standing import STANDING_BLOCK

E = rm.Employee
PROGRAM = rm.Program(min_level_gap=2)
HAND = rm.Program(min_level_gap=2, backward_weight=1.0)  # the worked examples below count give-back fully


def hand_workforce():
    """Two trees (seniors under boss, juniors under cto); capacities, unknown locations, overlapping teachers."""
    return rm.Workforce.from_employees(
        [
            E(
                employee_id="boss",
                level=7,
                department="Exec",
                location="London",
                role="mentee",
                skills={"strategy": 5, "negotiation": 4},
                needs={"social": 3, "genAI": 1},
            ),
            E(
                employee_id="cto",
                level=7,
                department="IT",
                location="Berlin",
                role="none",
                skills={"genAI": 5},
                needs={"strategy": 5},
            ),
            E(
                employee_id="s1",
                level=6,
                department="Finance",
                manager_id="boss",
                location="London",
                role="mentee",
                mentee_capacity=2,
                skills={"strategy": 5, "genAI": 1},
                needs={"genAI": 4, "SQL": 3, "video": 2},
            ),
            E(
                employee_id="s2",
                level=6,
                department="Sales",
                manager_id="boss",
                role="both",
                skills={"negotiation": 5, "SQL": 1},
                needs={"genAI": 2, "social": 5},
            ),
            E(
                employee_id="s3",
                level=5,
                department="HR",
                manager_id="boss",
                location="Paris",
                role="mentee",
                skills={"coaching": 5},
                needs={"social": 2, "video": 3},
            ),
            E(
                employee_id="j1",
                level=2,
                department="IT",
                manager_id="cto",
                location="Berlin",
                role="mentor",
                skills={"genAI": 5, "SQL": 4},
                needs={"strategy": 3, "negotiation": 2},
            ),
            E(
                employee_id="j2",
                level=1,
                department="Marketing",
                manager_id="cto",
                location="London",
                role="mentor",
                mentor_capacity=2,
                skills={"social": 5, "video": 4, "genAI": 2},
                needs={"negotiation": 4, "SQL": 1},
            ),
            E(
                employee_id="j3",
                level=2,
                department="Finance",
                manager_id="s1",
                location="London",
                role="both",
                skills={"SQL": 5, "video": 2},
                needs={"strategy": 2, "video": 1},
            ),
            E(
                employee_id="j4",
                level=3,
                department="Finance",
                manager_id="cto",
                role="mentor",
                skills={"SQL": 3, "social": 3},
                needs={"coaching": 4},
            ),
            E(
                employee_id="j5",
                level=1,
                department="Sales",
                manager_id="cto",
                role="mentor",
                skills={"video": 5, "genAI": 3},
            ),
            E(employee_id="lone", level=3, department="HR", manager_id="boss", location="Paris", role="mentor"),
        ]
    )


@pytest.fixture(scope="module")
def hand_result():
    return rm.match(hand_workforce(), HAND)


@pytest.fixture(scope="module")
def company_result():
    return rm.match(rm.synthetic_workforce(300, seed=4), PROGRAM)


# ---- summary ------------------------------------------------------------------------------------
def slow_summary(result):
    """The summary figures from Employee objects and plain loops: no arrays shared with report.py."""
    wf = result.workforce
    people = {i: wf.employee(i) for i in wf.ids}
    pairs = list(zip(result.pairs["mentor_id"], result.pairs["mentee_id"], result.pairs["score"]))
    mentors_of, mentees_of = {}, {}
    for m, e, _ in pairs:
        mentors_of.setdefault(e, []).append(m)
        mentees_of.setdefault(m, []).append(e)

    def coverage(learner, teachers):
        need = people[learner].needs
        prof = lambda who, s: people[who].skills.get(s, 0)
        total = sum(need.values())
        addressed = sum(q for s, q in need.items() if any(prof(t, s) > prof(learner, s) for t in teachers))
        return total, addressed

    out = {}
    for side, partners, opted in (
        ("mentee", mentors_of, result.scores.mentee_ids),
        ("mentor", mentees_of, result.scores.mentor_ids),
    ):
        points = addressed = 0
        for learner, teachers in partners.items():
            t, a = coverage(learner, teachers)
            points, addressed = points + t, addressed + a
        everyone = sum(sum(people[p].needs.values()) for p in opted)
        out[f"{side}_need_points"], out[f"{side}_need_addressed"] = points, addressed
        out[f"{side}_need_coverage"] = addressed / points if points else None
        out[f"{side}_need_coverage_all"] = addressed / everyone if everyone else None

    scores = [s for _, _, s in pairs]
    out["pairs"] = len(pairs)
    out["total_score"] = sum(scores)
    out["mean_pair_score"] = sum(scores) / len(scores)
    ordered = sorted(scores)
    mid = len(ordered) // 2
    out["median_pair_score"] = ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    out["min_pair_score"], out["max_pair_score"] = min(scores), max(scores)
    out["mentors_matched"], out["mentees_matched"] = len(mentees_of), len(mentors_of)
    out["people_matched"] = len(set(mentees_of) | set(mentors_of))
    out["people_opted_in"] = sum(1 for p in people.values() if p.role != "none")
    out["mentors_opted_in"] = sum(1 for p in people.values() if p.role in ("mentor", "both"))
    out["mentees_opted_in"] = sum(1 for p in people.values() if p.role in ("mentee", "both"))
    out["cross_department_share"] = sum(people[m].department != people[e].department for m, e, _ in pairs) / len(pairs)
    known = [(m, e) for m, e, _ in pairs if people[m].location and people[e].location]
    out["pairs_with_locations"] = len(known)
    out["cross_location_share"] = (
        sum(people[m].location != people[e].location for m, e in known) / len(known) if known else None
    )
    gaps = [people[e].level - people[m].level for m, e, _ in pairs]
    out["level_gap_mean"], out["level_gap_min"], out["level_gap_max"] = sum(gaps) / len(gaps), min(gaps), max(gaps)
    return out


def assert_same(actual: dict, expected: dict):
    for key, value in expected.items():
        if value is None:
            assert actual[key] is None, key
        else:
            assert actual[key] == pytest.approx(value), key


def test_summary_worked_example(hand_result):
    # The optimum, checked by hand: s1 takes two mentors (j1 and j5), who both know more genAI than s1.
    assert sorted(zip(hand_result.pairs["mentor_id"], hand_result.pairs["mentee_id"])) == [
        ("j1", "s1"),
        ("j2", "boss"),
        ("j2", "s2"),
        ("j4", "s3"),
        ("j5", "s1"),
    ]
    s = report.summary(hand_result)
    # s1 9 of 9 (genAI counted once although both mentors cover it), boss 4/4, s2 7/7, s3 2/5 (social, not video).
    assert (s["mentee_need_points"], s["mentee_need_addressed"]) == (25, 22)
    assert s["mentee_need_coverage_all"] == pytest.approx(22 / 28)  # + j3's 3 points, unmatched
    # j1 3/5 (strategy, not negotiation), j2 5/5 over two mentees, j4 4/4, j5 no needs.
    assert (s["mentor_need_points"], s["mentor_need_addressed"]) == (14, 12)
    assert s["mentor_need_coverage_all"] == pytest.approx(12 / 24)  # + j3 3, s2 7, lone 0
    assert s["cross_location_share"] == 0.5 and s["pairs_with_locations"] == 2
    assert (s["level_gap_min"], s["level_gap_max"], s["level_gap_mean"]) == (2, 6, 4.4)
    # Match % reads what is taught: j4 teaches s3 6 of the 22 j2 could; j5 teaches s1 18 of j1's 28.
    assert s["mean_match_percent"] == pytest.approx((300 + 100 * 6 / 22 + 100 * 18 / 28) / 5)
    # Give-back %: j1 gets 15 of the 23 boss could give; j2 16 of s2's 21 from boss; j5 has no needs (none).
    assert s["mean_give_back_percent"] == pytest.approx((100 * 15 / 23 + 100 * 16 / 21 + 200) / 4)
    assert s["teaching_points"] == 98 and s["give_back_points"] == 72 and s["teaching_share"] == pytest.approx(98 / 170)
    assert (s["people_opted_in"], s["people_matched"], s["unmatched"]) == (10, 8, 2)
    assert s["status"] == "optimal" and s["gap"] == 0 and s["objective"] == s["total_score"] == 170


@pytest.mark.parametrize("program", [HAND, PROGRAM])
def test_summary_matches_slow_loop_on_hand_workforce(program):
    result = rm.match(hand_workforce(), program)
    assert_same(report.summary(result), slow_summary(result))


@pytest.mark.parametrize("seed", [4, 5])
def test_summary_matches_slow_loop_on_synthetic_company(seed):
    result = rm.match(rm.synthetic_workforce(150, seed=seed), PROGRAM)
    s = report.summary(result)
    assert_same(s, slow_summary(result))
    assert s["unmatched"] == len(result.unmatched) and s["blocking_pairs"] == len(report.blocking_pairs(result))
    json.dumps(s, allow_nan=False)  # plain, strict JSON


def test_coverage_by_skill_adds_up_to_summary(company_result):
    cov = report.coverage_by_skill(company_result)
    s = report.summary(company_result)
    assert list(cov["skill"]) == list(company_result.workforce.skill_names)
    for side in ("mentee", "mentor"):
        assert cov[f"{side}_addressed"].sum() == s[f"{side}_need_addressed"]
        assert cov[f"{side}_need_matched"].sum() == s[f"{side}_need_points"]
        assert (cov[f"{side}_addressed"] <= cov[f"{side}_need_matched"]).all()
        assert (cov[f"{side}_need_matched"] <= cov[f"{side}_need"]).all()


def test_department_flow_counts_pairs(company_result):
    flow = report.department_flow(company_result)
    wf = company_result.workforce
    dept = dict(zip(wf.ids, wf.employees["department"]))
    for m, e in zip(company_result.pairs["mentor_id"], company_result.pairs["mentee_id"]):
        assert flow.loc[dept[m], dept[e]] >= 1
    assert int(flow.to_numpy().sum()) == len(company_result.pairs)


# ---- match % --------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed, block", [(1, STANDING_BLOCK), (2, 5)])
def test_match_percent_and_ranks_against_loops(seed, block):
    program = rm.Program(min_level_gap=2, forward_weight=0.7)
    result = rm.match(rm.synthetic_workforce(300, seed=seed), program)  # sparse: lines read through bounds
    mp = report.match_percent(result, block=block)  # ranks scanned a block of pairs at a time
    dense = report.match_percent(rm.match(result.workforce, program, route="dense"), block=block)
    pd.testing.assert_frame_equal(mp, dense)  # both routes answer alike
    s = result.scores
    pd.testing.assert_frame_equal(mp[result.pairs.columns], result.pairs)
    assert mp["match_percent"].between(0, 100).all() and (mp["match_percent"] == 100).any()
    forward, backward = s.parts["forward"], s.parts["backward"]
    for row in mp.itertuples():
        i = list(s.mentor_ids).index(row.mentor_id)
        j = list(s.mentee_ids).index(row.mentee_id)
        column = [s.matrix[k, j] for k in range(s.shape[0]) if s.allowed[k, j]]
        line = [s.matrix[i, k] for k in range(s.shape[1]) if s.allowed[i, k]]
        # Match %: what this mentor teaches the mentee, against the most any allowed mentor could.
        taught = max(forward[k, j] for k in range(s.shape[0]) if s.allowed[k, j])
        assert row.match_percent == pytest.approx(100 * forward[i, j] / taught)
        assert (row.match_percent == 100) == (forward[i, j] == taught)  # the best teacher is 100 exactly
        # Give-back %: what the mentee gives back, against the most any allowed mentee could give.
        given = max(backward[i, k] for k in range(s.shape[1]) if s.allowed[i, k])
        if given > 0:
            assert row.give_back_percent == pytest.approx(100 * backward[i, j] / given)
        else:
            assert np.isnan(row.give_back_percent)
        assert row.rank_for_mentee == 1 + sum(x > row.score for x in column)
        assert row.rank_for_mentor == 1 + sum(x > row.score for x in line)
        assert row.mentee_options == sum(x > 0 for x in column)
        assert row.mentor_options == sum(x > 0 for x in line)


# ---- stability ------------------------------------------------------------------------------------
def brute_force_blocking(result):
    s = result.scores
    made = set(zip(result.pairs["mentor_id"], result.pairs["mentee_id"]))
    partners_r = {i: [] for i in range(s.shape[0])}
    partners_c = {j: [] for j in range(s.shape[1])}
    for m, e in made:
        i, j = list(s.mentor_ids).index(m), list(s.mentee_ids).index(e)
        partners_r[i].append(s.matrix[i, j])
        partners_c[j].append(s.matrix[i, j])
    found = set()
    for i in range(s.shape[0]):
        for j in range(s.shape[1]):
            w = s.matrix[i, j]
            if not s.allowed[i, j] or w <= 0 or (s.mentor_ids[i], s.mentee_ids[j]) in made:
                continue
            mentor_wants = len(partners_r[i]) < s.mentor_capacity[i] or (partners_r[i] and min(partners_r[i]) < w)
            mentee_wants = len(partners_c[j]) < s.mentee_capacity[j] or (partners_c[j] and min(partners_c[j]) < w)
            if mentor_wants and mentee_wants:
                found.add((s.mentor_ids[i], s.mentee_ids[j]))
    return found


def with_capacity(wf, capacity):
    emp, skills = rm.models.workforce_frames(wf)
    emp["mentor_capacity"] = emp["mentee_capacity"] = capacity
    return rm.Workforce.from_frames(emp, skills)


@pytest.mark.parametrize("block", [figures.ROW_BLOCK, 7])
def test_blocking_pairs_against_brute_force(block):
    total = 0
    for seed in range(6):
        program = rm.Program(min_level_gap=2, backward_weight=(1.0, 0.5, 0.3)[seed % 3])
        wf = rm.synthetic_workforce(90 + 10 * seed, seed=seed)
        # Capacity 2 on both sides: a made pair can then have room left on both sides (not a blocker).
        optimal = rm.match(with_capacity(wf, 2) if seed % 2 else wf, program)
        # Dropping every other pair frees capacity on both sides: a far from stable result.
        thinned = dataclasses.replace(optimal, pairs=optimal.pairs.iloc[::2].reset_index(drop=True))
        for result in (optimal, thinned):
            got = report.blocking_pairs(result, block=block)  # many row blocks give the same answer
            assert set(zip(got["mentor_id"], got["mentee_id"])) == brute_force_blocking(result)
            assert len(got) == len(set(zip(got["mentor_id"], got["mentee_id"])))
            assert list(got["score"]) == sorted(got["score"], reverse=True)
            total += len(got)
            s = result.scores
            for row in got.itertuples():
                i, j = list(s.mentor_ids).index(row.mentor_id), list(s.mentee_ids).index(row.mentee_id)
                assert row.score == s.matrix[i, j]
                assert row.mentor_spare > 0 or row.score > row.mentor_current_worst
                assert row.mentee_spare > 0 or row.score > row.mentee_current_worst
    assert total > 0


def test_blocking_pairs_columns_and_worked_case(hand_result):
    got = report.blocking_pairs(hand_result)
    assert list(got.columns) == [
        "mentor_id",
        "mentee_id",
        "score",
        "mentor_current_worst",
        "mentee_current_worst",
        "mentor_spare",
        "mentee_spare",
    ]
    assert got.empty  # j3's only useful mentee (s3, 6) is held by j4 at 26
    # Unpair j4 and s3: both j4 (26) and the unpaired j3 (6) now have a free place s3 would take. j5 (15)
    # does not block: its only place holds s1 at 18; nor j2 (22), whose weakest pair is 33.
    keep = ~((hand_result.pairs["mentor_id"] == "j4") & (hand_result.pairs["mentee_id"] == "s3"))
    broken = dataclasses.replace(hand_result, pairs=hand_result.pairs[keep].reset_index(drop=True))
    got = report.blocking_pairs(broken)
    assert list(zip(got["mentor_id"], got["mentee_id"], got["score"])) == [("j4", "s3", 26), ("j3", "s3", 6)]
    assert got[["mentor_current_worst", "mentee_current_worst"]].isna().all().all()
    assert (got["mentor_spare"] == 1).all() and (got["mentee_spare"] == 1).all()


# ---- HTML -----------------------------------------------------------------------------------------
VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source", "track", "embed"}


class Checker(HTMLParser):
    """Checks tags nest properly and collects the cells of the pairs table."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.section = [], [], None
        self.cells, self.attrs_seen, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.attrs_seen.extend(attrs)
        if tag == "section":
            self.section = dict(attrs).get("id")
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "td" and self.section == "pairs":
            self.cells.append("")

    def handle_startendtag(self, tag, attrs):
        self.attrs_seen.extend(attrs)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        if self.stack and self.stack[-1] == "td" and self.section == "pairs":
            self.cells[-1] += data


def parse(page):
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert not checker.errors, checker.errors[:5]
    assert checker.stack == [], checker.stack
    return checker


def test_html_is_well_formed_self_contained_and_lists_every_pair(company_result):
    page = report.to_html(company_result, title="Cohort 2026")
    checker = parse(page)
    assert not re.search(r"https?://", page, re.I)
    for name, value in checker.attrs_seen:
        assert name not in ("src", "href") or (value or "").startswith(("#", "data:")), (name, value)
    cells = set(checker.cells)
    for m, e in zip(company_result.pairs["mentor_id"], company_result.pairs["mentee_id"]):
        assert m in cells and e in cells
    for section in ("summary", "scores", "needs", "flow", "pairs", "unmatched", "stability"):
        assert f'<section id="{section}">' in page
    text = " ".join(checker.text)
    for person in company_result.unmatched["employee_id"]:
        assert person in text
    assert page.count("<svg") >= 3 and "<title>Cohort 2026</title>" in page


def test_html_escapes_everything_and_shows_no_private_columns():
    wf = rm.Workforce.from_employees(
        [
            E(
                employee_id="x<1>",
                level=5,
                department="R&D <b>bold</b>",
                name="<script>alert(1)</script>",
                location='Zürich "HQ"',
                timezone="Europe/Zurich",
                languages=("secret-language",),
                skills={"a<b": 3},
                needs={"c&d": 2},
                role="mentee",
            ),
            E(
                employee_id="y",
                level=1,
                department="IT",
                manager_id="x<1>",
                skills={"c&d": 4},
                needs={"a<b": 1},
                role="mentor",
            ),
        ]
    )
    result = rm.match(wf, rm.Program(min_level_gap=2, exclude_reporting_line=False))
    assert len(result.pairs) == 1
    page = report.to_html(result, title="<i>report</i>")
    parse(page)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page and "R&amp;D &lt;b&gt;bold&lt;/b&gt;" in page
    assert "<i>report</i>" not in page and "x&lt;1&gt;" in page
    assert page.count("<script>") == 1  # only the sorter
    assert "secret-language" not in page and "Europe/Zurich" not in page  # not in pairs/unmatched, not shown


def test_empty_result_still_reports(tmp_path):
    result = rm.match(hand_workforce(), rm.Program(min_level_gap=20))
    assert result.pairs.empty
    s = report.summary(result)
    assert s["pairs"] == 0 and s["mean_pair_score"] is None and s["mentee_need_coverage"] is None
    assert s["mentee_need_coverage_all"] == 0 and s["unmatched"] == s["people_opted_in"]
    assert report.blocking_pairs(result).empty and report.match_percent(result).empty
    parse(report.to_html(result))
    paths = rm.reporting.write_outputs(result, tmp_path)
    assert paths["pairs.jsonl"].read_text() == ""


CHROMIUM = [
    "/usr/bin/chromium",
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs /usr/bin/chromium")
def test_html_renders_in_headless_chromium(tmp_path, company_result):
    page = tmp_path / "report.html"
    html_text = report.to_html(company_result)
    page.write_text(html_text, encoding="utf-8")
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            *CHROMIUM,
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1200,2000",
            page.as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert shot.exists()
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000  # a blank page compresses to ~5 kB
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1200, 2000)

    # The sorter runs: two clicks on the score header sort the pairs best first.
    clicked = tmp_path / "clicked.html"
    click = 'document.querySelector("#pairs th.n").click();'
    clicked.write_text(html_text.replace("</body>", f"<script>{click * 2}</script></body>"), encoding="utf-8")
    dom = subprocess.run(
        [*CHROMIUM, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", clicked.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    ).stdout
    # The sponsor's sections render: seniors first, by level, shared hours, the waitlist, plain stability.
    summary_cards = dom[dom.index('<section id="summary">') : dom.index('<section id="levels">')]
    s = report.summary(company_result)
    assert "seniors matched" in summary_cards and f"{s['mentees_matched']} / {s['mentees_opted_in']}" in summary_cards
    assert "juniors waitlisted" in summary_cards and "teaching share" in summary_cards
    levels = dom[dom.index('<section id="levels">') : dom.index('<section id="hours">')]
    by_level = report.matched_by_level(company_result)
    assert levels.count("<tr><td") == len(by_level) and "mentee" in levels
    assert "Shared working hours" in dom and "waitlist place" in dom
    assert "Pairs that would both score higher together" in dom and "blocking" not in dom.lower()
    table = dom[dom.index('<section id="pairs">') : dom.index('<section id="unmatched">')]
    assert 'aria-sort="descending"' in table
    shown = [float(v) for v in re.findall(r'<tr><td class="id">.*?data-v="([^"]*)"', table)]
    assert len(shown) == len(company_result.pairs) and shown == sorted(company_result.pairs["score"], reverse=True)


# ---- files ----------------------------------------------------------------------------------------
def test_write_outputs_round_trip(tmp_path, company_result):
    inputs = rm.reporting.write_workforce(company_result.workforce, tmp_path / "in")
    paths = rm.reporting.write_outputs(
        company_result, tmp_path / "out", inputs={"employees": inputs[0], "skills": inputs[1]}, seed=4
    )
    assert sorted(paths) == ["pairs.csv", "pairs.jsonl", "run.json", "unmatched.csv"]
    assert all(p.parent == tmp_path / "out" and p.is_file() for p in paths.values())

    pairs = pd.read_csv(paths["pairs.csv"], dtype={"mentor_id": str, "mentee_id": str}, keep_default_na=False)
    expected = report.match_percent(company_result)
    pd.testing.assert_frame_equal(pairs[expected.columns], expected, check_dtype=False)
    unmatched = pd.read_csv(paths["unmatched.csv"], dtype=str, keep_default_na=False)
    expected = company_result.unmatched.astype("string").fillna("").astype(str)  # an empty cell: not waitlisted
    pd.testing.assert_frame_equal(unmatched, expected, check_dtype=False)

    lines = paths["pairs.jsonl"].read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(company_result.pairs) == len(company_result.explanations)
    for line, e, row in zip(lines, company_result.explanations, company_result.pairs.itertuples()):
        record = json.loads(line)
        assert (record["mentor_id"], record["mentee_id"], record["score"]) == (row.mentor_id, row.mentee_id, row.score)
        assert record["text"] == row.reason and record["parts"] == e.parts
        assert record["taught"] == [dataclasses.asdict(t) for t in e.taught]
        assert record["given_back"] == [dataclasses.asdict(t) for t in e.given_back]
        assert (
            set(record["taught"][0]) >= {"skill", "teacher_proficiency", "learner_proficiency", "need", "points"}
            if record["taught"]
            else True
        )

    run = json.loads(paths["run.json"].read_text(encoding="utf-8"))
    for name, path in (("employees", inputs[0]), ("skills", inputs[1])):
        assert run["inputs"][name]["sha256"] == hashlib.sha256(Path(path).read_bytes()).hexdigest()
        assert run["inputs"][name]["bytes"] == Path(path).stat().st_size
    for name in ("pairs.csv", "unmatched.csv", "pairs.jsonl"):
        assert run["outputs"][name] == hashlib.sha256(paths[name].read_bytes()).hexdigest()
    assert run["program"] == json.loads(json.dumps(company_result.program.model_dump(mode="json")))
    assert run["seed"] == 4 and run["status"] == "optimal" and run["engine"] == company_result.engine
    assert (run["objective"], run["bound"], run["gap"]) == (
        company_result.objective,
        company_result.bound,
        company_result.gap,
    )
    assert run["timings"] == pytest.approx(company_result.timings)
    assert run["counts"]["pairs"] == len(company_result.pairs)
    assert set(run["versions"]) == {"revmatch", "ortools", "numpy", "pandas", "pydantic", "python"}
    assert run["versions"]["revmatch"] == rm.__version__ and run["versions"]["numpy"] == np.__version__
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", run["created_utc"])


def test_write_outputs_is_deterministic_apart_from_the_timestamp(tmp_path, company_result):
    a = rm.reporting.write_outputs(company_result, tmp_path / "a", seed=1)
    b = rm.reporting.write_outputs(company_result, tmp_path / "b", seed=1)
    for name in ("pairs.csv", "unmatched.csv", "pairs.jsonl"):
        assert a[name].read_bytes() == b[name].read_bytes()
    run_a, run_b = (json.loads(p["run.json"].read_text()) for p in (a, b))
    run_a.pop("created_utc"), run_b.pop("created_utc")
    assert run_a == run_b


def test_write_outputs_refuses_a_missing_input_before_writing(tmp_path, company_result):
    with pytest.raises(rm.InputError, match="input 'employees' is not a file"):
        rm.reporting.write_outputs(company_result, tmp_path / "out", inputs={"employees": tmp_path / "nope.csv"})
    assert not (tmp_path / "out").exists()


def test_plots_draw_on_the_given_axes(company_result):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from revmatch.reporting import plot_needs, plot_scores

    fig, (a, b) = plt.subplots(1, 2)
    assert plot_scores(company_result, ax=a) is a
    assert sum(p.get_height() for p in a.patches) == len(company_result.pairs)
    assert plot_needs(company_result, "mentor", ax=b, top=5) is b
    assert len(b.patches) == 10  # stated and addressed bars for five skills
    plt.close(fig)
