"""The `revmatch` command: demo, match, synth, rematch, next-round, kpis, db: thin shells over the API."""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
import time
from datetime import date
from pathlib import Path

import pandas as pd

from .errors import ConfigError, RevmatchError
from .kpis import fairness_audit, programme_kpis, read_checkins
from .lifecycle import next_round, read_history, rematch
from .matching import ROUTES, MatchResult, match
from .models import Employee, Program, Workforce
from .reporting.files import write_outputs, write_result, write_workforce
from .reporting.kpi_page import kpis_html
from .synthetic import synthetic_workforce
from .tables import read_table

DEMO_PROGRAM = Program(min_level_gap=2, exclude_reporting_line=True, objective="total")


def _print_summary(result: MatchResult, out) -> None:
    s = result.summary()
    t = result.timings
    mean = f"{s['mean_pair_score']:.1f}" if s["mean_pair_score"] is not None else "-"
    print(
        f"status {s['status']} ({s['engine']}): {s['pairs']} pairs, total score {s['total_score']:g} "
        f"(bound {s['bound']:g}), mean pair score {mean}",
        file=out,
    )
    print(
        f"mentors matched {s['mentors_matched']}/{s['mentors_opted_in']}, mentees matched "
        f"{s['mentees_matched']}/{s['mentees_opted_in']}, unmatched people {s['unmatched']}",
        file=out,
    )
    print("time " + ", ".join(f"{k} {v:.2f} s" for k, v in t.items()), file=out)


def _demo(args) -> int:
    wf = synthetic_workforce(n_employees=args.employees, seed=args.seed)
    result = match(wf, DEMO_PROGRAM, route=args.route, progress=_progress(args))
    print(
        f"Synthetic company: {len(wf)} employees (seed {args.seed}); programme: min level gap "
        f"{DEMO_PROGRAM.min_level_gap}, no pairs within a reporting line\n"
    )
    shown = result.pairs.sort_values(["score", "mentor_id"], ascending=[False, True]).head(args.top)
    for row in shown.itertuples():
        print(f"{row.mentor_id} → {row.mentee_id}  score {row.score:g}")
        print(textwrap.fill(row.reason, width=100, initial_indent="    ", subsequent_indent="    "))
    if len(result.pairs) > len(shown):
        print(f"    ... and {len(result.pairs) - len(shown)} more pairs")
    if len(result.unmatched):
        print("\nUnmatched, for example:")
        for row in result.unmatched.head(3).itertuples():
            print(
                textwrap.fill(
                    f"{row.employee_id} ({row.role}): {row.reason}",
                    width=100,
                    initial_indent="    ",
                    subsequent_indent="      ",
                )
            )
    print()
    _print_summary(result, sys.stdout)
    _write_extras(result, args, inputs={}, seed=args.seed)
    return 0


def _route_arguments(parser) -> None:
    parser.add_argument(
        "--route",
        choices=ROUTES,
        default="auto",
        help="dense: score every pair at once; sparse: tile by tile in memory linear in the "
        "people (total objective, no locks or quotas); auto (default): sparse for large programmes",
    )
    parser.add_argument("--progress", action="store_true", help="print each stage of a long match on stderr")


def _progress(args):
    """With --progress, a one-line message per stage on stderr, with the seconds since the start."""
    if not getattr(args, "progress", False):
        return None
    start = time.perf_counter()
    return lambda message: print(f"[{time.perf_counter() - start:7.1f} s] {message}", file=sys.stderr, flush=True)


def _write_extras(result: MatchResult, args, inputs: dict, seed: int | None) -> None:
    """The optional HTML report and the audit folder (pairs, unmatched, explanations, run.json)."""
    if getattr(args, "report", None):
        Path(args.report).write_text(result.to_html(), encoding="utf-8")
        print(f"wrote report {args.report}")
    if getattr(args, "out_dir", None):
        paths = write_outputs(result, args.out_dir, inputs=inputs, seed=seed)
        print(f"wrote {', '.join(str(p) for p in paths.values())}")


def _store(args):
    """The programme store named by --db (created if new); its key is the pseudonym key with --pseudonymize."""
    try:
        from .store import ProgrammeStore  # SQLAlchemy is an extra: imported only when --db is used
    except ImportError as error:
        raise ConfigError(str(error)) from None
    key = os.environ.get("REVMATCH_PSEUDONYM_KEY", "") if getattr(args, "pseudonymize", False) else None
    return ProgrammeStore(args.db, pseudonym_key=key)


