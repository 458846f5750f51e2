"""Accept / decline rounds: accepted pairs kept, declined pairs never made again (this round, later rounds,
through the store), the untouched left alone, the freed re-matched; bad responses named."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import revmatch as rm
from strategies import volunteering_company

WF = volunteering_company(500, 4)
FIRST = rm.match(WF)


def made(result):
    return set(zip(result.pairs.mentor_id, result.pairs.mentee_id))


@settings(max_examples=15)
@given(st.integers(0, 10_000))
def test_accepted_kept_declined_never_remade_the_rest_untouched(seed):
    rng = np.random.default_rng(seed)
    pairs = list(zip(FIRST.pairs.mentor_id, FIRST.pairs.mentee_id))
    said = rng.choice(["accept", "decline", ""], size=len(pairs), p=[0.3, 0.3, 0.4])
    answers = pd.DataFrame(
        [(m, e, r) for (m, e), r in zip(pairs, said) if r], columns=["mentor_id", "mentee_id", "response"]
    )
    changed = rm.respond(FIRST, answers, WF)
    now = made(changed.result)
    declined = {p for p, r in zip(pairs, said) if r == "decline"}
    kept = {p for p, r in zip(pairs, said) if r != "decline"}
    assert kept <= now  # accepted and unanswered pairs stay (nobody left, no rule changed)
    assert not declined & now
    assert set(zip(changed.declined.mentor_id, changed.declined.mentee_id)) == declined
    assert set(zip(changed.accepted.mentor_id, changed.accepted.mentee_id)) == {
        p for p, r in zip(pairs, said) if r == "accept"
    }
    assert set(zip(changed.made.mentor_id, changed.made.mentee_id)) == now - set(pairs)
    # A later re-match under the result's programme never makes a declined pair either.
    later = rm.rematch(changed.result, WF, changed.result.program, reshuffle=True)
    assert not declined & made(later.result)
    # The freed are re-matched optimally around the kept pairs: the same as locking them by hand.
    by_hand = rm.match(WF, rm.Program(locked=tuple(sorted(kept)), forbidden=tuple(sorted(declined))))
    assert changed.result.objective == pytest.approx(by_hand.objective)


def test_a_decline_by_either_side_wins_and_is_said():
    m, e = FIRST.pairs.mentor_id[0], FIRST.pairs.mentee_id[0]
    answers = pd.DataFrame(
        {
            "mentor_id": [m, m],
            "mentee_id": [e, e],
            "response": ["accept", "Decline"],
            "responded_by": ["mentor", "mentee"],
        }
    )
    changed = rm.respond(FIRST, answers, WF)
    assert changed.declined.reason.tolist() == ["declined by the mentee"]
    assert changed.accepted.empty
    assert (m, e) not in made(changed.result)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("NOPE", "E000001", "accept")], r"row 2, column 'mentee_id': NOPE → E000001 is not a proposed pair"),
        ([("{m}", "{e}", "maybe")], r"row 2, column 'response': 'maybe' is not accept or decline"),
        ([("{m}", "", "accept")], r"row 2, column 'mentee_id': missing value"),
    ],
)
def test_bad_responses_are_named(tmp_path, rows, message):
    m, e = FIRST.pairs.mentor_id[0], FIRST.pairs.mentee_id[0]
    path = tmp_path / "responses.csv"
    pd.DataFrame(
        [tuple(x.format(m=m, e=e) for x in row) for row in rows], columns=["mentor_id", "mentee_id", "response"]
    ).to_csv(path, index=False)
    with pytest.raises(rm.InputError, match=message):
        rm.respond(FIRST, path, WF)


def test_respond_through_the_store_keeps_declines_for_later_rounds(tmp_path):
    pytest.importorskip("sqlalchemy")
    store = rm.ProgrammeStore(tmp_path / "programme.db")
    store.save(FIRST, round="2027-Q1")
    m, e = FIRST.pairs.mentor_id[0], FIRST.pairs.mentee_id[0]
    answers = pd.DataFrame({"mentor_id": [m], "mentee_id": [e], "response": ["decline"], "responded_by": ["mentee"]})
    changed = rm.respond(None, answers, WF, store=store)
    assert (m, e) not in made(changed.result)
    store.save(changed)
    assert store.rounds()["pairs_declined"].tolist() == [1]
    nxt = rm.next_round(None, WF, store=store)
    assert (m, e) not in made(nxt)
