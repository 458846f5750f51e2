"""What-if advice: the time of each change's re-solve against the first match of the same run.

    python benchmarks/bench_advise.py                       # 2000, 10000 and 10000x10000
    python benchmarks/bench_advise.py --sizes 2000 --tradeoffs

For each company, in one process: ``rm.match`` with the default ``Program()`` (the first match, with
its stages: score, solve, explain), then ``rm.advise`` with its default changes plus three of an
admin's own (require cross-department pairs, require the same location, a level gap of 2), and
prints each row's seconds and their ratio to the first match. ``2000`` and ``10000`` are
``rm.synthetic_workforce(n, seed=0)`` (its realistic opt-in: about 1 800 mentors × 315 mentees at
10 000); ``10000x10000`` is 10 000 mentors × 10 000 mentees built as ``bench_scale.py`` builds its
N × N programmes (the 10 000 most senior people of an 80 000-person company as mentees, the 10 000
most junior as mentors, reporting lines kept). With ``--tradeoffs``, ``rm.tradeoffs`` too (coverage
and fair take the dense route). With ``--ties``, why a row is not a warm re-solve: the same
programme's scores solved with mentors and mentees in four other orders, each proved optimal, and the
spread of what a sponsor reads across those equally optimal matchings (dense route, so up to 10 000
employees). The load average is printed: the machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime
from pathlib import Path

import revmatch as rm
from revmatch.reporting.summary import pair_figures

sys.path.insert(0, str(Path(__file__).parent))
from bench_scale import n_by_n  # the N × N companies, built one way for every benchmark

OWN_CHANGES = [{"require_different_department": True}, {"require_same_location": True}, {"min_level_gap": 2}]


def company(size: str) -> rm.Workforce:
    if "x" in size:
        n, m = (int(x) for x in size.split("x"))
        if n != m:
            raise SystemExit("N x N companies only (the same N both sides)")
        return n_by_n(n)[0]
    return rm.synthetic_workforce(int(size), seed=0)


def run(size: str, with_tradeoffs: bool) -> None:
    wf = company(size)
    start = time.perf_counter()
    first = rm.match(wf)
    t_first = time.perf_counter() - start
    shape = first.scores.shape
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in first.timings.items())
    print(f"\n== {size}: {shape[0]:,} mentors × {shape[1]:,} mentees, {len(first.pairs):,} pairs")
    print(f"first match {t_first:.2f} s ({stages}); load average {os.getloadavg()[0]:.1f}")
    changes = rm.whatif.default_changes(wf, rm.Program(), first)
    changes += [rm.whatif.as_change(c, rm.Program()) for c in OWN_CHANGES]
    start = time.perf_counter()
    advice = rm.advise(wf, rm.Program(), changes)
    t_advise = time.perf_counter() - start
    print(f"advise {t_advise:.2f} s: its own current match {advice.base_seconds:.2f} s, {len(changes)} re-solves")
    print(f"{'change':<72} {'seconds':>8} {'× first':>8} {'seniors':>8} {'total':>9} status")
    for row, seconds in zip(advice.table.to_dict("records"), advice.seconds):
        print(
            f"{row['change'][:72]:<72} {seconds:8.2f} {seconds / t_first:8.2f} {row['mentees_matched']!s:>8} "
            f"{row['total']:9.1f} {row['status']}"
        )
    ratios = [s / t_first for s in advice.seconds]
    print(f"per change: median {sorted(ratios)[len(ratios) // 2]:.2f} × the first match, most {max(ratios):.2f} ×")
    if with_tradeoffs:
        start = time.perf_counter()
        table = rm.tradeoffs(wf, rm.Program())
        print(f"tradeoffs {time.perf_counter() - start:.2f} s")
        print(table.drop(columns=["note"]).to_string(index=False))


def ties(size: str, orders: int = 4) -> None:
    """The spread of people and teaching across optimal matchings of one programme (other row orders)."""
    import numpy as np

    from revmatch.engine import Tuning

    scores = rm.score(company(size), rm.Program())
    seen = []
    for seed in range(orders + 1):
        rng = np.random.default_rng(seed)
        rows = rng.permutation(scores.shape[0]) if seed else np.arange(scores.shape[0])
        cols = rng.permutation(scores.shape[1]) if seed else np.arange(scores.shape[1])
        a = rm.solve(
            scores.matrix[np.ix_(rows, cols)],
            scores.allowed[np.ix_(rows, cols)],
            scores.mentor_capacity[rows],
            scores.mentee_capacity[cols],
            tuning=Tuning(dense_kernel=False),
        )
        pairs = [(int(rows[i]), int(cols[j])) for i, j in a.pairs]
        figures = pair_figures(scores, pairs)
        seen.append(
            (a.status, a.objective, figures["mentees_matched"], figures["mentors_matched"], figures["teaching_points"])
        )
    spread = lambda k: f"{min(s[k] for s in seen):g}–{max(s[k] for s in seen):g}"
    print(
        f"ties {size}: {len(seen)} orders, all {', '.join(sorted({str(s[0]) for s in seen}))}: total {spread(1)}, "
        f"seniors matched {spread(2)}, juniors placed {spread(3)}, teaching {spread(4)}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["2000", "10000", "10000x10000"])
    parser.add_argument("--tradeoffs", action="store_true", help="also time rm.tradeoffs")
    parser.add_argument("--ties", action="store_true", help="only the spread across tie-optimal matchings")
    args = parser.parse_args(argv)
    print(f"bench_advise {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} CPUs, revmatch {rm.__version__}")
    for size in args.sizes:
        if args.ties:
            ties(size)
        else:
            run(size, args.tradeoffs)


if __name__ == "__main__":
    main()
