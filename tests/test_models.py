"""The front door: one test per bad input pinning its message; messy but valid input accepted."""

import numpy as np
import pandas as pd
import pytest

import revmatch as rm

EMPLOYEES = """employee_id,level,department,manager_id,name,role
ceo,8,Executive,,Tom,mentee
a,2,IT,ceo,Priya,mentor
b,6,Finance,ceo,Ann,mentee
"""
SKILLS = """employee_id,skill,proficiency,need
a,Generative AI,5,0
ceo,generative ai,1,4
b,negotiation,5,0
"""


def write(tmp_path, employees=EMPLOYEES, skills=SKILLS, encoding="utf-8"):
    e, s = tmp_path / "employees.csv", tmp_path / "skills.csv"
    e.write_text(employees, encoding=encoding)
    s.write_text(skills, encoding=encoding)
    return e, s


def test_reads_a_clean_export(tmp_path):
    wf = rm.Workforce.from_csv(*write(tmp_path))
    assert list(wf.ids) == ["a", "b", "ceo"]
    assert wf.skill_names == ("Generative AI", "negotiation")  # case-insensitive, one name per skill
    assert wf.proficiency.tolist() == [[5, 0], [0, 5], [1, 0]]
    assert wf.need.tolist() == [[0, 0], [0, 0], [4, 0]]
    assert wf.employee("a").model_dump()["manager_id"] == "ceo"


def test_messy_but_valid_export(tmp_path):
    employees = "\ufeffemployee_id ; level ; department ; manager_id\r\n 7 ; 8 ; Exec ; \r\n 8 ; 2 ; IT ; 7 \r\n"
    skills = "employee_id;skill;proficiency;need\r\n8; Python ;4;\r\n"
    with pytest.warns(rm.NotOptedInWarning, match=r"there is no role column, so 2 of 2 people are not enrolled"):
        wf = rm.Workforce.from_csv(*write(tmp_path, employees, skills))
    assert list(wf.ids) == ["7", "8"] and wf.skill_names == ("Python",)
    # No opt-in column: nobody is enrolled (consent first) unless the caller says everyone volunteered.
    assert wf.employees["role"].tolist() == ["none", "none"]
    everyone = rm.Workforce.from_csv(*write(tmp_path, employees, skills), default_role="both")
    assert everyone.employees["role"].tolist() == ["both", "both"]


def test_consent_blank_roles_are_not_enrolled_and_the_warning_counts_them():
    employees = pd.DataFrame(
        {
            "employee_id": ["a", "b", "c"],
            "level": [6, 1, 1],
            "department": ["X", "Y", "Y"],
            "manager_id": ["", "", ""],
            "role": ["mentee", "", "mentor"],
        }
    )
    skills = pd.DataFrame(
        {"employee_id": ["a", "b", "c"], "skill": ["ai"] * 3, "proficiency": [0, 5, 5], "need": [5, 0, 0]}
    )
    with pytest.warns(rm.NotOptedInWarning, match=r"1 role cells are blank, so 1 of 3 people are not enrolled"):
        wf = rm.Workforce.from_frames(employees, skills)
    assert wf.employees["role"].tolist() == ["mentee", "none", "mentor"]
    result = rm.match(wf)
    assert result.pairs[["mentor_id", "mentee_id"]].values.tolist() == [["c", "a"]]
    assert "b" not in set(result.unmatched["employee_id"])  # not a volunteer: neither paired nor waitlisted
    # Employee objects without a role are not enrolled either.
    people = [
        rm.Employee(employee_id="x", level=5, department="D", needs={"ai": 3}),
        rm.Employee(employee_id="y", level=1, department="E", skills={"ai": 5}, role="mentor"),
    ]
    with pytest.warns(rm.NotOptedInWarning):
        assert rm.match(rm.Workforce.from_employees(people)).pairs.empty
    with pytest.raises(rm.ConfigError, match="default_role must be one of"):
        rm.Workforce.from_frames(employees, skills, default_role="everyone")


