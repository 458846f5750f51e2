"""Time the PyPI package mentor-match (7.0.1) on the same instance revmatch solves, in its own venv.

    python3 -m venv /tmp/peer-venv && /tmp/peer-venv/bin/pip install mentor-match==7.0.1   # one-time setup
    PYTHONPATH=src:benchmarks python3 benchmarks/peer_mentor_match.py --n 1500              # 3 000 people

mentor-match never enters the project's environment: this script (project side) writes the
``n_by_n(n)`` company of ``bench_scale`` as mentor-match's input files and runs itself again with the
peer venv's python (``--child``), which prints one line of JSON: wall time, stages, peak memory, pairs
and their total under revmatch's scores.

The instance is the same problem, not a look-alike: the company with every capacity set to 1
(mentor-match pairs one to one; :func:`one_to_one`), ``mentors.csv`` and ``mentees.csv`` in the
package's own format (email = employee id, grade = level, organisation = department, profession =
location), and a rule that scores each pair with revmatch's score for it (read from ``scores.bin``,
int32 row-major, −1 = disallowed, handled by a ``Disqualify`` rule), so its Munkres solve maximises
the same total: its total equals revmatch's optimum when both are right (it also keeps allowed pairs
scoring 0, so it may list more pairs). Precomputed scores favour mentor-match (it does not score
skills), so the time ratio is conservative. The child's clock runs from reading the CSVs to the
assigned pairs (``conduct_matching_from_file`` split into its stages); ``peak_gb`` is the child's
``ru_maxrss``. Pure-Python Munkres: about 40 s and 0.9 GB at 1 500 × 1 500 on the 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import time
from pathlib import Path

PEER_PYTHON = Path(os.environ.get("REVMATCH_PEER_PYTHON", "/tmp/peer-venv/bin/python"))
SETUP = "python3 -m venv /tmp/peer-venv && /tmp/peer-venv/bin/pip install mentor-match==7.0.1"


# ---- project side (numpy, revmatch) --------------------------------------------------------------


def one_to_one_frames(n: int):
    """Employees and skills of the ``n_by_n(n)`` company with every capacity 1 (mentor-match pairs one to one)."""
    from bench_scale import n_by_n_frames

    employees, skills = n_by_n_frames(n)
    return employees.assign(mentor_capacity=1, mentee_capacity=1), skills


def one_to_one(n: int):
    """:func:`one_to_one_frames` as a Workforce."""
    import revmatch as rm

    return rm.Workforce.from_frames(*one_to_one_frames(n))


def write_instance(wf, scores, folder: Path) -> None:
    """mentors.csv, mentees.csv (mentor-match's columns) and scores.bin (int32, −1 = disallowed)."""
    import csv

    import numpy as np

    if not np.all(scores.matrix[scores.allowed] == np.round(scores.matrix[scores.allowed])):
        raise ValueError("scores.bin holds whole numbers: use integer weights")
    folder.mkdir(parents=True, exist_ok=True)
    emp = wf.employees.set_index("employee_id")
    for name, ids in (("mentor", scores.mentor_ids), ("mentee", scores.mentee_ids)):
        with (folder / f"{name}s.csv").open("w", newline="") as f:
            out = csv.writer(f)
            out.writerow(["first name", "last name", "email", "role", "organisation", "grade", "profession"])
            for i in ids:
                row = emp.loc[i]
                out.writerow([i, name, i, name, row.get("department", ""), int(row["level"]), row.get("location", "")])
    np.where(scores.allowed, scores.matrix, -1).astype(np.int32).tofile(folder / "scores.bin")


def run_peer(folder: Path, timeout: float = 1800.0, python: Path = PEER_PYTHON) -> dict:
    """Run the child in the peer venv on a written instance; its JSON, or {"error": why}."""
    if not python.exists():
        return {"error": f"no peer venv at {python}; set it up with: {SETUP}"}
    try:
        done = subprocess.run(
            [str(python), __file__, "--child", str(folder)], capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return {"error": f"mentor-match did not finish within {timeout:.0f} s", "seconds": float("inf")}
    if done.returncode:
        return {"error": f"mentor-match exited {done.returncode}: {done.stderr.strip().splitlines()[-1:]}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---- peer side (stdlib and mentor-match only) ----------------------------------------------------


def child(folder: Path) -> dict:
    """Match the written instance with mentor-match and measure it (runs in the peer venv)."""
    from array import array
    from importlib.metadata import version

    from matching import process
    from matching.mentee import Mentee
    from matching.mentor import Mentor
    from matching.rules.rule import Disqualify

    start = time.perf_counter()
    mentors = process.create_participant_list_from_path(Mentor, folder)
    mentees = process.create_participant_list_from_path(Mentee, folder)
    scores = array("i")
    with (folder / "scores.bin").open("rb") as f:
        scores.fromfile(f, len(mentors) * len(mentees))
    row = {p.email: i * len(mentees) for i, p in enumerate(mentors)}
    col = {p.email: j for j, p in enumerate(mentees)}

    class RevmatchScore:
        """A mentor-match rule (``apply`` returns points) giving revmatch's score of the pair."""

        def apply(self, match) -> int:
            return max(0, scores[row[match.mentor.email] + col[match.mentee.email]])

    rules = [Disqualify(lambda m: scores[row[m.mentor.email] + col[m.mentee.email]] < 0), RevmatchScore()]
    t_read = time.perf_counter()
    grid = process.generate_match_matrix(mentors, mentees, rules)
    t_score = time.perf_counter()
    process.match_and_assign_participants(grid)
    end = time.perf_counter()
    pairs = [(row[m.email] // len(mentees), col[e.email]) for m in mentors for e in m.mentees]
    return {
        "tool": f"mentor-match {version('mentor-match')}",
        "mentors": len(mentors),
        "mentees": len(mentees),
        "people": len(mentors) + len(mentees),
        "seconds": end - start,
        "read_s": t_read - start,
        "score_s": t_score - t_read,
        "solve_s": end - t_score,
        "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
        "pairs": len(pairs),
        "total": float(sum(scores[i * len(mentees) + j] for i, j in pairs)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1500, help="mentors and mentees each (3 000 people at 1 500)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before giving up on mentor-match")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child)))
        return
    import tempfile

    import revmatch as rm
    from bench_scale import PROGRAM

    wf = one_to_one(args.n)
    with tempfile.TemporaryDirectory(prefix="peer-mm-") as folder:
        write_instance(wf, rm.score(wf, PROGRAM), Path(folder))
        print(json.dumps(run_peer(Path(folder), args.timeout)))


if __name__ == "__main__":
    main()
