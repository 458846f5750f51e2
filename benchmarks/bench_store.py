"""Saving and loading a round in the programme store (SQLite) against writing and reading CSV files.

    python benchmarks/bench_store.py                       # 10 000 mentors x 10 000 mentees, 3 repeats
    python benchmarks/bench_store.py --n 1000 --repeats 5
    python benchmarks/bench_store.py --postgres postgresql+psycopg://me@/bench   # a PostgreSQL row too

The round is a ``Program(min_level_gap=2)`` match of an N x N company (``n_by_n_frames`` of
bench_scale.py: the N most senior opt in as mentees, the N most junior as mentors), solved once; every
repeat then writes the same result, the store into a new database each time (a round name is saved
once, and a second copy of the round would repeat its pairs). Rows measured:

- ``CSV: pairs + unmatched``: ``write_result`` — what ``revmatch match -o --unmatched`` writes;
- ``CSV: audit folder``: ``write_outputs`` — pairs with match percent, unmatched, pairs.jsonl, run.json;
- ``store: prepare``: the rows the store keeps (ids, reasons without names) and the run's manifest
  with its ``summary`` figures, in memory — the part of a save that is not the database;
- ``store: save``: ``ProgrammeStore.save``, the whole transaction, the prepare step included; with
  ``figures=False``, without the ``summary`` figures in the manifest (``write_outputs`` computes them too);
- ``CSV: read pairs + unmatched`` and ``store: load pairs + unmatched``: reading them back as DataFrames
  (``pd.read_csv``; ``store.pairs(round, running=False)`` and ``store.unmatched(round)``).

Seconds are the median of the repeats (min and max shown); MB is the size on disk afterwards.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import revmatch as rm
from revmatch.reporting import write_outputs, write_result
from revmatch.store.rows import result_tables, run_record
from revmatch.store.schema import metadata

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import PROGRAM, n_by_n_frames  # the sibling benchmark's N x N company


def timed(fn, repeats: int, setup=None) -> list[float]:
    """Seconds of ``fn(k)`` for each repeat k (``setup(k)`` runs before it, untimed)."""
    out = []
    for k in range(repeats):
        if setup is not None:
            setup(k)
        t = time.perf_counter()
        fn(k)
        out.append(time.perf_counter() - t)
    return out


def size_mb(*paths: Path) -> float:
    return sum(p.stat().st_size for p in paths if p.exists()) / 1e6


def measure(result: rm.MatchResult, folder: Path, repeats: int, postgres: str | None) -> list[tuple]:
    """(step, seconds per repeat, MB on disk) for every row of the table."""
    rows = []
    csv = folder / "csv"
    csv.mkdir()
    seconds = timed(lambda k: write_result(result, csv / "pairs.csv", csv / "unmatched.csv"), repeats)
    rows.append(("CSV: pairs + unmatched", seconds, size_mb(csv / "pairs.csv", csv / "unmatched.csv")))
    seconds = timed(lambda k: write_outputs(result, folder / "audit", force=True), repeats)
    rows.append(("CSV: audit folder", seconds, size_mb(*(folder / "audit").iterdir())))
    seconds = timed(lambda k: (result_tables(result, None), run_record(result, "match", None, None)), repeats)
    rows.append(("store: prepare (in memory)", seconds, 0.0))
    stores = [rm.ProgrammeStore(f"sqlite:///{folder / f'programme-{k}.db'}") for k in range(repeats)]
    seconds = timed(lambda k: stores[k].save(result, round="2027-Q1"), repeats)
    rows.append(("store: save, SQLite", seconds, size_mb(folder / "programme-0.db")))
    lean = [rm.ProgrammeStore(f"sqlite:///{folder / f'lean-{k}.db'}") for k in range(repeats)]
    seconds = timed(lambda k: lean[k].save(result, round="2027-Q1", figures=False), repeats)
    rows.append(("store: save, SQLite, figures=False", seconds, size_mb(folder / "lean-0.db")))
    if postgres:
        scratch = rm.ProgrammeStore(postgres)
        seconds = timed(lambda k: scratch.save(result, round="2027-Q1"), repeats, setup=lambda k: _clear(scratch))
        rows.append(("store: save, PostgreSQL", seconds, float("nan")))
    read_csv = lambda k: (pd.read_csv(csv / "pairs.csv", dtype=str), pd.read_csv(csv / "unmatched.csv", dtype=str))
    rows.append(("CSV: read pairs + unmatched", timed(read_csv, repeats), float("nan")))
    load = lambda k: (stores[k].pairs("2027-Q1", running=False), stores[k].unmatched("2027-Q1"))
    rows.append(("store: load pairs + unmatched, SQLite", timed(load, repeats), float("nan")))
    return rows


def _clear(store: rm.ProgrammeStore) -> None:
    """Empty a scratch store before a repeat (the next save would otherwise repeat the round)."""
    with store.engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name != "programme":
                conn.execute(table.delete())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="mentors and mentees (default 10000 each)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--postgres", help="also save into this PostgreSQL store (emptied first: a scratch one)")
    args = parser.parse_args(argv)
    t = time.perf_counter()
    workforce = rm.Workforce.from_frames(*n_by_n_frames(args.n), external_managers=True)
    result = rm.match(workforce, PROGRAM)
    print(
        f"{args.n} x {args.n} round: {len(result.pairs)} pairs, {len(result.unmatched)} unmatched "
        f"(matched in {time.perf_counter() - t:.1f} s); {args.repeats} repeats; "
        f"Python {platform.python_version()}, SQLite {__import__('sqlite3').sqlite_version}"
    )
    folder = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        rows = measure(result, folder, args.repeats, args.postgres)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    base = statistics.median(rows[0][1])
    print(f"{'step':40} {'median s':>9} {'min s':>7} {'max s':>7} {'x CSV':>7} {'MB':>7}")
    for name, seconds, mb in rows:
        median = statistics.median(seconds)
        print(
            f"{name:40} {median:9.3f} {min(seconds):7.3f} {max(seconds):7.3f} {median / base:7.1f} "
            + (f"{mb:7.1f}" if mb == mb else f"{'':7}")
        )


if __name__ == "__main__":
    main()
