"""Launch-day outputs: contact columns in the pairs file, introductions, the admins' spreadsheet."""

import csv
import html
import warnings

import pytest
from python_calamine import CalamineWorkbook

import revmatch as rm
from hrfiles import SKILL_ROWS, workday_records, write_csv, write_xlsx
from revmatch.cli import main
from revmatch.reporting import Templates, write_introductions, write_spreadsheet


@pytest.fixture
def company(tmp_path):
    records = workday_records()
    records[1]["Preferred Name"] = "<b>Priya</b> =HYPERLINK(1)"  # markup and a formula: text, always
    employees = write_xlsx(
        tmp_path / "staff.xlsx", {"Staff": [list(records[0]), *map(list, map(dict.values, records))]}
    )
    return employees, write_csv(tmp_path / "skills.csv", SKILL_ROWS)


def load(company, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.IgnoredColumnsWarning)
        return rm.Workforce.from_files(*company, profile="workday", **options)


def test_contact_columns_are_loaded_only_when_asked_and_never_protected(company):
    assert load(company).contacts is None
    wf = load(company, contact_columns="name,email")
    assert wf.contacts.columns.tolist() == ["employee_id", "name", "email"]
    assert wf.contacts.set_index("employee_id").loc["E3", "email"] == "ann@example.com"
    assert "email" not in wf.employees.columns  # kept apart: never part of the scored workforce
    with pytest.raises(rm.ConfigError, match="contact column 'gender' is protected"):
        load(company, contact_columns=("gender",))
    with pytest.raises(rm.ConfigError, match=r"no contact column 'phone' \(found: "):
        load(company, contact_columns=("phone",))


def test_introductions_say_why_both_ways_with_topics_from_the_needs(company):
    result = rm.match(load(company, contact_columns=("name", "email")))
    notes = rm.introductions(result)
    assert len(notes) == len(result.pairs) > 0
    for note, explanation in zip(notes.itertuples(), result.explanations):
        assert note.mentor_id == explanation.mentor_id and note.mentee_id == explanation.mentee_id
        for t in explanation.taught:
            assert t.skill in note.why_mentor and f"- {t.skill}: " in note.topics  # what the mentee needs
        for t in explanation.given_back:
            assert t.skill in note.why_mentee
        assert note.mentor_name in note.text and "{{" not in note.text + note.html + note.subject
    priya = notes[notes["mentor_id"] == "E2"].iloc[0]
    assert "<b>Priya</b>" in priya.text  # plain text as it is
    assert "<b>Priya" not in priya.html and html.escape("<b>Priya</b>") in priya.html  # HTML escaped


def test_templates_are_filled_once_and_unknown_placeholders_refused(company):
    result = rm.match(load(company, contact_columns="email"))
    own = Templates(subject="Hi {{mentee_name}}", text="{{ mentor_email }} → {{ mentee_email }}: {{why_mentor}}")
    notes = rm.introductions(result, templates=own)
    first = notes.iloc[0]
    assert first.subject == f"Hi {first.mentee_name}"
    assert first.text.startswith(f"{first.mentor_email} → {first.mentee_email}: ")
    with pytest.raises(rm.ConfigError, match=r"unknown placeholder \{\{ age \}\}.*known: mentor_id"):
        rm.introductions(result, templates=Templates(text="{{ age }}"))


def test_introductions_of_a_pairs_table_match_those_of_the_result(company):
    result = rm.match(load(company))
    again = rm.introductions(result.pairs[["mentor_id", "mentee_id"]], result.workforce)
    assert again["text"].tolist() == rm.introductions(result)["text"].tolist()
    with pytest.raises(rm.InputError, match="unknown employee 'nobody'"):
        rm.introductions(result.pairs.assign(mentor_id="nobody"), result.workforce)


def test_the_introductions_folder_and_mail_merge(company, tmp_path):
    notes = rm.introductions(rm.match(load(company, contact_columns="email")))
    paths = write_introductions(notes, tmp_path / "intro")
    with paths["mail_merge.csv"].open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == len(notes)
    assert list(rows[0])[:6] == ["mentor_id", "mentee_id", "mentor_name", "mentee_name", "mentor_email", "mentee_email"]
    first = tmp_path / "intro" / rows[0]["text_file"]
    assert first.read_text(encoding="utf-8") == rows[0]["message"].replace("\r\n", "\n")
    with pytest.raises(rm.ConfigError, match="not an empty folder"):
        write_introductions(notes, tmp_path / "intro")


