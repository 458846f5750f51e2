"""What the hardened front door costs: validated loading and safe writing against plain pandas, same run.

    python benchmarks/bench_door.py [sizes...]      # default: 10000 100000 employees

Per company size (a synthetic company written as employees.csv and skills.csv):

- load: ``Workforce.from_csv`` (one read, header checks, every cell validated and range-checked,
  control characters and lengths, cycles, fingerprints) against ``pd.read_csv(dtype=str)`` of the
  same two files (the floor: parsing alone);
- write: ``write_result`` (each file written to a temporary and renamed, formula-leading cells made
  text) against ``DataFrame.to_csv`` of the same pairs and unmatched tables.

Each figure is the best of three runs.
"""

from __future__ import annotations

import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

import revmatch as rm
from revmatch.reporting import write_result


def best(fn, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(n: int, folder: Path) -> None:
    wf = rm.synthetic_workforce(n, seed=0)
    employees, skills = rm.reporting.write_workforce(wf, folder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        load = best(lambda: rm.Workforce.from_csv(employees, skills))
        result = rm.match(rm.Workforce.from_csv(employees, skills))
    plain_load = best(lambda: (pd.read_csv(employees, dtype=str), pd.read_csv(skills, dtype=str)))
    write = best(lambda: write_result(result, folder / "p.csv", folder / "u.csv"))
    plain_write = best(
        lambda: (result.pairs.to_csv(folder / "q.csv", index=False), result.unmatched.to_csv(folder / "v.csv"))
    )
    rows = len(pd.read_csv(skills, usecols=[0]))
    print(
        f"{n:>8,} employees, {rows:>9,} skill rows | load {load:6.2f} s vs read_csv {plain_load:6.2f} s "
        f"({load / plain_load:4.1f}×) | write {len(result.pairs):,} pairs + {len(result.unmatched):,} unmatched "
        f"{write:5.3f} s vs to_csv {plain_write:5.3f} s ({write / plain_write:4.1f}×)"
    )


if __name__ == "__main__":
    sizes = [int(x) for x in sys.argv[1:]] or [10_000, 100_000]
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            run(size, Path(tmp))
