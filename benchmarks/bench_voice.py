"""The participants' voice at scale: stated ranks against none, shortlists, and the stated objectives.

    python benchmarks/bench_voice.py                 # 10 000 × 10 000, 5 ranked choices per person
    python benchmarks/bench_voice.py --n 2000 --objectives 500

Measures, in one process on one company (so the ratios are fair), the company of
``bench_scale.n_by_n`` (N mentors × N mentees, ``Program(min_level_gap=2)``):

(a) ``rm.match`` on the sparse route without preferences, then with 5 ranked choices per person (every
    mentee ranks 5 mentors and every mentor 5 mentees, drawn at random from the other side: 2 × 5 N
    statements), each run twice in alternation (the best of each is kept); the share of the people
    who ranked anyone paired with their first choice, with and without the ranks weighing in;
(b) ``rm.shortlists`` (k = 3) with and without the ranks: two matches each, on the sparse route;
(c) on an ``--objectives`` × ``--objectives`` company (the dense route), ``total`` with the ranks
    weighing in, ``rank_maximal`` and ``stable``: seconds, first choices met, blocking pairs, total score.

Prints a table with the date, the machine's load average and its cores.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime

import numpy as np
import pandas as pd

import revmatch as rm
from bench_scale import PROGRAM, n_by_n
from revmatch.rules import participants


def ranked_choices(wf: rm.Workforce, choices: int, seed: int = 0) -> rm.Preferences:
    """Every opted-in person ranks ``choices`` people of the other side, drawn at random."""
    rng = np.random.default_rng(seed)
    mentors, mentees = (wf.ids[rows] for rows in participants(wf, PROGRAM))
    rows = []
    for people, others in ((mentees, mentors), (mentors, mentees)):
        for person in people:
            drawn = dict.fromkeys(rng.integers(0, len(others), 4 * choices).tolist())  # distinct, in draw order
            rows += [(person, others[p], str(r)) for r, p in enumerate(list(drawn)[:choices], start=1)]
    return rm.read_preferences(pd.DataFrame(rows, columns=["employee_id", "partner_id", "preference"]))


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def bench_match(wf: rm.Workforce, prefs: rm.Preferences, repeats: int) -> list[dict]:
    rows = []
    runs = {"no preferences": {}, "5 ranked choices": {"preferences": prefs}}
    best: dict[str, float] = {}
    results: dict[str, rm.MatchResult] = {}
    for _ in range(repeats):  # alternate, so a busy machine slows both alike
        for name, extra in runs.items():
            result, seconds = timed(rm.match, wf, PROGRAM, route="sparse", **extra)
            best[name] = min(best.get(name, np.inf), seconds)
            results[name] = result
    unweighted = rm.match(wf, PROGRAM.model_copy(update={"preference_weight": 0.0}), preferences=prefs, route="sparse")
    for name, result in results.items():
        voice = result.voice if result.voice is not None else unweighted.voice
        rows.append(
            {
                "run": f"match, {name}",
                "seconds": round(best[name], 2),
                "stages": ", ".join(f"{k} {v:.2f}" for k, v in result.timings.items()),
                "pairs": len(result.pairs),
                "total": result.objective,
                "status": str(result.status),
                "first choice": f"{voice.shares()['first']:.1%}",
            }
        )
    return rows


def bench_shortlists(wf: rm.Workforce, prefs: rm.Preferences) -> list[dict]:
    rows = []
    for name, extra in {"no preferences": {}, "5 ranked choices": {"preferences": prefs}}.items():
        lists, seconds = timed(rm.shortlists, wf, PROGRAM, k=3, route="sparse", **extra)
        rows.append(
            {
                "run": f"shortlists k=3, {name}",
                "seconds": round(seconds, 2),
                "suggestions": len(lists),
                "most exposed": int(lists.partner_id.value_counts().max()),
                "total": lists.attrs["optimum"],
            }
        )
    return rows


def bench_objectives(n: int) -> list[dict]:
    wf, _ = n_by_n(n, seed=1)
    prefs = ranked_choices(wf, 5, seed=1)
    rows = []
    for objective in ("total", "rank_maximal", "stable"):
        program = PROGRAM.model_copy(update={"objective": objective})
        result, seconds = timed(rm.match, wf, program, preferences=prefs, route="dense")
        rows.append(
            {
                "run": f"{n} × {n}, objective {objective}",
                "seconds": round(seconds, 2),
                "pairs": len(result.pairs),
                "total": result.objective,
                "first choice": f"{result.voice.shares()['first']:.1%}",
                "blocking": len(result.voice.blocking),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="mentors and mentees each (default 10 000)")
    parser.add_argument("--choices", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--objectives", type=int, default=1000, help="size of the stated-objectives run (0: skip)")
    args = parser.parse_args(argv)
    wf, _ = n_by_n(args.n)
    prefs, seconds = timed(ranked_choices, wf, args.choices)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load average {load}")
    print(f"{args.n} × {args.n}: {len(prefs)} statements ({args.choices} ranked choices each) read in {seconds:.2f} s")
    rows = bench_match(wf, prefs, args.repeats) + bench_shortlists(wf, prefs)
    if args.objectives:
        rows += bench_objectives(args.objectives)
    print(pd.DataFrame(rows).astype(object).fillna("").to_string(index=False))


if __name__ == "__main__":
    main()