def _saved(store, result, args, inputs: dict) -> None:
    """Save a command's result as one transaction, before any output file is written."""
    name = store.save(result, round=args.round, inputs=inputs)
    print(f"saved round {name} to {store.url.render_as_string(hide_password=True)}")


def _db_arguments(parser, pseudonymize: bool = True) -> None:
    parser.add_argument("--db", help="the programme store: a database URL, or a file path for SQLite")
    parser.add_argument("--round", help="with --db: the round's name (default: a new round-<n>, or the last round)")
    if pseudonymize:
        parser.add_argument(
            "--pseudonymize",
            action="store_true",
            help="stable hashed ids, no names (key: env REVMATCH_PSEUDONYM_KEY); a pseudonymised store needs it",
        )


def _schema(args) -> int:
    schemas = {"employee": Employee.model_json_schema(), "program": Program.model_json_schema()}
    text = json.dumps(schemas, indent=2, default=str)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        print(text)
    return 0


def _match(args) -> int:
    if args.pseudonymize and (args.report or args.out_dir):
        raise ConfigError(
            "--pseudonymize covers -o and --unmatched only; the report and the audit folder "
            "name people, so leave --report/--out-dir out or drop --pseudonymize"
        )
    program = Program.from_toml(args.config) if args.config else Program()
    wf = Workforce.from_csv(args.employees, args.skills, external_managers=args.external_managers)
    store = _store(args) if args.db else None
    result = match(wf, program, route=args.route, progress=_progress(args))
    key = os.environ.get("REVMATCH_PSEUDONYM_KEY", "") if args.pseudonymize else None
    inputs = {"employees": args.employees, "skills": args.skills} | ({"config": args.config} if args.config else {})
    if store is not None:
        _saved(store, result, args, inputs)
    write_result(result, args.output, args.unmatched, pseudonym_key=key)
    _print_summary(result, sys.stdout)
    print(f"wrote {args.output}" + (f" and {args.unmatched}" if args.unmatched else ""))
    _write_extras(result, args, inputs=inputs, seed=None)
    return 0


def _synth(args) -> int:
    wf = synthetic_workforce(n_employees=args.employees, seed=args.seed)
    paths = write_workforce(wf, args.output)
    print(f"wrote {len(wf)} employees to {paths[0]} and {len(wf.skills)} skill rows to {paths[1]}")
    return 0


def _three_files(args, first: str) -> None:
    """``[FIRST] employees skills``: FIRST is optional with --db only (the store holds it)."""
    if args.skills is None:
        if not args.db:
            raise ConfigError(f"give the {first} file, employees.csv and skills.csv (or --db to read the {first})")
        setattr(args, first, None)
        args.employees, args.skills = getattr(args, f"_{first}"), args.employees
    else:
        setattr(args, first, getattr(args, f"_{first}"))


def _rematch(args) -> int:
    _three_files(args, "previous")
    if args.db and args.previous is not None:
        raise ConfigError("with --db the running pairs come from the store: leave the pairs file out")
    program = Program.from_toml(args.config) if args.config else Program()
    previous = read_table(args.previous) if args.previous is not None else None
    wf = Workforce.from_csv(args.employees, args.skills, external_managers=args.external_managers)
    store = _store(args) if args.db else None
    changed = rematch(previous, wf, program, reshuffle=args.reshuffle, store=store)
    if store is not None:
        _saved(store, changed, args, {"employees": args.employees, "skills": args.skills})
    key = os.environ.get("REVMATCH_PSEUDONYM_KEY", "") if args.pseudonymize else None
    write_result(changed.result, args.output, args.unmatched, pseudonym_key=key)
    print(changed.summary_text())
    if args.changes:
        frames = [
            changed.kept.assign(change="kept", reason=""),
            changed.broken.assign(change="broken"),
            changed.made.assign(change="new", reason=""),
        ]
        pd.concat(frames, ignore_index=True)[["change", "mentor_id", "mentee_id", "reason"]].to_csv(
            args.changes, index=False
        )
        print(f"wrote {args.changes}")
    _print_summary(changed.result, sys.stdout)
    print(f"wrote {args.output}")
    return 0


