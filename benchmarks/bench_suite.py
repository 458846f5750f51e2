"""Benchmark suite for issue #5: revmatch end to end by size, against baselines and a peer, in one command.

    python benchmarks/bench_suite.py                                  # N = 100 300 1000 3000 10000
    python benchmarks/bench_suite.py --quick                          # N = 100 300 1000
    python benchmarks/bench_suite.py --sizes 100 1000 3000 --peers --plot
    python benchmarks/bench_suite.py --sizes 100000 1000000           # the sparse route, on demand

(run from the repository with ``PYTHONPATH=src:benchmarks``, or with revmatch installed.)

For each N: the ``n_by_n(N)`` company of ``bench_scale`` (N mentors × N mentees, capacities 1–2,
``Program(min_level_gap=2)``), matched by ``rm.match`` end to end (score, solve, explain; it takes the
sparse route for this programme) up to ``--dense-max``, and by ``revmatch.sparse.sparse_assignment``
(candidates, solve, pricing; no explanations) above it. ``total`` is the wall time of that call;
``build`` (making the workforce from data frames) is reported apart.

Baselines (``baselines.py``) run on the same dense score matrix, timed from the matrix to the pairs,
so ``vs_solve`` = baseline time / revmatch's solve time is like for like: greedy and Gale–Shapley up
to ``--baseline-max``, scipy's ``linear_sum_assignment`` (capacities 1) up to ``--lsa-max``. Every
baseline result is checked to be a valid matching (allowed pairs, capacities; raises if not), and
Gale–Shapley to be stable and to equal greedy (with both sides ranking by pair score the stable
matching is unique and greedy's). ``gap`` = revmatch's optimum − the baseline's total; ``blocking``
counts the unmade pairs whose two people both score strictly higher together than with their worst
partner (or have room), for every matching, revmatch's included.

``--peers`` times mentor-match 7.0.1 (``peer_mentor_match.py``; one-time setup in a throwaway venv:
``python3 -m venv /tmp/peer-venv && /tmp/peer-venv/bin/pip install mentor-match==7.0.1``) at 3 000
people (``--peer-n`` 1 500 per side) on the same instance with every capacity 1, against revmatch
reading the same company from CSV and matching it (``Workforce.from_csv`` + ``match``); a warning
is printed unless both totals agree. ``--plot`` draws time against N on log-log axes with each line's growth exponent
(least-squares slope of log t on log N over N ≥ 1000). Peak memory is the resident high-water mark of
each call (``bench_scale.measured``, including what was resident before it); for baselines,
``extra_gb`` is that peak less what was resident before (the score matrix). Prints tables, progress
on stderr, and writes ``benchmarks/results/suite-<time>.csv`` (and ``.svg``).
"""

from __future__ import annotations

import argparse
import csv
import gc
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import revmatch as rm
from baselines import blocking_mask, check_matching, gale_shapley, greedy, lsa, total
from bench_scale import PROGRAM, RESULTS, measured, n_by_n, rss_gb
from revmatch.sparse import sparse_assignment

STARTED = time.perf_counter()
BASELINES = {"greedy": greedy, "gale_shapley": gale_shapley, "lsa": lsa}
ROW = [
    "size",
    "route",
    "mentors",
    "mentees",
    "build_s",
    "score_s",
    "solve_s",
    "explain_s",
    "candidates_s",
    "pricing_s",
    "total_s",
    "peak_gb",
    "objective",
    "bound",
    "gap",
    "status",
    "pairs",
    "blocking",
]
BASELINE = ["s", "extra_gb", "pairs", "total", "gap", "gap_pct", "vs_solve", "blocking"]
PEER = [
    "peer_tool",
    "peer_people",
    "peer_s",
    "peer_read_s",
    "peer_score_s",
    "peer_solve_s",
    "peer_peak_gb",
    "peer_pairs",
    "peer_total",
    "peer_vs_revmatch",
    "peer_solve_vs_solve",
    "csv_read_s",
]
COLUMNS = ROW + [f"{b}_{k}" for b in BASELINES for k in BASELINE] + PEER


def say(message: str) -> None:
    """One line of progress on stderr, with the seconds since the suite started."""
    print(f"[{time.perf_counter() - STARTED:7.1f} s] {message}", file=sys.stderr, flush=True)


# ---- measurements -------------------------------------------------------------------------------


