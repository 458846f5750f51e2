"""A year of a reverse-mentoring programme: match, two check-in waves, leavers and joiners, re-match, KPIs.

python examples/programme_year.py          # writes ./year/ (pairs, check-ins, report.html)
"""

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

import revmatch as rm
from revmatch.fairness import fairness_audit
from revmatch.kpis import poorly_rated_pairs, programme_kpis
from revmatch.lifecycle import next_round, rematch
from revmatch.reporting import kpis_section

OUT = Path("year")
OUT.mkdir(exist_ok=True)
rng = np.random.default_rng(7)
program = rm.Program()  # the defaults: volunteers only, the junior teaches first, give-back at half weight

# January: the first cohort.
workforce = rm.synthetic_workforce(n_employees=1500, seed=7)
cohort = rm.match(workforce, program)
print("January match:", cohort)


def checkin_wave(pairs: pd.DataFrame, first: date, weeks: int) -> pd.DataFrame:
    """Simulated check-ins: most pairs meet every two to four weeks; a few go quiet or rate low."""
    rows = []
    for m, e in zip(pairs["mentor_id"], pairs["mentee_id"]):
        if rng.random() < 0.1:
            continue  # a quiet pair
        mood = rng.choice([2, 4, 5], p=[0.1, 0.5, 0.4])
        day = first + timedelta(days=int(rng.integers(0, 14)))
        while day < first + timedelta(weeks=weeks):
            side = rng.choice(["mentor", "mentee"])
            rows.append(
                (
                    m,
                    e,
                    day.isoformat(),
                    int(np.clip(mood + rng.integers(-1, 2), 1, 5)),
                    side,
                    ";".join(rng.choice(list(workforce.skill_names), size=2, replace=False)),
                )
            )
            day += timedelta(days=int(rng.integers(14, 29)))
    return pd.DataFrame(rows, columns=["mentor_id", "mentee_id", "date", "rating", "rated_by", "skills"])


# February to May: two waves of check-ins.
waves = pd.concat([checkin_wave(cohort.pairs, date(2026, 2, 1), 8), checkin_wave(cohort.pairs, date(2026, 4, 1), 8)])
waves.to_csv(OUT / "checkins.csv", index=False)
checkins = rm.kpis.read_checkins(OUT / "checkins.csv")

# June: three people leave (two mentors and a mentee in pairs), two join.
employees, skills = rm.models.workforce_frames(workforce)
leavers = [cohort.pairs["mentor_id"].iloc[0], cohort.pairs["mentor_id"].iloc[1], cohort.pairs["mentee_id"].iloc[2]]
joiners = pd.DataFrame(
    {
        "employee_id": ["N000001", "N000002"],
        "name": ["Ada Newcomer", "Bea Newhire"],
        "level": [1, 7],
        "department": ["IT", "Finance"],
        "manager_id": [employees["employee_id"].iloc[0]] * 2,
        "location": ["London", "Berlin"],
        "timezone": ["Europe/London", "Europe/Berlin"],
        "languages": ["English"] * 2,
        "role": ["mentor", "mentee"],
        "mentor_capacity": [1, 1],
        "mentee_capacity": [1, 1],
    }
)
joiner_skills = pd.DataFrame(
    {
        "employee_id": ["N000001", "N000001", "N000002", "N000002"],
        "skill": ["generative AI", "strategic planning", "generative AI", "budgeting"],
        "proficiency": [5, 0, 0, 5],
        "need": [0, 4, 5, 0],
    }
)
# Whoever reported to a leaver now reports to the leaver's manager.
manager_of = dict(zip(employees["employee_id"], employees["manager_id"]))
employees = employees[~employees["employee_id"].isin(leavers)].copy()
while employees["manager_id"].isin(leavers).any():
    employees["manager_id"] = employees["manager_id"].map(lambda m: manager_of[m] if m in leavers else m)
june = rm.Workforce.from_frames(
    pd.concat([employees, joiners]), pd.concat([skills[~skills["employee_id"].isin(leavers)], joiner_skills])
)
changed = rematch(cohort, june, program)
print("June re-match:", changed.summary_text())
print(changed.broken.to_string(index=False))

# July: KPIs of the running pairs, a fairness audit on attributes that are never scored, one report.
kpis = programme_kpis(changed.result.pairs, checkins, as_of=date(2026, 7, 1), workforce=june)
print("KPIs:", {k: (round(v, 2) if isinstance(v, float) else v) for k, v in kpis.figures.items()})
audit = pd.DataFrame(
    {
        "employee_id": june.ids,
        "gender": rng.choice(["woman", "man", "non-binary"], size=len(june), p=[0.48, 0.48, 0.04]),
        "age_band": rng.choice(["<30", "30-45", ">45"], size=len(june)),
    }
)
fairness = fairness_audit(changed.result, audit)
print(fairness.to_string(index=False))
(OUT / "report.html").write_text(
    rm.reporting.to_html(changed.result, "Reverse mentoring, July", extra_sections=kpis_section(kpis, fairness)),
    encoding="utf-8",
)

# Next January: a new cohort that repeats no pair of the year and never re-pairs a poorly rated one.
# By default the volunteers who got no place this year are matched first (priority_weight=... would
# favour them by points instead).
history = pd.concat([cohort.pairs, changed.result.pairs])[["mentor_id", "mentee_id"]].drop_duplicates()
second = next_round(history, june, program, poorly_rated=poorly_rated_pairs(checkins))
repeats = set(zip(history["mentor_id"], history["mentee_id"])) & set(
    zip(second.pairs["mentor_id"], second.pairs["mentee_id"])
)
waiting = set(second.program.priority)
placed = waiting & (set(second.pairs["mentor_id"]) | set(second.pairs["mentee_id"]))
print("Next cohort:", second, "repeated pairs:", len(repeats))
print(f"  {len(placed)} of the {len(waiting)} volunteers without a pair this year get one")
print(f"Wrote {OUT / 'checkins.csv'} and {OUT / 'report.html'}")