def _next_round(args) -> int:
    _three_files(args, "history")
    program = Program.from_toml(args.config) if args.config else Program()
    history = read_history(args.history) if args.history is not None else None
    wf = Workforce.from_csv(args.employees, args.skills, external_managers=args.external_managers)
    store = _store(args) if args.db else None
    result = next_round(history, wf, program, priority_weight=args.priority_weight, store=store)
    if store is not None:
        _saved(store, result, args, {"employees": args.employees, "skills": args.skills})
    key = os.environ.get("REVMATCH_PSEUDONYM_KEY", "") if args.pseudonymize else None
    write_result(result, args.output, args.unmatched, pseudonym_key=key)
    _print_summary(result, sys.stdout)
    print(f"wrote {args.output}" + (f" and {args.unmatched}" if args.unmatched else ""))
    return 0


def _kpis(args) -> int:
    workforce = Workforce.from_csv(args.employees, args.skills) if args.employees else None
    as_of = date.fromisoformat(args.as_of) if args.as_of else date.today()
    options = {"target_per_month": args.target_per_month, "risk_weeks": args.risk_weeks, "workforce": workforce}
    if args.db:
        if args.pairs is not None:
            raise ConfigError("with --db the running pairs come from the store: give only the check-ins file (or none)")
        checkins = read_checkins(args.checkins) if args.checkins is not None else None  # checked before writing
        store = _store(args)
        if checkins is not None:
            print(f"recorded {store.record_checkins(args.checkins)} new or changed check-ins")
        kpis = store.kpis(as_of, round=args.round, **options)
        pairs = store.pairs(args.round, workforce=workforce)
    else:
        if args.checkins is None or args.pairs is None:
            raise ConfigError("kpis needs the check-ins file and the pairs file (or --db for the pairs)")
        pairs = read_table(args.pairs)
        kpis = programme_kpis(pairs, read_checkins(args.checkins), as_of, **options)
    audit = None
    if args.audit:
        if workforce is None:
            raise ConfigError("--audit needs --employees and --skills (to know who opted in)")
        opted = workforce.ids[workforce.employees["role"].to_numpy() != "none"]
        audit = fairness_audit(pairs.astype({"score": float}), read_table(args.audit), opted_in=opted)
        print(audit.to_string(index=False))
    for key, value in kpis.figures.items():
        print(f"{key:24} {round(value, 3) if isinstance(value, float) else value}")
    if args.report:
        Path(args.report).write_text(kpis_html(kpis, audit), encoding="utf-8")
        print(f"wrote report {args.report}")
    return 0


