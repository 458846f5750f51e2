"""One round: `demo` (a synthetic company), `match` (HR files), `synth` (write a company), `schema`."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

from ..errors import ConfigError
from ..matching import match
from ..models import Employee
from ..program import Program
from ..reporting.files import write_workforce
from ..reporting.writing import write_text
from ..synthetic import synthetic_workforce
from .common import (
    audit_arguments,
    check_outputs,
    load_program,
    load_workforce,
    preferences_argument,
    print_summary,
    progress,
    pseudonym_key,
    raw_csv_argument,
    read_stated,
    route_arguments,
    voice_line,
    workforce_arguments,
    writable_folder,
    write_extras,
    write_pairs,
)
from .store import db_arguments, open_store, save

DEMO_PROGRAM = Program()  # the defaults: what a new programme gets


def _demo(args) -> int:
    check_outputs(args)
    wf = synthetic_workforce(n_employees=args.employees, seed=args.seed)
    result = match(wf, DEMO_PROGRAM, route=args.route, progress=progress(args))
    p = DEMO_PROGRAM
    print(
        f"Synthetic company: {len(wf)} employees (seed {args.seed}); the default programme: juniors teach seniors "
        f"(level gap {p.min_level_gap}, at least {p.min_forward} need point taught), give-back counts "
        f"{p.backward_weight:g}, nobody in their own reporting line\n"
    )
    shown = result.pairs.sort_values(["score", "mentor_id"], ascending=[False, True]).head(args.top)
    for row in shown.itertuples():
        print(f"{row.mentor_id} → {row.mentee_id}  score {row.score:g}")
        print(textwrap.fill(str(row.reason), width=100, initial_indent="    ", subsequent_indent="    "))
    if len(result.pairs) > len(shown):
        print(f"    ... and {len(result.pairs) - len(shown)} more pairs")
    if len(result.unmatched):
        print("\nUnmatched, for example:")
        for row in result.unmatched.head(3).itertuples():
            line = f"{row.employee_id} ({row.role}): {row.reason}"
            print(textwrap.fill(line, width=100, initial_indent="    ", subsequent_indent="      "))
    print()
    print_summary(result, sys.stdout)
    write_extras(result, args, inputs={}, seed=args.seed)
    return 0


def _match(args) -> int:
    if args.pseudonymize and (args.report or args.out_dir):
        raise ConfigError(
            "--pseudonymize covers -o and --unmatched only; the report and the audit folder "
            "name people, so leave --report/--out-dir out or drop --pseudonymize"
        )
    key = pseudonym_key(args)  # before anything runs
    check_outputs(args)
    program = load_program(args)
    wf = load_workforce(args)
    store = open_store(args, key) if args.db else None
    prefs = read_stated(args)
    result = match(wf, program, preferences=prefs, route=args.route, progress=progress(args))
    inputs = {"employees": args.employees, "skills": args.skills} | ({"config": args.config} if args.config else {})
    inputs |= {"preferences": args.preferences} if args.preferences else {}
    if store is not None:
        save(store, result, args, inputs)  # the store first: if it refuses the round, no file is written
    write_pairs(result, args, key)
    print_summary(result, sys.stdout)
    if result.voice is not None:
        print(voice_line(result), file=sys.stdout)
    print(f"wrote {args.output}" + (f" and {args.unmatched}" if args.unmatched else ""))
    write_extras(result, args, inputs=inputs, seed=None)
    return 0


def _synth(args) -> int:
    folder = Path(args.output)
    writable_folder("-o", folder, folder)
    existing = [p for p in (folder / "employees.csv", folder / "skills.csv") if p.exists()]
    if existing and not args.force:
        raise ConfigError(f"{existing[0]} exists: give a new folder, or --force to replace it with a synthetic one")
    wf = synthetic_workforce(n_employees=args.employees, seed=args.seed)
    paths = write_workforce(wf, folder)
    print(f"wrote {len(wf)} employees to {paths[0]} and {len(wf.skills)} skill rows to {paths[1]}")
    return 0


def _schema(args) -> int:
    schemas = {"employee": Employee.model_json_schema(), "program": Program.model_json_schema()}
    text = json.dumps(schemas, indent=2, default=str)
    if args.output:
        check_outputs(args)
        write_text(args.output, text + "\n")
        print(f"wrote {args.output}")
    else:
        print(text)
    return 0


def add_parsers(sub) -> None:
    demo = sub.add_parser("demo", help="match a built-in synthetic company and print the pairs with reasons")
    demo.add_argument("--employees", type=int, default=500, help="company size (default 500)")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--top", type=int, default=1_000_000, help="print at most this many pairs, best first")
    audit_arguments(demo, "also write")
    raw_csv_argument(demo)
    route_arguments(demo)
    demo.set_defaults(run=_demo)

    m = sub.add_parser("match", help="match employees.csv + skills.csv and write the pairs")
    workforce_arguments(m)
    m.add_argument(
        "--pseudonymize",
        action="store_true",
        help="write stable hashed ids and no names (key: env REVMATCH_PSEUDONYM_KEY, a secret of 16+ characters)",
    )
    audit_arguments(m, "write")
    route_arguments(m)
    preferences_argument(m)
    db_arguments(m, pseudonymize=False)
    m.set_defaults(run=_match)

    s = sub.add_parser("synth", help="write a synthetic company as employees.csv and skills.csv")
    s.add_argument("--employees", type=int, default=1000)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    s.add_argument("--force", action="store_true", help="replace employees.csv and skills.csv already there")
    s.set_defaults(run=_synth)

    sc = sub.add_parser("schema", help="print (or write) the JSON Schema of Employee and Program")
    sc.add_argument("-o", "--output", type=Path)
    sc.set_defaults(run=_schema)
