"""Scale and speed: scoring against the BLAS floor, the dense solve against scipy, and the sparse route.

    python benchmarks/bench_scale.py                          # (a) 10k scoring, (b) 5k solve, (c) 1k and 10k, (e) 10k
    python benchmarks/bench_scale.py --sizes 100000 --skip score lsa e2e --dense-max 0 --verbose   # (d) 100k × 100k
    python benchmarks/bench_scale.py --sizes 1000 10000 --workers 1

Measures, in one run and on one machine (so the ratios are fair):

(a) ``score``: scoring N mentors × N mentees with 50 skills, against the raw float32 GEMM of the same
    indicator blocks (the floor any exact scoring of this formula pays): ``score_parts`` (the two
    complementarity matrices), ``revmatch.score`` (the dense route: float64 scores, parts and the
    allowed mask) and ``score_block(with_parts=False)`` tile by tile (what the sparse route pays per
    pass: one fused GEMM and the rule masks);
(b) ``lsa``: ``revmatch.solve`` of a dense N × N revmatch score matrix (capacities 1) against
    ``scipy.optimize.linear_sum_assignment`` on the same matrix (disallowed pairs scored 0);
(c, d) ``sparse``: ``revmatch.sparse.sparse_assignment`` end to end on N mentors × N mentees, and, up
    to ``--dense-max``, the dense route (``score`` + ``solve``) on the same company, with a check that
    both give the same pairs; ``candidate_share`` and ``priced_share`` are the shares of pairs scored
    exactly by the candidate pass and by each pricing pass, ``bounded_share`` those a pricing pass read
    through the skill bound instead;
(e) ``e2e``: as a user runs it, CSV files in → ``revmatch.match`` (the sparse route) → ``pairs.csv``
    and ``unmatched.csv`` with explanations out, certified optimal.

The companies: few people in the synthetic company opt in, and far more to teach than to learn (of
``synthetic_frames(8 N)`` for N = 1 000, 10 000 and 100 000: 15.9, 17.4 and 17.8 % as mentors, 2.4,
0.7 and 0.2 % as mentees, about 1 % as both, 80.5–81 % not at all; measured 2026-12-02), so an N × N
instance is built from ``synthetic_frames(8 N)`` by flipping roles: the N most senior people (levels
3–9; 2–9 at N = 100 000) opt in as mentees, the N most junior (level 1) as mentors, everyone else
opts out.
The employees file then keeps only those 2 N people, each reporting to their nearest kept manager, so
"same reporting line" means exactly what it meant in the whole company; scores are unchanged. For
(a), 15 more skills (renamed, from the company of the next seed) bring the catalogue from 35 to 50.
The programme is ``Program(min_level_gap=2)`` (reporting-line exclusion on).

Peak memory is the resident high-water mark of the stage (``VmHWM`` reset through
``/proc/self/clear_refs`` before it; ``ru_maxrss``, the whole process's peak, where that is not
possible). Prints a table and writes ``benchmarks/results/scale-<time>.csv`` (gitignored).
"""

from __future__ import annotations

import argparse
import csv
import gc
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd

import revmatch as rm
from revmatch.engine.tiles import tiles
from revmatch.scoring import hinge_blocks, participants, score_block, score_parts
from revmatch.sparse import sparse_assignment
from revmatch.synthetic import synthetic_frames

PROGRAM = rm.Program(min_level_gap=2)
RESULTS = Path(__file__).parent / "results"


# ---- memory -------------------------------------------------------------------------------------


def reset_peak() -> bool:
    """Reset the resident high-water mark (Linux ≥ 4.0); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _status_gb(field: str) -> float | None:
    """A memory field of /proc/self/status (kB) in GB; None where there is no such file."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1e6
    except OSError:
        pass
    return None


def peak_gb() -> float:
    """Resident high-water mark since the last reset, in GB (the process's peak if reset failed)."""
    peak = _status_gb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def rss_gb() -> float:
    """Resident memory now, in GB (NaN where the system does not say)."""
    rss = _status_gb("VmRSS")
    return rss if rss is not None else float("nan")


def measured(fn, *args, **kwargs):
    """(result, seconds, peak GB during the call)."""
    gc.collect()
    reset_peak()
    t = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t, peak_gb()