def test_the_spreadsheet_has_the_three_sheets_and_writes_text_as_text(company, tmp_path):
    result = rm.match(load(company))
    path = write_spreadsheet(result, tmp_path / "report.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == ["Pairs", "Unmatched", "Summary"]
    pairs = book.get_sheet_by_name("Pairs").to_python()
    assert pairs[0][:3] == ["mentor_id", "mentee_id", "score"] and len(pairs) == len(result.pairs) + 1
    assert [row[2] for row in pairs[1:]] == result.pairs["score"].tolist()  # numbers stay numbers
    unmatched = book.get_sheet_by_name("Unmatched").to_python()
    assert unmatched[0][:3] == ["employee_id", "role", "reason"] and len(unmatched) == len(result.unmatched) + 1
    summary = dict(book.get_sheet_by_name("Summary").to_python()[1:])
    assert summary["pairs"] == len(result.pairs)
    sheet_xml = __import__("zipfile").ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<pane " in sheet_xml and 'state="frozen"' in sheet_xml and "<f>" not in sheet_xml


def test_match_writes_contacts_and_the_spreadsheet_and_introductions_from_the_cli(company, tmp_path, capsys):
    employees, skills = company
    out = tmp_path / "out"
    args = [str(employees), str(skills), "--profile", "workday", "--contact-columns", "name,email"]
    assert main(["match", *args, "-o", str(out / "pairs.csv"), "--report", str(out / "report.xlsx")]) == 0
    with (out / "pairs.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {"mentor_email", "mentee_email", "mentor_name", "mentee_name"} <= set(rows[0])
    priya = next(r for r in rows if r["mentor_id"] == "E2")
    assert (priya["mentor_name"], priya["mentor_email"]) == ("<b>Priya</b> =HYPERLINK(1)", "priya@example.com")
    assert CalamineWorkbook.from_path(str(out / "report.xlsx")).sheet_names == ["Pairs", "Unmatched", "Summary"]
    intro = tmp_path / "intro"
    command = ["introductions", str(out / "pairs.csv"), *args, "-o", str(intro)]
    assert main(command) == 0
    assert "introductions (text and HTML)" in capsys.readouterr().out
    assert len(list(intro.glob("pair-*.txt"))) == len(rows)
    assert main(command) == 2  # the folder is no longer empty: refused before anything runs
    assert "is not an empty folder" in capsys.readouterr().err


def test_contact_columns_and_pseudonyms_do_not_mix(company, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("REVMATCH_PSEUDONYM_KEY", "k" * 32)
    command = ["match", *map(str, company), "--profile", "workday", "--contact-columns", "email", "--pseudonymize"]
    assert main([*command, "-o", str(tmp_path / "p.csv")]) == 2
    assert "--pseudonymize writes no names" in capsys.readouterr().err
    assert not (tmp_path / "p.csv").exists()


def test_a_wide_survey_from_the_cli(tmp_path, capsys):
    employees = write_csv(
        tmp_path / "e.csv",
        [
            {"employee_id": "E1", "level": 2, "department": "IT", "manager_id": "", "role": "mentor"},
            {"employee_id": "E2", "level": 7, "department": "Exec", "manager_id": "", "role": "mentee"},
        ],
    )
    survey = write_csv(
        tmp_path / "survey.csv", [{"Who": "E1", "AI - proficiency": "Expert"}, {"Who": "E2", "AI - need": 5}]
    )
    out = tmp_path / "pairs.csv"
    assert main(["match", str(employees), str(survey), "--survey-id", "Who", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8").splitlines()[1].startswith("E1,E2,")


def test_sheets_and_level_order_from_the_cli(tmp_path, capsys):
    people = [
        ["employee_id", "level", "department", "manager_id", "role"],
        ["ceo", 1, "Exec", None, "mentee"],
        ["dev", 5, "IT", "lead", "mentor"],
        ["lead", 3, "IT", None, "none"],
        *[[f"dev{k}", 5, "IT", "lead", "none"] for k in range(2, 5)],  # four reports: evidence enough to judge
    ]
    skills = [["employee_id", "skill", "proficiency", "need"], ["dev", "AI", 5, 0], ["ceo", "AI", 0, 5]]
    book = write_xlsx(tmp_path / "hr.xlsx", {"Read me": [["notes"]], "People": people, "Skills": skills})
    out = tmp_path / "pairs.csv"
    base = ["match", str(book), str(book), "-o", str(out), "--sheet", "employees=People", "--sheet", "skills=Skills"]
    assert main(base) == 0
    assert "note: " in (err := capsys.readouterr().err) and "--level-order descending" in err
    assert len(out.read_text().splitlines()) == 1  # read ascending, the CEO is the most junior: no pair
    assert main([*base, "--level-order", "descending"]) == 0
    assert out.read_text().splitlines()[1].startswith("dev,ceo,")
    assert main(["match", str(book), str(book), "-o", str(out), "--sheet", "People", "--sheet", "skills=Skills"]) == 2
    assert "give one sheet for every workbook" in capsys.readouterr().err
