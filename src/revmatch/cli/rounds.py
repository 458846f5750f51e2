"""A running programme: `rematch` after leavers and joiners, `next-round` for the next cohort."""

from __future__ import annotations

import sys
from pathlib import Path

from ..errors import ConfigError
from ..lifecycle import next_round, read_history, rematch
from ..tables import read_table
from .common import (
    check_outputs,
    finish_round,
    leading_file,
    load_program,
    load_workforce,
    print_summary,
    pseudonym_key,
    workforce_arguments,
    write_pairs,
)
from .store import db_arguments, open_store, save


def _rematch(args) -> int:
    leading_file(args, "previous")
    if args.db and args.previous is not None:
        raise ConfigError("with --db the running pairs come from the store: leave the pairs file out")
    key = pseudonym_key(args)
    check_outputs(args)
    program = load_program(args)
    previous = read_table(args.previous, escaped=True) if args.previous is not None else None
    wf = load_workforce(args)
    store = open_store(args, key) if args.db else None
    changed = rematch(previous, wf, program, reshuffle=args.reshuffle, store=store)
    if store is not None:
        save(store, changed, args, {"employees": args.employees, "skills": args.skills})
    return finish_round(changed, args, key)


def _next_round(args) -> int:
    leading_file(args, "history")
    key = pseudonym_key(args)
    check_outputs(args)
    program = load_program(args)
    history = read_history(args.history) if args.history is not None else None
    wf = load_workforce(args)
    store = open_store(args, key) if args.db else None
    result = next_round(history, wf, program, priority_weight=args.priority_weight, store=store)
    if store is not None:
        save(store, result, args, {"employees": args.employees, "skills": args.skills})
    write_pairs(result, args, key)
    first = "by points" if args.priority_weight is not None else "first"
    past = len(result.program.past_pairs)
    print(
        f"{len(result.program.priority)} volunteers not yet paired in the history go {first}; "
        f"{past} past pairs are not repeated"
    )
    print_summary(result, sys.stdout)
    print(f"wrote {args.output}" + (f" and {args.unmatched}" if args.unmatched else ""))
    return 0


def add_parsers(sub) -> None:
    r = sub.add_parser("rematch", help="re-match a running programme after leavers and joiners")
    workforce_arguments(r, "previous", "the running pairs (CSV with mentor_id, mentee_id; with --db: left out)")
    r.add_argument("--changes", type=Path, help="write every pair kept, broken (with why) or new")
    r.add_argument("--reshuffle", action="store_true", help="do not lock surviving pairs (best total, then most kept)")
    db_arguments(r)
    r.set_defaults(run=_rematch)

    n = sub.add_parser("next-round", help="the next cohort: no pair repeated, last round's unplaced first")
    workforce_arguments(
        n, "history", "every past pair (CSV with mentor_id, mentee_id; other columns ignored); --db adds the store's"
    )
    n.add_argument(
        "--priority-weight",
        type=float,
        help="favour the not-yet-paired by this many score points per person in a pair, instead of "
        "matching them first (the default)",
    )
    db_arguments(n)
    n.set_defaults(run=_next_round)