# ---- companies ----------------------------------------------------------------------------------


def n_by_n_frames(n: int, seed: int = 0, extra_skills: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Employees and skills of an N mentors × N mentees programme (see the module docstring)."""
    employees, skills = synthetic_frames(8 * n, seed)
    level = employees["level"].to_numpy()
    seniors = np.argsort(-level, kind="stable")[:n]
    rest = np.setdiff1d(np.arange(len(employees)), seniors)
    juniors = rest[np.argsort(level[rest], kind="stable")[:n]]
    role = np.full(len(employees), "none", dtype=object)
    role[juniors], role[seniors] = "mentor", "mentee"
    kept = role != "none"
    # Each kept person reports to their nearest kept manager: same reporting lines among them.
    ids = employees["employee_id"].to_numpy(dtype=object)
    parent = np.full(len(ids), -1)
    has = employees["manager_id"].to_numpy() != ""
    parent[has] = np.searchsorted(ids, employees["manager_id"].to_numpy()[has])
    up = parent.copy()
    while True:
        skip = (up >= 0) & ~kept[np.maximum(up, 0)]
        if not skip.any():
            break
        up[skip] = parent[up[skip]]
    employees = employees.assign(role=role, manager_id=np.where(up >= 0, ids[np.maximum(up, 0)], ""))[kept]
    skills = skills[skills["employee_id"].isin(set(employees["employee_id"]))]
    if extra_skills:
        _, more = synthetic_frames(8 * n, seed + 1)
        names = sorted(more["skill"].unique())[:extra_skills]
        more = more[more["skill"].isin(names) & more["employee_id"].isin(set(employees["employee_id"]))]
        skills = pd.concat([skills, more.assign(skill=more["skill"] + " II")], ignore_index=True)
    return employees.reset_index(drop=True), skills.reset_index(drop=True)


def n_by_n(n: int, seed: int = 0, extra_skills: int = 0) -> tuple[rm.Workforce, float]:
    t = time.perf_counter()
    wf = rm.Workforce.from_frames(*n_by_n_frames(n, seed, extra_skills))
    return wf, time.perf_counter() - t


# ---- the measurements ---------------------------------------------------------------------------


def bench_score(n: int) -> dict:
    """(a) Dense scoring of N × N with 50 skills against the raw GEMM of its indicator blocks."""
    wf, t_build = n_by_n(n, extra_skills=15)
    mr, me = participants(wf)
    scores, t_score, peak = measured(rm.score, wf, PROGRAM)
    del scores
    parts, t_parts, _ = measured(score_parts, wf, mr, me)  # the two complementarity matrices alone
    del parts

    def blocked_scores():
        """What the sparse route pays to score every pair: score_block tile by tile (fused GEMM + masks)."""
        for rows, cols in tiles(len(mr), len(me), (2048, 4096)):
            score_block(wf, PROGRAM, mr[rows], me[cols], with_parts=False)

    _, t_blocked, _ = measured(blocked_scores)
    a_r, q_r = hinge_blocks(wf.proficiency[mr], wf.need[mr])
    a_c, q_c = hinge_blocks(wf.proficiency[me], wf.need[me])
    floor = []
    for _ in range(3):  # best of three: the floor is what the hardware can do
        t = time.perf_counter()
        forward, backward = a_r @ q_c.T, q_r @ a_c.T
        floor.append(time.perf_counter() - t)
        del forward, backward
    return {
        "experiment": "score",
        "n": n,
        "mentors": len(mr),
        "mentees": len(me),
        "skills": len(wf.skill_names),
        "build_s": t_build,
        "score_s": t_score,
        "gemm_floor_s": min(floor),
        "score_vs_gemm": t_score / min(floor),
        "parts_s": t_parts,
        "parts_vs_gemm": t_parts / min(floor),
        "blocked_s": t_blocked,
        "blocked_vs_gemm": t_blocked / min(floor),
        "peak_gb": peak,
    }


def bench_lsa(n: int) -> dict:
    """(b) rm.solve on a dense N × N score matrix (capacities 1) against scipy's linear_sum_assignment."""
    from scipy.optimize import linear_sum_assignment

    wf, t_build = n_by_n(n)
    s = rm.score(wf, PROGRAM)
    a, t_solve, peak = measured(rm.solve, s.matrix, s.allowed)
    w = np.where(s.allowed, s.matrix, 0.0)
    (r, c), t_lsa, peak_lsa = measured(linear_sum_assignment, w, True)
    return {
        "experiment": "lsa",
        "n": n,
        "mentors": s.shape[0],
        "mentees": s.shape[1],
        "build_s": t_build,
        "solve_s": t_solve,
        "lsa_s": t_lsa,
        "solve_vs_lsa": t_solve / t_lsa,
        "objective": a.objective,
        "lsa_objective": float(w[r, c].sum()),
        "bound": a.bound,
        "gap": a.gap,
        "rounds": a.rounds,
        "arcs": a.arcs,
        "status": str(a.status),
        "peak_gb": peak,
        "lsa_peak_gb": peak_lsa,
    }


def bench_sparse(n: int, dense_max: int, workers: int, verbose: bool) -> list[dict]:
    """(c, d) The sparse route end to end; the dense route on the same company when small enough."""
    wf, t_build = n_by_n(n)
    base = rss_gb()
    started = time.perf_counter()

    def progress(message: str) -> None:
        print(f"  [{time.perf_counter() - started:7.1f} s] {message}", flush=True)

    sa, t_total, peak = measured(
        sparse_assignment, wf, PROGRAM, workers=workers, progress=progress if verbose else None
    )
    rounds = sa.rounds
    row = {
        "experiment": "sparse",
        "n": n,
        "mentors": len(sa.mentor_rows),
        "mentees": len(sa.mentee_rows),
        "build_s": t_build,
        "candidates_s": sa.timings["candidates"],
        "solve_s": sa.timings["solve"],
        "pricing_s": sa.timings["pricing"],
        "total_s": t_total,
        "peak_gb": peak,
        "baseline_gb": base,
        "objective": sa.objective,
        "bound": sa.bound,
        "gap": sa.gap,
        "status": str(sa.status),
        "rounds": sa.assignment.rounds,
        "arcs": sa.assignment.arcs,
        "candidates": sa.candidates,
        "tile": f"{sa.tile[0]}x{sa.tile[1]}",
        "workers": workers,
        "violators": " ".join(str(p.violators) for p in rounds),
        "added": " ".join(str(p.added) for p in rounds),
        "priced_share": " ".join(f"{p.cells / max(1, len(sa.mentor_rows) * len(sa.mentee_rows)):.3f}" for p in rounds),
        "bounded_share": " ".join(
            f"{p.bounded / max(1, len(sa.mentor_rows) * len(sa.mentee_rows)):.3f}" for p in rounds
        ),
        "candidate_share": f"{sa.cells / max(1, len(sa.mentor_rows) * len(sa.mentee_rows)):.3f}",
        "round_s": " ".join(f"{p.seconds:.2f}" for p in rounds),
    }
    out = [row]
    if n <= dense_max:
        sparse_pairs, sparse_objective = sa.pairs, sa.objective
        del sa
        gc.collect()
        reset_peak()
        t = time.perf_counter()
        s = rm.score(wf, PROGRAM)
        t_score = time.perf_counter() - t
        a = rm.solve(s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity)
        t_all = time.perf_counter() - t
        dense_peak = peak_gb()
        out.append(
            {
                "experiment": "dense",
                "n": n,
                "mentors": s.shape[0],
                "mentees": s.shape[1],
                "build_s": t_build,
                "score_s": t_score,
                "solve_s": t_all - t_score,
                "total_s": t_all,
                "peak_gb": dense_peak,
                "baseline_gb": base,
                "objective": a.objective,
                "bound": a.bound,
                "gap": a.gap,
                "status": str(a.status),
                "rounds": a.rounds,
                "arcs": a.arcs,
                "same_pairs_as_sparse": a.pairs == sparse_pairs,
                "same_objective_as_sparse": a.objective == sparse_objective,
            }
        )
    return out


def bench_e2e(n: int, verbose: bool) -> dict:
    """(e) End to end, as a user runs it: CSV files in → ``rm.match`` → explained pairs CSV out."""
    import tempfile

    from revmatch.reporting import write_result

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        employees, skills = n_by_n_frames(n)
        employees.to_csv(folder / "employees.csv", index=False)
        skills.to_csv(folder / "skills.csv", index=False)
        del employees, skills
        gc.collect()
        reset_peak()
        started = time.perf_counter()
        wf = rm.Workforce.from_csv(folder / "employees.csv", folder / "skills.csv")
        t_read = time.perf_counter() - started
        progress = (lambda m: print(f"  [{time.perf_counter() - started:7.1f} s] {m}", flush=True)) if verbose else None
        result = rm.match(wf, PROGRAM, progress=progress)
        t_match = time.perf_counter() - started - t_read
        write_result(result, folder / "pairs.csv", folder / "unmatched.csv")
        total = time.perf_counter() - started
    return {
        "experiment": "e2e",
        "n": n,
        "mentors": result.scores.shape[0],
        "mentees": result.scores.shape[1],
        "build_s": t_read,
        "score_s": result.timings["score"],
        "solve_s": result.timings["solve"],
        "explain_s": result.timings["explain"],
        "write_s": total - t_read - t_match,
        "total_s": total,
        "peak_gb": peak_gb(),
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "status": str(result.status),
        "route": type(result.scores).__name__,
    }


# ---- report -------------------------------------------------------------------------------------

COLUMNS = [
    "experiment",
    "n",
    "mentors",
    "mentees",
    "skills",
    "build_s",
    "score_s",
    "gemm_floor_s",
    "score_vs_gemm",
    "parts_s",
    "parts_vs_gemm",
    "blocked_s",
    "blocked_vs_gemm",
    "candidates_s",
    "solve_s",
    "pricing_s",
    "explain_s",
    "write_s",
    "route",
    "lsa_s",
    "solve_vs_lsa",
    "total_s",
    "peak_gb",
    "baseline_gb",
    "objective",
    "lsa_objective",
    "bound",
    "gap",
    "status",
    "rounds",
    "arcs",
    "candidates",
    "tile",
    "workers",
    "violators",
    "added",
    "candidate_share",
    "priced_share",
    "bounded_share",
    "round_s",
    "same_pairs_as_sparse",
    "same_objective_as_sparse",
    "lsa_peak_gb",
]


def show(rows: list[dict]) -> None:
    for row in rows:
        cells = []
        for key in COLUMNS:
            if key in row:
                value = row[key]
                text = f"{value:.3f}" if isinstance(value, float) and not float(value).is_integer() else str(value)
                cells.append(f"{key}={text}")
        print("  ".join(cells), flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="*",
        default=[1000, 10000],
        help="N for the N mentors × N mentees sparse route (c, d)",
    )
    parser.add_argument("--score-n", type=int, default=10000, help="N for the scoring benchmark (a)")
    parser.add_argument("--lsa-n", type=int, default=5000, help="N for the dense solve benchmark (b)")
    parser.add_argument("--dense-max", type=int, default=10000, help="run the dense route too up to this N")
    parser.add_argument("--workers", type=int, default=2, help="tiles scored at once by the sparse route")
    parser.add_argument("--e2e-n", type=int, default=10000, help="N for the end-to-end benchmark (e)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["score", "lsa", "sparse", "e2e"])
    parser.add_argument("--verbose", action="store_true", help="print each stage of the sparse route as it ends")
    parser.add_argument("--out", type=Path, default=None, help="CSV path (default benchmarks/results/scale-<time>.csv)")
    args = parser.parse_args(argv)

    rows: list[dict] = []
    if "score" not in args.skip:
        rows.append(bench_score(args.score_n))
        show(rows[-1:])
    if "lsa" not in args.skip:
        rows.append(bench_lsa(args.lsa_n))
        show(rows[-1:])
    if "e2e" not in args.skip:
        rows.append(bench_e2e(args.e2e_n, args.verbose))
        show(rows[-1:])
    if "sparse" not in args.skip:
        for n in args.sizes:
            new = bench_sparse(n, args.dense_max, args.workers, args.verbose)
            show(new)
            rows += new
    out = args.out or RESULTS / f"scale-{time.strftime('%Y%m%d-%H%M%S')}.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