def test_frames_with_numeric_ids_match_string_ids():
    employees = pd.DataFrame(
        {"employee_id": [1, 2], "level": [5, 1], "department": ["A", "B"], "manager_id": [np.nan, 1.0]}
    )
    skills = pd.DataFrame({"employee_id": ["2"], "skill": ["x"], "proficiency": [3], "need": [0]})
    wf = rm.Workforce.from_frames(employees, skills, default_role="both")
    assert list(wf.ids) == ["1", "2"] and wf.parent.tolist() == [-1, 0]


@pytest.mark.parametrize(
    "employees, message",
    [
        (
            EMPLOYEES + "a,3,IT,ceo,Again,mentor\n",
            r"employees.csv, row 5, column 'employee_id': duplicate employee_id 'a' \(first on row 3\)",
        ),
        (EMPLOYEES + "c,3,IT,zed,X,mentor\n", r"row 5, column 'manager_id': unknown manager 'zed'"),
        (EMPLOYEES + "c,high,IT,ceo,X,mentor\n", r"row 5, column 'level': 'high' is not a whole number"),
        (EMPLOYEES + "c,3,,ceo,X,mentor\n", r"row 5, column 'department': missing value"),
        (
            EMPLOYEES + "c,3,IT,ceo,X,teacher\n",
            r"row 5, column 'role': 'teacher' is not one of mentor, mentee, both, none",
        ),
        (EMPLOYEES.replace("ceo,8,Executive,,", "ceo,8,Executive,b,"), r"management cycle: b → ceo → b"),
        ("employee_id,level,manager_id\nx,1,\n", r"column 'department': required column is missing"),
    ],
)
def test_bad_employees(tmp_path, employees, message):
    with pytest.raises(rm.InputError, match=message):
        rm.Workforce.from_csv(*write(tmp_path, employees=employees))


@pytest.mark.parametrize(
    "skills, message",
    [
        (
            SKILLS + "a,python,9,0\n",
            r"skills.csv, row 5, column 'proficiency': 9 is out of range \(must be from 0 to 5\)",
        ),
        (SKILLS + "a,python,2,-1\n", r"column 'need': -1 is out of range"),
        (SKILLS + "a,python,2.5,0\n", r"column 'proficiency': '2.5' is not a whole number"),
        (SKILLS + "zz,python,2,0\n", r"row 5, column 'employee_id': unknown employee 'zz'"),
        (
            SKILLS + "a, GENERATIVE  ai ,2,0\n",
            r"row 5, column 'skill': duplicate skill 'GENERATIVE  ai' for employee 'a' \(first on row 2\)",
        ),
    ],
)
def test_bad_skills(tmp_path, skills, message):
    with pytest.raises(rm.InputError, match=message):
        rm.Workforce.from_csv(*write(tmp_path, skills=skills))


def test_all_problems_reported_at_once(tmp_path):
    employees = EMPLOYEES + "c,x,IT,nobody,X,mentor\nc,3,IT,ceo,X,mentor\n"
    skills = SKILLS + "a,python,9,0\n"
    with pytest.raises(rm.InputError) as info:
        rm.Workforce.from_csv(*write(tmp_path, employees, skills))
    text = str(info.value)
    assert info.value.total == 4
    for fragment in [
        "'x' is not a whole number",
        "unknown manager 'nobody'",
        "duplicate employee_id 'c'",
        "9 is out of range",
    ]:
        assert fragment in text


def test_frame_errors_name_the_index_label():
    employees = pd.DataFrame(
        {"employee_id": ["a", "b"], "level": [1, 2], "department": ["A", "B"], "manager_id": ["", "q"]}, index=[10, 11]
    )
    with pytest.raises(rm.InputError, match=r"employees, row 11, column 'manager_id': unknown manager 'q'"):
        rm.Workforce.from_frames(employees, default_role="both")


