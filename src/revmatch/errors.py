"""The few exceptions revmatch raises: one base class, one subclass per cause."""

from __future__ import annotations

from dataclasses import dataclass


class RevmatchError(Exception):
    """Base class of every error revmatch raises on purpose."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input table: where it is and what is wrong.

    ``where`` is the table's name (a file path, ``"employees.xlsx, sheet 'Staff'"`` or ``"employees"``
    for a DataFrame); ``row`` is the 1-based row as a spreadsheet shows it (the header is row 1) for
    CSV and Excel files, the line for JSON Lines, the record for Parquet, the index label for frames;
    ``column`` is the column's header as the file writes it, and ``letter`` its Excel column letter.
    """

    where: str
    row: object | None
    column: str | None
    message: str
    letter: str | None = None

    def __str__(self) -> str:
        place = self.where
        if self.row is not None:
            place += f", row {self.row}"
        if self.column is not None:
            place += f", column {self.letter} '{self.column}'" if self.letter else f", column '{self.column}'"
        elif self.letter:
            place += f", column {self.letter}"
        return f"{place}: {self.message}"


class InputError(RevmatchError, ValueError):
    """Input data breaks the schema; ``problems`` lists every problem found (up to a limit)."""

    MAX_SHOWN = 20

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = list(problems)
        self.total = len(self.problems) if total is None else total
        lines = [str(p) for p in self.problems[: self.MAX_SHOWN]]
        more = self.total - len(lines)
        head = f"{self.total} problem{'s' if self.total != 1 else ''} in the input:"
        tail = [f"... and {more} more"] if more > 0 else []
        super().__init__("\n  ".join([head, *lines, *tail]))


class ConfigError(RevmatchError, ValueError):
    """A programme configuration (Program or its TOML file) is invalid."""


class SolverError(RevmatchError, RuntimeError):
    """The optimisation engine failed in a way that is not the input's fault."""


class InfeasibleError(RevmatchError):
    """The programme's rules cannot all hold at once; ``conflicts`` names each rule and the people involved."""

    def __init__(self, conflicts: list[str]):
        self.conflicts = list(conflicts)
        super().__init__("\n  ".join(["the programme's rules cannot all hold:", *self.conflicts]))


class UnknownPersonError(RevmatchError, KeyError):
    """An id that is not in the workforce, or not opted in on the side asked for."""

    def __str__(self) -> str:  # KeyError would show the message in quotes
        return str(self.args[0]) if self.args else ""


class ResourceError(RevmatchError, MemoryError):
    """The input needs more memory than this machine has for the route asked for; said before trying."""


class RevmatchWarning(UserWarning):
    """Base class of every warning revmatch gives: something was decided for you, and how to decide it."""


class IgnoredColumnsWarning(RevmatchWarning):
    """Input columns that revmatch does not use; they are not read into the workforce."""


class ProtectedColumnsWarning(IgnoredColumnsWarning):
    """Columns with protected or sensitive attributes: dropped on load, never scored."""


class NotOptedInWarning(RevmatchWarning):
    """People with no opt-in (a blank role cell, no role column, or no role given) are not enrolled."""


class ExternalManagersWarning(RevmatchWarning):
    """Managers outside the file: the reporting-line rule cannot see the chain above them."""


class LevelOrderWarning(RevmatchWarning):
    """The levels look reversed: most managers have a lower level than their reports (see ``level_order``)."""


class StoreError(RevmatchError, RuntimeError):
    """The programme store (:class:`revmatch.ProgrammeStore`) could not be read or written."""


class StoreConflictError(StoreError):
    """Another command changed the programme store first; this one wrote nothing and can be run again."""
