"""The voice verbs from the command line: match --preferences, shortlist (with letters), respond (files and --db)."""

import pandas as pd
import pytest

import revmatch as rm
from revmatch.cli import main


@pytest.fixture
def company(tmp_path):
    assert main(["synth", "--employees", "400", "--seed", "2", "-o", str(tmp_path / "data")]) == 0
    return str(tmp_path / "data" / "employees.csv"), str(tmp_path / "data" / "skills.csv")


def test_shortlist_writes_suggestions_and_letters(tmp_path, company, capsys):
    out, letters = tmp_path / "short.csv", tmp_path / "letters.csv"
    assert main(["shortlist", *company, "-o", str(out), "--k", "2", "--letters", str(letters)]) == 0
    lists = pd.read_csv(out)
    assert list(lists.columns) == ["employee_id", "rank", "partner_id", "score", "reason"]
    assert lists.groupby("employee_id").size().max() <= 2
    wf = rm.Workforce.from_csv(*company)
    expected = rm.shortlists(wf, k=2)
    assert lists[["employee_id", "rank", "partner_id"]].equals(expected[["employee_id", "rank", "partner_id"]])
    mail = pd.read_csv(letters).fillna("")
    assert set(mail.employee_id) == set(lists.employee_id)
    first = mail.iloc[0]
    mine = lists[lists.employee_id == first.employee_id]
    assert first.partner_1 == mine.partner_id.iloc[0] and first.reason_1 == mine.reason.iloc[0]
    assert "suggestions for" in capsys.readouterr().out


def test_match_with_preferences_prints_how_they_were_met(tmp_path, company, capsys):
    wf = rm.Workforce.from_csv(*company)
    first = rm.match(wf)
    m, e = first.pairs.mentor_id[0], first.pairs.mentee_id[0]
    prefs = tmp_path / "prefs.csv"
    pd.DataFrame({"employee_id": [e], "partner_id": [m], "preference": ["avoid"]}).to_csv(prefs, index=False)
    out = tmp_path / "pairs.csv"
    assert main(["match", *company, "-o", str(out), "--preferences", str(prefs)]) == 0
    assert (m, e) not in set(zip(*pd.read_csv(out)[["mentor_id", "mentee_id"]].to_numpy().T))
    assert "avoids respected 1/1" in capsys.readouterr().out
    assert main(["match", *company, "-o", str(prefs), "--preferences", str(prefs)]) == 2  # never overwrites an input


def test_respond_from_files_and_through_the_store(tmp_path, company, capsys):
    pytest.importorskip("sqlalchemy")
    pairs, db = tmp_path / "pairs.csv", tmp_path / "programme.db"
    assert main(["match", *company, "-o", str(pairs), "--db", str(db), "--round", "2027-Q1"]) == 0
    first = pd.read_csv(pairs)
    answers = tmp_path / "responses.csv"
    pd.DataFrame(
        {"mentor_id": first.mentor_id[:2], "mentee_id": first.mentee_id[:2], "response": ["accept", "decline"]}
    ).to_csv(answers, index=False)
    declined = (first.mentor_id[1], first.mentee_id[1])
    out, changes = tmp_path / "after.csv", tmp_path / "changes.csv"
    assert main(["respond", str(pairs), str(answers), *company, "-o", str(out), "--changes", str(changes)]) == 0
    after = set(zip(*pd.read_csv(out)[["mentor_id", "mentee_id"]].to_numpy().T))
    assert declined not in after and (first.mentor_id[0], first.mentee_id[0]) in after
    assert pd.read_csv(changes).query("change == 'declined'")[["mentor_id", "mentee_id"]].values.tolist() == [
        list(declined)
    ]
    assert main(["respond", str(answers), *company, "-o", str(tmp_path / "db.csv"), "--db", str(db)]) == 0
    assert rm.ProgrammeStore(db).rounds()["pairs_declined"].tolist() == [1]
    assert "1 accepted, 1 declined" in capsys.readouterr().out
