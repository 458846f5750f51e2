"""An admin's programme on the command line with --db: match, responses, rematch, check-ins, next round."""

from pathlib import Path

import pandas as pd
import pytest

from revmatch.cli import main


def pairs_in(path: Path) -> set[tuple[str, str]]:
    frame = pd.read_csv(path, dtype=str)
    return set(zip(frame["mentor_id"], frame["mentee_id"]))


@pytest.fixture
def company(tmp_path) -> tuple[str, str, str]:
    """employees.csv, skills.csv and, after one paired mentor left, employees-june.csv."""
    assert main(["synth", "--employees", "300", "--seed", "5", "-o", str(tmp_path)]) == 0
    return str(tmp_path / "employees.csv"), str(tmp_path / "skills.csv"), str(tmp_path / "employees-june.csv")


def test_a_programme_year_on_the_command_line(store_url, company, tmp_path, capsys):
    employees, skills, june = company
    db = ["--db", store_url]
    assert main(["match", employees, skills, "-o", str(tmp_path / "p0.csv"), "--round", "2027-Q1", *db]) == 0
    assert "saved round 2027-Q1" in capsys.readouterr().out
    first = pd.read_csv(tmp_path / "p0.csv", dtype=str)
    answers = first[["mentor_id", "mentee_id"]].head(3).assign(response=["accept", "decline", "accept"])
    answers.to_csv(tmp_path / "responses.csv", index=False)
    assert main(["db", "responses", str(tmp_path / "responses.csv"), *db]) == 0
    staff = pd.read_csv(employees, dtype=str, keep_default_na=False)
    leaver = first["mentor_id"].iloc[5]
    staff[staff["employee_id"] != leaver].to_csv(june, index=False)
    known = pd.read_csv(skills, dtype=str, keep_default_na=False)
    skills = str(tmp_path / "skills-june.csv")
    known[known["employee_id"] != leaver].to_csv(skills, index=False)

    assert main(["rematch", june, skills, "-o", str(tmp_path / "p1.csv"), "--external-managers", *db]) == 0
    out = capsys.readouterr().out
    assert "1 leavers" in out and "saved round 2027-Q1" in out
    running = pairs_in(tmp_path / "p1.csv")
    declined = tuple(answers.iloc[1][["mentor_id", "mentee_id"]])
    assert declined not in running and leaver not in {m for m, _ in running}

    checkins = pd.DataFrame([(m, e, "2027-02-10", 4, "mentee") for m, e in sorted(running)[:5]])
    checkins.set_axis(["mentor_id", "mentee_id", "date", "rating", "rated_by"], axis=1).to_csv(
        tmp_path / "checkins.csv", index=False
    )
    assert main(["kpis", str(tmp_path / "checkins.csv"), "--as-of", "2027-03-01", *db]) == 0
    out = capsys.readouterr().out
    assert "recorded 5 new or changed check-ins" in out and f"pairs                    {len(running)}" in out
    assert "checkins                 5" in out

    second = tmp_path / "p2.csv"
    command = ["next-round", june, skills, "-o", str(second), "--priority-weight", "2", "--external-managers"]
    assert main([*command, "--round", "2027-Q2", *db]) == 0
    assert not pairs_in(second) & (pairs_in(tmp_path / "p0.csv") | running)

    assert main(["db", "export", str(tmp_path / "export"), *db]) == 0
    history = pd.read_csv(tmp_path / "export" / "history.csv", dtype=str)
    assert set(history["round"]) == {"2027-Q1", "2027-Q2"}
    assert pairs_in(tmp_path / "export" / "history.csv") == pairs_in(tmp_path / "p0.csv") | running | pairs_in(second)
    capsys.readouterr()
    assert main(["db", "erase", first["mentee_id"].iloc[0], *db]) == 0
    assert "(KPIs unchanged)" in capsys.readouterr().out
    assert main(["db", "rounds", *db]) == 0
    assert "2027-Q2" in capsys.readouterr().out


def test_command_line_mistakes_are_messages_and_write_nothing(store_url, company, tmp_path, capsys, monkeypatch):
    employees, skills, _ = company
    db = ["--db", store_url]
    (tmp_path / "bad.csv").write_text("employee_id,level,department,manager_id\na,x,IT,\n")
    missing = tmp_path / "never.db"
    assert main(["match", str(tmp_path / "bad.csv"), skills, "--db", str(missing)]) == 2
    assert "row 2, column 'level'" in capsys.readouterr().err and not missing.exists()
    assert main(["match", employees, skills, "-o", str(tmp_path / "p.csv"), *db]) == 0
    assert main(["match", employees, skills, "-o", str(tmp_path / "again.csv"), "--round", "round-1", *db]) == 2
    err = capsys.readouterr().err
    assert "round 'round-1' is already in the programme store" in err and "Traceback" not in err
    assert not (tmp_path / "again.csv").exists()  # the store refused it: no file either
    assert main(["rematch", str(tmp_path / "p.csv"), employees, skills, *db]) == 2
    assert "leave the pairs file out" in capsys.readouterr().err
    assert main(["rematch", employees, skills]) == 2
    assert "or --db" in capsys.readouterr().err
    assert main(["db", "erase", *db]) == 2 and "needs an employee id" in capsys.readouterr().err
    assert (
        main(["db", "erase", "nobody", *db]) == 2
        and "'nobody' is not in the programme store" in capsys.readouterr().err
    )
    assert main(["match", employees, skills, "--pseudonymize", *db]) == 2
    assert "secret key of at least 16 characters" in capsys.readouterr().err
    monkeypatch.setenv("REVMATCH_PSEUDONYM_KEY", "a secret of sixteen+ characters")
    assert main(["match", employees, skills, "--pseudonymize", *db]) == 2
    assert "holds plain ids" in capsys.readouterr().err


def test_day_first_checkins_reach_the_store(store_url, company, tmp_path, capsys):
    employees, skills, _ = company
    db = ["--db", store_url]
    assert main(["match", employees, skills, "-o", str(tmp_path / "p0.csv"), "--round", "2027-Q1", *db]) == 0
    made = sorted(pairs_in(tmp_path / "p0.csv"))[:2]
    rows = [(m, e, "09/03/2027", 4, "mentee") for m, e in made]  # 9 March, as a European export writes it
    frame = pd.DataFrame(rows, columns=["mentor_id", "mentee_id", "date", "rating", "rated_by"])
    frame.to_csv(tmp_path / "checkins.csv", index=False)
    capsys.readouterr()
    assert main(["kpis", str(tmp_path / "checkins.csv"), "--as-of", "2027-04-01", *db]) == 2
    assert "is ambiguous" in capsys.readouterr().err
    assert main(["kpis", str(tmp_path / "checkins.csv"), "--as-of", "2027-04-01", "--dayfirst", *db]) == 0
    assert "recorded 2 new or changed check-ins" in capsys.readouterr().out
    frame.assign(rating=5).to_csv(tmp_path / "corrected.csv", index=False)
    assert main(["db", "checkins", str(tmp_path / "corrected.csv"), "--dayfirst", *db]) == 0
    assert "recorded 2 new or changed check-ins" in capsys.readouterr().out
    assert main(["db", "export", str(tmp_path / "export"), *db]) == 0
    stored = pd.read_csv(tmp_path / "export" / "checkins.csv", dtype=str)
    assert set(stored["date"]) == {"2027-03-09"} and set(stored["rating"]) == {"5"}
