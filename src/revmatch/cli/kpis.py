"""`kpis`: a running programme's KPIs from its check-ins, a fairness audit, and the KPI page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from ..errors import ConfigError
from ..fairness import fairness_audit
from ..kpis import programme_kpis, read_checkins
from ..limits import PER_MONTH, WEEKS
from ..models import Workforce
from ..reporting.kpi_page import kpis_html
from ..reporting.writing import write_text
from ..tables import read_table
from .common import check_outputs, date_order_arguments, pseudonym_key
from .store import db_arguments, open_store


def _kpis(args) -> int:
    check_outputs(args)
    as_of = _as_of(args.as_of)
    workforce = Workforce.from_csv(args.employees, args.skills) if args.employees else None
    options = {"target_per_month": args.target_per_month, "risk_weeks": args.risk_weeks, "workforce": workforce}
    if args.db:
        if args.pairs is not None:
            raise ConfigError("with --db the running pairs come from the store: give only the check-ins file (or none)")
        store = open_store(args, pseudonym_key(args))
        if args.checkins is not None:
            print(f"recorded {store.record_checkins(args.checkins, dayfirst=args.dayfirst)} new or changed check-ins")
        kpis = store.kpis(as_of, round=args.round, **options)
        pairs = store.pairs(args.round, workforce=workforce)
    else:
        if args.checkins is None or args.pairs is None:
            raise ConfigError("kpis needs the check-ins file and the pairs file (or --db for the pairs)")
        pairs = read_table(args.pairs, escaped=True)
        kpis = programme_kpis(pairs, read_checkins(args.checkins, dayfirst=args.dayfirst), as_of, **options)
    audit = _audit(args, workforce, pairs) if args.audit else None
    for key, value in kpis.figures.items():
        print(f"{key:24} {round(value, 3) if isinstance(value, float) else value}")
    if args.report:
        write_text(args.report, kpis_html(kpis, audit))
        print(f"wrote report {args.report}")
    return 0


def _as_of(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--as-of {text!r} is not a date (YYYY-MM-DD)") from None


def _audit(args, workforce: Workforce | None, pairs: pd.DataFrame) -> pd.DataFrame:
    """Match rates by audit group, from a file of attributes that never reach the score."""
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
    return audit


def add_parsers(sub) -> None:
    k = sub.add_parser("kpis", help="programme KPIs from a check-ins file (and a fairness audit)")
    k.add_argument("checkins", type=Path, nargs="?", help="CSV: mentor_id, mentee_id, date[, rating, rated_by, skills]")
    k.add_argument("pairs", type=Path, nargs="?", help="the running pairs (CSV: mentor_id, mentee_id[, score])")
    k.add_argument("--as-of", help="date of the KPIs (YYYY-MM-DD, default today)")
    k.add_argument("--employees", type=Path)
    k.add_argument("--skills", type=Path)
    k.add_argument("--audit", type=Path, help="CSV: employee_id + audit attributes, never scored")
    k.add_argument(
        "--target-per-month", type=float, default=1.0, help=f"check-ins a month (above 0, at most {PER_MONTH})"
    )
    k.add_argument(
        "--risk-weeks", type=int, default=6, help=f"weeks without a check-in that put a pair at risk (1–{WEEKS})"
    )
    date_order_arguments(k)
    k.add_argument("--report", type=Path, help="write the KPI page (HTML)")
    db_arguments(k)
    k.set_defaults(run=_kpis)
