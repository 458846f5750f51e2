"""`revmatch advise`: the table, the people and the report written whole, own changes read, inputs never overwritten."""

from pathlib import Path

import pandas as pd
import pytest

import revmatch as rm
from revmatch.cli import main
from revmatch.cli.advise import read_what_if

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def company(tmp_path_factory) -> tuple[str, str, Path]:
    folder = tmp_path_factory.mktemp("company")
    assert main(["synth", "--employees", "900", "--seed", "3", "-o", str(folder)]) == 0
    return str(folder / "employees.csv"), str(folder / "skills.csv"), folder


def test_advise_writes_the_table_the_people_and_the_report(company, tmp_path, capsys):
    employees, skills, _ = company
    out, people, report = tmp_path / "advice.csv", tmp_path / "people.csv", tmp_path / "advice.html"
    code = main(["advise", employees, skills, "-o", str(out), "--per-person", str(people), "--report", str(report)])
    assert code == 0
    printed = capsys.readouterr().out
    advice = rm.advise(rm.Workforce.from_csv(employees, skills))
    table = pd.read_csv(out, keep_default_na=False)
    assert table.columns.tolist() == list(advice.table.columns)
    assert table["change"].tolist() == advice.table["change"].tolist()
    assert table["newly_matched"].tolist() == ["; ".join(ids) for ids in advice.table["newly_matched"]]
    assert table["total"].tolist() == advice.table["total"].tolist()
    written = pd.read_csv(people, keep_default_na=False, dtype=str)
    assert written["employee_id"].tolist() == advice.per_person["employee_id"].tolist()
    for change in advice.table["change"]:
        assert change in printed
    # The screen gets counts, never the ids (they go to the files).
    assert not any(i in printed for ids in advice.table["newly_matched"] for i in ids)
    html = report.read_text(encoding="utf-8")
    for anchor in ("summary", "advice", "advice-people", "tradeoffs"):
        assert f'<section id="{anchor}">' in html
    assert "<svg" in html[html.index('id="tradeoffs"') :]


def test_advise_takes_the_admins_own_changes(company, tmp_path, capsys):
    employees, skills, _ = company
    what_if = EXAMPLES / "what-if.toml"
    assert main(["advise", employees, skills, "--what-if", str(what_if), "-o", str(tmp_path / "a.csv")]) == 0
    table = pd.read_csv(tmp_path / "a.csv", keep_default_na=False)
    assert table["field"].tolist() == [
        "reporting_line_depth",
        "require_different_department",
        "min_level_gap, require_shared_language",
    ]
    assert table["to"].tolist() == ["2", "true", "2, true"]
    expected = rm.advise(rm.Workforce.from_csv(employees, skills), rm.Program(), read_what_if(what_if))
    assert table["total"].tolist() == expected.table["total"].tolist()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("min_level_gap = 0\n", "write each change as a [[change]] table"),
        ("[[change]]\nmin_level_gp = 0\n", "'min_level_gp' is not a programme setting (did you mean min_level_gap"),
        ("[[change]\n", "not valid TOML"),
    ],
)
def test_a_bad_what_if_file_is_named(company, tmp_path, capsys, text, message):
    employees, skills, _ = company
    what_if = tmp_path / "what-if.toml"
    what_if.write_text(text)
    assert main(["advise", employees, skills, "--what-if", str(what_if)]) == 2
    err = capsys.readouterr().err
    assert message in err and "revmatch: error:" in err


def test_advise_never_overwrites_an_input(company, tmp_path, capsys):
    employees, skills, _ = company
    before = Path(employees).read_bytes()
    assert main(["advise", employees, skills, "-o", employees]) == 2
    assert main(["advise", employees, skills, "--per-person", skills]) == 2
    assert main(["advise", employees, skills, "-o", str(tmp_path / "x.csv"), "--report", str(tmp_path / "x.csv")]) == 2
    assert Path(employees).read_bytes() == before
    assert "never overwrites its inputs" in capsys.readouterr().err


def test_advise_solves_with_the_stated_preferences(company, tmp_path):
    employees, skills, _ = company
    workforce = rm.Workforce.from_csv(employees, skills)
    first = rm.match(workforce).pairs.iloc[0]  # the pair the mentee now avoids
    stated = pd.DataFrame(
        {"employee_id": [first["mentee_id"]], "partner_id": [first["mentor_id"]], "preference": ["avoid"]}
    )
    stated.to_csv(tmp_path / "prefs.csv", index=False)
    out = tmp_path / "advice.csv"
    assert main(["advise", employees, skills, "--preferences", str(tmp_path / "prefs.csv"), "-o", str(out)]) == 0
    advice = rm.advise(workforce, preferences=rm.read_preferences(stated))
    assert (
        (advice.result.pairs["mentor_id"] == first["mentor_id"])
        & (advice.result.pairs["mentee_id"] == first["mentee_id"])
    ).sum() == 0
    assert pd.read_csv(out, keep_default_na=False)["total"].tolist() == advice.table["total"].tolist()
