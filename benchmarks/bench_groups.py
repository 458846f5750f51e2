"""Per-group matching at company scale: serial against a local Dask cluster, same groups, same results.

    python benchmarks/bench_groups.py [cohorts] [people] [workers]      # default 50 2000 2

The company is ``cohorts`` synthetic companies of ``people`` each (``synthetic_frames(people, seed=k)``),
side by side: ids get a ``C07-`` prefix per cohort and ``location`` becomes the cohort (``Cohort 07``),
so ``by="location"`` gives ``cohorts`` groups of exactly ``people``, each its own org tree. (One
100 000-person synthetic company has only 6 locations of very unequal size, which measures the largest
location, not the scale-out.) Prints the seconds to build the workforce, then serial and Dask wall times
(cluster start-up, with the workers' imports, timed apart) and the speed-up, twice on Dask: with Dask's
default worker environment and with glibc's own malloc trim threshold; checks that all give the same pairs.
"""

from __future__ import annotations

import importlib
import sys
import time

import pandas as pd

import revmatch as rm
from revmatch.groups import match_groups
from revmatch.synthetic import synthetic_frames


def cohorts_workforce(cohorts: int, people: int) -> rm.Workforce:
    """``cohorts`` synthetic companies side by side, ``location`` = cohort."""
    employees, skills = [], []
    for k in range(cohorts):
        emp, sk = synthetic_frames(people, seed=k)
        prefix = f"C{k:02d}-"
        emp = emp.assign(
            employee_id=prefix + emp["employee_id"],
            manager_id=emp["manager_id"].where(emp["manager_id"] == "", prefix + emp["manager_id"]),
            location=f"Cohort {k:02d}",
        )
        employees.append(emp)
        skills.append(sk.assign(employee_id=prefix + sk["employee_id"]))
    return rm.Workforce.from_frames(pd.concat(employees, ignore_index=True), pd.concat(skills, ignore_index=True))


def main(argv: list[str]) -> None:
    cohorts = int(argv[0]) if len(argv) > 0 else 50
    people = int(argv[1]) if len(argv) > 1 else 2000
    workers = int(argv[2]) if len(argv) > 2 else 2
    program = rm.Program(min_level_gap=2)

    t = time.perf_counter()
    wf = cohorts_workforce(cohorts, people)
    print(f"{cohorts} cohorts × {people} people = {len(wf)} employees, built in {time.perf_counter() - t:.1f} s")

    t = time.perf_counter()
    serial = match_groups(wf, program, by="location")
    serial_seconds = time.perf_counter() - t
    print(
        f"{'serial':28} {serial_seconds:6.1f} s   (sum of group tasks {serial.groups['seconds'].sum():.1f} s, "
        f"{len(serial.pairs)} pairs, total score {serial.groups['objective'].sum():.0f})"
    )

    import dask
    import distributed  # noqa: F401  (loads distributed's config defaults, which the runs below change)

    runs = {
        # Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536 to hand memory back to the OS; these
        # pandas-heavy tasks then run 10–20 % slower. None unsets it (glibc's own threshold).
        # First: a nanny leaves the variable in this process's environment, where later workers inherit it.
        "dask, glibc malloc": {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None},
        "dask defaults": {},
    }
    failed = False
    for name, config in runs.items():
        with dask.config.set(config):
            spread, seconds, start_up = dask_run(wf, program, workers)
        print(
            f"{name + f', {workers} workers':28} {seconds:6.1f} s   speed-up {serial_seconds / seconds:4.2f} × "
            f"({serial_seconds / (seconds + start_up):.2f} × counting {start_up:.1f} s of start-up; "
            f"sum of group tasks {spread.groups['seconds'].sum():.1f} s)"
        )
        same = (
            serial.pairs.equals(spread.pairs)
            and serial.unmatched.equals(spread.unmatched)
            and serial.groups.drop(columns="seconds").equals(spread.groups.drop(columns="seconds"))
        )
        failed |= not same
    print("same pairs, unmatched and group statuses as serial:", not failed)
    if failed:
        raise SystemExit(1)


def dask_run(wf: rm.Workforce, program: rm.Program, workers: int):
    """``match_groups`` on a fresh LocalCluster: (result, seconds, start-up seconds with the workers' imports)."""
    from distributed import Client, LocalCluster

    t = time.perf_counter()
    with (
        LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.run(importlib.import_module, "revmatch.groups")  # workers import revmatch and OR-Tools once
        start_up = time.perf_counter() - t
        t = time.perf_counter()
        spread = match_groups(wf, program, by="location", client=client)
        return spread, time.perf_counter() - t, start_up


if __name__ == "__main__":
    main(sys.argv[1:])
