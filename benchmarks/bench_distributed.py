"""The sparse route's candidate pass in bands: serial against a local Dask cluster, same arrays.

    python benchmarks/bench_distributed.py                    # N = 10 000 mentors × 10 000 mentees, k = 20
    python benchmarks/bench_distributed.py --n 20000 --workers 2 --band 700 --repeat 3

The company is ``n_by_n(N)`` from ``bench_scale.py`` (N junior mentors, N senior mentees,
``Program(min_level_gap=2)``). Times ``revmatch.candidates.candidate_arcs`` serially (this process,
BLAS with its default threads) and on a ``LocalCluster`` of ``--workers`` processes with one thread
each (Dask's nanny gives them one BLAS thread), best of ``--repeat``; cluster start-up is timed
apart, scattering the workforce is part of each Dask run. Prints both times, their ratio, the client's
peak resident memory during each run (``VmHWM``, reset before it) and the workers' peak, checks that
both runs give identical arrays, and, for reference, the candidate pass inside
``revmatch.sparse.sparse_assignment`` (its ``timings["candidates"]``, two threads in one process) and
that its first solve had the same number of arcs.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench_scale import PROGRAM, measured, n_by_n
from revmatch.candidates import candidate_arcs
from revmatch.engine import Tuning
from revmatch.sparse import sparse_assignment


def worker_peak_gb(dask_worker=None) -> float:
    """This process's resident high-water mark in GB (run on each worker)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1e6
    return float("nan")


def best_of(repeat: int, fn, *args, **kwargs):
    """(result, fastest seconds, largest peak GB) over ``repeat`` runs."""
    runs = [measured(fn, *args, **kwargs) for _ in range(repeat)]
    return runs[0][0], min(r[1] for r in runs), max(r[2] for r in runs)


def same(a, b) -> bool:
    return all(
        np.array_equal(getattr(a, f), getattr(b, f)) and getattr(a, f).dtype == getattr(b, f).dtype
        for f in ("rows", "cols", "weights", "mentor_rows", "mentee_rows")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="mentors = mentees = N (default 10 000)")
    parser.add_argument("--k", type=int, default=Tuning().k)
    parser.add_argument("--band", type=int, default=None, help="mentors per task (default: candidate_arcs')")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-sparse", action="store_true", help="leave out the sparse_assignment reference")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    wf, t_build = n_by_n(args.n)
    print(f"{args.n:,} mentors × {args.n:,} mentees, k={args.k}: workforce built in {t_build:.1f} s")

    serial, t_serial, peak_serial = best_of(args.repeat, candidate_arcs, wf, PROGRAM, args.k, band=args.band)
    bands = -(-len(serial.mentor_rows) // serial.band)
    print(
        f"serial     {t_serial:7.2f} s   client peak {peak_serial:5.2f} GB   {len(serial):,} arcs, "
        f"{bands} bands of {serial.band}"
    )

    t = time.perf_counter()
    with (
        LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        client.run(lambda: __import__("revmatch.candidates"))  # workers' imports, not part of the runs
        t_start = time.perf_counter() - t
        blas = set(client.run(lambda: __import__("os").environ.get("OPENBLAS_NUM_THREADS")).values())
        spread, t_dask, peak_dask = best_of(
            args.repeat, candidate_arcs, wf, PROGRAM, args.k, client=client, band=args.band
        )
        workers_peak = client.run(worker_peak_gb)
    print(
        f"dask ×{args.workers}    {t_dask:7.2f} s   client peak {peak_dask:5.2f} GB   workers' peak "
        f"{', '.join(f'{g:.2f}' for g in workers_peak.values())} GB   (cluster start {t_start:.1f} s, "
        f"OPENBLAS_NUM_THREADS={'/'.join(map(str, blas))})"
    )
    print(f"serial / dask = {t_serial / t_dask:.2f}    identical arrays: {same(serial, spread)}")

    if not args.skip_sparse:
        sa, t_sa, peak_sa = measured(sparse_assignment, wf, PROGRAM, args.k)
        print(
            f"sparse_assignment candidate pass {sa.timings['candidates']:7.2f} s (whole route {t_sa:.1f} s, "
            f"peak {peak_sa:.2f} GB, tile {sa.tile[0]}×{sa.tile[1]}); first solve's arcs {sa.candidates:,} "
            f"= candidate_arcs' {len(serial):,}: {sa.candidates == len(serial)}"
        )
    if not same(serial, spread):
        sys.exit("serial and Dask candidates differ")


if __name__ == "__main__":
    main()