def run_revmatch(wf, n: int, dense_max: int) -> tuple[dict, object, list]:
    """revmatch end to end by ``match`` (explained; it picks its route itself) or
    by ``sparse_assignment`` (pairs only): row, Scores (or None), pairs."""
    if n <= dense_max:
        try:
            res, seconds, peak = measured(rm.match, wf, PROGRAM)
        except rm.ResourceError as e:
            say(f"N={n}: dense route does not fit ({e}); taking the sparse route")
        else:
            route = "match (sparse)" if isinstance(res.scores, rm.BlockScores) else "match (dense)"
            row = {
                "route": route,
                "mentors": res.scores.shape[0],
                "mentees": res.scores.shape[1],
                "score_s": res.timings["score"],
                "solve_s": res.timings["solve"],
                "explain_s": res.timings["explain"],
                "total_s": seconds,
                "peak_gb": peak,
                "objective": res.objective,
                "bound": res.bound,
                "gap": res.gap,
                "status": str(res.status),
                "pairs": len(res.assignment.pairs),
            }
            return row, res.scores, res.assignment.pairs
    sa, seconds, peak = measured(sparse_assignment, wf, PROGRAM, progress=lambda m: say(f"N={n}: {m}"))
    return (
        {
            "route": "sparse",
            "mentors": len(sa.mentor_rows),
            "mentees": len(sa.mentee_rows),
            "candidates_s": sa.timings["candidates"],
            "solve_s": sa.timings["solve"],
            "pricing_s": sa.timings["pricing"],
            "total_s": seconds,
            "peak_gb": peak,
            "objective": sa.objective,
            "bound": sa.bound,
            "gap": sa.gap,
            "status": str(sa.status),
            "pairs": len(sa.pairs),
        },
        None,
        sa.pairs,
    )


def run_baselines(scores, row: dict, n: int, baseline_max: int, lsa_max: int) -> dict:
    """Each baseline that runs at this size: time, checked pairs, total, gap to the optimum, blocking pairs."""
    w, ok = scores.matrix, scores.allowed
    rc, cc = scores.mentor_capacity, scores.mentee_capacity
    out, made = {}, {}
    for name, fn in BASELINES.items():
        if n > (lsa_max if name == "lsa" else baseline_max):
            continue
        say(f"N={n}: {name}")
        args = (w, ok) if name == "lsa" else (w, ok, rc, cc)
        before = rss_gb()
        pairs, seconds, peak = measured(fn, *args)
        check_matching(pairs, w, ok, *((1, 1) if name == "lsa" else (rc, cc)), name=name)
        if name == "gale_shapley" and blocking_mask(pairs, w, ok, rc, cc).any():
            raise ValueError(f"gale_shapley: not stable at N={n}")
        made[name] = pairs
        blocking = int(blocking_mask(pairs, w, ok, rc, cc, by_index=False).sum())
        got = total(w, pairs)
        gap = row["objective"] - got
        out.update(
            {
                f"{name}_s": seconds,
                f"{name}_extra_gb": max(0.0, peak - before),
                f"{name}_pairs": len(pairs),
                f"{name}_total": got,
                f"{name}_gap": gap,
                f"{name}_gap_pct": 100 * gap / row["objective"] if row["objective"] else 0.0,
                f"{name}_vs_solve": seconds / row["solve_s"],
                f"{name}_blocking": blocking,
            }
        )
    if "greedy" in made and made["greedy"] != made["gale_shapley"]:  # the unique stable matching (baselines.py)
        raise ValueError(f"greedy and gale_shapley differ at N={n}")
    return out


def run_size(n: int, args) -> dict:
    say(f"N={n}: building the company")
    wf, t_build = n_by_n(n)
    row = {"size": n, "build_s": t_build}
    say(f"N={n}: revmatch")
    found, scores, pairs = run_revmatch(wf, n, args.dense_max)
    row.update(found)
    if scores is None and n <= max(args.baseline_max, args.lsa_max):
        say(f"N={n}: scoring densely for the baselines")
        scores = rm.score(wf, PROGRAM)
    if scores is not None:
        row["blocking"] = int(
            blocking_mask(
                pairs, scores.matrix, scores.allowed, scores.mentor_capacity, scores.mentee_capacity, by_index=False
            ).sum()
        )
        row.update(run_baselines(scores, row, n, args.baseline_max, args.lsa_max))
    del scores, pairs
    gc.collect()
    return row