def test_unreadable_files(tmp_path):
    with pytest.raises(rm.InputError, match="file not found"):
        rm.Workforce.from_csv(tmp_path / "nope.csv", tmp_path / "nope2.csv")
    e, s = write(tmp_path)
    e.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(rm.InputError, match="not UTF-8"):
        rm.Workforce.from_csv(e, s)


def test_unused_columns_are_named_not_silently_loaded(tmp_path):
    with pytest.warns(UserWarning, match="not used by revmatch and not loaded: shoe_size"):
        rm.Workforce.from_csv(
            *write(
                tmp_path,
                employees=EMPLOYEES.replace("role\n", "role,shoe_size\n", 1)
                .replace("mentee\n", "mentee,44\n")
                .replace("mentor\n", "mentor,40\n"),
            )
        )


def test_program_validation(tmp_path):
    with pytest.raises(ValueError):
        rm.Program(min_level_gap=-1)
    cfg = tmp_path / "program.toml"
    cfg.write_text("[program]\nmin_level_gap = 2\nforward_weight = 2.5\n")
    assert rm.Program.from_toml(cfg) == rm.Program(min_level_gap=2, forward_weight=2.5)
    cfg.write_text("min_level_gap = 'two'\nbackwards = 1\n")
    with pytest.raises(rm.ConfigError, match=r"key 'min_level_gap'.*\n.*key 'backwards': Extra inputs"):
        rm.Program.from_toml(cfg)


def test_reporting_line_is_the_whole_chain():
    people = [
        rm.Employee(employee_id=i, level=level, department="D", manager_id=m, role="both")
        for i, level, m in [("top", 9, None), ("mid", 5, "top"), ("low", 1, "mid"), ("side", 1, "top")]
    ]
    wf = rm.Workforce.from_employees(people)
    ix = dict(zip(wf.ids, range(len(wf))))
    line = lambda a, b: bool(wf.in_reporting_line(np.array(ix[a]), np.array(ix[b])))
    assert line("low", "top") and line("top", "low") and line("low", "mid")
    assert not line("low", "side") and not line("mid", "side")
    # With a depth, only that many steps up or down the chain: 1 = direct manager, 2 = and theirs.
    near = lambda a, b, d: bool(wf.in_reporting_line(np.array(ix[a]), np.array(ix[b]), d))
    assert near("low", "mid", 1) and not near("low", "top", 1) and near("low", "top", 2) and near("top", "low", 2)
    assert not near("low", "side", 2) and near("side", "top", 1)


def test_chain_depth_counts_the_steps_of_a_larger_company():
    # top → mid → low in the company; a frame without mid makes top low's manager, one step up.
    employees = pd.DataFrame(
        {"employee_id": ["top", "low"], "level": [9, 1], "department": ["D", "D"], "manager_id": ["", "top"]}
    )
    ix = lambda wf, who: np.array(wf.index_of(who)[0])
    short = rm.Workforce.from_frames(employees, default_role="both")
    assert short.in_reporting_line(ix(short, "top"), ix(short, "low"), 1)
    deep = rm.Workforce.from_frames(employees.assign(chain_depth=[0, 2]), default_role="both")
    assert not deep.in_reporting_line(ix(deep, "top"), ix(deep, "low"), 1)
    assert deep.in_reporting_line(ix(deep, "top"), ix(deep, "low"), 2) and deep.in_reporting_line(
        ix(deep, "top"), ix(deep, "low")
    )


@pytest.mark.parametrize(
    "depths, message",
    [
        ([0, None], r"row 1, column 'chain_depth': missing value"),
        ([0, -1], r"row 1, column 'chain_depth': -1 is out of range"),
        ([3, 2], r"row 1, column 'chain_depth': 2 is not below their manager 'top''s 3"),
    ],
)
def test_bad_chain_depth(depths, message):
    employees = pd.DataFrame(
        {"employee_id": ["top", "low"], "level": [9, 1], "department": ["D", "D"], "manager_id": ["", "top"]}
    )
    with pytest.raises(rm.InputError, match=message):
        rm.Workforce.from_frames(employees.assign(chain_depth=depths), default_role="both")
