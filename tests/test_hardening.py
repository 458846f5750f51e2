"""Hostile and extreme input at the front door (#22): each refusal names file, row, column and problem."""

import warnings

import pytest

import revmatch as rm

HEADER = "employee_id,level,department,manager_id,role,mentor_capacity\n"
ROWS = "b,8,X,,mentee,1\na,2,Y,b,mentor,1\n"
SKILLS = "employee_id,skill,proficiency,need\na,python,4,0\nb,python,0,3\n"


def load(tmp_path, employees: str, skills: str = SKILLS, **kwargs):
    (tmp_path / "e.csv").write_text(employees, encoding="utf-8")
    (tmp_path / "s.csv").write_text(skills, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return rm.Workforce.from_csv(tmp_path / "e.csv", tmp_path / "s.csv", **kwargs)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("c,1e30,Z,b,mentor,1", r"row 4, column 'level': 1e30 is out of range"),
        ("c,-9223372036854775809,Z,b,mentor,1", r"row 4, column 'level': .* is out of range"),
        ("c,3,Z,b,mentor,99999999999", r"row 4, column 'mentor_capacity': 99999999999 is out of range"),
        ("c\x00x,3,Z,b,mentor,1", r"row 4, column 'employee_id': 'c\\x00x' holds a control character"),
        ("c\x1b[31m,3,Z,b,mentor,1", r"row 4, column 'employee_id': .* holds a control character"),
        ('c,3,"Z\rW",b,mentor,1', r"row 4, column 'department': 'Z\\rW' holds a control character"),
        ("c" * 5000 + ",3,Z,b,mentor,1", r"row 4, column 'employee_id': .*longer than 200 characters"),
    ],
)
def test_extreme_cells_are_refused_by_row_and_column(tmp_path, row, message):
    with pytest.raises(rm.InputError, match=message) as caught:
        load(tmp_path, HEADER + ROWS + row + "\n")
    assert "e.csv" in str(caught.value)
    assert len(str(caught.value)) < 2000  # a megabyte cell is cut in the message, not repeated


def test_a_number_beyond_int64_is_refused_not_wrapped(tmp_path):
    with pytest.raises(rm.InputError, match="out of range"):
        load(tmp_path, HEADER + ROWS + "c,18446744073709551616,Z,b,mentor,1\n")


def test_header_problems_are_named(tmp_path):
    with pytest.raises(rm.InputError, match="column appears more than once"):
        load(tmp_path, "employee_id,level,level,department,manager_id\nb,8,8,X,\n")
    with pytest.raises(rm.InputError, match="at most 1,000 are read"):
        load(tmp_path, HEADER.strip() + "," + ",".join(f"x{i}" for i in range(2000)) + "\n" + ROWS)
    with pytest.raises(rm.InputError, match="control character"):
        load(tmp_path, HEADER.strip() + ",bad\x07name\n" + "b,8,X,,mentee,1,\n")


def test_a_ragged_row_is_named(tmp_path):
    with pytest.raises(rm.InputError, match=r"row 3: 8 cells, but the header has 6"):
        load(tmp_path, HEADER + "b,8,X,,mentee,1\na,2,Y,b,mentor,1,extra,x\n")


@pytest.mark.parametrize("column", ["DateOfBirth", "Gender Identity", "ethnic-origin", "Caste", "health_notes"])
def test_protected_columns_in_any_spelling_are_never_loaded(tmp_path, column):
    employees = HEADER.strip() + f",{column}\nb,8,X,,mentee,1,secret-b\na,2,Y,b,mentor,1,secret-a\n"
    (tmp_path / "e.csv").write_text(employees)
    (tmp_path / "s.csv").write_text(SKILLS)
    with pytest.warns(rm.ProtectedColumnsWarning, match=column):
        wf = rm.Workforce.from_csv(tmp_path / "e.csv", tmp_path / "s.csv")
    assert column not in wf.employees.columns
    assert "secret" not in wf.employees.to_string()


@pytest.mark.parametrize("column", ["stage", "language_usage", "manager_id_old", "message"])
def test_ordinary_columns_are_not_mistaken_for_protected(tmp_path, column):
    from revmatch.validate import protected_column

    assert not protected_column(column)


def test_pseudonyms_need_a_real_key():
    from revmatch.reporting import pseudonym

    with pytest.raises(rm.ConfigError, match="at least 16 characters"):
        pseudonym("a", "")
    with pytest.raises(rm.ConfigError, match="at least 16 characters"):
        pseudonym("a", "short")
    assert pseudonym("a", "k" * 16) == pseudonym("a", "k" * 16) != pseudonym("a", "j" * 16)


def test_cli_pseudonymize_without_a_key_stops_before_writing(tmp_path, monkeypatch, capsys):
    from revmatch.cli import main

    monkeypatch.delenv("REVMATCH_PSEUDONYM_KEY", raising=False)
    (tmp_path / "e.csv").write_text(HEADER + ROWS)
    (tmp_path / "s.csv").write_text(SKILLS)
    out = tmp_path / "pairs.csv"
    args = ["match", str(tmp_path / "e.csv"), str(tmp_path / "s.csv"), "-o", str(out), "--pseudonymize"]
    assert main(args) != 0
    assert "REVMATCH_PSEUDONYM_KEY" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    "field",
    [
        {"min_forward": 10**12},
        {"forward_weight": 1e300},
        {"backward_weight": float("inf")},
        {"mentor_capacity": 10**9},
        {"mentee_capacity": {"a": -1}},
        {"reporting_line_depth": 0},
        {"mentor_max_level": 10**18},
        {"time_limit": 1e12},
        {"priority_weight": float("nan")},
    ],
)
def test_program_numbers_beyond_the_limits_are_refused(field):
    with pytest.raises(rm.ConfigError, match=next(iter(field))):
        rm.Program(**field)