def run_peer(n: int, timeout: float) -> dict | None:
    """mentor-match against revmatch (CSV in → pairs out) on the N × N company with capacities 1."""
    from peer_mentor_match import PEER_PYTHON, SETUP, one_to_one_frames, write_instance
    from peer_mentor_match import run_peer as peer

    if not PEER_PYTHON.exists():
        print(f"peers: skipped, no mentor-match venv at {PEER_PYTHON}. Set it up with:\n    {SETUP}")
        return None
    employees, skills = one_to_one_frames(n)
    with tempfile.TemporaryDirectory(prefix="suite-peer-") as folder:
        folder = Path(folder)
        employees.to_csv(folder / "employees.csv", index=False)
        skills.to_csv(folder / "skills.csv", index=False)
        wf = rm.Workforce.from_frames(employees, skills)
        write_instance(wf, rm.score(wf, PROGRAM), folder)
        del wf
        say(f"peer: revmatch on {2 * n} people from CSV")
        t = time.perf_counter()
        wf_csv = rm.Workforce.from_csv(folder / "employees.csv", folder / "skills.csv")
        t_read = time.perf_counter() - t
        res, t_match, peak = measured(rm.match, wf_csv, PROGRAM)
        say(f"peer: mentor-match on {2 * n} people (about 40 s)")
        got = peer(folder, timeout)
    row = {
        "size": n,
        "route": "dense, capacities 1 (peer instance)",
        "mentors": res.scores.shape[0],
        "mentees": res.scores.shape[1],
        "csv_read_s": t_read,
        "score_s": res.timings["score"],
        "solve_s": res.timings["solve"],
        "explain_s": res.timings["explain"],
        "total_s": t_read + t_match,
        "peak_gb": peak,
        "objective": res.objective,
        "bound": res.bound,
        "gap": res.gap,
        "status": str(res.status),
        "pairs": len(res.assignment.pairs),
    }
    if "error" in got:
        print(f"peers: mentor-match could not be timed: {got['error']}")
        return row
    row.update(
        {f"peer_{k}": got[k] for k in ("tool", "people", "read_s", "score_s", "solve_s", "peak_gb", "pairs", "total")}
    )
    row.update(
        peer_s=got["seconds"],
        peer_vs_revmatch=got["seconds"] / row["total_s"],
        peer_solve_vs_solve=got["solve_s"] / row["solve_s"],
    )
    if abs(got["total"] - res.objective) > 1e-6 * max(1.0, abs(res.objective)):
        print(f"peers: WARNING mentor-match's total {got['total']:g} differs from revmatch's optimum {res.objective:g}")
    return row


# ---- report -------------------------------------------------------------------------------------


