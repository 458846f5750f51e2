"""Match a company's reverse-mentoring programme from two HR exports and save the results.

Copy this file, point EMPLOYEES and SKILLS at your exports (same columns as the synthetic ones), and run
    python examples/match_my_company.py
Without exports it first writes a synthetic 2 000-person company to ./example_data and uses that.

Only people whose role column says mentor, mentee or both take part: a blank cell is "not opted in"
(a warning counts them). If everyone in your export volunteered, pass default_role="both" to from_csv.
"""

from pathlib import Path

import revmatch as rm

DATA = Path("example_data")
EMPLOYEES, SKILLS = DATA / "employees.csv", DATA / "skills.csv"

if not EMPLOYEES.exists():
    rm.reporting.write_workforce(rm.synthetic_workforce(n_employees=2000, seed=42), DATA)

workforce = rm.Workforce.from_csv(EMPLOYEES, SKILLS)  # default_role="both" if everyone volunteered
program = rm.Program(
    min_level_gap=2,  # the mentor is at least two levels below the mentee
    min_forward=1,  # the junior has at least one need point to teach the senior (the default)
    exclude_reporting_line=True,  # nobody is paired with anyone in their own management chain ...
    reporting_line_depth=2,  # ... up to two steps, so the CEO and top executives can take part
    forward_weight=1.0,  # what the junior teaches the senior ...
    backward_weight=0.5,  # ... counts double what the senior gives back (the defaults)
)
result = rm.match(workforce, program)

print(result)
for key, value in result.summary().items():
    print(f"  {key:28} {value}")

print("\nBest five pairs:")
for row in result.pairs.nlargest(5, "score").itertuples():
    print(f"  {row.mentor_id} → {row.mentee_id} ({row.score:g}): {row.reason}")

print("\nSeniors and juniors by level:")
print(rm.reporting.matched_by_level(result).to_string(index=False))

unmatched = result.unmatched
level = dict(zip(workforce.employees["employee_id"], workforce.employees["level"]))
no_mentor = unmatched[unmatched["reason"].str.contains("as mentee")]
no_mentor = no_mentor.assign(level=no_mentor["employee_id"].map(level)).sort_values("level", ascending=False)
waitlisted = unmatched[unmatched["waitlist_side"] == "mentor"].sort_values("waitlist_rank")
print(f"\nVolunteer mentees without a mentor: {len(no_mentor)}; the most senior:")
for row in no_mentor.head(3).itertuples():
    print(f"  {row.employee_id} (L{row.level}, {row.role}): {row.reason}")
if len(waitlisted):
    first = waitlisted.iloc[0]
    print(f"Juniors waitlisted: {len(waitlisted)}; first in line {first.employee_id}: {first.reason}")

best = result.pairs.iloc[result.pairs["score"].idxmax()]
explanation = result.explain(best.mentor_id, best.mentee_id)
print(
    f"\nExplain {best.mentor_id} → {best.mentee_id}: parts {explanation.parts}, "
    f"match {explanation.match_percent:.0f} %, give-back {explanation.give_back_percent:.0f} %"
)
for t in explanation.taught:
    print(
        f"  teaches {t.skill}: proficiency {t.teacher_proficiency} vs {t.learner_proficiency}, "
        f"need {t.need} → +{t.points}"
    )

result.pairs.to_csv(DATA / "pairs.csv", index=False)
result.unmatched.to_csv(DATA / "unmatched.csv", index=False)
print(f"\nWrote {DATA / 'pairs.csv'} and {DATA / 'unmatched.csv'}")
