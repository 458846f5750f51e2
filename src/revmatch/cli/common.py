"""What the verbs share: the summary lines, progress, the HR-file arguments and the output checks."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pandas as pd

from ..errors import ConfigError
from ..lifecycle import RematchResult
from ..mapping import PROFILES
from ..matching import ROUTES, MatchResult
from ..models import Workforce
from ..preferences import Preferences, read_preferences
from ..program import Program
from ..reporting.audit import check_audit_folder, write_outputs
from ..reporting.figures import match_percent
from ..reporting.files import write_result
from ..reporting.introductions import with_contacts
from ..reporting.pseudonyms import check_key
from ..reporting.spreadsheet import write_spreadsheet
from ..reporting.writing import write_csv, write_text
from ..survey import read_survey

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
    reading_arguments(parser)
    parser.add_argument("-o", "--output", type=Path, default=Path("pairs.csv"))
    parser.add_argument("--unmatched", type=Path, help="also write the unmatched people with reasons")
    raw_csv_argument(parser)


def reading_arguments(parser) -> None:
    """How the HR files are read: sheets, header profile, level order, a wide survey, contact columns."""
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
    parser.add_argument(
        "--sheet",
        action="append",
        metavar="[ROLE=]SHEET",
        help="Excel: the sheet to read (every workbook), or employees=NAME / skills=NAME (repeat the flag)",
    )
    parser.add_argument("--profile", choices=tuple(PROFILES), help="map the headers this HR system exports")
    parser.add_argument(
        "--format",
        dest="file_format",
        choices=("csv", "excel", "parquet", "jsonl"),
        help="read the HR files as this format whatever their extension (default: by extension)",
    )
    parser.add_argument(
        "--level-order",
        choices=("ascending", "descending"),
        default="ascending",
        help="descending: level 1 is the most senior (default ascending: a higher level is more senior)",
    )
    parser.add_argument("--survey-id", metavar="COLUMN", help="the skills file is a wide survey; COLUMN holds the id")
    parser.add_argument(
        "--proficiency", default="{skill} - proficiency", help="survey header pattern (with --survey-id)"
    )
    parser.add_argument("--need", default="{skill} - need", help="survey header pattern (with --survey-id)")
    parser.add_argument(
        "--contact-columns",
        metavar="NAME,EMAIL",
        help="employee columns to carry into the pairs file and the report (e.g. name,email); never scored",
    )


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
    """The workforce of the HR files as the reading flags and the programme's [columns] table say."""
    sheets = sheet_option(getattr(args, "sheet", None))
    skills = args.skills
    if getattr(args, "survey_id", None):
        survey_sheet = sheets.get("skills") if isinstance(sheets, dict) else sheets
        skills = read_survey(
            skills, args.survey_id, args.proficiency, args.need, sheet=survey_sheet, file_format=args.file_format
        )
    return Workforce.from_files(
        args.employees,
        skills,
        sheet=sheets,
        columns=load_program(args).columns,
        profile=getattr(args, "profile", None),
        file_format=getattr(args, "file_format", None),
        level_order=getattr(args, "level_order", "ascending"),
        contact_columns=getattr(args, "contact_columns", None) or (),
        external_managers=args.external_managers,
        default_role=args.default_role,
    )


def sheet_option(given: list[str] | None) -> str | dict[str, str] | None:
    """``--sheet NAME`` for every workbook, or ``--sheet employees=NAME --sheet skills=NAME``."""
    if not given:
        return None
    by_role = dict(g.split("=", 1) for g in given if "=" in g and g.split("=", 1)[0] in ("employees", "skills"))
    plain = [g for g in given if not ("=" in g and g.split("=", 1)[0] in ("employees", "skills"))]
    if plain and (by_role or len(plain) > 1):
        raise ConfigError("--sheet: give one sheet for every workbook, or employees=NAME and skills=NAME")
    return plain[0] if plain else by_role


def pseudonym_key(args) -> str | None:
    """With --pseudonymize, the key from the environment, refused when missing or short; else None."""
    if getattr(args, "pseudonymize", False) and getattr(args, "contact_columns", None):
        raise ConfigError("--pseudonymize writes no names: leave --contact-columns out, or drop --pseudonymize")
    return check_key(os.environ.get(KEY_VARIABLE)) if getattr(args, "pseudonymize", False) else None


def write_pairs(result: MatchResult, args, key: str | None = None) -> None:
    if getattr(args, "contact_columns", None):  # the launch-day pairs file: names and e-mail beside the ids
        write_csv(with_contacts(result.pairs, result.workforce), args.output, not args.raw_csv)
        if args.unmatched:
            write_csv(result.unmatched, args.unmatched, not args.raw_csv)
        return
    write_result(result, args.output, args.unmatched, pseudonym_key=key, formula_safe=not args.raw_csv)