def fmt(value, digits: int = 3) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float):
        if value.is_integer() or abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def table(header: list[str], rows: list[list]) -> None:
    cells = [header] + [[fmt(v) for v in r] for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    for c in cells:
        print("  ".join(v.rjust(w) for v, w in zip(c, widths)), flush=True)


def show(rows: list[dict], peer: dict | None) -> None:
    keys = [
        "size",
        "route",
        "mentors",
        "build_s",
        "score_s",
        "candidates_s",
        "solve_s",
        "pricing_s",
        "explain_s",
        "total_s",
        "peak_gb",
        "objective",
        "bound",
        "gap",
        "status",
        "pairs",
        "blocking",
    ]
    print("\nrevmatch (N mentors × N mentees; seconds, GB)")
    table(keys, [[r.get(k) for k in keys] for r in rows])
    print("\nbaselines on the same score matrix (time from the matrix; vs_solve = time / revmatch's solve)")
    table(
        ["size", "baseline", "time_s", "vs_solve", "extra_gb", "pairs", "total", "optimum", "gap", "gap_%", "blocking"],
        [
            [
                r["size"],
                b,
                r[f"{b}_s"],
                r[f"{b}_vs_solve"],
                r[f"{b}_extra_gb"],
                r[f"{b}_pairs"],
                r[f"{b}_total"],
                r["objective"],
                r[f"{b}_gap"],
                r[f"{b}_gap_pct"],
                r[f"{b}_blocking"],
            ]
            for r in rows
            for b in BASELINES
            if f"{b}_s" in r
        ],
    )
    if peer:
        n = peer["size"]
        print(f"\npeer at {2 * n:,} people ({n:,} mentors + {n:,} mentees, capacities 1)")
        people = [
            [
                "revmatch (CSV read + match)",
                peer["total_s"],
                peer["solve_s"],
                peer["peak_gb"],
                peer["pairs"],
                peer["objective"],
                "",
            ]
        ]
        if "peer_s" in peer:
            people.append(
                [
                    peer["peer_tool"],
                    peer["peer_s"],
                    peer["peer_solve_s"],
                    peer["peer_peak_gb"],
                    peer["peer_pairs"],
                    peer["peer_total"],
                    peer["peer_vs_revmatch"],
                ]
            )
        table(["tool", "total_s", "solve_s", "peak_gb", "pairs", "total", "x_slower_than_revmatch"], people)


def exponent(sizes, seconds) -> float | None:
    """Least-squares slope of log t on log N over N ≥ 1000 (None with fewer than two such sizes)."""
    pts = [(n, t) for n, t in zip(sizes, seconds) if n >= 1000 and t and t > 0]
    if len(pts) < 2:
        return None
    x, y = np.log([p[0] for p in pts]), np.log([p[1] for p in pts])
    return float(np.polyfit(x, y, 1)[0])


def series(rows: list[dict]) -> dict[str, tuple[list, list]]:
    out = {
        "revmatch end to end": ([r["size"] for r in rows], [r["total_s"] for r in rows]),
        "revmatch solve": ([r["size"] for r in rows], [r["solve_s"] for r in rows]),
    }
    for b in BASELINES:
        have = [r for r in rows if f"{b}_s" in r]
        if have:
            out[b] = ([r["size"] for r in have], [r[f"{b}_s"] for r in have])
    return out


def plot(rows: list[dict], peer: dict | None, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for name, (sizes, seconds) in series(rows).items():
        k = exponent(sizes, seconds)
        label = f"{name} (slope {k:.2f})" if k is not None else name
        ax.plot(sizes, seconds, "o--" if name == "revmatch solve" else "o-", label=label)
    if peer and "peer_s" in peer:
        ax.plot([peer["size"]], [peer["peer_s"]], "kx", ms=9, label=f"{peer['peer_tool']} (capacities 1)")
        ax.plot([peer["size"]], [peer["total_s"]], "k+", ms=9, label="revmatch, same instance from CSV")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="N (mentors = mentees)",
        ylabel="seconds",
        title="revmatch vs baselines (baselines timed from the score matrix)",
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[100, 300, 1000, 3000, 10000],
        help="N of the N mentors × N mentees instances (up to 1000000)",
    )
    parser.add_argument("--quick", action="store_true", help="sizes 100 300 1000")
    parser.add_argument("--dense-max", type=int, default=10000, help="largest N for rm.match (sparse route above)")
    parser.add_argument("--baseline-max", type=int, default=5000, help="largest N for greedy and Gale–Shapley")
    parser.add_argument("--lsa-max", type=int, default=10000, help="largest N for linear_sum_assignment")
    parser.add_argument("--peers", action="store_true", help="time mentor-match at 3 000 people (own venv)")
    parser.add_argument("--peer-n", type=int, default=1500, help="mentors and mentees each for --peers")
    parser.add_argument("--peer-timeout", type=float, default=1800.0, help="seconds before giving up on the peer")
    parser.add_argument("--plot", action="store_true", help="write an SVG of time against N")
    args = parser.parse_args(argv)
    sizes = [100, 300, 1000] if args.quick else args.sizes
    if min(sizes) <= args.lsa_max:
        import scipy.optimize  # noqa: F401  (imported once here, not inside the first timed call)

    rows = []
    for n in sizes:
        rows.append(run_size(n, args))
        say(f"N={n}: done, revmatch {rows[-1]['total_s']:.2f} s")
    peer = run_peer(args.peer_n, args.peer_timeout) if args.peers else None
    show(rows, peer)

    stamp = time.strftime("%Y%m%d-%H%M%S")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"suite-{stamp}.csv"
    with out.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows + ([peer] if peer else []))
    print(f"\nwrote {out}")
    print(
        "growth exponents (slope of log t on log N, N ≥ 1000): "
        + ", ".join(f"{name} {fmt(exponent(*xy), 2)}" for name, xy in series(rows).items())
    )
    if peer and "peer_s" in peer:
        print(
            f"mentor-match / revmatch at {2 * peer['size']:,} people: {peer['peer_vs_revmatch']:.0f}× "
            f"(issue #5 target at 3 000 people: ≥ 100×)"
        )
    if args.plot:
        svg = out.with_suffix(".svg")
        plot(rows, peer, svg)
        print(f"wrote {svg}")


if __name__ == "__main__":
    main()
