"""What the programme loop costs: re-matching after leavers and joiners vs a fresh match, and KPIs.

    python benchmarks/bench_lifecycle.py [employees]      # default 10000

Prints seconds for the first match, a fresh match of the changed workforce (baseline, same run), the
re-match (locked survivors) and the reshuffle, then KPIs and a fairness audit over simulated check-ins.
"""

from __future__ import annotations

import sys
import time
from datetime import date, timedelta

import numpy as np
import pandas as pd

import revmatch as rm
from revmatch.fairness import fairness_audit
from revmatch.kpis import programme_kpis
from revmatch.lifecycle import rematch


def timed(fn, *args, **kwargs):
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 10_000
    program = rm.Program(min_level_gap=2)
    wf = rm.synthetic_workforce(n, seed=0)
    first, t_first = timed(rm.match, wf, program)
    emp, sk = rm.models.workforce_frames(wf)
    leavers = set(first.pairs["mentor_id"].iloc[:20]) | set(first.pairs["mentee_id"].iloc[20:30])
    later = rm.Workforce.from_frames(
        emp[~emp["employee_id"].isin(leavers)], sk[~sk["employee_id"].isin(leavers)], external_managers=True
    )
    _, t_fresh = timed(rm.match, later, program)
    kept, t_rematch = timed(rematch, first, later, program)
    shuffled, t_reshuffle = timed(rematch, first, later, program, reshuffle=True)
    rng = np.random.default_rng(0)
    pairs = kept.result.pairs
    rows = [
        (m, e, (date(2026, 2, 1) + timedelta(days=int(d))), int(r), side, ())
        for m, e in zip(pairs["mentor_id"], pairs["mentee_id"])
        for d, r, side in zip(rng.integers(0, 120, 6), rng.integers(1, 6, 6), rng.choice(["mentor", "mentee"], 6))
    ]
    checkins = pd.DataFrame(rows, columns=["mentor_id", "mentee_id", "date", "rating", "rated_by", "skills"])
    _, t_kpis = timed(programme_kpis, pairs, checkins, date(2026, 6, 1), workforce=later)
    audit = pd.DataFrame({"employee_id": later.ids, "gender": rng.choice(["a", "b", "c"], len(later))})
    _, t_audit = timed(fairness_audit, kept.result, audit)
    print(f"{n} employees, {len(leavers)} leavers; first match {len(first.pairs)} pairs")
    print(f"{'step':34} {'seconds':>8} {'vs fresh match':>15}")
    for name, seconds in [
        ("first match", t_first),
        ("fresh match after leavers", t_fresh),
        ("rematch (survivors locked)", t_rematch),
        ("rematch --reshuffle", t_reshuffle),
        (f"KPIs over {len(checkins)} check-ins", t_kpis),
        ("fairness audit", t_audit),
    ]:
        print(f"{name:34} {seconds:8.3f} {seconds / t_fresh:15.2f}")
    print(f"rematch: {kept.summary_text()}")
    print(f"reshuffle: {shuffled.summary_text()}")


if __name__ == "__main__":
    main(sys.argv[1:])
