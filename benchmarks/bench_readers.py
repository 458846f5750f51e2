"""Reading HR files: Workforce.from_files on Excel and Parquet against CSV (the baseline), in one process.

    python benchmarks/bench_readers.py [employees] [skills per person] [--folder DIR]   # default 100000 20

Writes a company of ``employees`` people with ``skills per person`` skill rows each (default 2 000 000
rows) as CSV, Parquet and Excel, then times loading each. An Excel sheet holds at most 1 048 576
rows, so 2 M skill rows cannot be one long sheet: in Excel the skills come as a wide survey (one row
per person, a proficiency and a need column per skill, read with rm.read_survey), which is how
surveys arrive; CSV reads the same survey too, for a like-for-like comparison. Needs the parquet
and excel extras. Files are kept in --folder (default: a temporary one) and reused when present.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import revmatch as rm
from revmatch.readers import optional_module

N_SKILLS = 40


def company(n: int, per_person: int, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Employees, long skills (every row with an answer above 0) and the same skills as a wide survey."""
    rng = np.random.default_rng(seed)
    ids = np.array([f"E{i:07d}" for i in range(n)], dtype=object)
    level = np.clip(8 - np.floor(np.log2(np.arange(n) + 1)).astype(int), 1, 8)
    manager = np.where(np.arange(n) == 0, "", ids[np.maximum((np.arange(n) - 1) // 8, 0)])
    roles = rng.choice(["mentor", "mentee", "both", "none"], n, p=[0.2, 0.1, 0.02, 0.68])
    employees = pd.DataFrame(
        {
            "employee_id": ids,
            "name": [f"Person {i}" for i in range(n)],
            "level": level,
            "department": rng.choice(["IT", "Finance", "HR", "Sales", "Operations", "Legal"], n),
            "manager_id": manager,
            "languages": rng.choice(["English", "English, French", "German; English"], n),
            "role": roles,
        }
    )
    skills = np.array([f"skill {k:02d}" for k in range(N_SKILLS)], dtype=object)
    chosen = np.argsort(rng.random((n, N_SKILLS)), axis=1)[:, :per_person]
    proficiency = rng.integers(0, 6, (n, per_person))
    need = np.where(proficiency == 0, rng.integers(1, 6, (n, per_person)), rng.integers(0, 6, (n, per_person)))
    long = pd.DataFrame(
        {
            "employee_id": np.repeat(ids, per_person),
            "skill": skills[chosen.ravel()],
            "proficiency": proficiency.ravel(),
            "need": need.ravel(),
        }
    )
    wide = pd.DataFrame({"Employee number": ids})
    for k, name in enumerate(skills):
        rows, cols = np.nonzero(chosen == k)
        p, q = np.zeros(n, dtype=object), np.zeros(n, dtype=object)
        p[:], q[:] = "", ""
        p[rows], q[rows] = proficiency[rows, cols], need[rows, cols]
        wide[f"{name} - proficiency"], wide[f"{name} - need"] = p, q
    return employees, long, wide


def write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    """A workbook as xlsxwriter streams it (constant memory), numbers as numbers."""
    xlsxwriter = optional_module("xlsxwriter", "excel")
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Sheet1")
    sheet.write_row(0, 0, list(frame.columns))
    for r, row in enumerate(frame.itertuples(index=False), start=1):
        sheet.write_row(r, 0, ["" if v is None else v for v in row])
    book.close()


def files(folder: Path, n: int, per_person: int) -> dict[str, Path]:
    """Write (or reuse) every input file; returns them by name."""
    folder.mkdir(parents=True, exist_ok=True)
    names = ["employees.csv", "skills.csv", "survey.csv", "employees.parquet", "skills.parquet"]
    names += ["employees.xlsx", "survey.xlsx"]
    paths = {name: folder / name for name in names}
    if all(p.exists() for p in paths.values()):
        return paths
    pq = optional_module("pyarrow.parquet", "parquet")
    pa = optional_module("pyarrow", "parquet")
    employees, long, wide = company(n, per_person)
    employees.to_csv(paths["employees.csv"], index=False)
    long.to_csv(paths["skills.csv"], index=False)
    wide.to_csv(paths["survey.csv"], index=False)
    pq.write_table(pa.Table.from_pandas(employees, preserve_index=False), paths["employees.parquet"])
    pq.write_table(pa.Table.from_pandas(long, preserve_index=False), paths["skills.parquet"])
    write_xlsx(employees, paths["employees.xlsx"])
    write_xlsx(wide, paths["survey.xlsx"])
    return paths


def timed(fn) -> tuple[object, float, float]:
    """The result, wall seconds and CPU seconds of the process (all threads) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("employees", type=int, nargs="?", default=100_000)
    parser.add_argument("per_person", type=int, nargs="?", default=20)
    parser.add_argument("--folder", type=Path)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="revmatch-bench-readers-"))
    t = time.perf_counter()
    paths = files(folder, args.employees, args.per_person)
    print(f"files ready in {time.perf_counter() - t:.0f} s in {folder}")
    load = lambda e, s: rm.Workforce.from_files(e, s, default_role="none")
    survey = lambda path: rm.read_survey(path, id_column="Employee number")
    runs = {
        "CSV (baseline): employees.csv + skills.csv": lambda: load(paths["employees.csv"], paths["skills.csv"]),
        "Parquet: employees.parquet + skills.parquet": lambda: load(
            paths["employees.parquet"], paths["skills.parquet"]
        ),
        "CSV wide survey: employees.csv + survey.csv": lambda: load(
            paths["employees.csv"], survey(paths["survey.csv"])
        ),
        "Excel: employees.xlsx + survey.xlsx": lambda: load(paths["employees.xlsx"], survey(paths["survey.xlsx"])),
    }
    warnings.simplefilter("ignore", rm.RevmatchWarning)
    sizes = {name: path.stat().st_size / 1e6 for name, path in paths.items()}
    print("sizes MB: " + ", ".join(f"{name} {mb:.0f}" for name, mb in sizes.items()))
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f} at the start")
    # Round-robin repeats, best of each: a load spike on the shared machine hits every format alike.
    wall: dict[str, float] = dict.fromkeys(runs, float("inf"))
    cpu: dict[str, float] = dict.fromkeys(runs, float("inf"))
    sizes_read = {}
    for _ in range(args.repeats):
        for name, run in runs.items():
            wf, seconds, cpu_seconds = timed(run)
            wall[name], cpu[name] = min(wall[name], seconds), min(cpu[name], cpu_seconds)
            sizes_read[name] = (len(wf), len(wf.skills))
    base = "CSV (baseline): employees.csv + skills.csv"
    print(f"{'':48} {'wall s':>8} {'× CSV':>6} {'CPU s':>8} {'× CSV':>6}   read")
    for name in runs:
        people, rows = sizes_read[name]
        print(
            f"{name:48} {wall[name]:8.2f} {wall[name] / wall[base]:6.2f} {cpu[name]:8.2f} {cpu[name] / cpu[base]:6.2f}"
            f"   {people:,} people, {rows:,} skill rows"
        )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
