"""Fuzzing the programme file and the command line: a revmatch error or a result, never a crash.

The default run tries a few dozen cases of each; the dedicated fuzzing run sets
REVMATCH_FUZZ_EXAMPLES=10000 (see docs/robustness.md).
"""

import contextlib
import os
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import revmatch as rm
from revmatch.cli import main

FUZZ = settings(
    max_examples=int(os.environ.get("REVMATCH_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
FIELDS = sorted(rm.Program.model_fields)
EMPLOYEES = (
    "employee_id,level,department,manager_id,role,mentor_capacity\n"
    "b,8,X,,mentee,1\na,2,Y,b,mentor,2\nc,6,Z,b,both,1\nd,1,Y,c,mentor,1\ne,7,X,,mentee,1\n"
)
SKILLS = "employee_id,skill,proficiency,need\na,python,4,0\nb,python,0,3\nc,budget,5,1\nd,sql,5,0\ne,sql,0,4\n"

# TOML values of every shape a hand-written programme file could hold.
toml_scalars = st.one_of(
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.sampled_from(["total", "coverage", "fair", "a", "b", "2026-01-15"]),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=8,
)


def toml_text(data: dict) -> str:
    """A TOML document for ``data`` (the subset the fuzzer draws), written by hand: tomllib only reads."""

    def value(v) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, str):
            return '"' + v.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return "{" + ", ".join(f'"{k}" = {value(x)}' for k, x in v.items()) + "}"

    return "".join(f"{k} = {value(v)}\n" for k, v in data.items())


@pytest.fixture(scope="module")
def workforce(tmp_path_factory):
    folder = tmp_path_factory.mktemp("company")
    (folder / "e.csv").write_text(EMPLOYEES)
    (folder / "s.csv").write_text(SKILLS)
    return rm.Workforce.from_csv(folder / "e.csv", folder / "s.csv")


@FUZZ
@given(st.binary(max_size=400))
def test_programme_file_bytes_give_a_config_error_or_a_programme(tmp_path_factory, content):
    path = tmp_path_factory.mktemp("toml") / "programme.toml"
    path.write_bytes(content)
    with contextlib.suppress(rm.ConfigError):  # anything else fails the test
        assert isinstance(rm.Program.from_toml(path), rm.Program)


@FUZZ
@given(st.dictionaries(st.sampled_from(FIELDS), toml_values, max_size=4), st.booleans())
def test_programme_settings_fail_clearly_or_match(tmp_path_factory, workforce, data, table):
    """Any settings a file could hold: a ConfigError naming the file, or a programme that matches or
    says why it cannot (a revmatch error), never a crash or a silent wrong type."""
    path = tmp_path_factory.mktemp("toml") / "programme.toml"
    text = toml_text(data)
    path.write_text(("[program]\n" if table else "") + text, encoding="utf-8")
    try:
        program = rm.Program.from_toml(path)
    except rm.ConfigError as exc:
        assert str(path) in str(exc)
        return
    for key, given_value in data.items():  # what was accepted kept its type: nothing was coerced
        if isinstance(given_value, str) and not isinstance(getattr(program, key), str):
            assert key in ("reference_date",), (key, given_value, getattr(program, key))
    with contextlib.suppress(rm.RevmatchError):
        result = rm.match(workforce, program.model_copy(update={"time_limit": 5.0}))
        assert result.status in ("optimal", "feasible")


IDS = ["a", "b", "c", "d", "e", "zz", "", "=cmd", "a;b"]
CELLS = st.one_of(st.sampled_from(IDS), st.text(max_size=6))
PREFERENCE_CELLS = st.one_of(st.sampled_from(["1", "2", "3", "0", "-1", "1.5", "avoid", "MUST", "x", ""]), CELLS)


@FUZZ
@given(
    st.lists(st.tuples(CELLS, CELLS, PREFERENCE_CELLS), max_size=6),
    st.sampled_from(["total", "rank_maximal", "stable"]),
)
def test_stated_preferences_fail_clearly_or_hold_in_the_match(tmp_path_factory, workforce, rows, objective):
    """Any statements a file could hold: an InputError naming the file, or a match (or a revmatch error)
    in which no avoided pair is made."""
    path = tmp_path_factory.mktemp("prefs") / "prefs.csv"
    body = "".join(",".join('"' + c.replace('"', '""') + '"' for c in row) + "\n" for row in rows)
    path.write_text("employee_id,partner_id,preference\n" + body, encoding="utf-8")
    try:
        prefs = rm.read_preferences(path)
    except rm.InputError as exc:
        assert str(path) in str(exc)
        return
    with contextlib.suppress(rm.RevmatchError):
        result = rm.match(workforce, rm.Program(objective=objective), preferences=prefs)
        made = set(zip(result.pairs["mentor_id"], result.pairs["mentee_id"]))
        avoided = {(a, b) for a, b, p in rows if p.strip().casefold() == "avoid"}
        assert not made & (avoided | {(b, a) for a, b in avoided})


PATHS = ["e.csv", "s.csv", "p.csv", "u.csv", "out", "r.html", "c.toml", "missing.csv", ".", "e.csv/x.csv"]
PATHS += ["prefs.csv", "resp.csv"]
FLAGS = ["-o", "--unmatched", "--report", "--out-dir", "--config", "--force", "--raw-csv", "--route", "--top"]
FLAGS += ["--per-person", "--what-if"]  # revmatch advise
FLAGS += ["--preferences", "--letters", "--k", "--side", "--changes"]  # the participants' voice
tokens = st.one_of(st.sampled_from(PATHS), st.sampled_from(FLAGS), st.sampled_from(["dense", "sparse", "3", "-1"]))


@FUZZ
@given(
    st.sampled_from(
        ["match", "demo", "rematch", "next-round", "kpis", "schema", "synth", "advise", "shortlist", "respond"]
    ),
    st.lists(tokens, max_size=8),
)
def test_command_lines_never_crash_and_never_touch_the_inputs(tmp_path_factory, verb, args):
    folder = tmp_path_factory.mktemp("cli")
    (folder / "e.csv").write_text(EMPLOYEES)
    (folder / "s.csv").write_text(SKILLS)
    (folder / "c.toml").write_text("min_level_gap = 1\n")
    (folder / "prefs.csv").write_text("employee_id,partner_id,preference\nb,a,1\ne,d,avoid\nc,a,must\n")
    (folder / "resp.csv").write_text("mentor_id,mentee_id,response\na,b,accept\nd,e,decline\n")
    inputs = {name: (folder / name).read_bytes() for name in ("e.csv", "s.csv", "c.toml", "prefs.csv", "resp.csv")}
    argv = [verb, *(str(folder / a) if a in PATHS else a for a in args)]
    if verb in ("demo", "synth"):
        argv = [a for a in argv if a != "--top"] + ["--employees", "40"]
    cwd = Path.cwd()
    os.chdir(folder)  # a default output (pairs.csv) lands in the temporary folder
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            code = main(argv)
    except SystemExit as exit_:  # argparse's usage error
        code = exit_.code
    finally:
        os.chdir(cwd)
    assert code in (0, 2)
    if verb in ("synth", "demo", "schema"):
        return  # these read no file: e.csv is not their input, and -o may name any file
    outputs = {"-o", "--unmatched", "--report", "--out-dir", "--per-person", "--letters", "--changes"}
    given = {a for before, a in zip(["", *args], args) if a in inputs and before not in outputs}
    for name in given:  # a file the command was given to read is never overwritten, whatever else it was told
        assert (folder / name).read_bytes() == inputs[name], name
