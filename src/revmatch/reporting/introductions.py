r"""Launch-day introductions: one message per pair (plain text and HTML) with "why you two", and a mail-merge CSV.

Templates use one documented syntax: ``{{ name }}`` is replaced by the value of the placeholder
``name`` (spaces inside the braces optional); nothing else is special, there is no logic, and a
placeholder that does not exist is a :class:`ConfigError` naming the known ones. Values are
inserted as they are into the text message and HTML-escaped (line breaks as ``<br>``) into the
HTML one, so no name or skill can inject markup. Placeholders:

- ``mentor_id``, ``mentee_id``; ``mentor_name``, ``mentee_name`` (the ``name`` column, else the id);
- ``mentor_<column>``, ``mentee_<column>`` for each contact column loaded (e.g. ``mentor_email``);
- ``why_mentor``: what the mentor can teach on the mentee's stated needs; ``why_mentee``: what the
  mentee gives back on the mentor's; ``topics``: suggested first topics, one per line, from the needs;
- ``subject`` (in the text and HTML templates).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import ConfigError, InputError, Problem
from ..explain import SkillTransfer, transfers
from ..models import Workforce
from .writing import write_csv, write_text

if TYPE_CHECKING:
    from ..matching import MatchResult

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")

SUBJECT = "Reverse mentoring: {{ mentor_name }} and {{ mentee_name }}"
TEXT = """Hello {{ mentor_name }} and {{ mentee_name }},

You are a pair in our reverse-mentoring programme: {{ mentor_name }} mentors {{ mentee_name }}, and
{{ mentee_name }} gives back what {{ mentor_name }} wants to learn.

Why you two
- {{ why_mentor }}
- {{ why_mentee }}

Suggested first topics
{{ topics }}

Please agree a first meeting in the next two weeks.
"""
HTML = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ subject }}</title></head>
<body>
<p>Hello {{ mentor_name }} and {{ mentee_name }},</p>
<p>You are a pair in our reverse-mentoring programme: {{ mentor_name }} mentors {{ mentee_name }}, and
{{ mentee_name }} gives back what {{ mentor_name }} wants to learn.</p>
<h2>Why you two</h2>
<ul>
<li>{{ why_mentor }}</li>
<li>{{ why_mentee }}</li>
</ul>
<h2>Suggested first topics</h2>
<p>{{ topics }}</p>
<p>Please agree a first meeting in the next two weeks.</p>
</body>
</html>
"""


@dataclass(frozen=True)
class Templates:
    """The subject line and the text and HTML bodies of an introduction (see the module for the syntax)."""

    subject: str = SUBJECT
    text: str = TEXT
    html: str = HTML

    @classmethod
    def from_files(cls, text: str | Path | None = None, html: str | Path | None = None, subject: str | None = None):
        """Templates from files (UTF-8); what is not given keeps the default."""
        read = lambda p: Path(p).read_text(encoding="utf-8-sig") if p is not None else None
        given = {"subject": subject, "text": read(text), "html": read(html)}
        return cls(**{k: v for k, v in given.items() if v is not None})


def fill(template: str, values: dict[str, str], escape: bool = False) -> str:
    """Replace every ``{{ name }}`` in one pass (inserted values are never read as placeholders)."""
    unknown = sorted({m for m in PLACEHOLDER.findall(template) if m not in values})
    if unknown:
        raise ConfigError(f"unknown placeholder {{{{ {unknown[0]} }}}} in a template; known: {', '.join(values)}")
    put = (lambda v: html.escape(v).replace("\n", "<br>\n")) if escape else (lambda v: v)
    return PLACEHOLDER.sub(lambda m: put(values[m.group(1)]), template)


def introductions(
    result: MatchResult | pd.DataFrame,
    workforce: Workforce | None = None,
    *,
    templates: Templates | None = None,
    topics: int = 3,
) -> pd.DataFrame:
    """One introduction per pair: ids, names, contact columns, ``subject``, ``text`` and ``html``.

    ``result`` is a :class:`MatchResult`, or a pairs table (``mentor_id``, ``mentee_id``, e.g. a pairs
    file read back) with the ``workforce`` it was matched on. "Why you two" names, each way, the skills
    one can teach on the other's stated needs (best first, as the pair's reason does); ``topics`` are
    the mentee's ``topics`` best needs the mentor can teach, then the mentor's best need the mentee
    can teach. Only the names and the contact columns the workforce was loaded with
    (``contact_columns=``) appear: nothing else about a person.

    Examples
    --------
    >>> import revmatch as rm
    >>> result = rm.match(rm.synthetic_workforce(200, seed=0))
    >>> notes = rm.introductions(result)
    >>> len(notes) == len(result.pairs), notes.loc[0, "text"].startswith("Hello ")
    (True, True)
    """
    templates = templates or Templates()
    if not isinstance(topics, int) or isinstance(topics, bool) or not 0 <= topics <= 20:
        raise ConfigError(f"topics must be a whole number from 0 to 20, got {topics!r}")
    pairs, workforce = _pairs_and_workforce(result, workforce)
    mentors = workforce.index_of(pairs["mentor_id"].tolist()) if len(pairs) else np.zeros(0, np.int64)
    mentees = workforce.index_of(pairs["mentee_id"].tolist()) if len(pairs) else np.zeros(0, np.int64)
    taught, given = transfers(workforce, mentors, mentees, topics), transfers(workforce, mentees, mentors, topics)
    people = _people(workforce)
    rows = []
    for k, (m, e) in enumerate(zip(mentors.tolist(), mentees.tolist())):
        values = {f"mentor_{c}": v for c, v in people[m].items()} | {f"mentee_{c}": v for c, v in people[e].items()}
        who = values["mentor_name"], values["mentee_name"]
        values |= _why(*who, taught[k], given[k], topics)
        values["subject"] = fill(templates.subject, values)
        rows.append({**values, "text": fill(templates.text, values), "html": fill(templates.html, values, escape=True)})
    columns = [
        "mentor_id",
        "mentee_id",
        *[f"{side}_{c}" for c in people_columns(workforce) for side in ("mentor", "mentee")],
    ]
    frame = pd.DataFrame(rows, columns=[*columns, "why_mentor", "why_mentee", "topics", "subject", "text", "html"])
    return frame


