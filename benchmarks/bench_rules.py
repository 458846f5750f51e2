"""What each programme rule costs: one company, the plain match as baseline, then each rule alone.

    python benchmarks/bench_rules.py [employees]      # default 2000

Prints seconds (score + solve + explain), ratio to the plain match timed in the same run, engine,
pairs and total score. Locks and forbids are drawn (seeded) from the plain result's allowed pairs.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import revmatch as rm


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 2000
    wf = rm.synthetic_workforce(n, seed=0)
    base = rm.Program(min_level_gap=2)
    plain = rm.match(wf, base)
    s = plain.scores
    rng = np.random.default_rng(0)
    cells = np.argwhere(s.allowed)
    picks = cells[rng.choice(len(cells), size=400, replace=False)]
    # Locks: 20 allowed pairs on distinct people, so no lock breaks a capacity.
    locks, used_r, used_c = [], set(), set()
    for r, c in picks:
        if r not in used_r and c not in used_c and len(locks) < 20:
            locks.append((s.mentor_ids[r], s.mentee_ids[c]))
            used_r.add(r), used_c.add(c)
    made = list(zip(plain.pairs["mentor_id"], plain.pairs["mentee_id"]))
    variants = {
        "plain total": base,
        "20 locks": base.model_copy(update={"locked": tuple(locks)}),
        "200 forbids (100 of them made pairs)": base.model_copy(
            update={"forbidden": tuple(made[:100] + [(s.mentor_ids[r], s.mentee_ids[c]) for r, c in picks[:100]])}
        ),
        "past pairs = whole plain result": base.model_copy(update={"past_pairs": tuple(made)}),
        "hard attribute rules": base.model_copy(update={"require_shared_language": True, "min_timezone_overlap": 3}),
        "soft preferences": base.model_copy(update={"different_department_weight": 5, "timezone_overlap_weight": 1}),
        "coverage objective": base.model_copy(update={"objective": "coverage"}),
        "fair objective": base.model_copy(update={"objective": "fair"}),
        "quota 30% of each department but Executive": base.model_copy(
            update={"min_matched_share": dict.fromkeys(set(wf.employees["department"]) - {"Executive"}, 0.3)}
        ),
    }
    print(f"{n} employees, {s.shape[0]} mentors × {s.shape[1]} mentees, {int(s.allowed.sum())} allowed pairs")
    print(f"{'variant':40} {'seconds':>8} {'ratio':>6} {'engine':>24} {'pairs':>6} {'total':>9} status")
    baseline = None
    for name, program in variants.items():
        t = time.perf_counter()
        try:
            r = rm.match(wf, program)
        except rm.InfeasibleError as exc:
            print(f"{name:40} infeasible: {exc.conflicts[0][:80]}")
            continue
        seconds = time.perf_counter() - t
        baseline = baseline or seconds
        print(
            f"{name:40} {seconds:8.3f} {seconds / baseline:6.2f} {r.engine:>24} {len(r.pairs):6d} "
            f"{r.objective:9.1f} {r.status}"
        )
    small = rm.synthetic_workforce(300, seed=0)
    t = time.perf_counter()
    r = rm.match(small, base.model_copy(update={"max_pairs_per_department_pair": 2, "time_limit": 30}))
    print(
        f"{'cap 2 pairs per dept pair (300 people)':40} {time.perf_counter() - t:8.3f} {'':>6} {r.engine:>24} "
        f"{len(r.pairs):6d} {r.objective:9.1f} {r.status} (gap {r.gap:g})"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
