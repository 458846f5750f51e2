"""The participants' voice: `shortlist` (suggestions and mail-merge letters) and `respond` (accept/decline)."""

from __future__ import annotations

from pathlib import Path

from ..errors import ConfigError
from ..matching import ROUTES
from ..reporting.page import page
from ..reporting.voice import shortlists_section
from ..reporting.writing import write_csv, write_text
from ..respond import respond
from ..shortlists import SIDES, mail_merge, shortlists
from ..tables import read_table
from .common import (
    check_outputs,
    finish_round,
    load_program,
    load_workforce,
    preferences_argument,
    pseudonym_key,
    read_stated,
    workforce_arguments,
)
from .store import db_arguments, open_store, save


def _shortlist(args) -> int:
    check_outputs(args)
    program = load_program(args)
    prefs = read_stated(args)
    wf = load_workforce(args)
    lists = shortlists(
        wf, program, k=args.k, side=args.side, preferences=prefs, max_exposure=args.max_exposure, route=args.route
    )
    write_csv(lists, args.output, formula_safe=not args.raw_csv)
    people, exposure = lists["employee_id"].nunique(), lists["partner_id"].value_counts()
    print(
        f"{len(lists)} suggestions for {people} {args.side}s (rank 1: the optimal matching, total score "
        f"{lists.attrs['optimum']:g}); most shortlists any partner is in: {int(exposure.max()) if len(exposure) else 0}"
    )
    print(f"wrote {args.output}")
    if args.letters:
        write_csv(mail_merge(lists, wf, args.k), args.letters, formula_safe=not args.raw_csv)
        print(f"wrote {args.letters}")
    if args.report:
        write_text(args.report, page("revmatch shortlists", shortlists_section(lists)))
        print(f"wrote report {args.report}")
    return 0


def _respond(args) -> int:
    if args.skills is None:  # [previous] responses employees skills: previous comes from --db
        if not args.db:
            raise ConfigError("give previous.csv, responses.csv, employees.csv and skills.csv (or --db for the pairs)")
        args.previous, args.responses, args.employees, args.skills = (
            None,
            args._previous,
            args._responses,
            args.employees,
        )
    else:
        args.previous, args.responses = args._previous, args._responses
    key = pseudonym_key(args)
    check_outputs(args)
    program = load_program(args)
    previous = read_table(args.previous, escaped=True) if args.previous is not None else None
    prefs = read_stated(args)
    wf = load_workforce(args)
    store = open_store(args, key) if args.db else None
    changed = respond(previous, args.responses, wf, program, preferences=prefs, store=store)
    if store is not None:
        save(store, changed, args, {"employees": args.employees, "skills": args.skills, "responses": args.responses})
    return finish_round(changed, args, key, declined=changed.declined)


def add_parsers(sub) -> None:
    s = sub.add_parser("shortlist", help="suggest k partners to everyone on one side, nobody in too many lists")
    workforce_arguments(s)
    s.set_defaults(output=Path("shortlists.csv"))
    s.add_argument("--k", type=int, default=3, help="suggestions per person (default 3)")
    s.add_argument("--side", choices=SIDES, default="mentee", help="who receives the shortlists (default mentee)")
    s.add_argument("--max-exposure", type=int, help="most shortlists one partner appears in (default k × capacity)")
    s.add_argument(
        "--letters", type=Path, help="also write one mail-merge row per person with each suggestion's reason"
    )
    s.add_argument("--route", choices=ROUTES, default="auto", help="as for match")
    s.add_argument("--report", type=Path, help="also write an HTML page of each partner's shortlist exposure")
    preferences_argument(s)
    s.set_defaults(run=_shortlist)

    r = sub.add_parser("respond", help="apply accept/decline responses to proposed pairs and re-match the freed")
    r.add_argument("_previous", metavar="previous", type=Path, help="the proposed pairs (with --db: left out)")
    workforce_arguments(r, "responses", "the responses (CSV: mentor_id, mentee_id, response = accept or decline)")
    r.add_argument("--changes", type=Path, help="write every pair declined, kept, broken (with why) or new")
    preferences_argument(r)
    db_arguments(r)
    r.set_defaults(run=_respond)
