"""Hostile and extreme input at the front door (#22): each refusal names file, row, column and problem."""

import warnings
from pathlib import Path

import pandas as pd
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
        ('c,3,"Z\nW",b,mentor,1', r"row 4, column 'department': 'Z\\nW' holds a control character"),
        ("c,3,Z\tW,b,mentor,1", r"row 4, column 'department': 'Z\\tW' holds a control character"),
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


@pytest.mark.parametrize(
    ("body", "row"),
    [
        ("b,8,X,,mentee,1\n\n\na,two,Y,b,mentor,1\n", 5),  # two blank lines: rows 3 and 4 in a spreadsheet
        ("b,8,X,,mentee,1\r\n\r\na,two,Y,b,mentor,1\r\n", 4),  # Windows line ends
        ("b,8,X,,mentee,1\n   \n\t\na,two,Y,b,mentor,1\n", 5),  # lines of spaces are blank too
        ('b,8,X,,mentee,1\n"a",two,"Y\nsecond line",b,mentor,1\n', 3),  # a quoted line break stays in its row
        ("b,8,X,,mentee,1\n\na,two,Y,b,mentor,1,extra,x\n", 4),  # a ragged row after a blank line
    ],
)
def test_rows_are_named_as_a_spreadsheet_shows_them(tmp_path, body, row):
    with pytest.raises(rm.InputError, match=rf"e\.csv, row {row}\b"):
        load(tmp_path, HEADER + body)


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
    from revmatch.protected import protected_column

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


# ---- memory, cycles, all problems at once ---------------------------------------------------------


def test_too_many_skills_for_memory_is_a_resource_error_before_allocation(tmp_path):
    skills = "employee_id,skill,proficiency,need\n" + "".join(f"a,skill{k},3,0\n" for k in range(500))
    with pytest.raises(rm.ResourceError, match=r"2 people × 500 distinct skills needs about .*Merge the skills"):
        load(tmp_path, HEADER + ROWS, skills, memory_limit=1000)
    assert len(load(tmp_path, HEADER + ROWS, skills).skill_names) == 500  # the machine's memory is plenty
    wf = load(tmp_path, HEADER + ROWS, skills, default_role="both")
    with pytest.raises(rm.ResourceError, match=r"on 500 skills needs about"):
        rm.score(wf, memory_limit=10_000)


def test_a_management_cycle_is_reported_with_every_other_problem(tmp_path):
    employees = HEADER + "a,2,Y,b,mentor,1\nb,x,X,a,mentee,1\nc,3,Z,,mentor,-4\n"
    with pytest.raises(rm.InputError) as caught:
        load(tmp_path, employees)
    text = str(caught.value)
    assert "management cycle: a → b → a" in text
    assert "column 'level': 'x' is not a whole number" in text and "column 'mentor_capacity'" in text


# ---- outputs ---------------------------------------------------------------------------------------


@pytest.fixture
def company(tmp_path):
    from revmatch.cli import main

    assert main(["synth", "--employees", "300", "--seed", "2", "-o", str(tmp_path)]) == 0
    return str(tmp_path / "employees.csv"), str(tmp_path / "skills.csv")


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        (["-o", "{employees}"], "-o .* is the employees input"),
        (["-o", "{dir}/x.csv", "--unmatched", "{dir}/x.csv"], "--unmatched and -o are the same file"),
        (["-o", "{dir}/p.csv", "--report", "{dir}/p.csv"], "--report and -o are the same file"),
        (["-o", "{dir}"], "-o .* is a folder"),
        (["-o", "{employees}/p.csv"], "is a file, not a folder"),
        (["-o", "{dir}/p.csv", "--out-dir", "{dir}"], "--out-dir .* holds the employees input"),
    ],
)
def test_bad_outputs_fail_before_the_match_and_write_nothing(company, tmp_path, capsys, outputs, message):
    from revmatch.cli import main

    employees, skills = company
    before = {p: p.read_bytes() for p in tmp_path.iterdir()}
    args = [a.format(dir=tmp_path, employees=employees) for a in outputs]
    assert main(["match", employees, skills, *args]) == 2
    err = capsys.readouterr().err
    assert __import__("re").search(message, err), err
    assert {p: p.read_bytes() for p in tmp_path.iterdir()} == before  # nothing written, nothing replaced


