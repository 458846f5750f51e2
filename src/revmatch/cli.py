"""The `revmatch` command: thin shells over the Python API, one verb each (run `revmatch --help`)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
import time
import warnings
from datetime import date
from pathlib import Path

import pandas as pd

from .errors import ConfigError, RevmatchError, RevmatchWarning
from .fairness import fairness_audit
from .kpis import programme_kpis, read_checkins
from .lifecycle import next_round, read_history, rematch
from .matching import ROUTES, MatchResult, match
from .models import Employee, Workforce
from .program import Program
from .reporting.files import check_key, write_outputs, write_result, write_workforce
from .reporting.kpi_page import kpis_html
from .synthetic import synthetic_workforce
from .tables import read_table

DEMO_PROGRAM = Program()  # the defaults: what a new programme gets


def _print_summary(result: MatchResult, out) -> None:
    s = result.summary()
    t = result.timings
    mean = f"{s['mean_pair_score']:.1f}" if s["mean_pair_score"] is not None else "-"
    teaching = "-" if s["teaching_share"] is None else f"{s['teaching_share']:.0%}"
    print(
        f"status {s['status']} ({s['engine']}): {s['pairs']} pairs, total score {s['total_score']:g} "
        f"(bound {s['bound']:g}), mean pair score {mean}, teaching {teaching} of the score",
        file=out,
    )
    print(
        f"seniors matched {s['mentees_matched']}/{s['mentees_opted_in']} (mentees); juniors placed "
        f"{s['mentors_matched']}/{s['mentors_opted_in']} (mentors), {s['mentors_waitlisted']} waitlisted for "
        f"{s['mentee_places']} places; unmatched people {s['unmatched']}",
        file=out,
    )
    print("time " + ", ".join(f"{k} {v:.2f} s" for k, v in t.items()), file=out)


def _demo(args) -> int:
    wf = synthetic_workforce(n_employees=args.employees, seed=args.seed)
    result = match(wf, DEMO_PROGRAM, route=args.route, progress=_progress(args))
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


def _check_outputs(inputs: dict[str, Path | None], outputs: dict[str, Path | None]) -> None:
    """Before anything runs: no output is an input or another output, none is a folder; folders are made.

    A match can take minutes: a bad output path must fail first, and revmatch never overwrites an
    HR file it was given.
    """
    given = {flag: Path(path) for flag, path in outputs.items() if path is not None}
    sources = {name: Path(path).resolve() for name, path in inputs.items() if path is not None}
    seen: dict[Path, str] = {}
    for flag, path in given.items():
        resolved = path.resolve()
        for name, source in sources.items():
            if resolved == source:
                raise ConfigError(f"{flag} {path} is the {name} input: revmatch never overwrites its inputs")
        if resolved in seen:
            raise ConfigError(f"{flag} and {seen[resolved]} are the same file ({path}): give each output its own")
        seen[resolved] = flag
        if flag != "--out-dir" and path.is_dir():
            raise ConfigError(f"{flag} {path} is a folder; give a file name")
    for flag, path in given.items():
        folder = path if flag == "--out-dir" else path.parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"{flag} {path}: cannot create the folder {folder} ({exc.strerror})") from None
        if not os.access(folder, os.W_OK):
            raise ConfigError(f"{flag} {path}: the folder {folder} is not writable")


def _schema(args) -> int:
    schemas = {"employee": Employee.model_json_schema(), "program": Program.model_json_schema()}
    text = json.dumps(schemas, indent=2, default=str)
    if args.output:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        print(text)
    return 0


def _inputs(args) -> dict[str, Path | None]:
    return {
        "employees": args.employees,
        "skills": args.skills,
        "config": getattr(args, "config", None),
        "previous pairs": getattr(args, "previous", None),
        "history": getattr(args, "history", None),
    }


def _outputs(args) -> dict[str, Path | None]:
    return {
        "-o": args.output,
        "--unmatched": args.unmatched,
        "--report": getattr(args, "report", None),
        "--out-dir": getattr(args, "out_dir", None),
        "--changes": getattr(args, "changes", None),
    }


def _workforce(args) -> Workforce:
    return Workforce.from_csv(
        args.employees, args.skills, external_managers=args.external_managers, default_role=args.default_role
    )


def _match(args) -> int:
    if args.pseudonymize and (args.report or args.out_dir):
        raise ConfigError(
            "--pseudonymize covers -o and --unmatched only; the report and the audit folder "
            "name people, so leave --report/--out-dir out or drop --pseudonymize"
        )
    key = check_key(os.environ.get("REVMATCH_PSEUDONYM_KEY")) if args.pseudonymize else None  # before anything runs
    _check_outputs(_inputs(args), _outputs(args))
    program = Program.from_toml(args.config) if args.config else Program()
    wf = _workforce(args)
    result = match(wf, program, route=args.route, progress=_progress(args))
    write_result(result, args.output, args.unmatched, pseudonym_key=key)
    _print_summary(result, sys.stdout)
    print(f"wrote {args.output}" + (f" and {args.unmatched}" if args.unmatched else ""))
    inputs = {"employees": args.employees, "skills": args.skills} | ({"config": args.config} if args.config else {})
    _write_extras(result, args, inputs=inputs, seed=None)
    return 0


def _synth(args) -> int:
    wf = synthetic_workforce(n_employees=args.employees, seed=args.seed)
    paths = write_workforce(wf, args.output)
    print(f"wrote {len(wf)} employees to {paths[0]} and {len(wf.skills)} skill rows to {paths[1]}")
    return 0


def _rematch(args) -> int:
    _check_outputs(_inputs(args), _outputs(args))
    program = Program.from_toml(args.config) if args.config else Program()
    previous = read_table(args.previous)
    wf = _workforce(args)
    changed = rematch(previous, wf, program, reshuffle=args.reshuffle)
    write_result(changed.result, args.output, args.unmatched)
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
    _check_outputs(_inputs(args), _outputs(args))
    program = Program.from_toml(args.config) if args.config else Program()
    history = read_history(args.history)
    wf = _workforce(args)
    result = next_round(history, wf, program, priority_weight=args.priority_weight)
    write_result(result, args.output, args.unmatched)
    first = "by points" if args.priority_weight is not None else "first"
    print(
        f"{len(result.program.priority)} volunteers not yet paired in the history go {first}; "
        f"{len(history)} past pairs are not repeated"
    )
    _print_summary(result, sys.stdout)
    print(f"wrote {args.output}" + (f" and {args.unmatched}" if args.unmatched else ""))
    return 0


def _kpis(args) -> int:
    checkins = read_checkins(args.checkins)
    pairs = read_table(args.pairs)
    workforce = Workforce.from_csv(args.employees, args.skills) if args.employees else None
    as_of = date.fromisoformat(args.as_of) if args.as_of else date.today()
    kpis = programme_kpis(
        pairs, checkins, as_of, target_per_month=args.target_per_month, risk_weeks=args.risk_weeks, workforce=workforce
    )
    audit = None
    if args.audit:
        if workforce is None:
            raise ConfigError("--audit needs --employees and --skills (to know who opted in)")
        role = workforce.employees["role"].to_numpy()
        sides = {side: workforce.ids[(role == side) | (role == "both")] for side in ("mentor", "mentee")}
        scored = (
            pairs.assign(score=pd.to_numeric(pairs["score"], errors="coerce"))
            if "score" in pairs
            else pairs.assign(score=float("nan"))
        )  # a pairs file without scores: rates only
        audit = fairness_audit(scored, read_table(args.audit), opted_in=sides)
        print(audit.to_string(index=False))
    for key, value in kpis.figures.items():
        print(f"{key:24} {round(value, 3) if isinstance(value, float) else value}")
    if args.report:
        Path(args.report).write_text(kpis_html(kpis, audit), encoding="utf-8")
        print(f"wrote report {args.report}")
    return 0


def _workforce_arguments(parser) -> None:
    """The two HR files and how to read them: the same on every verb that matches."""
    parser.add_argument("employees", type=Path)
    parser.add_argument("skills", type=Path)
    parser.add_argument("--config", type=Path, help="programme rules and weights (TOML)")
    parser.add_argument(
        "--external-managers",
        action="store_true",
        help="a manager_id missing from the file is someone outside it, not an error",
    )
    parser.add_argument(
        "--default-role",
        default="none",
        choices=("none", "mentor", "mentee", "both"),
        help="the opt-in of a blank role cell, or of everyone without a role column (default: none, not enrolled)",
    )
    parser.add_argument("-o", "--output", type=Path, default=Path("pairs.csv"))
    parser.add_argument("--unmatched", type=Path, help="also write the unmatched people with reasons")


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
    _workforce_arguments(m)
    m.add_argument(
        "--pseudonymize",
        action="store_true",
        help="write stable hashed ids and no names (key: env REVMATCH_PSEUDONYM_KEY, a secret of 16+ characters)",
    )
    m.add_argument("--report", type=Path, help="write the self-contained HTML report here")
    m.add_argument("--out-dir", type=Path, help="write pairs.csv, unmatched.csv, pairs.jsonl and run.json here")
    _route_arguments(m)
    m.set_defaults(run=_match)

    s = sub.add_parser("synth", help="write a synthetic company as employees.csv and skills.csv")
    s.add_argument("--employees", type=int, default=1000)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("-o", "--output", type=Path, required=True, help="output folder")
    s.set_defaults(run=_synth)
    r = sub.add_parser("rematch", help="re-match a running programme after leavers and joiners")
    r.add_argument("previous", type=Path, help="the running pairs (CSV with mentor_id, mentee_id)")
    _workforce_arguments(r)
    r.add_argument("--changes", type=Path, help="write every pair kept, broken (with why) or new")
    r.add_argument("--reshuffle", action="store_true", help="do not lock surviving pairs (best total, then most kept)")
    r.set_defaults(run=_rematch)

    n = sub.add_parser("next-round", help="the next cohort: no pair repeated, last round's unplaced first")
    n.add_argument("history", type=Path, help="every past pair (CSV with mentor_id, mentee_id; other columns ignored)")
    _workforce_arguments(n)
    n.add_argument(
        "--priority-weight",
        type=float,
        help="favour the not-yet-paired by this many score points per person in a pair, instead of "
        "matching them first (the default)",
    )
    n.set_defaults(run=_next_round)

    k = sub.add_parser("kpis", help="programme KPIs from a check-ins file (and a fairness audit)")
    k.add_argument("checkins", type=Path, help="CSV: mentor_id, mentee_id, date[, rating, rated_by, skills]")
    k.add_argument("pairs", type=Path, help="the running pairs (CSV with mentor_id, mentee_id[, score])")
    k.add_argument("--as-of", help="date of the KPIs (YYYY-MM-DD, default today)")
    k.add_argument("--employees", type=Path)
    k.add_argument("--skills", type=Path)
    k.add_argument("--audit", type=Path, help="CSV: employee_id + audit attributes, never scored")
    k.add_argument("--target-per-month", type=float, default=1.0)
    k.add_argument("--risk-weeks", type=int, default=6)
    k.add_argument("--report", type=Path, help="write the KPI page (HTML)")
    k.set_defaults(run=_kpis)

    sc = sub.add_parser("schema", help="print (or write) the JSON Schema of Employee and Program")
    sc.add_argument("-o", "--output", type=Path)
    sc.set_defaults(run=_schema)
    return parser


def _note(message, category, filename, lineno, file=None, line=None) -> None:
    """revmatch's own warnings as one plain line on stderr: what was decided, and how to decide it."""
    if issubclass(category, RevmatchWarning):
        print(f"revmatch: note: {message}", file=sys.stderr)
    else:
        _show_warning(message, category, filename, lineno, file, line)


_show_warning = warnings.showwarning


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    warnings.showwarning = _note  # the command is an application: it may word warnings its own way
    try:
        return args.run(args)
    except RevmatchError as exc:
        print(f"revmatch: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        sys.stderr.close()
        return 0
    finally:
        warnings.showwarning = _show_warning


if __name__ == "__main__":
    raise SystemExit(main())
