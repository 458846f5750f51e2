"""The programme store on the command line: --db on the verbs that match, and `db` to look after it."""

from __future__ import annotations

from ..errors import ConfigError
from .common import date_order_arguments, pseudonym_key


def open_store(args, key: str | None):
    """The programme store named by --db (created if new); with --pseudonymize it holds pseudonyms under ``key``."""
    try:
        from ..store import ProgrammeStore  # SQLAlchemy is an extra: imported only when --db is used
    except ImportError as error:
        raise ConfigError(str(error)) from None
    return ProgrammeStore(args.db, pseudonym_key=key)


def save(store, result, args, inputs: dict) -> None:
    """Save a command's result as one transaction, before any output file is written."""
    name = store.save(result, round=args.round, inputs=inputs)
    print(f"saved round {name} to {store.url.render_as_string(hide_password=True)}")


def db_arguments(parser, pseudonymize: bool = True) -> None:
    parser.add_argument("--db", help="the programme store: a database URL, or a file path for SQLite")
    parser.add_argument("--round", help="with --db: the round's name (default: a new round-<n>, or the last round)")
    if pseudonymize:
        parser.add_argument(
            "--pseudonymize",
            action="store_true",
            help="stable hashed ids, no names (key: env REVMATCH_PSEUDONYM_KEY); a pseudonymised store needs it",
        )


def _db(args) -> int:
    if args.action != "rounds" and not args.target:
        what = {"export": "a folder", "responses": "a CSV file", "checkins": "a CSV file", "erase": "an employee id"}
        raise ConfigError(f"db {args.action} needs {what[args.action]}")
    store = open_store(args, pseudonym_key(args))
    if args.action == "export":
        paths = store.export(args.target)
        print(f"wrote {', '.join(str(p) for p in paths.values())}")
    elif args.action == "rounds":
        print(store.rounds().to_string(index=False))
    elif args.action == "responses":
        print(f"recorded {store.record_responses(args.target)} new or changed responses")
    elif args.action == "checkins":
        print(f"recorded {store.record_checkins(args.target, dayfirst=args.dayfirst)} new or changed check-ins")
    elif args.action == "erase":
        counts = store.erase(args.target)
        print(f"erased {args.target}: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + " (KPIs unchanged)")
    return 0


def add_parsers(sub) -> None:
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
    date_order_arguments(db)
    db.set_defaults(run=_db)
