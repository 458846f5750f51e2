"""A programme's rules, weights and objective: the Program model, from Python or a TOML file."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.json_schema import SkipJsonSchema

from .errors import ConfigError
from .limits import CAPACITY, DEPTH, LEVEL, POINTS, SECONDS, WEIGHT
from .mapping import check_mapping
from .preferences import Preferences
from .tables import cut

Pair = tuple[str, str]  # (mentor_id, mentee_id)


class Program(BaseModel):
    """How a programme pairs people: hard rules (the allowed mask), score weights and the objective.

    Attributes
    ----------
    min_level_gap : int or None, default=1
        A mentor must be at least this many levels *below* the mentee (reverse mentoring: the junior
        mentors the senior). ``None`` switches the rule off; 0 allows peers.
    min_forward : int, default=1
        The junior teaches first: no pair whose forward part (need points the mentor can teach the
        mentee) is below this. 0 switches the rule off.
    mentor_max_level, mentee_min_level : int or None, default=None
        Who may take part on each side: mentors at most this level, mentees at least this level
        (someone opted in as ``both`` takes the sides their level allows). None: no limit.
    exclude_reporting_line : bool, default=True
        No pair where one person is in the other's management chain (psychological safety).
    reporting_line_depth : int or None, default=None
        How far up and down the chain the rule reaches: None, the whole chain; 1, nobody is paired
        with their manager (or a direct report); 2, nor with their manager's manager; and so on. A
        depth lets the CEO and top executives take part without switching the rule off.
    forward_weight, backward_weight : float, default=1.0 and 0.5
        Points per need point of what the mentor teaches the mentee (forward) and of what the mentee
        gives back (backward). Reverse mentoring puts the senior's learning first, so the give-back
        counts half by default.
    mentor_capacity, mentee_capacity : int or dict of employee id → int, default=None
        Most pairs per person on that side: one number for everyone, or overrides for some people;
        these win over the employees file's capacity columns. None: the file's (default 1).
    objective : {"total", "coverage", "fair", "rank_maximal", "stable"}, default="total"
        ``total``: the largest sum of pair scores. ``coverage``: as many people matched as possible
        (mentors with a mentee plus mentees with a mentor), then the largest total among those.
        ``fair``: among the matchings with the most pairs, the largest lowest pair score, then the
        largest total among those. ``rank_maximal``: the most stated first choices met, then the
        most second choices, …, then the largest total. ``stable``: no two people would both rather
        have each other than a partner they got (stated ranks first, then scores; mentee-proposing
        deferred acceptance). All are exact; the last two need ``preferences``.
    locked, forbidden : list of (mentor_id, mentee_id), default=()
        Admin overrides: locked pairs are always made, forbidden pairs never.
    past_pairs : list of (id, id), default=()
        Earlier cohorts' pairs, never repeated (in either direction).
    require_different_department, require_shared_language, require_same_location : bool, default=False
        Optional hard attribute rules. Unknown values (empty cells) never satisfy a requirement.
    min_timezone_overlap : float or None, default=None
        Hard rule: at least this many shared working hours (``working_hours`` local time in each
        person's IANA time zone, on ``reference_date`` so daylight saving is fixed).
    different_department_weight, shared_language_weight, same_location_weight : float, default=0
        Soft preferences: added to the score of a pair that has the property (negative = penalty).
    timezone_overlap_weight : float, default=0
        Soft preference: added per shared working hour.
    priority : list of employee ids, default=()
        People to favour (e.g. left unmatched last round): each of them in a pair adds
        ``priority_weight`` score points to it (a soft preference, traded against the skills).
    priority_first : bool, default=False
        Instead of points, match the ``priority`` people first: the most of them with a pair, then
        the largest total (exact, lexicographic; the ``total`` objective without quotas).
    previous_pairs : list of (mentor_id, mentee_id), default=()
        Pairs of the running programme; each kept adds ``continuity_weight`` (used by re-matching).
    min_matched_share : float or dict of department → float, default=None
        Quota: at least this share of each department's opted-in mentees (rounded up) must be matched.
    max_pairs_per_department_pair : int or None, default=None
        Quota: at most this many pairs from any one (mentor department, mentee department).
    preferences : Preferences or None, default=None
        Stated preferences (:func:`revmatch.read_preferences`), usually given as
        ``rm.match(..., preferences=...)``: ``avoid`` is a hard rule, ``must`` a lock when the pair is
        allowed (reported otherwise), ranks soft (``preference_weight``) or the objective. Never
        written out with the programme's settings (they are personal data).
    preference_weight : float, default=8
        Points a pair earns for each first choice stated about it; a second choice earns half, a
        third a quarter, and so on (:mod:`revmatch.preferences`).
    min_shared_hours : float or None, default=None
        Hard rule: at least this many hours a week both people are free (their ``availability``
        column, else ``working_hours`` on weekdays, each in their own time zone).
    shared_hours_weight : float, default=0
        Soft preference: added per hour a week both people are free.
    time_limit : float, default=60
        Seconds for the CP-SAT engine (quotas only); past it the best pairs found come back as
        ``feasible`` with their bound.
    columns : dict of header → revmatch column, default={}
        How this programme's HR exports name the columns (``{"Employee ID": "employee_id"}``), for
        :meth:`revmatch.Workforce.from_files`; a ``[columns]`` table in the programme file. Not a
        matching rule: it only says how the files are read.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    min_level_gap: int | None = Field(1, ge=0, le=2 * LEVEL)
    min_forward: int = Field(1, ge=0, le=POINTS)
    mentor_max_level: int | None = Field(None, ge=-LEVEL, le=LEVEL)
    mentee_min_level: int | None = Field(None, ge=-LEVEL, le=LEVEL)
    exclude_reporting_line: bool = True
    reporting_line_depth: int | None = Field(None, ge=1, le=DEPTH)
    forward_weight: float = Field(1.0, ge=0, le=WEIGHT, allow_inf_nan=False)
    backward_weight: float = Field(0.5, ge=0, le=WEIGHT, allow_inf_nan=False)
    mentor_capacity: int | dict[str, int] | None = None
    mentee_capacity: int | dict[str, int] | None = None
    objective: Literal["total", "coverage", "fair", "rank_maximal", "stable"] = "total"
    locked: tuple[Pair, ...] = ()
    forbidden: tuple[Pair, ...] = ()
    past_pairs: tuple[Pair, ...] = ()
    require_different_department: bool = False
    require_shared_language: bool = False
    require_same_location: bool = False
    min_timezone_overlap: float | None = Field(None, ge=0, le=24, allow_inf_nan=False)
    working_hours: tuple[float, float] = (9.0, 17.0)
    reference_date: date = date(2026, 1, 15)
    different_department_weight: float = Field(0.0, ge=-WEIGHT, le=WEIGHT, allow_inf_nan=False)
    shared_language_weight: float = Field(0.0, ge=-WEIGHT, le=WEIGHT, allow_inf_nan=False)
    same_location_weight: float = Field(0.0, ge=-WEIGHT, le=WEIGHT, allow_inf_nan=False)
    timezone_overlap_weight: float = Field(0.0, ge=-WEIGHT, le=WEIGHT, allow_inf_nan=False)
    priority: tuple[str, ...] = ()
    priority_weight: float = Field(0.0, ge=-POINTS, le=POINTS, allow_inf_nan=False)
    priority_first: bool = False
    previous_pairs: tuple[Pair, ...] = ()
    continuity_weight: float = Field(0.0, ge=-POINTS, le=POINTS, allow_inf_nan=False)
    min_matched_share: float | dict[str, float] | None = None
    max_pairs_per_department_pair: int | None = Field(None, ge=0, le=CAPACITY * 10**6)
    preferences: SkipJsonSchema[Preferences | None] = Field(None, exclude=True, repr=False)
    preference_weight: float = Field(8.0, ge=-WEIGHT, le=WEIGHT, allow_inf_nan=False)
    min_shared_hours: float | None = Field(None, ge=0, le=168, allow_inf_nan=False)
    shared_hours_weight: float = Field(0.0, ge=-WEIGHT, le=WEIGHT, allow_inf_nan=False)
    time_limit: float = Field(60.0, gt=0, le=SECONDS, allow_inf_nan=False)
    columns: dict[str, str] = Field(default_factory=dict)

    @field_validator(
        "exclude_reporting_line",
        "require_different_department",
        "require_shared_language",
        "require_same_location",
        "priority_first",
        mode="before",
    )
    @classmethod
    def _strict_bool(cls, value):
        """A switch is true or false: "yes", "false", 0 or 1 are refused, not guessed."""
        if not isinstance(value, bool):
            raise ValueError("must be true or false")
        return value

    @field_validator(
        "min_level_gap",
        "min_forward",
        "mentor_max_level",
        "mentee_min_level",
        "reporting_line_depth",
        "forward_weight",
        "backward_weight",
        "min_timezone_overlap",
        "working_hours",
        "different_department_weight",
        "shared_language_weight",
        "same_location_weight",
        "timezone_overlap_weight",
        "priority_weight",
        "continuity_weight",
        "min_matched_share",
        "max_pairs_per_department_pair",
        "preference_weight",
        "min_shared_hours",
        "shared_hours_weight",
        "time_limit",
        mode="before",
    )
    @classmethod
    def _strict_number(cls, value):
        """A number is a number: text ("5") and true/false are refused, not converted."""
        values = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else [value]
        if any(isinstance(x, (str, bytes, bool)) for x in values):
            raise ValueError("must be a number (not text or true/false)")
        return value

    @field_validator("priority", mode="before")
    @classmethod
    def _ids_as_text(cls, value):
        return tuple(str(x) for x in value) if isinstance(value, (list, tuple, set)) else value

    @field_validator("locked", "forbidden", "past_pairs", "previous_pairs", mode="before")
    @classmethod
    def _pairs_as_text(cls, value):
        """Ids may arrive as numbers (TOML, JSON): pairs are compared as text."""
        if isinstance(value, (list, tuple)):
            return tuple(tuple(str(x) for x in pair) if isinstance(pair, (list, tuple)) else pair for pair in value)
        return value

    @field_validator("mentor_capacity", "mentee_capacity", mode="before")
    @classmethod
    def _capacities(cls, value):
        """Capacities are whole numbers from 0; ids (keys) are compared as text."""
        numbers = value.values() if isinstance(value, dict) else [] if value is None else [value]
        if any(isinstance(x, bool) or not isinstance(x, int) or not 0 <= x <= CAPACITY for x in numbers):
            raise ValueError(f"capacities must be whole numbers from 0 to {CAPACITY}")
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value

    @field_validator("working_hours")
    @classmethod
    def _hours(cls, value):
        start, end = value
        if not 0 <= start < end <= 24:
            raise ValueError("working hours must be (start, end) with 0 ≤ start < end ≤ 24")
        return value

    @field_validator("min_matched_share")
    @classmethod
    def _shares(cls, value):
        shares = value.values() if isinstance(value, dict) else [] if value is None else [value]
        if any(not 0 <= x <= 1 for x in shares):
            raise ValueError("shares must be between 0 and 1 (0.5 = half of the department's mentees)")
        return value

    @field_validator("preferences", mode="before")
    @classmethod
    def _read_preferences(cls, value):
        """Preferences come from rm.read_preferences (a programme file cannot hold them)."""
        if value is not None and not isinstance(value, Preferences):
            raise ValueError("read them with rm.read_preferences and pass preferences= to rm.match")
        return value

    @property
    def has_ranks(self) -> bool:
        """Whether stated ranks weigh in the scores (some are given, and their weight is not 0)."""
        return self.preferences is not None and self.preferences.has_ranks and self.preference_weight != 0

    @field_validator("columns")
    @classmethod
    def _columns(cls, value: dict[str, str]) -> dict[str, str]:
        """Headers map to revmatch's column names, and never from a protected column."""
        try:
            return check_mapping(value, None)
        except ConfigError as exc:
            raise ValueError(str(exc).removeprefix("columns: ")) from None

    @property
    def has_quotas(self) -> bool:
        return bool(self.min_matched_share) or self.max_pairs_per_department_pair is not None

    @classmethod
    def from_toml(cls, path: str | Path) -> Program:
        """Read a programme from TOML: keys at the top level or under a ``[program]`` table, not both.

        A ``[columns]`` table (export header = revmatch column) may stand beside ``[program]``: it
        becomes :attr:`columns`. Every problem is a ConfigError naming the file: missing, not UTF-8,
        not TOML, nested too deeply, keys beside the ``[program]`` table (they would be ignored), or a
        bad value.
        """
        path = Path(path)
        data = read_toml(path, "a programme file")
        if "program" in data:
            beside = sorted(k for k in data if k not in ("program", "columns"))
            if beside:
                raise ConfigError(
                    f"{path}: keys outside the [program] table would be ignored: {', '.join(beside)} "
                    "(put every key under [program], or none; [columns] may stand beside it)"
                )
            if not isinstance(data["program"], dict):
                raise ConfigError(f"{path}: 'program' must be a table of settings")
            if "columns" in data and "columns" in data["program"]:
                raise ConfigError(f"{path}: give the columns once, as [columns] or inside [program]")
            data = data["program"] | ({"columns": data["columns"]} if "columns" in data else {})
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: 'program' must be a table of settings")
        return cls.from_dict(data, where=str(path))

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise _config_error(exc, "Program") from None

    @classmethod
    def from_dict(cls, data: dict, where: str = "program") -> Program:
        """Build a programme from plain data, turning pydantic's errors into one ConfigError naming ``where``."""
        if not isinstance(data, dict) or not all(isinstance(key, str) for key in data):
            raise ConfigError(f"{where}: a programme is a table of settings with text keys")
        try:
            return cls(**data)  # __init__ words every problem, naming "Program": name ``where`` instead
        except ConfigError as exc:
            raise ConfigError(str(exc).replace("\n  Program: key ", f"\n  {where}: key ")) from None


def _config_error(exc: ValidationError, where: str) -> ConfigError:
    """Every problem pydantic found in a programme, one line each, naming the key and the value given."""
    lines = [
        f"{where}: key '{cut('.'.join(map(str, e['loc'])) or '?')}': {e['msg'].removeprefix('Value error, ')} "
        f"(got {cut(repr(e.get('input')))})"
        for e in exc.errors()
    ]
    return ConfigError("\n  ".join(["invalid programme configuration:", *lines]))


def read_toml(path: str | Path, kind: str) -> dict[str, Any]:
    """A TOML file's tables, or a ConfigError naming the file and what is wrong: missing, a folder,
    unreadable, not UTF-8, not TOML, or nested too deeply to be ``kind``."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a TOML file") from None
    except OSError as exc:  # no permission, ...
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{path}: nested too deeply to be {kind}") from None
