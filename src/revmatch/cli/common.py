"""What the verbs share: the summary lines, progress, the HR-file arguments and the output checks."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from ..errors import ConfigError
from ..matching import ROUTES, MatchResult
from ..models import Workforce
from ..program import Program
from ..reporting.audit import check_audit_folder, write_outputs
from ..reporting.files import write_result
from ..reporting.pseudonyms import check_key
from ..reporting.writing import write_text

KEY_VARIABLE = "REVMATCH_PSEUDONYM_KEY"


def print_summary(result: MatchResult, out) -> None:
    """The sponsor's lines first: who got a pair, on both sides; then the solver's figures."""
    s = result.summary()
    mean = f"{s['mean_pair_score']:.1f}" if s["mean_pair_score"] is not None else "-"
    teaching = "-" if s["teaching_share"] is None else f"{s['teaching_share']:.0%}"
    print(
        f"status {s['status']} ({s['engine']}): {s['pairs']} pairs, total score {s['total_score']:g} "
        f"(bound {s['bound']:g}), mean pair score {mean}, teaching {teaching} of the score",
        file=out,
    )
    print(
        f"seniors matched {s['mentees_matched']}/{s['mentees_opted_in']} (mentees); juniors placed "
        f"{s['mentors_matched']}/{s['mentors_opted_in']} (mentors), {s['mentors_waitlisted']} waitlisted for "
        f"{s['mentee_places']} places; unmatched people {s['unmatched']}",
        file=out,
    )
    print("time " + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items()), file=out)


def voice_line(result: MatchResult) -> str:
    """How the stated preferences were met, in one line (a match given --preferences)."""
    voice = result.voice
    assert voice is not None
    shares = voice.shares()
    firsts = "-" if shares["first"] is None else f"{shares['first']:.0%}"
    honoured = int(voice.musts["honoured"].sum()) if len(voice.musts) else 0
    line = (
        f"preferences: {firsts} of those who ranked got their first choice; musts honoured {honoured}/"
        f"{len(voice.musts)}; avoids respected {voice.avoids_respected}/{voice.avoids}; "
        f"blocking pairs {len(voice.blocking)}"
    )
    if voice.total_optimum is not None:
        line += f"; total score {result.objective:g} against the best possible {voice.total_optimum:g}"
    return line


def route_arguments(parser) -> None:
    parser.add_argument(
        "--route",
        choices=ROUTES,
        default="auto",
        help="dense: score every pair at once; sparse: tile by tile in memory linear in the "
        "people (total objective, no quotas; locks made first); auto (default): sparse for large programmes",
    )
    parser.add_argument("--progress", action="store_true", help="print each stage of a long match on stderr")


def progress(args):
    """With --progress, a one-line message per stage on stderr, with the seconds since the start."""
    if not getattr(args, "progress", False):
        return None
    start = time.perf_counter()
    return lambda message: print(f"[{time.perf_counter() - start:7.1f} s] {message}", file=sys.stderr, flush=True)


def workforce_arguments(parser, leading: str | None = None, leading_help: str = "") -> None:
    """The two HR files and how to read them: the same on every verb that matches.

    ``leading``: a file before them (the running pairs, the history) that ``--db`` may stand in for:
    it is parsed as ``_<leading>`` and sorted out by :func:`leading_file`.
    """
    if leading:
        parser.add_argument(f"_{leading}", metavar=leading, type=Path, help=leading_help)
    parser.add_argument("employees", type=Path)
    parser.add_argument("skills", type=Path, nargs="?" if leading else None)
    parser.add_argument("--config", type=Path, help="programme rules and weights (TOML)")
    parser.add_argument(
        "--external-managers",
        action="store_true",
        help="a manager_id missing from the file is someone outside it, not an error",
    )
    parser.add_argument(
        "--default-role",
        default="none",
        choices=("none", "mentor", "mentee", "both"),
        help="the opt-in of a blank role cell, or of everyone without a role column (default: none, not enrolled)",
    )
    parser.add_argument("-o", "--output", type=Path, default=Path("pairs.csv"))
    parser.add_argument("--unmatched", type=Path, help="also write the unmatched people with reasons")
    raw_csv_argument(parser)


def raw_csv_argument(parser) -> None:
    parser.add_argument(
        "--raw-csv",
        action="store_true",
        help="write CSV cells as they are, for machines (by default a cell starting with = + - @ gets a leading ')",
    )


def leading_file(args, leading: str) -> None:
    """``[LEADING] employees skills``: LEADING may be left out with --db only (the store holds it)."""
    if args.skills is None:
        if not getattr(args, "db", None):
            raise ConfigError(f"give the {leading} file, employees.csv and skills.csv (or --db to read the {leading})")
        setattr(args, leading, None)
        args.employees, args.skills = getattr(args, f"_{leading}"), args.employees
    else:
        setattr(args, leading, getattr(args, f"_{leading}"))


def load_program(args) -> Program:
    return Program.from_toml(args.config) if getattr(args, "config", None) else Program()


def load_workforce(args) -> Workforce:
    return Workforce.from_csv(
        args.employees, args.skills, external_managers=args.external_managers, default_role=args.default_role
    )


def pseudonym_key(args) -> str | None:
    """With --pseudonymize, the key from the environment, refused when missing or short; else None."""
    return check_key(os.environ.get(KEY_VARIABLE)) if getattr(args, "pseudonymize", False) else None


def write_pairs(result: MatchResult, args, key: str | None = None) -> None:
    write_result(result, args.output, args.unmatched, pseudonym_key=key, formula_safe=not args.raw_csv)


def write_extras(result: MatchResult, args, inputs: dict, seed: int | None) -> None:
    """The optional HTML report and the audit folder (pairs, unmatched, explanations, run.json)."""
    if getattr(args, "report", None):
        write_text(args.report, result.to_html())
        print(f"wrote report {args.report}")
    if getattr(args, "out_dir", None):
        paths = write_outputs(
            result, args.out_dir, inputs=inputs, seed=seed, force=args.force, formula_safe=not args.raw_csv
        )
        print(f"wrote {', '.join(str(p) for p in paths.values())}")


INPUT_FLAGS = {
    "employees": "employees",
    "skills": "skills",
    "config": "config",
    "previous": "previous pairs",
    "history": "history",
    "checkins": "check-ins",
    "pairs": "pairs",
    "audit": "audit",
    "preferences": "preferences",
    "responses": "responses",
}
OUTPUT_FLAGS = {
    "output": "-o",
    "unmatched": "--unmatched",
    "report": "--report",
    "changes": "--changes",
    "letters": "--letters",
}


def check_outputs(args) -> None:
    """Before anything runs: no output is an input or another output, no file output is a folder,
    every folder can be made and written, an existing audit folder needs --force.

    A match can take minutes: a bad output path must fail first, and revmatch never overwrites an
    HR file it was given.
    """
    sources = {
        name: path.resolve()
        for attr, name in INPUT_FLAGS.items()
        if isinstance(path := getattr(args, attr, None), Path)
    }
    given = {flag: Path(path) for attr, flag in OUTPUT_FLAGS.items() if (path := getattr(args, attr, None))}
    if getattr(args, "out_dir", None):
        given["--out-dir"] = Path(args.out_dir)
    seen: dict[Path, str] = {}
    for flag, path in given.items():
        resolved = path.resolve()
        for name, source in sources.items():
            if resolved == source or (flag == "--out-dir" and resolved in source.parents):
                what = "is" if resolved == source else "holds"
                raise ConfigError(f"{flag} {path} {what} the {name} input: revmatch never overwrites its inputs")
        if resolved in seen:
            raise ConfigError(f"{flag} and {seen[resolved]} are the same file ({path}): give each output its own")
        seen[resolved] = flag
        if flag != "--out-dir" and path.is_dir():
            raise ConfigError(f"{flag} {path} is a folder; give a file name")
    for flag, path in given.items():
        _writable_folder(flag, path, path.parent)
    if "--out-dir" in given:
        check_audit_folder(given["--out-dir"], force=getattr(args, "force", False))


def _writable_folder(flag: str, path: Path, folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{flag} {path}: cannot create the folder {folder} ({exc.strerror})") from None
    if not os.access(folder, os.W_OK):
        raise ConfigError(f"{flag} {path}: the folder {folder} is not writable")


def audit_arguments(parser, what: str) -> None:
    """--report and --out-dir (with --force), the same on every verb that can write them."""
    parser.add_argument("--report", type=Path, help=f"{what} the self-contained HTML report here")
    parser.add_argument("--out-dir", type=Path, help=f"{what} pairs.csv, unmatched.csv, pairs.jsonl and run.json here")
    parser.add_argument("--force", action="store_true", help="replace an existing audit folder (--out-dir)")