def test_formula_cells_are_made_text_and_read_back_exactly(tmp_path):
    from revmatch.cli import main

    employees = (
        "employee_id,name,level,department,manager_id,role\n"
        'boss,"=HYPERLINK(""http://evil.example"",""x"")",8,X,,mentee\n'
        "-1,@SUM(A1),2,Y,,mentor\n"
        "'q,+plus,2,Z,,mentor\n"
    )
    skills = "employee_id,skill,proficiency,need\n-1,python,5,0\n'q,python,4,0\nboss,python,0,5\n"
    (tmp_path / "e.csv").write_text(employees)
    (tmp_path / "s.csv").write_text(skills)
    out, raw = tmp_path / "p.csv", tmp_path / "raw.csv"
    assert main(["match", str(tmp_path / "e.csv"), str(tmp_path / "s.csv"), "-o", str(out)]) == 0
    assert main(["match", str(tmp_path / "e.csv"), str(tmp_path / "s.csv"), "-o", str(raw), "--raw-csv"]) == 0
    import csv

    cells = [c for row in csv.reader(out.open()) for c in row]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
    assert "'-1" in cells and any(c.startswith("'@SUM(A1)") for c in cells)  # the reason starts with a name
    assert "-1" in [c for row in csv.reader(raw.open()) for c in row]  # --raw-csv: as they are
    # revmatch reads its own pairs file back exactly: the same pairs are kept on a re-match.
    kept = tmp_path / "kept.csv"
    assert main(["rematch", str(out), str(tmp_path / "e.csv"), str(tmp_path / "s.csv"), "-o", str(kept)]) == 0
    assert pd.read_csv(out, dtype=str).equals(pd.read_csv(kept, dtype=str))


def test_the_audit_folder_is_whole_never_follows_a_symlink_and_needs_force(company, tmp_path, capsys):
    import json

    from revmatch.cli import main

    employees, skills = company
    folder = tmp_path / "audit"
    base = ["match", employees, skills, "-o", str(tmp_path / "p.csv"), "--out-dir", str(folder)]
    assert main(base) == 0
    manifest = json.loads((folder / "run.json").read_text())
    assert sorted(p.name for p in folder.iterdir()) == sorted(["run.json", *manifest["outputs"]])
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left behind
    assert main(base) == 2 and "--force" in capsys.readouterr().err
    assert main([*base, "--force"]) == 0
    # A symlink planted in the folder: --force refuses to replace it, and its target is untouched.
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (folder / "run.json").unlink()
    (folder / "run.json").symlink_to(victim)
    assert main([*base, "--force"]) == 2 and "not a revmatch audit folder" in capsys.readouterr().err
    assert victim.read_text() == "keep me"
    # A folder of other files is never replaced, even with --force.
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    assert main([*base[:-1], str(other), "--force"]) == 2 and (other / "notes.txt").read_text() == "mine"


def test_inputs_are_fingerprinted_as_read(company, tmp_path):
    import hashlib
    import json

    employees, skills = company
    original = hashlib.sha256(Path(employees).read_bytes()).hexdigest()
    wf = rm.Workforce.from_csv(employees, skills)
    result = rm.match(wf)
    with open(employees, "a") as f:
        f.write("changed,1,X,,none\n")  # the file changes after it was read
    paths = rm.reporting.write_outputs(result, tmp_path / "audit", inputs={"employees": employees})
    assert json.loads(paths["run.json"].read_text())["inputs"]["employees"]["sha256"] == original


# ---- the programme file --------------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n, f in rm.Program.model_fields.items() if f.annotation is bool])
@pytest.mark.parametrize("value", ["yes", "true", 0, 1])
def test_switches_are_never_guessed_from_text_or_numbers(name, value):
    with pytest.raises(rm.ConfigError, match=f"{name}.*must be true or false"):
        rm.Program(**{name: value})


