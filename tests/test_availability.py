"""Availability: weekly slots parsed and checked, shared free hours against an interval oracle, the hard
rule and the per-hour weight, the fall-back to working hours."""

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import revmatch as rm
from revmatch.availability import parse_slots

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
ZONES = ["Europe/London", "Asia/Kolkata", "America/New_York", "Asia/Tokyo", "Asia/Kathmandu", ""]
WEEK = 7 * 24 * 60


def utc_minutes(cell, zone, hours=(9.0, 17.0)):
    """A person's free minutes of the UTC week as a set, from the cell written out by hand."""
    if not zone:
        return set()
    offset = ZoneInfo(zone).utcoffset(datetime(2026, 1, 15)).total_seconds() / 60
    slots = []
    if cell:
        for part in cell.split(";"):
            day, times = part.split()
            start, end = times.split("-")
            first, _, last = day.partition("-")
            for d in range(DAYS.index(first), DAYS.index(last or first) + 1):
                to_min = lambda t: int(t[:2]) * 60 + int(t[3:])
                slots.append((d * 1440 + to_min(start), d * 1440 + to_min(end)))
    else:
        slots = [(d * 1440 + int(hours[0] * 60), d * 1440 + int(hours[1] * 60)) for d in range(5)]
    return {int(m - offset) % WEEK for lo, hi in slots for m in range(lo, hi)}


slot = st.builds(
    lambda d, e, h0, q0, length: (
        f"{DAYS[d]}{'-' + DAYS[e] if e > d else ''} {h0:02d}:{q0 * 15:02d}-"
        + f"{(h0 * 60 + q0 * 15 + length * 15) // 60:02d}:{(h0 * 60 + q0 * 15 + length * 15) % 60:02d}"
    ),
    st.integers(0, 6),
    st.integers(0, 6),
    st.integers(0, 20),
    st.integers(0, 3),
    st.integers(1, 12),
)
cells = st.one_of(st.just(""), st.lists(slot, min_size=1, max_size=3).map("; ".join))


@given(st.lists(st.tuples(cells, st.sampled_from(ZONES)), min_size=2, max_size=6))
def test_shared_hours_against_minutes_written_out(people):
    n = len(people)
    employees = pd.DataFrame(
        {
            "employee_id": [f"p{k}" for k in range(n)],
            "level": [1] * (n // 2) + [5] * (n - n // 2),
            "department": "A",
            "manager_id": "",
            "role": ["mentor"] * (n // 2) + ["mentee"] * (n - n // 2),
            "timezone": [z for _, z in people],
            "availability": [c for c, _ in people],
        }
    )
    wf = rm.Workforce.from_frames(employees, None)
    program = rm.Program(min_forward=0, min_level_gap=None, shared_hours_weight=1.0)
    scores = rm.score(wf, program)
    for i, m in enumerate(scores.mentor_rows):
        for j, e in enumerate(scores.mentee_rows):
            both = utc_minutes(*people[m]) & utc_minutes(*people[e])
            assert scores.parts["shared_hours"][i, j] == pytest.approx(len(both) / 60)


def test_the_hard_rule_and_the_reason_show_the_hours():
    wf = rm.synthetic_workforce(300, seed=1)
    e = wf.employees.copy()
    e["availability"] = np.where(np.arange(len(e)) % 3 == 0, "Mon 09:00-10:00; Wed 14:00-15:30", "")
    wf = rm.Workforce.from_frames(e, wf.skills)
    result = rm.match(wf, rm.Program(min_shared_hours=2.5, shared_hours_weight=1.0))
    assert (result.scores.parts["shared_hours"][result.scores.allowed] >= 2.5).all()
    assert result.pairs.reason.str.contains("free hours a week in common").all()
    blocked = np.argwhere(~result.scores.allowed & (result.scores.parts["shared_hours"] < 2.5))[0]
    why = result.why_not(result.scores.mentor_ids[blocked[0]], result.scores.mentee_ids[blocked[1]])
    assert "too few free hours a week in common" in why.text or why.broken_rules


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Mon 9-11", "is not a slot like 'Mon 09:00-11:00'"),
        ("Mon 09:10-11:00", "times must be on a quarter hour"),
        ("Mon 11:00-09:00", "the end after the start"),
        ("Fri-Mon 09:00-10:00", "a day range runs forward"),
        ("Moo 09:00-10:00", "is not a day"),
    ],
)
def test_bad_availability_is_named_by_row_and_column(cell, message):
    with pytest.raises(ValueError, match=message):
        parse_slots(cell)
    employees = pd.DataFrame(
        {
            "employee_id": ["a"],
            "level": [1],
            "department": ["A"],
            "manager_id": [""],
            "role": ["mentor"],
            "availability": [cell],
        }
    )
    with pytest.raises(rm.InputError, match=r"row 0, column 'availability'"):
        rm.Workforce.from_frames(employees, None)


def test_without_the_column_people_are_free_in_working_hours():
    wf = rm.synthetic_workforce(200, seed=0)
    program = rm.Program(shared_hours_weight=1.0)
    scores = rm.score(wf, program)
    daily = rm.reporting.shared_hours  # the existing daily overlap, working hours in each time zone
    result = rm.match(wf, program)
    rows = [list(scores.mentor_ids).index(m) for m in result.pairs.mentor_id]
    cols = [list(scores.mentee_ids).index(m) for m in result.pairs.mentee_id]
    weekly = scores.parts["shared_hours"][rows, cols]
    assert weekly == pytest.approx(5 * daily(result), abs=0.25 * 5 * 2 + 1e-9)  # same days, quarter hours