def people_columns(workforce: Workforce) -> list[str]:
    """The person fields an introduction may show: the name, then the contact columns loaded."""
    extra = [] if workforce.contacts is None else [c for c in workforce.contacts.columns if c not in ("employee_id",)]
    return ["name", *[c for c in extra if c != "name"]]


def _people(workforce: Workforce) -> list[dict[str, str]]:
    names = workforce.employees["name"].to_numpy(dtype=object)
    ids = workforce.ids
    out = [{"id": str(i), "name": str(n) or str(i)} for i, n in zip(ids, names)]
    if workforce.contacts is not None:
        for c in people_columns(workforce)[1:]:
            for person, value in zip(out, workforce.contacts[c].tolist()):
                person[c] = str(value)
    return out


def _pairs_and_workforce(result, workforce: Workforce | None) -> tuple[pd.DataFrame, Workforce]:
    if isinstance(result, pd.DataFrame):
        if workforce is None:
            raise ConfigError("introductions of a pairs table need the workforce it was matched on")
        missing = [c for c in ("mentor_id", "mentee_id") if c not in result.columns]
        if missing:
            raise InputError([Problem("pairs", None, c, "required column is missing") for c in missing])
        return result[["mentor_id", "mentee_id"]].astype(str), workforce
    return result.pairs[["mentor_id", "mentee_id"]], workforce or result.workforce


def _skills(items: tuple[SkillTransfer, ...]) -> str:
    words = [t.skill for t in items]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _why(mentor: str, mentee: str, taught, given, topics: int) -> dict[str, str]:
    """The plain "why you two", both ways, and the first topics, from what each can teach the other."""
    why_mentor = (
        f"{mentor} can help {mentee} with {_skills(taught)}, which {mentee} said they want to learn."
        if taught
        else f"{mentor} brings a fresh view; {mentee} listed no need {mentor} can teach."
    )
    why_mentee = (
        f"{mentee} can share {_skills(given)} with {mentor}, who said they want to learn "
        + ("it." if len(given) == 1 else "them.")
        if given
        else f"{mentee} shares their experience; {mentor} listed no need {mentee} can teach."
    )
    lines = [f"- {t.skill}: {mentor} shows {mentee}" for t in taught[:topics]]
    lines += [f"- {t.skill}: {mentee} shows {mentor}" for t in given[:1]]
    return {
        "why_mentor": why_mentor,
        "why_mentee": why_mentee,
        "topics": "\n".join(lines) or "- getting to know each other",
    }


def write_introductions(notes: pd.DataFrame, directory: str | Path, *, formula_safe: bool = True) -> dict[str, Path]:
    """Write ``pair-0001.txt`` / ``.html`` per introduction and ``mail_merge.csv`` into a new or empty folder.

    The mail-merge file has one row per pair: ids, names, contact columns, subject, the plain-text
    message and the two file names. Returns the paths by name (``mail_merge.csv`` and each message).
    """
    directory = Path(directory)
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise ConfigError(f"{directory} exists and is not an empty folder: give a new folder for the introductions")
    directory.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    names = [f"pair-{k:04d}" for k in range(1, len(notes) + 1)]
    for name, text, page in zip(names, notes["text"], notes["html"]):
        write_text(directory / f"{name}.txt", text)
        write_text(directory / f"{name}.html", page)
        written[f"{name}.txt"], written[f"{name}.html"] = directory / f"{name}.txt", directory / f"{name}.html"
    merge = notes.drop(columns=["html", "why_mentor", "why_mentee", "topics"]).rename(columns={"text": "message"})
    merge["text_file"] = [f"{n}.txt" for n in names]
    merge["html_file"] = [f"{n}.html" for n in names]
    write_csv(merge, directory / "mail_merge.csv", formula_safe)
    written["mail_merge.csv"] = directory / "mail_merge.csv"
    return written


def with_contacts(pairs: pd.DataFrame, workforce: Workforce) -> pd.DataFrame:
    """The pairs with each side's name and contact columns (``mentor_email`` …) after the two ids."""
    people = _people(workforce)
    mentors = workforce.index_of(pairs["mentor_id"].tolist()) if len(pairs) else np.zeros(0, np.int64)
    mentees = workforce.index_of(pairs["mentee_id"].tolist()) if len(pairs) else np.zeros(0, np.int64)
    added = {
        f"{side}_{c}": [people[r][c] for r in rows]
        for c in people_columns(workforce)
        for side, rows in (("mentor", mentors), ("mentee", mentees))
    }
    out = pairs.copy()
    for k, (column, values) in enumerate(added.items()):
        if column in out.columns:
            raise ConfigError(f"the pairs already have a column {column!r}")
        out.insert(2 + k, column, values)
    return out
