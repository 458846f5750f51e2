"""From a Workday-style export and a Forms-style skills survey to pairs, a spreadsheet and introductions.

The files are used as HR downloads them: an Excel export with Workday's headers (grades where 1 is the
most senior, languages as "English, French", work e-mails, a protected column) and a wide survey
workbook (one column per skill and question, answers as labels). Run

    pip install -e '.[excel]'     # the spreadsheet report needs xlsxwriter
    python examples/hr_exports.py

Without files it first writes both, from a synthetic 1 500-person company, into ./hr_example.
"""

from pathlib import Path

import numpy as np
import pandas as pd

import revmatch as rm
from revmatch.reporting.writing import write_csv

FOLDER = Path("hr_example")
EXPORT, SURVEY = FOLDER / "workday_export.xlsx", FOLDER / "skills_survey.xlsx"
LABELS = ["None", "Beginner", "Basic", "Intermediate", "Advanced", "Expert"]  # the survey's 0–5 scale


def write_example_files() -> None:
    """A Workday-style export and a Microsoft Forms-style survey, as Excel workbooks."""
    company = rm.synthetic_workforce(1500, seed=7)
    people = company.employees
    top = int(people["level"].max())
    export = pd.DataFrame(
        {
            "Employee ID": people["employee_id"],
            "Preferred Name": people["name"],
            "Management Level": top + 1 - people["level"],  # Workday numbers grades from the top: 1 = CEO
            "Supervisory Organization": people["department"],
            "Cost Center": "CC-" + people["department"].str[:3].str.upper(),
            "Supervisor ID": people["manager_id"],
            "Location": people["location"],
            "Languages": people["languages"].str.replace(";", ", "),
            "Primary Work Email": people["employee_id"].str.lower() + "@example.com",
            "Gender": np.where(np.arange(len(people)) % 2, "F", "M"),  # protected: never loaded
            "Mentoring Opt-in": people["role"].replace("none", ""),
        }
    )
    skills = company.skills
    wide = {
        "ID": np.arange(1, len(people) + 1),
        "Start time": "2026-03-02 09:00",
        "Employee number": people["employee_id"],
    }
    for name in company.skill_names:
        rows = skills[skills["skill"] == name].set_index("employee_id")
        wide[f"{name} - proficiency"] = (
            people["employee_id"].map(rows["proficiency"]).map(lambda p: "" if pd.isna(p) else LABELS[int(p)])
        )
        wide[f"{name} - need"] = people["employee_id"].map(rows["need"]).map(lambda q: "" if pd.isna(q) else int(q))
    FOLDER.mkdir(exist_ok=True)
    export.to_excel(EXPORT, sheet_name="Workers", index=False, engine="xlsxwriter")
    pd.DataFrame(wide).to_excel(SURVEY, sheet_name="Form1", index=False, engine="xlsxwriter")


if not EXPORT.exists():
    write_example_files()

survey = rm.read_survey(SURVEY, id_column="Employee number")  # labels and numbers → the long skills table
workforce = rm.Workforce.from_files(
    EXPORT,
    survey,
    profile="workday",  # Employee ID, Supervisor ID, Management Level, Supervisory Organization, …
    columns={"Mentoring Opt-in": "role"},  # a header of this company's own
    level_order="descending",  # Management Level 1 is the most senior
    contact_columns="name,email",  # for the pairs file and the introductions only: never scored
)
program = rm.Program(min_level_gap=2, reporting_line_depth=2)
result = rm.match(workforce, program)
print(result)
print(f"read the export's sheet {workforce.decisions['employees']['sheet']!r}; {workforce.decisions['level_order']}")
for note in workforce.decisions["employees"].get("notes", []):
    print(f"  {note}")

pairs = rm.reporting.with_contacts(result.pairs, workforce)  # names and e-mails beside the ids
write_csv(pairs, FOLDER / "pairs.csv")
rm.reporting.write_spreadsheet(result, FOLDER / "report.xlsx", pairs=pairs)
notes = rm.introductions(result)
letters = FOLDER / "introductions"
if letters.exists():
    print(f"{letters} exists: remove it to write the introductions again")
else:
    rm.reporting.write_introductions(notes, letters)
print(f"{len(pairs)} pairs in pairs.csv and report.xlsx; {len(notes)} introductions and mail_merge.csv in {letters}")
print("\nThe first introduction:\n")
print(notes.loc[0, "text"])
