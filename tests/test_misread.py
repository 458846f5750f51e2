"""Nothing silently misread: level order, language lists, day-first dates, and every decision in the manifest."""

import json
import warnings

import pandas as pd
import pytest

import revmatch as rm
from hrfiles import write_csv
from revmatch.cli import main
from revmatch.reporting import write_outputs

# Grades where 1 is the most senior (the CEO) and 5 the most junior.
DESCENDING = [
    {"employee_id": "ceo", "level": 1, "department": "Exec", "manager_id": "", "role": "mentee"},
    {"employee_id": "vp", "level": 2, "department": "Sales", "manager_id": "ceo", "role": "mentee"},
    {"employee_id": "lead", "level": 3, "department": "IT", "manager_id": "vp", "role": "none"},
    {"employee_id": "dev", "level": 5, "department": "IT", "manager_id": "lead", "role": "mentor"},
    {"employee_id": "grad", "level": 5, "department": "HR", "manager_id": "ceo", "role": "mentor"},
]
SKILLS = [
    {"employee_id": "dev", "skill": "AI", "proficiency": 5, "need": 0},
    {"employee_id": "grad", "skill": "AI", "proficiency": 4, "need": 0},
    {"employee_id": "ceo", "skill": "AI", "proficiency": 0, "need": 5},
    {"employee_id": "vp", "skill": "AI", "proficiency": 1, "need": 4},
]


def files(tmp_path, employees=DESCENDING):
    return write_csv(tmp_path / "e.csv", employees), write_csv(tmp_path / "s.csv", SKILLS)


def test_levels_that_run_the_other_way_are_warned_about(tmp_path):
    with pytest.warns(rm.LevelOrderWarning, match=r"in 4 of 4 manager–report pairs .* level_order='descending'"):
        rm.Workforce.from_files(*files(tmp_path))


def test_descending_levels_are_read_so_the_junior_still_mentors_the_senior(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error", rm.LevelOrderWarning)  # the right order: no warning
        wf = rm.Workforce.from_files(*files(tmp_path), level_order="descending")
    assert wf.employee("ceo").level == -1 and wf.employee("dev").level == -5
    pairs = set(zip(*rm.match(wf).pairs[["mentor_id", "mentee_id"]].T.values))
    assert pairs and all(m in ("dev", "grad") and e in ("ceo", "vp") for m, e in pairs)
    # Read ascending, the same file would have the juniors as mentees: no pair where a grad mentors the CEO.
    with pytest.warns(rm.LevelOrderWarning):
        wrong = rm.match(rm.Workforce.from_files(*files(tmp_path)))
    assert not ({("grad", "ceo"), ("dev", "ceo")} & set(zip(wrong.pairs["mentor_id"], wrong.pairs["mentee_id"])))
    assert "descending" in wf.decisions["level_order"]


def test_descending_on_ascending_data_is_warned_too(tmp_path):
    flipped = [dict(p, level=6 - p["level"]) for p in DESCENDING]
    with pytest.warns(rm.LevelOrderWarning, match=r"look like a higher level = more senior"):
        rm.Workforce.from_files(*files(tmp_path, flipped), level_order="descending")
    with pytest.raises(rm.ConfigError, match="level_order must be one of ascending, descending"):
        rm.Workforce.from_files(*files(tmp_path), level_order="down")


@pytest.mark.parametrize("cell", ["English, Hindi", "English;Hindi", " English ; Hindi ,", "English,Hindi"])
def test_languages_split_on_semicolons_or_commas(tmp_path, cell):
    people = [dict(p, languages=cell) for p in DESCENDING]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.LevelOrderWarning)
        wf = rm.Workforce.from_files(*files(tmp_path, people))
    assert wf.employee("dev").languages == ("English", "Hindi")
    assert wf.language_matrix.sum(axis=1).tolist() == [2] * 5


CHECKINS = {"mentor_id": ["a", "a", "a"], "mentee_id": ["b", "b", "b"]}


def test_day_first_dates_need_to_be_said_and_ambiguous_ones_are_refused_with_the_row():
    frame = pd.DataFrame(CHECKINS | {"date": ["2026-03-09", "09/03/2026", "25.03.2026"]})
    with pytest.raises(rm.InputError) as caught:
        rm.read_checkins(frame)
    text = str(caught.value)
    assert "row 1, column 'date': '09/03/2026' is ambiguous (9 March or 3 September?)" in text
    assert "row 2, column 'date': '25.03.2026' is not ISO" in text
    read = rm.read_checkins(frame, dayfirst=True)
    assert [str(d) for d in read["date"]] == ["2026-03-09", "2026-03-09", "2026-03-25"]
    assert read.attrs["decisions"]["dates"] == "ISO, or day first (DD/MM/YYYY)"
    with pytest.raises(rm.InputError, match=r"row 2, column 'date': '25.03.2026' is not a date \(MM/DD/YYYY\)"):
        rm.read_checkins(frame, dayfirst=False)


def test_dates_on_the_command_line(tmp_path, capsys):
    checkins = write_csv(tmp_path / "c.csv", [dict(zip(CHECKINS, v)) | {"date": "09/03/2026"} for v in [("a", "b")]])
    pairs = write_csv(tmp_path / "p.csv", [{"mentor_id": "a", "mentee_id": "b"}])
    assert main(["kpis", str(checkins), str(pairs), "--as-of", "2026-04-01"]) == 2
    assert "is ambiguous" in capsys.readouterr().err
    assert main(["kpis", str(checkins), str(pairs), "--as-of", "2026-04-01", "--dayfirst"]) == 0
    assert "checkins                 1" in capsys.readouterr().out


def test_every_reading_decision_is_in_the_run_manifest(tmp_path):
    e, s = files(tmp_path)
    wf = rm.Workforce.from_files(e, s, level_order="descending")
    folder = write_outputs(rm.match(wf), tmp_path / "audit", inputs={"employees": e, "skills": s})
    reading = json.loads(folder["run.json"].read_text())["reading"]
    assert reading["level_order"].startswith("descending")
    assert reading["employees"]["format"] == "csv" and reading["employees"]["path"] == str(e)
    assert reading["level_evidence"] == {"managers_above_reports": 4, "managers_below_reports": 0}