def _db(args) -> int:
    if args.action != "rounds" and not args.target:
        what = {"export": "a folder", "responses": "a CSV file", "checkins": "a CSV file", "erase": "an employee id"}
        raise ConfigError(f"db {args.action} needs {what[args.action]}")
    store = _store(args)
    if args.action == "export":
        paths = store.export(args.target)
        print(f"wrote {', '.join(str(p) for p in paths.values())}")
    elif args.action == "rounds":
        print(store.rounds().to_string(index=False))
    elif args.action == "responses":
        print(f"recorded {store.record_responses(args.target)} new or changed responses")
    elif args.action == "checkins":
        print(f"recorded {store.record_checkins(args.target)} new or changed check-ins")
    elif args.action == "erase":
        counts = store.erase(args.target)
        print(f"erased {args.target}: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + " (KPIs unchanged)")
    return 0


def _next_round_parser(sub) -> None:
    n = sub.add_parser("next-round", help="the next cohort: no pair again, priority to last round's unplaced")
    n.add_argument("_history", metavar="history", type=Path, help="past pairs (CSV: mentor_id, mentee_id); --db adds")
    n.add_argument("employees", type=Path)
    n.add_argument("skills", type=Path, nargs="?")
    n.add_argument("-o", "--output", type=Path, default=Path("pairs.csv"))
    n.add_argument("--unmatched", type=Path)
    n.add_argument("--config", type=Path)
    n.add_argument("--external-managers", action="store_true")
    n.add_argument(
        "--priority-weight", type=float, default=0.0, help="with --db: added per last round's unplaced person in a pair"
    )
    _db_arguments(n)
    n.set_defaults(run=_next_round)


def _db_parser(sub) -> None:
    db = sub.add_parser("db", help="the programme store: export it, list rounds, record responses, erase a person")
    db.add_argument(
        "action",
        choices=["export", "rounds", "responses", "checkins", "erase"],
        help="export DIR: every table as CSV; rounds: list them; responses FILE / checkins FILE: record them; "
        "erase EMPLOYEE_ID: delete a person, keep the KPIs",
    )
    db.add_argument("target", nargs="?", help="the folder, file or employee id the action needs")
    db.add_argument("--db", required=True, help="the programme store: a database URL, or a file path for SQLite")
    db.add_argument(
        "--pseudonymize", action="store_true", help="the store holds pseudonyms (env REVMATCH_PSEUDONYM_KEY)"
    )
    db.set_defaults(run=_db)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="revmatch", description="Optimal, explained reverse-mentoring matches.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="match a built-in synthetic company and print the pairs with reasons")
    demo.add_argument("--employees", type=int, default=500, help="company size (default 500)")
    demo.add_argument("--seed", type=int, default=0)
    demo.add_argument("--top", type=int, default=1_000_000, help="print at most this many pairs, best first")
    demo.add_argument("--report", type=Path, help="also write the HTML report here")
    demo.add_argument("--out-dir", type=Path, help="also write pairs, unmatched, explanations and run.json here")
    _route_arguments(demo)
    demo.set_defaults(run=_demo)

    m = sub.add_parser("match", help="match employees.csv + skills.csv and write the pairs")
    m.add_argument("employees", type=Path)
    m.add_argument("skills", type=Path)
    m.add_argument("-o", "--output", type=Path, default=Path("pairs.csv"))
    m.add_argument("--unmatched", type=Path, help="also write the unmatched people with reasons")
    m.add_argument("--config", type=Path, help="programme rules and weights (TOML)")
    m.add_argument(
        "--external-managers",
        action="store_true",
        help="a manager_id missing from the file is someone outside it, not an error",
    )
    m.add_argument(
        "--pseudonymize",
        action="store_true",
        help="write stable hashed ids and no names (key: env REVMATCH_PSEUDONYM_KEY)",
    )
    m.add_argument("--report", type=Path, help="write the self-contained HTML report here")
    m.add_argument("--out-dir", type=Path, help="write pairs.csv, unmatched.csv, pairs.jsonl and run.json here")
    _route_arguments(m)
    _db_arguments(m, pseudonymize=False)
    m.set_defaults(run=_match)

    s = sub.add_parser("synth", help="write a synthetic company as employees.csv and skills.csv")
    s.add_argument("--employees", type=int, default=1000)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    s.set_defaults(run=_synth)
    r = sub.add_parser("rematch", help="re-match a running programme after leavers and joiners")
    r.add_argument("_previous", metavar="previous", type=Path, help="the running pairs (CSV; not with --db)")
    r.add_argument("employees", type=Path)
    r.add_argument("skills", type=Path, nargs="?")
    r.add_argument("-o", "--output", type=Path, default=Path("pairs.csv"))
    r.add_argument("--unmatched", type=Path)
    r.add_argument("--changes", type=Path, help="write every pair kept, broken (with why) or new")
    r.add_argument("--reshuffle", action="store_true", help="do not lock surviving pairs (best total, then most kept)")
    r.add_argument("--config", type=Path)
    r.add_argument("--external-managers", action="store_true")
    _db_arguments(r)
    r.set_defaults(run=_rematch)

    _next_round_parser(sub)

    k = sub.add_parser("kpis", help="programme KPIs from a check-ins file (and a fairness audit)")
    k.add_argument("checkins", type=Path, nargs="?", help="CSV: mentor_id, mentee_id, date[, rating, rated_by, skills]")
    k.add_argument("pairs", type=Path, nargs="?", help="the running pairs (CSV: mentor_id, mentee_id[, score])")
    k.add_argument("--as-of", help="date of the KPIs (YYYY-MM-DD, default today)")
    k.add_argument("--employees", type=Path)
    k.add_argument("--skills", type=Path)
    k.add_argument("--audit", type=Path, help="CSV: employee_id + audit attributes, never scored")
    k.add_argument("--target-per-month", type=float, default=1.0)
    k.add_argument("--risk-weeks", type=int, default=6)
    k.add_argument("--report", type=Path, help="write the KPI page (HTML)")
    _db_arguments(k)
    k.set_defaults(run=_kpis)

    sc = sub.add_parser("schema", help="print (or write) the JSON Schema of Employee and Program")
    sc.add_argument("-o", "--output", type=Path)
    sc.set_defaults(run=_schema)
    _db_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except (RevmatchError, ValueError) as exc:
        print(f"revmatch: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
