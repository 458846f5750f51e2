"""Monitoring a running programme: check-ins → KPIs and pairs at risk (the fairness audit of a result is in
:mod:`revmatch.fairness`)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ConfigError
from .lifecycle import pairs_of
from .limits import PER_MONTH, WEEKS
from .models import Workforce
from .readers import read_frame
from .tables import shown
from .validate import Problems, Table, parse_int, required_columns, required_text, skill_key

CHECKIN_COLUMNS = ("mentor_id", "mentee_id", "date")
OPTIONAL_CHECKIN_COLUMNS = ("rating", "rated_by", "skills", "notes")


def read_checkins(source: str | Path | pd.DataFrame, *, dayfirst: bool | None = None) -> pd.DataFrame:
    """Check-ins (one row per meeting report) from a file of any format or a DataFrame, validated row by row.

    Columns: ``mentor_id``, ``mentee_id``, ``date`` required; ``rating`` (1–5), ``rated_by``
    (``mentor`` | ``mentee``), ``skills`` (``;``-separated, what was worked on) optional. A
    ``notes`` column of free text is private: it is never loaded.

    Dates are ISO (2026-03-15, a time after it is ignored). ``dayfirst=True`` also reads 15/03/2026
    (``/``, ``.`` or ``-`` between), ``dayfirst=False`` 03/15/2026; without it such a date is refused
    with its row, saying when it is ambiguous (09/03/2026: 9 March or 3 September?). How dates were
    read is in ``attrs["decisions"]``.
    """
    frame = source if isinstance(source, pd.DataFrame) else read_frame(source)
    table = Table.from_frame(
        frame,
        "checkins" if isinstance(source, pd.DataFrame) else str(source),
        spreadsheet_rows=not isinstance(source, pd.DataFrame),
    )
    problems = Problems()
    required_columns(table, CHECKIN_COLUMNS, problems)
    mentor, mentee = required_text(table, ("mentor_id", "mentee_id"), problems)
    parsed = parse_dates(table, "date", problems, dayfirst)
    rating = parse_int(table, "rating", problems, default=0, low=0, high=5)
    rated_by = np.array([x.casefold() for x in table.text("rated_by")], dtype=object)
    problems.add_rows(
        table,
        ~pd.Series(rated_by).isin(["", "mentor", "mentee"]).to_numpy(),
        "rated_by",
        lambda i: f"{table.text('rated_by')[i]!r} is not mentor or mentee",
    )
    problems.raise_if_any()
    out = pd.DataFrame(
        {
            "mentor_id": mentor,
            "mentee_id": mentee,
            "date": parsed.dt.date.to_numpy(),
            "rating": np.where(rating > 0, rating, np.nan),
            "rated_by": rated_by,
            "skills": [tuple(skill_key(s) for s in x.split(";") if s.strip()) for x in table.text("skills")],
        }
    )
    out.attrs.update(decisions={"dates": DATE_ORDERS[dayfirst]}, where=table.where, rows=table.rows)
    return out


DATE_ORDERS = {None: "ISO only", True: "ISO, or day first (DD/MM/YYYY)", False: "ISO, or month first (MM/DD/YYYY)"}
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


def parse_dates(table: Table, column: str, problems: Problems, dayfirst: bool | None) -> pd.Series:
    """Dates of a text column: ISO always; DD/MM/YYYY or MM/DD/YYYY only as ``dayfirst`` says, else named."""
    if dayfirst not in DATE_ORDERS:
        raise ConfigError(f"dayfirst must be True, False or None (ISO dates only), got {dayfirst!r}")
    values: list[date | None] = []
    for i, cell in enumerate(table.text(column).tolist()):
        iso, numeric = _ISO.match(cell), _NUMERIC.match(cell)
        parts = iso.groups() if iso else None
        if numeric and dayfirst is not None:
            a, b, year = numeric.groups()
            parts = (year, b, a) if dayfirst else (year, a, b)
        try:
            values.append(date(*map(int, parts)) if parts else None)
        except ValueError:
            values.append(None)
        if values[-1] is None:
            problems.add_cell(table, table.rows[i], column, _date_problem(cell, numeric, dayfirst))
    return pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype="datetime64[ns]")


def _date_problem(cell: str, numeric, dayfirst: bool | None) -> str:
    if numeric is None:
        return f"{shown(cell)} is not a date like 2026-03-15"
    if dayfirst is not None:
        return f"{shown(cell)} is not a date ({'DD/MM/YYYY' if dayfirst else 'MM/DD/YYYY'})"
    a, b, _ = (int(x) for x in numeric.groups())
    if a <= 12 and b <= 12 and a != b:
        read = f"{a} {calendar.month_name[b]} or {b} {calendar.month_name[a]}"
        return f"{shown(cell)} is ambiguous ({read}?): say dayfirst=True or False (CLI: --dayfirst or --monthfirst)"
    return f"{shown(cell)} is not ISO (2026-03-15): say dayfirst=True or False (CLI: --dayfirst or --monthfirst)"


@dataclass(frozen=True)
class Kpis:
    """Programme indicators as of a date; ``figures`` is flat and JSON-ready, the tables detail it."""

    figures: dict[str, float | int | str | None]
    per_pair: pd.DataFrame
    at_risk: pd.DataFrame
    satisfaction: pd.DataFrame
    skills: pd.DataFrame


def _check_settings(target_per_month: float, risk_weeks: int, low_rating: float) -> None:
    if isinstance(risk_weeks, bool) or not isinstance(risk_weeks, (int, np.integer)) or not 1 <= risk_weeks <= WEEKS:
        raise ConfigError(f"risk_weeks must be a whole number of weeks from 1 to {WEEKS}, got {risk_weeks!r}")
    if not (isinstance(target_per_month, (int, float)) and 0 < target_per_month <= PER_MONTH):
        raise ConfigError(f"target_per_month must be above 0 and at most {PER_MONTH}, got {target_per_month!r}")
    if not (isinstance(low_rating, (int, float)) and 0 <= low_rating <= 5):
        raise ConfigError(f"low_rating must be a number from 0 to 5, got {low_rating!r}")


def programme_kpis(
    pairs,
    checkins: pd.DataFrame,
    as_of: date,
    *,
    start: date | None = None,
    target_per_month: float = 1.0,
    risk_weeks: int = 6,
    low_rating: float = 2.0,
    workforce: Workforce | None = None,
) -> Kpis:
    """KPIs of the running pairs from their check-ins up to ``as_of``.

    - *active*: a pair with a check-in in the last ``risk_weeks`` weeks;
    - *cadence*: check-ins per month since ``start`` (default: the first check-in of the programme);
      a pair is *on cadence* at ``target_per_month`` or more;
    - *satisfaction*: mean rating (1–5) given by mentors and by mentees;
    - *at risk*: no check-in for ``risk_weeks`` weeks (or none at all), or a mean rating at or below
      ``low_rating``;
    - *skills*: check-ins per skill worked on and, with ``workforce``, how many of the pairs whose mentee
      needs the skill have worked on it.
    Check-ins of pairs that are not in ``pairs`` are counted in ``figures["checkins_outside_pairs"]``.

    Raises ConfigError when ``risk_weeks`` is not a whole number from 1 to ``limits.WEEKS`` or
    ``target_per_month`` / ``low_rating`` is not a finite number in its range.
    """
    _check_settings(target_per_month, risk_weeks, low_rating)
    current = pairs_of(pairs)
    seen = checkins[checkins["date"] <= as_of]
    running = set(current)
    inside = np.array([k in running for k in zip(seen["mentor_id"], seen["mentee_id"])], dtype=bool)
    seen_in = seen[inside] if len(seen) else seen
    start = start or (min(seen["date"]) if len(seen) else as_of)
    months = max((as_of - start).days / 30.44, 1 / 30.44)
    per_pair = _per_pair(current, seen_in, as_of, months, risk_weeks, low_rating)
    satisfaction = (
        seen_in[seen_in["rating"].notna() & (seen_in["rated_by"] != "")]
        .groupby("rated_by")["rating"]
        .agg(["count", "mean"])
        .reset_index()
    )
    side_mean = dict(zip(satisfaction["rated_by"], satisfaction["mean"]))
    figures: dict[str, float | int | str | None] = {
        "as_of": str(as_of),
        "pairs": len(current),
        "checkins": len(seen_in),
        "checkins_outside_pairs": int(len(seen) - len(seen_in)),
        "active_pairs": int(per_pair["active"].sum()),
        "active_share": _share(per_pair["active"].sum(), len(current)),
        "mean_checkins_per_month": float(per_pair["per_month"].mean()) if len(per_pair) else None,
        "on_cadence_share": _share((per_pair["per_month"] >= target_per_month).sum(), len(current)),
        "mentor_satisfaction": side_mean.get("mentor"),
        "mentee_satisfaction": side_mean.get("mentee"),
        "pairs_at_risk": int((per_pair["risk"] != "").sum()),
    }
    at_risk = per_pair[per_pair["risk"] != ""].reset_index(drop=True)
    return Kpis(figures, per_pair, at_risk, satisfaction, _skills_worked(current, seen_in, workforce))


def _per_pair(
    current: list[tuple[str, str]], seen: pd.DataFrame, as_of: date, months: float, risk_weeks: int, low_rating: float
) -> pd.DataFrame:
    """One row per running pair: check-ins, the last one, per month, mean rating, active, why at risk."""
    # One pass over the check-ins, grouped by pair, instead of one scan per pair.
    by_pair = seen.groupby(["mentor_id", "mentee_id"]).agg(
        count=("date", "size"), last=("date", "max"), mean=("rating", "mean")
    )
    stats = {
        key: (int(c), d, None if pd.isna(r) else float(r))
        for key, c, d, r in zip(by_pair.index, by_pair["count"], by_pair["last"], by_pair["mean"])
    }
    rows = []
    for m, e in current:
        count, last, mean = stats.get((m, e), (0, None, None))
        silent = last is None or (as_of - last) > timedelta(weeks=risk_weeks)
        low = mean is not None and mean <= low_rating
        why = [
            ("no check-in yet" if last is None else f"no check-in since {last}") if silent else "",
            f"mean rating {mean:.1f}" if low else "",
        ]
        rows.append((m, e, count, last, count / months, mean, not silent, "; ".join(filter(None, why))))
    columns = ["mentor_id", "mentee_id", "checkins", "last_checkin", "per_month", "mean_rating", "active", "risk"]
    return pd.DataFrame(rows, columns=columns)


def _skills_worked(current: list[tuple[str, str]], seen: pd.DataFrame, workforce: Workforce | None) -> pd.DataFrame:
    """Check-ins per skill worked on; with the workforce, pairs whose mentee needs it and those who worked on it."""
    worked = pd.Series([s for skills in seen["skills"] for s in skills], dtype=object)
    if not len(worked):
        return pd.DataFrame({"skill": [], "checkins": []})
    skills = worked.value_counts().rename_axis("skill").reset_index(name="checkins")
    if workforce is None:
        return skills
    keys = [skill_key(s) for s in workforce.skill_names]
    need = {k: workforce.need[:, c] for c, k in enumerate(keys)}
    pair_skills: dict[tuple[str, str], set[str]] = {(m, e): set() for m, e in current}
    for m, e, s in zip(seen["mentor_id"], seen["mentee_id"], seen["skills"]):
        pair_skills[(m, e)].update(s)
    known = set(workforce.ids)
    mentee_row = {e: workforce.index_of([e])[0] for _, e in current if e in known}
    needing = {
        k: [(m, e) for m, e in current if e in mentee_row and k in need and need[k][mentee_row[e]] > 0]
        for k in skills["skill"]
    }
    skills["pairs_needing"] = [len(needing[k]) for k in skills["skill"]]
    skills["pairs_needing_and_worked"] = [sum(k in pair_skills[p] for p in needing[k]) for k in skills["skill"]]
    return skills


def _share(part, whole) -> float | None:
    return float(part) / whole if whole else None


def poorly_rated_pairs(checkins: pd.DataFrame, threshold: float = 2.0) -> list[tuple[str, str]]:
    """Pairs whose mean rating is at or below ``threshold``: feed them to the next round as forbidden."""
    rated = checkins[checkins["rating"].notna()]
    means = rated.groupby(["mentor_id", "mentee_id"])["rating"].mean()
    return sorted((str(m), str(e)) for (m, e), v in zip(means.index, means.to_numpy()) if v <= threshold)
