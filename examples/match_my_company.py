"""Match a company's reverse-mentoring programme from two HR exports and save the results.

Copy this file, point EMPLOYEES and SKILLS at your exports (same columns as the synthetic ones), and run
    python examples/match_my_company.py
Without exports it first writes a synthetic 2 000-person company to ./example_data and uses that.
"""

from pathlib import Path

import revmatch as rm

DATA = Path("example_data")
EMPLOYEES, SKILLS = DATA / "employees.csv", DATA / "skills.csv"

if not EMPLOYEES.exists():
    rm.reporting.write_workforce(rm.synthetic_workforce(n_employees=2000, seed=42), DATA)

workforce = rm.Workforce.from_csv(EMPLOYEES, SKILLS)
program = rm.Program(
    min_level_gap=2,  # the mentor is at least two levels below the mentee
    exclude_reporting_line=True,  # nobody mentors their own boss or anyone in their chain
    forward_weight=1.0,  # what the junior teaches the senior ...
    backward_weight=0.5,  # ... counts double what the senior gives back
)
result = rm.match(workforce, program)

print(result)
for key, value in result.summary().items():
    print(f"  {key:18} {value}")

print("\nBest five pairs:")
for row in result.pairs.nlargest(5, "score").itertuples():
    print(f"  {row.mentor_id} → {row.mentee_id} ({row.score:g}): {row.reason}")

print("\nWhy is the first unmatched person unmatched?")
if len(result.unmatched):
    first = result.unmatched.iloc[0]
    print(f"  {first.employee_id} ({first.role}): {first.reason}")

best = result.pairs.iloc[result.pairs["score"].idxmax()]
explanation = result.explain(best.mentor_id, best.mentee_id)
print(f"\nExplain {best.mentor_id} → {best.mentee_id}: parts {explanation.parts}")
for t in explanation.taught:
    print(
        f"  teaches {t.skill}: proficiency {t.teacher_proficiency} vs {t.learner_proficiency}, "
        f"need {t.need} → +{t.points}"
    )

result.pairs.to_csv(DATA / "pairs.csv", index=False)
result.unmatched.to_csv(DATA / "unmatched.csv", index=False)
print(f"\nWrote {DATA / 'pairs.csv'} and {DATA / 'unmatched.csv'}")