@pytest.mark.parametrize("name", ["min_level_gap", "min_forward", "forward_weight", "time_limit", "working_hours"])
def test_numbers_are_never_read_from_text_or_switches(name):
    value = ("9", "17") if name == "working_hours" else "5"
    with pytest.raises(rm.ConfigError, match=f"{name}.*must be a number"):
        rm.Program(**{name: value})
    if name != "working_hours":
        with pytest.raises(rm.ConfigError, match=f"{name}.*must be a number"):
            rm.Program(**{name: True})


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"min_level_gap = 2\n[program]\nmin_forward = 1\n", "keys outside the .program. table would be ignored"),
        (b"x = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "(nested too deeply|not valid TOML)"),
        ("# café\nmin_level_gap = 2\n".encode("latin-1"), "not UTF-8"),
        (b'[program]\nexclude_reporting_line = "yes"\n', "must be true or false"),
        (b'forbidden = [["a", "b"]]\n' + b"x" * 100_000 + b" = 1\n", "x{20}… "),
    ],
)
def test_bad_programme_files_are_config_errors_naming_the_file(tmp_path, content, message):
    path = tmp_path / "programme.toml"
    path.write_bytes(content)
    with pytest.raises(rm.ConfigError, match=message) as caught:
        rm.Program.from_toml(path)
    assert str(path) in str(caught.value) and len(str(caught.value)) < 2000


def test_unknown_ids_in_forbidden_are_refused_like_locked_ones(tmp_path):
    wf = load(tmp_path, HEADER + ROWS)
    with pytest.raises(rm.UnknownPersonError, match="forbidden a → typo: typo is not in the workforce"):
        rm.match(wf, rm.Program(forbidden=[("a", "typo")]))
    with pytest.raises(rm.InfeasibleError, match="typo is not in the workforce"):
        rm.match(wf, rm.Program(locked=[("a", "typo")]))
    # A leaver's poorly rated pair is history, not a typo: the next round drops it.
    result = rm.lifecycle.next_round([("a", "b")], wf, poorly_rated=[("gone", "b")])
    assert result.status == "optimal"


# ---- KPIs ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [{"risk_weeks": 0}, {"risk_weeks": 10**12}, {"target_per_month": float("nan")}, {"target_per_month": -1}],
)
def test_kpi_settings_out_of_range_are_config_errors(settings):
    import datetime

    checkins = rm.kpis.read_checkins(pd.DataFrame({"mentor_id": [], "mentee_id": [], "date": []}))
    with pytest.raises(rm.ConfigError, match=next(iter(settings))):
        rm.kpis.programme_kpis([("a", "b")], checkins, datetime.date(2026, 1, 1), **settings)


def test_kpis_on_the_command_line_refuse_huge_weeks(company, tmp_path, capsys):
    from revmatch.cli import main

    (tmp_path / "c.csv").write_text("mentor_id,mentee_id,date\n")
    (tmp_path / "p.csv").write_text("mentor_id,mentee_id\n")
    args = ["kpis", str(tmp_path / "c.csv"), str(tmp_path / "p.csv"), "--as-of", "2026-01-01"]
    assert main([*args, "--risk-weeks", "100000000000"]) == 2
    assert "risk_weeks must be a whole number of weeks from 1 to 520" in capsys.readouterr().err


# ---- HTML ------------------------------------------------------------------------------------------


def test_the_notebook_fragment_keeps_its_styles_inside_its_container(tmp_path):
    import re

    result = rm.match(rm.synthetic_workforce(200, seed=1))
    fragment = result._repr_html_()
    assert fragment.startswith('<div class="revmatch-report">') and "<!DOCTYPE" not in fragment
    css = re.search(r"<style>(.*?)</style>", fragment, re.S).group(1)
    selectors = [s.strip() for rule in css.split("}") if "{" in rule for s in rule.split("{")[0].split(",")]
    assert selectors and all(s.startswith(".revmatch-report") for s in selectors)
    assert 'http-equiv="Content-Security-Policy"' in result.to_html()
    checkins = rm.kpis.read_checkins(pd.DataFrame({"mentor_id": [], "mentee_id": [], "date": []}))
    kpis = rm.kpis.programme_kpis([], checkins, __import__("datetime").date(2026, 1, 1))
    assert 'http-equiv="Content-Security-Policy"' in rm.reporting.kpis_html(kpis)
