"""Hypothesis strategies: small random workforces with a valid management forest."""

import numpy as np
import pandas as pd
from hypothesis import strategies as st

import revmatch as rm

SKILLS = ["python", "genai", "budgeting", "negotiation", "sql"]


@st.composite
def workforce_frames(draw, max_people: int = 10):
    n = draw(st.integers(1, max_people))
    ids = [f"p{k:02d}" for k in range(n)]
    rows, skill_rows = [], []
    for k, eid in enumerate(ids):
        # A manager always comes earlier in the list, so there is never a cycle.
        manager = draw(st.one_of(st.just(""), st.sampled_from(ids[:k]))) if k else ""
        rows.append(
            {
                "employee_id": eid,
                "level": draw(st.integers(1, 6)),
                "department": draw(st.sampled_from("ABC")),
                "manager_id": manager,
                "role": draw(st.sampled_from(["mentor", "mentee", "both", "none"])),
                "mentor_capacity": draw(st.integers(0, 2)),
                "mentee_capacity": draw(st.integers(0, 2)),
                "location": draw(st.sampled_from(["", "London", "Berlin"])),
                "timezone": draw(
                    st.sampled_from(["", "Europe/London", "Asia/Kolkata", "America/New_York", "Asia/Tokyo"])
                ),
                "languages": draw(st.sampled_from(["", "English", "German", "English;Hindi", "hindi"])),
            }
        )
        for skill in draw(st.lists(st.sampled_from(SKILLS), unique=True, max_size=4)):
            skill_rows.append(
                {
                    "employee_id": eid,
                    "skill": skill,
                    "proficiency": draw(st.integers(0, 5)),
                    "need": draw(st.integers(0, 5)),
                }
            )
    skills = pd.DataFrame(skill_rows, columns=["employee_id", "skill", "proficiency", "need"])
    return pd.DataFrame(rows), skills


programs = st.builds(
    rm.Program,
    min_level_gap=st.one_of(st.none(), st.integers(0, 3)),
    min_forward=st.sampled_from([0, 1, 1, 4]),
    mentor_max_level=st.one_of(st.none(), st.integers(1, 5)),
    mentee_min_level=st.one_of(st.none(), st.integers(2, 6)),
    exclude_reporting_line=st.booleans(),
    reporting_line_depth=st.one_of(st.none(), st.integers(1, 3)),
    forward_weight=st.sampled_from([0.0, 1.0, 2.0, 0.7]),
    backward_weight=st.sampled_from([0.0, 1.0, 0.5, 1.3]),
)


@st.composite
def rule_programs(draw, ids):
    """Programmes with random hard attribute rules, forbids and past pairs over the given ids."""
    pairs = st.lists(st.tuples(st.sampled_from(ids), st.sampled_from(ids)), max_size=4)
    return rm.Program(
        min_level_gap=draw(st.one_of(st.none(), st.integers(0, 2))),
        min_forward=draw(st.sampled_from([0, 1, 3])),
        exclude_reporting_line=draw(st.booleans()),
        reporting_line_depth=draw(st.one_of(st.none(), st.integers(1, 2))),
        require_different_department=draw(st.booleans()),
        require_shared_language=draw(st.booleans()),
        require_same_location=draw(st.booleans()),
        min_timezone_overlap=draw(st.sampled_from([None, 0, 3.5, 8])),
        forbidden=draw(pairs),
        past_pairs=draw(pairs),
        different_department_weight=draw(st.sampled_from([0, 2, -1])),
        timezone_overlap_weight=draw(st.sampled_from([0, 0.5])),
        objective=draw(st.sampled_from(["total", "coverage", "fair"])),
    )


def volunteering_company(n: int, seed: int) -> rm.Workforce:
    """A synthetic company where everyone volunteers: juniors (levels 1–3) as mentors, seniors (6 and
    up) as mentees, the middle (4–5) both ways — large problems for the engine's tests, whatever the
    synthetic company's realistic (low) opt-in rates are."""
    from revmatch.synthetic import synthetic_frames

    employees, skills = synthetic_frames(n, seed)
    level = employees["level"].to_numpy()
    employees["role"] = np.select([level <= 3, level >= 6], ["mentor", "mentee"], "both")
    return rm.Workforce.from_frames(employees, skills)
