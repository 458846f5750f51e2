"""Weekly availability: slots like ``Mon 09:00-11:00; Wed 14:00-15:30`` in each person's time zone, and the
hours a week two people are both free.

A person's week is 672 quarter-hours in UTC (Monday 00:00 first): their slots, shifted by their time
zone's offset on the programme's ``reference_date``, wrap around the week. Someone with no
``availability`` is free during ``working_hours`` Monday to Friday, as the time-zone rule assumes; an
unknown time zone places nobody, so it shares no hours. Shared hours are one matrix product of the
quarter-hour grids, divided by four.
"""

from __future__ import annotations

import re
import weakref

import numpy as np

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
QUARTERS = 7 * 24 * 4
_SLOT = re.compile(r"^([a-z]{3})(?:\s*-\s*([a-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_GRIDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # workforce → {(date, hours): grid}


def parse_slots(text: str) -> list[tuple[int, int]]:
    """Quarter-hour intervals ``[start, end)`` of the week from ``"Mon 09:00-11:00; Tue-Thu 14:00-15:30"``.

    Days are Mon … Sun (any case; a range such as ``Mon-Fri`` repeats the hours each day); times
    are ``HH:MM`` on a quarter hour, the end after the start (``24:00`` ends a day). Raises
    ValueError with what is wrong.
    """
    slots = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        found = _SLOT.match(part.casefold())
        if not found:
            raise ValueError(f"{part!r} is not a slot like 'Mon 09:00-11:00' (days Mon … Sun, slots split by ;)")
        first, last, h0, m0, h1, m1 = found.groups()
        for day in (first, last or first):
            if day not in DAYS:
                raise ValueError(f"{day!r} in {part!r} is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)")
        start, end = int(h0) * 60 + int(m0), int(h1) * 60 + int(m1)
        if int(m0) >= 60 or int(m1) >= 60 or start % 15 or end % 15 or not 0 <= start < end <= 24 * 60:
            raise ValueError(f"{part!r}: times must be on a quarter hour, the end after the start, up to 24:00")
        days = range(DAYS.index(first), DAYS.index(last or first) + 1)
        if not len(days):
            raise ValueError(f"{part!r}: a day range runs forward, e.g. Mon-Fri")
        slots += [(d * 96 + start // 15, d * 96 + end // 15) for d in days]
    return slots


def slot_problems(cells) -> list[tuple[int, str]]:
    """(position, message) of every availability cell that does not parse (empty cells are fine)."""
    problems = []
    for k, text in enumerate(cells):
        if text:
            try:
                parse_slots(text)
            except ValueError as exc:
                problems.append((k, str(exc)))
    return problems


def weekly_grid(workforce, reference_date, working_hours: tuple[float, float]) -> np.ndarray:
    """Each person's free quarter-hours of the UTC week as a float32 (people × 672) 0/1 grid (cached)."""
    key = (reference_date, tuple(working_hours))
    cached = _GRIDS.setdefault(workforce, {})
    if key in cached:
        return cached[key]
    employees = workforce.employees
    cells = employees["availability"].to_numpy(dtype=object) if "availability" in employees else None
    offset = workforce.utc_offsets(reference_date)
    start, end = (round(h * 4) for h in working_hours)
    weekdays = [(d * 96 + start, d * 96 + end) for d in range(5)]
    grid = np.zeros((len(employees), QUARTERS), dtype=np.float32)
    for person in range(len(employees)):
        if np.isnan(offset[person]):
            continue  # an unknown time zone places nobody
        slots = parse_slots(cells[person]) if cells is not None and cells[person] else weekdays
        shift = -round(offset[person] * 4)  # local time − offset = UTC
        for lo, hi in slots:
            at = (np.arange(lo, hi) + shift) % QUARTERS
            grid[person, at] = 1.0
    cached[key] = grid
    return grid


def shared_hours(workforce, program, r: np.ndarray, c: np.ndarray, aligned: bool) -> np.ndarray:
    """Hours a week both are free, for a block of mentors ``r`` × mentees ``c`` or the aligned pairs."""
    grid = weekly_grid(workforce, program.reference_date, program.working_hours)
    if aligned:
        return (grid[r] * grid[c]).sum(axis=1).astype(np.float64) / 4
    return (grid[np.ravel(r)] @ grid[np.ravel(c)].T).astype(np.float64) / 4
