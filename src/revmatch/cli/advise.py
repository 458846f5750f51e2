"""`revmatch advise`: what each rule costs, one exact re-solve per change, as a table, CSV files and a report."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from ..advice import Advice, advise
from ..errors import ConfigError
from ..program import read_toml
from ..reporting.page import signed
from ..reporting.writing import write_csv, write_text
from ..tradeoffs import tradeoffs
from .common import (
    check_outputs,
    load_program,
    load_workforce,
    preferences_argument,
    progress,
    raw_csv_argument,
    read_stated,
    reading_arguments,
)

ID_SEPARATOR = "; "  # between the ids of one cell of newly_matched / no_longer_matched


def _advise(args) -> int:
    check_outputs(args)
    program = load_program(args)
    changes = read_what_if(args.what_if) if args.what_if else None
    prefs = read_stated(args)
    wf = load_workforce(args)
    advice = advise(wf, program, changes, preferences=prefs, progress=progress(args))
    print_advice(advice, sys.stdout)
    safe = not args.raw_csv
    if args.output:
        write_csv(advice_frame(advice.table), args.output, formula_safe=safe)
        print(f"wrote {args.output}")
    if args.per_person:
        write_csv(advice.per_person, args.per_person, formula_safe=safe)
        print(f"wrote {args.per_person}")
    if args.report:
        frontier = tradeoffs(wf, program, prefs)
        print(frontier.drop(columns=["note"]).to_string(index=False))
        write_text(args.report, advice.to_html(tradeoffs=frontier))
        print(f"wrote report {args.report}")
    return 0


def read_what_if(path: Path) -> list[dict]:
    """The admin's own changes from TOML: one ``[[change]]`` table per change, its keys programme settings."""
    data = read_toml(path, "a what-if file")
    changes = data.get("change")
    beside = sorted(k for k in data if k != "change")
    if beside or not isinstance(changes, list) or not changes or not all(isinstance(c, dict) for c in changes):
        raise ConfigError(
            f"{path}: write each change as a [[change]] table of programme settings, e.g.\n"
            "  [[change]]\n  min_level_gap = 0" + (f"\n(found keys {', '.join(beside)} outside them)" if beside else "")
        )
    return changes


def advice_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The advice table for a CSV file: each cell of ids as one text, ids separated by "; "."""
    return table.assign(
        newly_matched=table["newly_matched"].map(ID_SEPARATOR.join),
        no_longer_matched=table["no_longer_matched"].map(ID_SEPARATOR.join),
    )


def print_advice(advice: Advice, out) -> None:
    """One line per change, in people and points; counts only, never the ids (those go to the files)."""
    b = advice.base
    print(
        f"current programme ({advice.result.status}): seniors matched {b['mentees_matched']}, juniors placed "
        f"{b['mentors_matched']}, teaching {b['teaching_points']:g}, total {b['total_score']:g} "
        f"({advice.base_seconds:.2f} s)",
        file=out,
    )
    for row, seconds in zip(advice.table.to_dict("records"), advice.seconds):
        figures = (
            "rules cannot all hold"
            if row["status"] == "infeasible"
            else f"seniors {signed(row['mentees_matched'])}, juniors {signed(row['mentors_matched'])}, teaching "
            f"{signed(row['teaching'])}, total {signed(row['total'])}; {len(row['newly_matched'])} newly matched, "
            f"{len(row['no_longer_matched'])} no longer"
        )
        print(f"  {row['change']}: {figures} [{row['status']}, {seconds:.2f} s]", file=out)
    people = advice.per_person
    helped = int((people["change"] != "").sum())
    print(f"{helped} of {len(people)} unmatched people would be matched by one change in this table", file=out)


def add_parsers(sub) -> None:
    a = sub.add_parser("advise", help="what each rule costs: re-solve the programme once per change, exactly")
    a.add_argument("employees", type=Path)
    a.add_argument("skills", type=Path)
    a.add_argument("--config", type=Path, help="programme rules and weights (TOML)")
    a.add_argument(
        "--what-if",
        type=Path,
        help="your own changes instead of the default ones: a TOML file of [[change]] tables of programme settings",
    )
    reading_arguments(a)
    preferences_argument(a)
    a.add_argument("-o", "--output", type=Path, help="write the advice table (one row per change) here")
    a.add_argument("--per-person", type=Path, help="write the smallest change for each unmatched person here")
    a.add_argument("--report", type=Path, help="write the match report with the advice and the objectives here")
    a.add_argument("--progress", action="store_true", help="print each re-solve as it finishes on stderr")
    raw_csv_argument(a)
    a.set_defaults(run=_advise)
