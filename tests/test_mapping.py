"""Column mapping and the HRIS profiles: exports load as they are, a wrong header never passes silently."""

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import revmatch as rm
from hrfiles import SKILL_ROWS, workday_records, write_csv, write_xlsx
from revmatch.profiles import PROFILES

OURS = {"employee_id": "E", "level": 3, "department": "IT", "manager_id": "", "role": "mentor"}


def quiet_load(*args, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rm.IgnoredColumnsWarning)
        return rm.Workforce.from_files(*args, **options)


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_each_profile_reads_the_headers_it_documents(tmp_path, profile):
    # Each profile's first header per column, in a workbook: the same workforce as revmatch's own names.
    headers = {target: names[0] for target, names in PROFILES[profile].items()}
    people = [
        {"employee_id": "a", "level": 7, "department": "Exec", "manager_id": "", "role": "mentee", "name": "Ada"},
        {"employee_id": "b", "level": 2, "department": "IT", "manager_id": "a", "role": "mentor", "name": "Bo"},
    ]
    skills = [
        {"employee_id": "b", "skill": "AI", "proficiency": 5, "need": 0},
        {"employee_id": "a", "skill": "AI", "proficiency": 0, "need": 4},
    ]
    plain = rm.Workforce.from_files(write_csv(tmp_path / "e.csv", people), write_csv(tmp_path / "s.csv", skills))
    renamed = [{headers.get(k, k): v for k, v in p.items()} for p in people]
    renamed_skills = [{headers[k]: v for k, v in s.items()} for s in skills]
    sheet = [list(renamed[0]), *[list(p.values()) for p in renamed]]
    employees = write_xlsx(tmp_path / "e.xlsx", {"Export": sheet})
    wf = rm.Workforce.from_files(employees, write_csv(tmp_path / "s2.csv", renamed_skills), profile=profile)
    assert wf.employees.equals(plain.employees)
    assert np.array_equal(wf.need, plain.need) and np.array_equal(wf.proficiency, plain.proficiency)
    assert wf.decisions["profile"] == profile


def test_a_mapping_by_hand_wins_over_the_profile_and_is_recorded(tmp_path):
    employees = write_csv(tmp_path / "e.csv", workday_records())
    skills = write_csv(tmp_path / "s.csv", SKILL_ROWS)
    wf = quiet_load(employees, skills, profile="workday", columns={"cost center": "department"})
    assert wf.employee("E2").department == "CC-200"
    assert wf.decisions["employees"]["columns"]["Cost Center"] == "department"
    default = quiet_load(employees, skills, profile="workday")
    assert default.employee("E2").department == "IT"
    assert any("'Cost Center'" in note and "not used" in note for note in default.decisions["employees"]["notes"])


def test_a_missing_column_names_the_closest_headers_and_the_profile_that_maps_one(tmp_path):
    employees = write_csv(tmp_path / "e.csv", workday_records())
    with pytest.raises(rm.InputError) as caught:
        quiet_load(employees, columns={"Employee ID": "employee_id"})
    text = str(caught.value)
    assert "column 'manager_id': required column is missing; closest headers: 'Supervisor ID'" in text
    assert "profile='workday' maps 'Supervisor ID'" in text
    assert "column 'level': required column is missing; closest headers: 'Management Level'" in text


def test_a_mapped_header_found_in_no_file_is_refused_with_the_closest(tmp_path):
    employees = write_csv(tmp_path / "e.csv", workday_records())
    with pytest.raises(rm.ConfigError, match=r"no header 'Supervisr ID' in .*closest: 'Supervisor ID'"):
        quiet_load(employees, profile="workday", columns={"Supervisr ID": "manager_id"})


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ({"Employee ID": "employee_number"}, r"not a revmatch column \(did you mean 'employee_id'\?\)"),
        ({"Gender": "department"}, r"'Gender' is a protected or sensitive column"),
        ({"Employee ID": "employee_id", "Preferred Name": "employee_id"}, r"maps both .* to 'employee_id'"),
        ({"Preferred Name": 3}, r"maps a header \(text\) to a revmatch column"),
    ],
)
def test_bad_mappings_are_config_errors(tmp_path, columns, message):
    with pytest.raises(rm.ConfigError, match=message):
        quiet_load(write_csv(tmp_path / "e.csv", workday_records()), profile="workday", columns=columns)


def test_a_mapped_header_beside_a_column_of_the_same_name_is_refused(tmp_path):
    records = [dict(r, department="D") for r in workday_records()]
    with pytest.raises(rm.ConfigError, match=r"'Cost Center' is mapped to 'department', but the file also has"):
        quiet_load(write_csv(tmp_path / "e.csv", records), profile="workday", columns={"Cost Center": "department"})


def test_revmatch_names_win_over_a_profile_header(tmp_path):
    records = [dict(r, department="Own") for r in workday_records()]
    wf = quiet_load(write_csv(tmp_path / "e.csv", records), profile="workday")
    assert set(wf.employees["department"]) == {"Own"}


def test_an_unknown_profile_is_a_config_error(tmp_path):
    with pytest.raises(rm.ConfigError, match="profile must be one of workday, successfactors, bamboohr"):
        quiet_load(write_csv(tmp_path / "e.csv", workday_records()), profile="oracle")


def test_the_programme_file_carries_a_columns_table(tmp_path):
    config = tmp_path / "program.toml"
    config.write_text(
        '[program]\nmin_level_gap = 2\n\n[columns]\n"Employee ID" = "employee_id"\n"Supervisor ID" = "manager_id"\n'
        '"Management Level" = "level"\n"Supervisory Organization" = "department"\n',
        encoding="utf-8",
    )
    program = rm.Program.from_toml(config)
    assert program.min_level_gap == 2 and program.columns["Supervisor ID"] == "manager_id"
    wf = quiet_load(write_csv(tmp_path / "e.csv", workday_records()), columns=program.columns)
    assert wf.employee("E2").manager_id == "E4"
    config.write_text('[program]\ncolumns = {a = "level"}\n[columns]\nb = "level"\n', encoding="utf-8")
    with pytest.raises(rm.ConfigError, match=r"give the columns once"):
        rm.Program.from_toml(config)
    config.write_text('[columns]\n"Gender" = "department"\n', encoding="utf-8")
    with pytest.raises(rm.ConfigError, match=r"key 'columns': 'Gender' is a protected or sensitive column"):
        rm.Program.from_toml(config)


def test_frames_map_too_and_name_their_index_labels():
    frame = pd.DataFrame([dict(OURS, **{"Employee ID": "x"})]).drop(columns="employee_id")
    wf = rm.Workforce.from_files(frame, columns={"Employee ID": "employee_id"}, default_role="both")
    assert list(wf.ids) == ["x"]
    bad = frame.rename(columns={"level": "Grade"}).assign(Grade="high").set_axis(["row-7"])
    with pytest.raises(rm.InputError, match=r"employees, row row-7, column 'Grade': 'high' is not a whole number"):
        rm.Workforce.from_files(bad, columns={"Employee ID": "employee_id", "Grade": "level"})


def test_the_docs_list_every_profile_header_in_order():
    page = (Path(__file__).resolve().parent.parent / "docs" / "hr-data.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip(" `"): line.split("|")[2:5] for line in page.splitlines() if line.startswith("| `")
    }
    for column, cells in rows.items():
        if column not in PROFILES["workday"]:
            continue
        for profile, cell in zip(("workday", "successfactors", "bamboohr"), cells):
            assert tuple(h.strip() for h in cell.split(", ")) == PROFILES[profile][column], (profile, column)
    assert set(PROFILES["workday"]) <= set(rows)
