"""A 1M-employee synthetic company, generated and matched: time and peak memory per stage.

    python benchmarks/bench_million.py                       # 1 000 000 employees, one programme per site × function
    python benchmarks/bench_million.py --employees 200000 --by location

A single programme over the whole company is out of reach on one machine: about 630 000 mentors ×
130 000 mentees is 8 × 10^10 pairs, and scoring each once at the BLAS floor (MEASURED.md: 10^8 pairs
per 0.1 s per direction) alone takes over 2 minutes before any solve or proof. Multinationals run
reverse mentoring per site and function anyway, so the company is matched as one exact programme per
``--by`` group (default location × department, about 60 groups), serially, with
``revmatch.match_groups`` — each group certified optimal on its own. Prints one line per stage and a
summary; ``--csv`` also writes the figures.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import revmatch as rm
from revmatch.synthetic import synthetic_frames

sys.path.insert(0, str(Path(__file__).parent))
from bench_scale import measured, peak_gb

PROGRAM = rm.Program(min_level_gap=2)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--by", nargs="+", default=["location", "department"], help="employees column(s) per programme")
    parser.add_argument("--csv", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    def say(message: str) -> None:
        print(f"[{time.perf_counter() - started:7.1f} s] {message}", file=sys.stderr, flush=True)

    (employees, skills), t_generate, peak_generate = measured(synthetic_frames, args.employees, args.seed)
    say(f"generated {len(employees):,} employees and {len(skills):,} skill rows")
    wf, t_build, peak_build = measured(rm.Workforce.from_frames, employees, skills)
    del employees, skills
    say("validated the workforce")
    by = args.by[0] if len(args.by) == 1 else args.by
    out, t_match, peak_match = measured(rm.match_groups, wf, PROGRAM, by=by, keep_results=False)
    groups = out.groups
    say(f"matched {len(groups)} groups")
    biggest = groups.sort_values("people", ascending=False).iloc[0]
    row = {
        "employees": len(wf),
        "groups": len(groups),
        "by": " × ".join(args.by),
        "generate_s": round(t_generate, 2),
        "build_s": round(t_build, 2),
        "match_s": round(t_match, 2),
        "total_s": round(t_generate + t_build + t_match, 2),
        "peak_gb": round(max(peak_generate, peak_build, peak_match, peak_gb()), 2),
        "pairs": len(out.pairs),
        "unmatched": len(out.unmatched),
        "objective": float(groups["objective"].sum()),
        "optimal_groups": int((groups["status"] == "optimal").sum()),
        "failed_groups": len(out.failed),
        "largest_group": f"{biggest['group']} ({biggest['people']:,} people, {biggest['seconds']:.1f} s)",
    }
    for key, value in row.items():
        print(f"{key:>16}: {value}")
    if args.csv:
        with args.csv.open("w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(row))
            writer.writeheader()
            writer.writerow(row)


if __name__ == "__main__":
    main()
