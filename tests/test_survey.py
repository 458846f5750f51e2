"""Wide survey exports (Forms, Qualtrics) → the long skills table: labels, blanks, every bad answer named."""

import warnings

import numpy as np
import pytest

import revmatch as rm
from hrfiles import write_csv, write_xlsx

# A Microsoft Forms export: its own columns, then one column per skill and question, answers as labels.
FORMS_HEADER = ["ID", "Start time", "Email", "Employee number", "Python - proficiency", "Python - need"]
FORMS_HEADER += ["Power BI - proficiency", "Power BI - need", "Strategy - need"]
FORMS_ROWS = [
    [1, "2026-03-01", "a@x.org", "E1", "Expert", "None", "Advanced", "", "Intermediate"],
    [2, "2026-03-01", "b@x.org", "E2", "none", "Expert", 1, 5, ""],
    [3, "2026-03-02", "c@x.org", "E3", "", "", "", "", ""],
]
EMPLOYEES = [
    {"employee_id": "E1", "level": 2, "department": "IT", "manager_id": "E2", "role": "mentor"},
    {"employee_id": "E2", "level": 7, "department": "Exec", "manager_id": "", "role": "mentee"},
    {"employee_id": "E3", "level": 3, "department": "HR", "manager_id": "E2", "role": "mentor"},
]


def forms(tmp_path, rows=FORMS_ROWS, header=FORMS_HEADER):
    return write_xlsx(tmp_path / "survey.xlsx", {"Form1": [header, *rows]})


def read(path, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.IgnoredColumnsWarning)
        return rm.read_survey(path, id_column="Employee number", **options)


def test_a_forms_export_with_labels_becomes_the_long_table(tmp_path):
    long = read(forms(tmp_path))
    got = {(r.employee_id, r.skill): (r.proficiency, r.need) for r in long.itertuples()}
    assert got == {
        ("E1", "Power BI"): (4, 0),
        ("E1", "Python"): (5, 0),
        ("E1", "Strategy"): (0, 3),
        ("E2", "Power BI"): (1, 5),
        ("E2", "Python"): (0, 5),
    }  # E3 answered nothing: no rows; a skill asked one way only reads 0 the other way
    assert list(long.attrs["rows"]) == [2, 2, 2, 3, 3]  # the survey's own rows, for the validator's messages


def test_the_long_table_loads_with_the_employees_and_keeps_the_survey_fingerprint(tmp_path):
    survey = forms(tmp_path)
    wf = rm.Workforce.from_files(write_csv(tmp_path / "e.csv", EMPLOYEES), read(survey))
    assert wf.skill_names == ("Power BI", "Python", "Strategy")
    assert wf.need[list(wf.ids).index("E2")].tolist() == [5, 5, 0]
    assert wf.fingerprints["skills"].path == str(survey)
    assert wf.decisions["skills"]["survey"]["proficiency"].startswith("^")
    assert wf.decisions["skills"]["format"] == "excel"


def test_an_unknown_respondent_is_named_by_the_survey_row_and_id_column(tmp_path):
    rows = [list(r) for r in FORMS_ROWS]
    rows[1][3] = "E9"
    with pytest.raises(rm.InputError, match=r"survey\.xlsx, sheet 'Form1', row 3, column D 'Employee number': unknown"):
        rm.Workforce.from_files(write_csv(tmp_path / "e.csv", EMPLOYEES), read(forms(tmp_path, rows)))


def test_every_unreadable_answer_is_named(tmp_path):
    rows = [list(r) for r in FORMS_ROWS]
    rows[0][4], rows[1][7], rows[2][8] = "Expertt", 6, 2.5
    with pytest.raises(rm.InputError) as caught:
        read(forms(tmp_path, rows))
    text = str(caught.value)
    assert caught.value.total == 3
    assert "sheet 'Form1', row 2, column E 'Python - proficiency': 'Expertt' is neither a whole number" in text
    assert "row 3, column H 'Power BI - need': '6' is neither" in text
    assert "row 4, column I 'Strategy - need': '2.5' is neither" in text


def test_a_survey_answered_twice_and_blank_ids_are_named(tmp_path):
    rows = [list(r) for r in FORMS_ROWS] + [[4, "", "", "E1", "Basic", "", "", "", ""], [5, "", "", "", 1, 1, 1, 1, 1]]
    with pytest.raises(rm.InputError) as caught:
        read(forms(tmp_path, rows))
    text = str(caught.value)
    assert "row 5, column D 'Employee number': 'E1' answered twice (first on row 2)" in text
    assert "row 6, column D 'Employee number': missing value (required)" in text


def test_own_labels_and_patterns(tmp_path):
    header = ["Staff ID", "How well do you know Python?", "How much do you want to learn Python?"]
    path = write_csv(tmp_path / "q.csv", [dict(zip(header, ["E1", "Very well", "Not at all"]))])
    long = rm.read_survey(
        path,
        id_column="staff id",
        proficiency="How well do you know {skill}?",
        need="How much do you want to learn {skill}?",
        labels={"Very well": 5, "Not at all": 0},
    )
    assert long[["employee_id", "skill", "proficiency", "need"]].values.tolist() == [["E1", "Python", 5, 0]]


@pytest.mark.parametrize(
    ("options", "error", "message"),
    [
        ({"proficiency": "{skill} level {skill}"}, rm.ConfigError, r"must hold '\{skill\}' once"),
        ({"labels": {"Expert": 9}}, rm.ConfigError, r"'Expert' must map to a whole number from 0 to 5"),
        ({"proficiency": "{skill} (rating)", "need": None}, rm.InputError, r"no header matches the question"),
    ],
)
def test_bad_survey_settings(tmp_path, options, error, message):
    with pytest.raises(error, match=message):
        read(forms(tmp_path), **options)


def test_a_missing_id_column_lists_the_closest_headers(tmp_path):
    with pytest.raises(rm.InputError, match=r"no id column 'Employee no' \(closest headers: 'Employee number'"):
        rm.read_survey(forms(tmp_path), id_column="Employee no")


def test_other_columns_of_the_export_are_named_not_loaded(tmp_path):
    header = [*FORMS_HEADER, "Gender"]
    with pytest.warns(rm.ProtectedColumnsWarning, match="Gender"):
        long = rm.read_survey(forms(tmp_path, [[*r, "F"] for r in FORMS_ROWS], header), id_column="Employee number")
    assert set(long.columns) == {"employee_id", "skill", "proficiency", "need"}
    assert np.all(long["proficiency"].to_numpy() <= 5)
