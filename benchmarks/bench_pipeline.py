"""Stage timings of the core pipeline (CSV in → explained pairs out) on synthetic companies.

    python benchmarks/bench_pipeline.py [sizes...]      # default: 500 2000 5000

Prints, per company size: people per side, allowed pairs, seconds per stage, the objective, and two
same-run baselines — scipy's linear_sum_assignment on the same masked 1:1 matrix (solve ratio) and
the raw float32 GEMM of the scoring's indicator blocks (the "score" stage's ratio to the BLAS floor;
on the sparse route, which match takes here, that stage also picks every person's candidates — see
bench_scale.py for scoring alone).
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import revmatch as rm
from revmatch.scoring import hinge_blocks, participants


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t


def run(n: int, program: rm.Program) -> dict:
    wf, t_synth = timed(rm.synthetic_workforce, n, 0)
    with tempfile.TemporaryDirectory() as tmp:
        paths, _ = timed(rm.reporting.write_workforce, wf, Path(tmp))
        wf, t_read = timed(rm.Workforce.from_csv, *paths)
    result, t_match = timed(rm.match, wf, program)
    s = result.scores

    # Baseline 1: scipy LSA on the same problem when every capacity is 1 (disallowed cells score 0).
    from scipy.optimize import linear_sum_assignment

    w = np.where(s.allowed, s.matrix, 0.0)
    (r, c), t_lsa = timed(linear_sum_assignment, w, True)
    lsa_objective = float(w[r, c].sum())
    # Baseline 2: the BLAS floor of scoring, the two indicator-block GEMMs alone.
    mr, me = participants(wf)
    a_r, q_r = hinge_blocks(wf.proficiency[mr], wf.need[mr])
    a_c, q_c = hinge_blocks(wf.proficiency[me], wf.need[me])
    _, t_gemm = timed(lambda: (a_r @ q_c.T, q_r @ a_c.T))
    return {
        "employees": n,
        "mentors": s.shape[0],
        "mentees": s.shape[1],
        "allowed_pairs": int(s.allowed.sum()),
        "synth_s": t_synth,
        "read_csv_s": t_read,
        "score_s": result.timings["score"],
        "solve_s": result.timings["solve"],
        "explain_s": result.timings["explain"],
        "match_s": t_match,
        "csv_to_pairs_s": t_read + t_match,
        "pairs": len(result.pairs),
        "objective": result.objective,
        "status": str(result.status),
        "scipy_lsa_s": t_lsa,
        "scipy_lsa_objective_1to1": lsa_objective,
        # match's "score" stage: scoring and, on the sparse route, picking each person's candidates.
        "score_vs_gemm_floor": result.timings["score"] / max(t_gemm, 1e-9),
    }


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [500, 2000, 5000]
    program = rm.Program(min_level_gap=2)
    rows = [run(n, program) for n in sizes]
    keys = list(rows[0])
    print(" | ".join(keys))
    for row in rows:
        print(" | ".join(f"{row[k]:.3f}" if isinstance(row[k], float) else str(row[k]) for k in keys))


if __name__ == "__main__":
    main(sys.argv[1:])
