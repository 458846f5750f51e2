"""The report's voice sections: choices met, musts not honoured with why, blocking pairs, free hours, exposure."""

import pandas as pd

import revmatch as rm
from revmatch.cli import main
from strategies import volunteering_company

WF = volunteering_company(300, 6)


def test_preferences_section_counts_what_the_result_holds():
    first = rm.match(WF)
    m, e = first.pairs.mentor_id[0], first.pairs.mentee_id[0]
    s = first.scores
    i = list(s.mentor_ids).index(m)
    other = next(x for x, ok in zip(s.mentee_ids, s.allowed[i]) if ok and x != e)
    rows = [(e, m, "1"), (other, m, "must"), (m, e, "must")]  # m has room for one of the two musts
    result = rm.match(
        WF,
        rm.Program(mentor_capacity=1),
        preferences=pd.DataFrame(rows, columns=["employee_id", "partner_id", "preference"]),
    )
    voice = result.voice
    assert voice.musts["honoured"].sum() == 1
    html = result.to_html()
    assert "stated preferences</h2>" in html
    unmet = voice.musts[~voice.musts["honoured"]].iloc[0]
    assert "does not fit" in unmet.reason and unmet.reason in html
    assert f"{int(voice.musts['honoured'].sum())} / 2" in html


def test_free_hours_and_exposure_sections(tmp_path):
    employees = WF.employees.assign(availability=["Mon-Fri 08:00-10:00" if k % 2 else "" for k in range(len(WF))])
    wf = rm.Workforce.from_frames(employees, WF.skills)
    result = rm.match(wf, rm.Program(min_shared_hours=5))
    assert "Free hours a week in common" in result.to_html()
    lists = rm.shortlists(wf, rm.Program(min_shared_hours=5))
    page = rm.reporting.to_html(result, extra_sections=rm.reporting.shortlists_section(lists))
    most = int(lists.partner_id.value_counts().max())
    assert f"is in {most} shortlists" in page


def test_shortlist_report_from_the_command_line(tmp_path):
    assert main(["synth", "--employees", "300", "--seed", "2", "-o", str(tmp_path)]) == 0
    report = tmp_path / "exposure.html"
    emp, sk = str(tmp_path / "employees.csv"), str(tmp_path / "skills.csv")
    assert main(["shortlist", emp, sk, "-o", str(tmp_path / "s.csv"), "--report", str(report)]) == 0
    assert "Shortlist exposure" in report.read_text(encoding="utf-8")