def write_extras(result: MatchResult, args, inputs: dict, seed: int | None) -> None:
    """The optional HTML report and the audit folder (pairs, unmatched, explanations, run.json)."""
    if getattr(args, "report", None):
        if Path(args.report).suffix.casefold() == ".xlsx":  # the admins' spreadsheet
            contacts = getattr(args, "contact_columns", None)
            pairs = with_contacts(match_percent(result), result.workforce) if contacts else None
            write_spreadsheet(result, args.report, pairs=pairs)
        else:
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
    "what_if": "what-if changes",
    "text_template": "text template",
    "html_template": "HTML template",
    "preferences": "preferences",
    "responses": "responses",
}
OUTPUT_FLAGS = {
    "output": "-o",
    "unmatched": "--unmatched",
    "report": "--report",
    "changes": "--changes",
    "per_person": "--per-person",
    "letters": "--letters",
}
FOLDER_OUTPUTS = {"introductions": "-o"}  # folders that must be new or empty


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
    folders = {flag: Path(path) for attr, flag in FOLDER_OUTPUTS.items() if (path := getattr(args, attr, None))}
    _check_folders(folders, sources)
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
        writable_folder(flag, path, path.parent)
    if "--out-dir" in given:
        check_audit_folder(given["--out-dir"], force=getattr(args, "force", False))


def _check_folders(folders: dict[str, Path], sources: dict[str, Path]) -> None:
    """Output folders: not holding an input, new or empty, and creatable."""
    for flag, path in folders.items():
        for name, source in sources.items():
            if path.resolve() == source or path.resolve() in source.parents:
                raise ConfigError(f"{flag} {path} holds the {name} input: give a new folder")
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise ConfigError(f"{flag} {path} exists and is not an empty folder: give a new folder")
        writable_folder(flag, path, path)


def writable_folder(flag: str, path: Path, folder: Path) -> None:
    """``folder`` exists (made if needed) and can be written, else a ConfigError naming ``flag``."""
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"{flag} {path}: {folder} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"{flag} {path}: cannot create the folder {folder} ({exc.strerror})") from None
    if not os.access(folder, os.W_OK):
        raise ConfigError(f"{flag} {path}: the folder {folder} is not writable")


def audit_arguments(parser, what: str) -> None:
    """--report and --out-dir (with --force), the same on every verb that can write them."""
    parser.add_argument(
        "--report", type=Path, help=f"{what} the self-contained HTML report here (.xlsx: the admins' spreadsheet)"
    )
    parser.add_argument("--out-dir", type=Path, help=f"{what} pairs.csv, unmatched.csv, pairs.jsonl and run.json here")
    parser.add_argument("--force", action="store_true", help="replace an existing audit folder (--out-dir)")


def preferences_argument(parser) -> None:
    """``--preferences``: the stated preferences, in any format the HR files come in."""
    parser.add_argument(
        "--preferences",
        type=Path,
        help="stated preferences (employee_id, partner_id, preference = a rank, avoid or must)",
    )


def read_stated(args) -> Preferences | None:
    """The ``--preferences`` file read (by extension, or as ``--format`` says), or None."""
    if not args.preferences:
        return None
    return read_preferences(args.preferences, file_format=getattr(args, "file_format", None))


def finish_round(changed: RematchResult, args, key: str | None, declined: pd.DataFrame | None = None) -> int:
    """Write a re-matched round: the pairs, what changed and why (``--changes``), the summary."""
    write_pairs(changed.result, args, key)
    print(changed.summary_text())
    if args.changes:
        frames = [] if declined is None else [declined.assign(change="declined")]
        frames += [
            changed.kept.assign(change="kept", reason=""),
            changed.broken.assign(change="broken"),
            changed.made.assign(change="new", reason=""),
        ]
        changes = pd.concat(frames, ignore_index=True)[["change", "mentor_id", "mentee_id", "reason"]]
        write_csv(changes, args.changes, formula_safe=not args.raw_csv)
        print(f"wrote {args.changes}")
    print_summary(changed.result, sys.stdout)
    print(f"wrote {args.output}")
    return 0


def date_order_arguments(parser) -> None:
    """``--dayfirst`` / ``--monthfirst``: how a check-ins date like 09/03/2026 reads (default: refused)."""
    dates = parser.add_mutually_exclusive_group()
    dates.add_argument("--dayfirst", action="store_true", default=None, help="dates like 09/03/2026 are 9 March")
    dates.add_argument(
        "--monthfirst", dest="dayfirst", action="store_false", help="dates like 09/03/2026 are 3 September"
    )
