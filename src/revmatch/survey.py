"""Wide skills surveys (Forms, Qualtrics: a column per skill and question) → the long skills table."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import ConfigError, InputError, Problem
from .readers import Sheet, read_frame
from .tables import shown
from .validate import MAX_SCALE, Problems, Table, _warn_ignored, closest_headers

# The answer labels read when the survey gives words instead of numbers (case and spaces aside).
DEFAULT_LABELS = {"none": 0, "beginner": 1, "basic": 2, "intermediate": 3, "advanced": 4, "expert": 5}


def read_survey(
    path: str | Path,
    id_column: str,
    proficiency: str | None = "{skill} - proficiency",
    need: str | None = "{skill} - need",
    *,
    labels: Mapping[str, int] | None = None,
    sheet: Sheet = None,
    file_format: str | None = None,
) -> pd.DataFrame:
    """Turn a wide survey export into the long skills table (employee_id, skill, proficiency, need).

    A header that matches the ``proficiency`` pattern (``{skill}`` marks the skill's name, e.g.
    ``"Python - proficiency"``) holds each respondent's proficiency in that skill; one that matches
    ``need``, their need. Answers are whole numbers from 0 to 5 or labels of a scale (by default
    None 0, Beginner 1, Basic 2, Intermediate 3, Advanced 4, Expert 5, case aside; ``labels``
    replaces it, for both questions); a blank answer is 0. A skill asked only one way reads 0 for
    the other. Rows whose answers are all 0 add nothing and are left out. Any format
    :meth:`revmatch.Workforce.from_files` reads (``sheet``, ``file_format`` as there); pass the
    result to it as the skills.

    Raises
    ------
    InputError
        Every unreadable answer, named by row and column (and sheet and letter in a workbook); a
        blank id; a person who answered twice; no id column or no header matching a pattern (the
        closest headers are listed).
    ConfigError
        A pattern without exactly one ``{skill}``; a label whose value is not a whole number 0–5.

    Examples
    --------
    >>> import revmatch as rm, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "survey.csv").write_text("ID,Python - proficiency,Python - need\\nE1,Expert,\\nE2,,4\\n")
    >>> rm.read_survey(folder / "survey.csv", id_column="ID")[["employee_id", "skill", "proficiency", "need"]]
      employee_id   skill  proficiency  need
    0          E1  Python            5     0
    1          E2  Python            0     4
    """
    scale = _scale(labels)
    patterns = {q: _pattern(q, p) for q, p in (("proficiency", proficiency), ("need", need)) if p is not None}
    if not patterns:
        raise ConfigError("give at least one of the proficiency and need patterns")
    question: Callable[[str], tuple[str, str] | None] = lambda h: next(
        ((q, m["skill"].strip()) for q, rx in patterns.items() if (m := rx.match(h))), None
    )
    selected = lambda h: h.casefold() == id_column.casefold() or bool(question(h))
    frame = read_frame(path, sheet=sheet, columns=selected, file_format=file_format)
    where = str(frame.attrs.get("where", path))
    table = Table.from_frame(frame, where, spreadsheet_rows=True)
    ids_header = next((h for h in table.cells if h.casefold() == id_column.casefold()), None)
    asked: dict[str, tuple[str, str]] = {}
    for header in table.cells:
        found = question(header) if header != ids_header else None
        if found is not None:
            asked[header] = found
    _check_found(where, table.header, id_column, ids_header, asked, patterns)
    assert ids_header is not None
    letters = frame.attrs.get("letters", {})
    table.labels.update({h: (h, letters.get(h)) for h in table.cells})
    _warn_ignored(table, tuple(table.cells))
    problems = Problems()
    ids = table.text(ids_header)
    problems.add_rows(table, ids == "", ids_header, lambda i: "missing value (required)")
    first: dict[str, object] = {}
    for i, who in enumerate(ids.tolist()):
        if who and who in first:
            problems.add_cell(table, table.rows[i], ids_header, f"{who!r} answered twice (first on row {first[who]})")
        first.setdefault(who, table.rows[i])
    skills = sorted({s for _, s in asked.values()}, key=str.casefold)
    answers = {q: np.zeros((table.n, len(skills)), dtype=np.int64) for q in ("proficiency", "need")}
    for header, (kind, skill) in asked.items():
        answers[kind][:, skills.index(skill)] = _answers(table, header, scale, problems)
    problems.raise_if_any()
    return _long(str(path), frame, table, ids, skills, answers, ids_header, patterns, labels)


def _pattern(question: str, pattern: str) -> re.Pattern[str]:
    if not isinstance(pattern, str) or pattern.count("{skill}") != 1:
        raise ConfigError(
            f"{question} pattern must hold '{{skill}}' once, e.g. '{{skill}} - {question}'; got {pattern!r}"
        )
    # Spaces are loose (none, one or several), as exports pad and trim headers differently.
    before, after = (r"\s*".join(re.escape(word) for word in part.split()) for part in pattern.split("{skill}"))
    return re.compile(rf"^\s*{before}\s*(?P<skill>.+?)\s*{after}\s*$", re.IGNORECASE)


def _scale(labels: Mapping[str, int] | None) -> dict[str, int]:
    if labels is None:
        return dict(DEFAULT_LABELS)
    out = {}
    for label, value in dict(labels).items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not 0 <= value <= MAX_SCALE:
            raise ConfigError(f"labels: {label!r} must map to a whole number from 0 to {MAX_SCALE}, got {value!r}")
        out[" ".join(str(label).split()).casefold()] = int(value)
    return out


def _check_found(where, header, id_column, ids_header, asked, patterns) -> None:
    """The id column and at least one question column must be there; else the closest headers."""
    problems = []
    if ids_header is None:
        close = closest_headers(id_column, header)
        hint = f"closest headers: {', '.join(map(repr, close))}" if close else f"found: {', '.join(header)}"
        problems.append(Problem(where, None, id_column, f"no id column {id_column!r} ({hint})"))
    if not asked:
        shown_patterns = " or ".join(repr(p.pattern) for p in patterns.values())
        message = f"no header matches the question patterns ({shown_patterns}); headers: {', '.join(header[:20])}"
        problems.append(Problem(where, None, None, message))
    if problems:
        raise InputError(problems)


def _answers(table: Table, header: str, scale: dict[str, int], problems: Problems) -> np.ndarray:
    """One column's answers as 0–5: numbers, labels of the scale, blanks as 0; the rest named.

    A column holds few distinct answers: each is read once, then spread to its rows.
    """
    text = table.text(header)
    codes, distinct = pd.factorize(text)
    read = [_answer(str(answer), scale) for answer in distinct]
    values = np.array([-1 if v is None else v for v in read] + [0], dtype=np.int64)[codes]
    words = ", ".join(k.title() for k in list(scale)[:8])
    problems.add_rows(
        table,
        values < 0,
        header,
        lambda i: f"{shown(str(text[i]))} is neither a whole number from 0 to 5 nor a label ({words})",
    )
    return np.maximum(values, 0)


def _answer(answer: str, scale: dict[str, int]) -> int | None:
    """0–5 from a blank, a label of the scale or a whole number; None if it is none of those."""
    if answer == "":
        return 0
    label = scale.get(" ".join(answer.split()).casefold())
    if label is not None:
        return label
    try:
        number = float(answer)
    except ValueError:
        return None
    return int(number) if number.is_integer() and 0 <= number <= MAX_SCALE else None


def _long(path, frame, table, ids, skills, answers, ids_header, patterns, labels) -> pd.DataFrame:
    """The long table, one row per (person, skill) with an answer above 0, labelled for the validator."""
    nonzero = (answers["proficiency"] > 0) | (answers["need"] > 0)
    person, skill = np.nonzero(nonzero)
    long = pd.DataFrame(
        {
            "employee_id": ids[person],
            "skill": np.asarray(skills, dtype=object)[skill] if len(skills) else np.array([], dtype=object),
            "proficiency": answers["proficiency"][person, skill],
            "need": answers["need"][person, skill],
        }
    )
    survey = {"id_column": ids_header, "skills": len(skills), "labels": "default" if labels is None else dict(labels)}
    survey |= {q: p.pattern for q, p in patterns.items()}
    long.attrs.update(
        where=table.where,
        rows=np.asarray(table.rows)[person],
        header=list(long.columns),
        labels={"employee_id": table.label(ids_header)},
        path=path,
        sha256=frame.attrs["sha256"],
        bytes=frame.attrs["bytes"],
        format=frame.attrs.get("format"),
        decisions={"survey": survey},
    )
    if "sheet" in frame.attrs:
        long.attrs["sheet"] = frame.attrs["sheet"]
    return long
