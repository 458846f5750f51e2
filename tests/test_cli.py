"""The `revmatch` command: demo, synth → match round trip, and errors without tracebacks."""

import hashlib
import json
from pathlib import Path

import pandas as pd

import revmatch as rm
from revmatch.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_demo_prints_pairs_with_reasons_and_a_summary(capsys):
    assert main(["demo", "--employees", "300", "--seed", "2", "--top", "3"]) == 0
    out = capsys.readouterr().out
    assert out.count(" → ") == 3 and "can teach" in out and "status optimal" in out


def test_synth_then_match_round_trip(tmp_path, capsys):
    assert main(["synth", "--employees", "400", "--seed", "1", "-o", str(tmp_path)]) == 0
    config = tmp_path / "program.toml"
    config.write_text("[program]\nmin_level_gap = 2\nbackward_weight = 0.5\n")
    out = tmp_path / "pairs.csv"
    code = main(
        [
            "match",
            str(tmp_path / "employees.csv"),
            str(tmp_path / "skills.csv"),
            "-o",
            str(out),
            "--unmatched",
            str(tmp_path / "unmatched.csv"),
            "--config",
            str(config),
        ]
    )
    assert code == 0
    pairs = pd.read_csv(out, dtype={"mentor_id": str, "mentee_id": str})
    expected = rm.match(rm.synthetic_workforce(400, seed=1), rm.Program(min_level_gap=2, backward_weight=0.5))
    assert (
        pairs[["mentor_id", "mentee_id"]].values.tolist() == expected.pairs[["mentor_id", "mentee_id"]].values.tolist()
    )
    assert pairs["score"].sum() == expected.objective
    assert (tmp_path / "unmatched.csv").exists()


def test_bad_input_is_a_message_not_a_traceback(tmp_path, capsys):
    (tmp_path / "e.csv").write_text("employee_id,level,department,manager_id\na,x,IT,\n")
    (tmp_path / "s.csv").write_text("employee_id,skill,proficiency,need\n")
    assert main(["match", str(tmp_path / "e.csv"), str(tmp_path / "s.csv"), "-o", str(tmp_path / "p.csv")]) == 2
    err = capsys.readouterr().err
    assert "row 2, column 'level': 'x' is not a whole number" in err and "Traceback" not in err


def test_example_config_runs_and_impossible_rules_are_named(tmp_path, capsys):
    assert main(["synth", "--employees", "600", "--seed", "3", "-o", str(tmp_path)]) == 0
    emp, sk = str(tmp_path / "employees.csv"), str(tmp_path / "skills.csv")
    assert main(["match", emp, sk, "-o", str(tmp_path / "p.csv"), "--config", str(EXAMPLES / "program.toml")]) == 0
    bad = tmp_path / "bad.toml"
    bad.write_text('locked = [["E000001", "E000002"]]\n')
    assert main(["match", emp, sk, "-o", str(tmp_path / "p.csv"), "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "rules cannot all hold" in err and "lock E000001 → E000002" in err and "Traceback" not in err


def test_report_audit_folder_and_schema(tmp_path, capsys):
    assert main(["synth", "--employees", "300", "--seed", "4", "-o", str(tmp_path)]) == 0
    emp, sk = tmp_path / "employees.csv", tmp_path / "skills.csv"
    out = tmp_path / "out"
    assert (
        main(
            [
                "match",
                str(emp),
                str(sk),
                "-o",
                str(tmp_path / "p.csv"),
                "--report",
                str(tmp_path / "r.html"),
                "--out-dir",
                str(out),
            ]
        )
        == 0
    )
    assert "<svg" in (tmp_path / "r.html").read_text()
    manifest = json.loads((out / "run.json").read_text())
    assert manifest["inputs"]["employees"]["sha256"] == hashlib.sha256(emp.read_bytes()).hexdigest()
    assert {"pairs.csv", "unmatched.csv", "pairs.jsonl", "run.json"} <= {p.name for p in out.iterdir()}
    capsys.readouterr()
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "employee_id" in schema["employee"]["properties"] and "objective" in schema["program"]["properties"]


def test_routes_give_the_same_pairs_and_progress_goes_to_stderr(tmp_path, capsys):
    assert main(["synth", "--employees", "500", "--seed", "5", "-o", str(tmp_path)]) == 0
    emp, sk = str(tmp_path / "employees.csv"), str(tmp_path / "skills.csv")
    outputs = {}
    for route in ("dense", "sparse"):
        capsys.readouterr()
        out = tmp_path / f"{route}.csv"
        assert main(["match", emp, sk, "-o", str(out), "--route", route, "--progress"]) == 0
        printed = capsys.readouterr()
        outputs[route] = out.read_text()
        assert "explained" in printed.err and "explained" not in printed.out  # stage lines on stderr only
    assert outputs["dense"] == outputs["sparse"]
    assert "candidates:" in printed.err  # the sparse route reports its own stages
