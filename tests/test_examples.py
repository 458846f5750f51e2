"""The example scripts run as a user would run them, and write what they promise."""

import runpy
from pathlib import Path

import pandas as pd

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_match_my_company(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(EXAMPLES / "match_my_company.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "status=optimal" in out and "Best five pairs" in out and "teaches" in out
    pairs = pd.read_csv(tmp_path / "example_data" / "pairs.csv")
    assert len(pairs) > 50 and (pairs["score"] > 0).all()


def test_programme_year(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(EXAMPLES / "programme_year.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "3 broken" in out and "3 leavers, 2 joiners" in out and "repeated pairs: 0" in out
    html = (tmp_path / "year" / "report.html").read_text()
    assert '<section id="kpis">' in html and "Fairness audit" in html


def test_large_company(monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["large_company.py", "--employees", "3000"])
    runpy.run_path(str(EXAMPLES / "large_company.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "status=optimal" in out and "gap 0" in out and "candidates:" in out and "pricing round" in out
    assert "site × function programmes" in out and "0 failed" in out


def test_voice_loop(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(EXAMPLES / "voice_loop.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "musts honoured 4/4" in out and "avoids respected 5/5" in out and "declined pairs made again: 0" in out
    letters = pd.read_csv(tmp_path / "voice" / "letters.csv")
    assert {"partner_1", "reason_1", "partner_3", "reason_3"} <= set(letters.columns)
    assert "Shortlist exposure" in (tmp_path / "voice" / "report.html").read_text()


def test_hr_exports(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(EXAMPLES / "hr_exports.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "status=optimal" in out and "descending" in out and "Why you two" in out
    folder = tmp_path / "hr_example"
    pairs = pd.read_csv(folder / "pairs.csv")
    merge = pd.read_csv(folder / "introductions" / "mail_merge.csv")
    assert len(pairs) > 50 and len(merge) == len(pairs)
    assert (merge["mentor_email"] == pairs["mentor_email"]).all() and merge["mentee_email"].str.endswith(
        "@example.com"
    ).all()
    assert (folder / "report.xlsx").stat().st_size > 0
