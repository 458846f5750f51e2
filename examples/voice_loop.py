"""The participants' voice, a whole loop: shortlists → choices → match → declines → respond.

python examples/voice_loop.py          # writes ./voice/ (shortlists, letters, preferences, pairs, report)

Seniors (the mentees) get three suggestions each, chosen so that nobody is in too many lists; each
ranks the ones they like, some ask to avoid someone or insist on one mentor; the match honours that;
a few proposed pairs are declined and everyone freed is re-matched, never with a declined partner.
"""

from pathlib import Path

import numpy as np
import pandas as pd

import revmatch as rm
from revmatch.reporting import shortlists_section
from revmatch.shortlists import mail_merge

OUT = Path("voice")
OUT.mkdir(exist_ok=True)
rng = np.random.default_rng(11)
workforce = rm.synthetic_workforce(n_employees=2000, seed=11)
program = rm.Program(objective="rank_maximal")  # the most first choices, then second, …, then the best total

# 1. Shortlists: rank 1 is the optimal matching; nobody appears in more than k × capacity lists.
lists = rm.shortlists(workforce, k=3)
lists.to_csv(OUT / "shortlists.csv", index=False)
mail_merge(lists, workforce, 3).to_csv(OUT / "letters.csv", index=False)
print(
    f"{len(lists)} suggestions to {lists.employee_id.nunique()} seniors; most exposed mentor in "
    f"{lists.partner_id.value_counts().max()} lists"
)

# 2. Choices: each senior ranks their suggestions in their own order; a few avoid one, a few insist.
rows = []
for n, (person, group) in enumerate(lists.groupby("employee_id")):
    partners = group.partner_id.to_numpy()[rng.permutation(len(group))]
    if n % 25 == 7:  # avoids the one they like least
        rows.append((person, partners[-1], "avoid"))
        partners = partners[:-1]
    if n % 40 == 3:  # insists on the one they like most
        rows.append((person, partners[0], "must"))
        partners = partners[1:]
    rows += [(person, partner, str(rank)) for rank, partner in enumerate(partners, start=1)]
said = pd.DataFrame(rows, columns=["employee_id", "partner_id", "preference"])
said.to_csv(OUT / "preferences.csv", index=False)
prefs = rm.read_preferences(OUT / "preferences.csv")

# 3. The match: avoid is a hard rule, musts are locks, and the most first choices are met.
result = rm.match(workforce, program, preferences=prefs)
shares = result.voice.shares()
print(result)
print(
    f"first choice {shares['first']:.0%}, second {shares['second']:.0%}, third {shares['third']:.0%}; "
    f"musts honoured {int(result.voice.musts.honoured.sum())}/{len(result.voice.musts)}; "
    f"avoids respected {result.voice.avoids_respected}/{result.voice.avoids}; "
    f"total {result.objective:g} against the best possible {result.voice.total_optimum:g}"
)
result.pairs.to_csv(OUT / "pairs.csv", index=False)

# 4. Responses: two pairs are declined, the rest accepted or unanswered.
responses = pd.DataFrame(
    {
        "mentor_id": result.pairs.mentor_id[:4],
        "mentee_id": result.pairs.mentee_id[:4],
        "response": ["decline", "accept", "decline", "accept"],
        "responded_by": ["mentee", "mentor", "mentor", "mentee"],
    }
)
changed = rm.respond(result, responses, workforce, program, preferences=prefs)
print(changed.summary_text())
declined = set(zip(changed.declined.mentor_id, changed.declined.mentee_id))
after = set(zip(changed.result.pairs.mentor_id, changed.result.pairs.mentee_id))
print(f"declined pairs made again: {len(declined & after)}")
changed.result.pairs.to_csv(OUT / "pairs_after_responses.csv", index=False)
html = rm.reporting.to_html(changed.result, "Voice loop", extra_sections=shortlists_section(lists))
(OUT / "report.html").write_text(html, encoding="utf-8")
print(f"wrote {OUT}/report.html")
