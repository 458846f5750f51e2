"""`introductions`: launch-day messages, one per pair (text and HTML), and a mail-merge CSV."""

from __future__ import annotations

from pathlib import Path

from ..reporting.introductions import Templates, introductions, write_introductions
from ..tables import read_table
from .common import check_outputs, load_workforce, raw_csv_argument, reading_arguments


def _introductions(args) -> int:
    check_outputs(args)
    templates = Templates.from_files(args.text_template, args.html_template, args.subject)
    pairs = read_table(args.pairs, escaped=True)  # a pairs file revmatch wrote: its formula guard undone
    workforce = load_workforce(args)
    notes = introductions(pairs, workforce, templates=templates, topics=args.topics)
    paths = write_introductions(notes, args.introductions, formula_safe=not args.raw_csv)
    print(f"wrote {len(notes)} introductions (text and HTML) and {paths['mail_merge.csv']}")
    return 0


def add_parsers(sub) -> None:
    p = sub.add_parser("introductions", help="write one introduction per pair (text and HTML) and a mail-merge CSV")
    p.add_argument("pairs", type=Path, help="the pairs file of a match (mentor_id, mentee_id)")
    p.add_argument("employees", type=Path)
    p.add_argument("skills", type=Path)
    p.add_argument("-o", dest="introductions", type=Path, required=True, help="a new (or empty) folder")
    p.add_argument("--config", type=Path, help="the programme file (its [columns] table maps the headers)")
    reading_arguments(p)
    p.add_argument("--text-template", type=Path, help="the plain-text message, with {{ placeholders }}")
    p.add_argument("--html-template", type=Path, help="the HTML message, with {{ placeholders }} (values escaped)")
    p.add_argument("--subject", help="the subject line, with {{ placeholders }}")
    p.add_argument("--topics", type=int, default=3, help="suggested first topics from the mentee's needs (0–20)")
    raw_csv_argument(p)
    p.set_defaults(run=_introductions)
