"""Shortlists' guarantees against oracles: allowed, rank 1 = an optimal matching, exposure caps, the best
total over suggestion slots (HiGHS), on both sides and both routes."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import revmatch as rm
from oracles import highs_optimum
from strategies import volunteering_company, workforce_frames


def check_guarantees(wf, program, lists, k, side, max_exposure=None, preferences=None):
    """Every guarantee of rm.shortlists, checked from the scores and an independent optimum."""
    best = rm.match(wf, program, preferences=preferences, route="dense")
    s = best.scores
    person_ids, partner_ids = (s.mentee_ids, s.mentor_ids) if side == "mentee" else (s.mentor_ids, s.mentee_ids)
    allowed = s.allowed if side == "mentor" else s.allowed.T  # persons × partners
    matrix = s.matrix if side == "mentor" else s.matrix.T
    p_at = {x: n for n, x in enumerate(person_ids)}
    q_at = {x: n for n, x in enumerate(partner_ids)}
    rows = np.array([p_at[x] for x in lists.employee_id], dtype=int)
    cols = np.array([q_at[x] for x in lists.partner_id], dtype=int)
    # Every suggestion is an allowed pair, with its score, made once.
    assert allowed[rows, cols].all()
    assert np.allclose(matrix[rows, cols], lists.score)
    assert not lists.duplicated(["employee_id", "partner_id"]).any()
    # The rank-1 suggestions are an optimal matching: the optimum's pairs, its total.
    first = lists[lists["rank"] == 1]
    key = ("mentee_id", "mentor_id") if side == "mentee" else ("mentor_id", "mentee_id")
    assert set(zip(first.employee_id, first.partner_id)) == set(zip(best.pairs[key[0]], best.pairs[key[1]]))
    assert first.score.sum() == pytest.approx(best.objective)
    # Nobody is flooded: each partner in at most max_exposure shortlists (default k × capacity).
    partner_cap = s.mentor_capacity if side == "mentee" else s.mentee_capacity
    cap = np.full(len(partner_ids), max_exposure) if max_exposure is not None else k * partner_cap
    assert np.all(np.bincount(cols, minlength=len(partner_ids)) <= cap)
    # At most k suggestions each (more only as rank-1 partners), ranks 1, then 2, 3, … without gaps.
    n_first = first.groupby("employee_id").size()
    for person, group in lists.groupby("employee_id"):
        extra = group[group["rank"] > 1]["rank"].tolist()
        assert extra == list(range(2, 2 + len(extra)))
        assert len(group) <= max(k, int(n_first.get(person, 0)))
    # The other suggestions are the best total over the slots left (HiGHS on the same b-matching).
    slots = np.array([max(0, k - int(n_first.get(x, 0))) for x in person_ids])
    left = cap - np.bincount(cols[lists["rank"].to_numpy() == 1], minlength=len(partner_ids))
    use = allowed.copy()
    use[rows[lists["rank"].to_numpy() == 1], cols[lists["rank"].to_numpy() == 1]] = False
    rest = lists[lists["rank"] > 1].score.sum()
    assert rest == pytest.approx(highs_optimum(matrix, use, slots, left))


@given(st.data())
def test_shortlist_guarantees_on_random_workforces(data):
    wf = rm.Workforce.from_frames(*data.draw(workforce_frames(max_people=9)))
    k = data.draw(st.integers(1, 3))
    side = data.draw(st.sampled_from(["mentee", "mentor"]))
    exposure = data.draw(st.sampled_from([None, 2, 3]))
    program = rm.Program(min_level_gap=data.draw(st.sampled_from([None, 0, 1])))
    try:
        lists = rm.shortlists(wf, program, k=k, side=side, max_exposure=exposure)
    except rm.ConfigError as exc:  # an exposure below a partner's rank-1 places is refused, named
        assert "max_exposure" in str(exc)
        return
    check_guarantees(wf, program, lists, k, side, exposure)


@pytest.mark.parametrize("side", ["mentee", "mentor"])
def test_shortlists_on_a_company_on_both_routes(side):
    wf = volunteering_company(600, 2)
    dense = rm.shortlists(wf, k=3, side=side, route="dense")
    sparse = rm.shortlists(wf, k=3, side=side, route="sparse")
    assert dense.drop(columns="reason").equals(sparse.drop(columns="reason"))
    check_guarantees(wf, rm.Program(), dense, 3, side)


def test_avoid_is_never_suggested_and_must_comes_first():
    wf = volunteering_company(400, 5)
    lists = rm.shortlists(wf, k=3)
    person = lists.employee_id.iloc[0]
    second = lists[(lists.employee_id == person) & (lists["rank"] == 2)].partner_id.iloc[0]
    third = lists[(lists.employee_id == person) & (lists["rank"] == 3)].partner_id.iloc[0]
    prefs = pd.DataFrame(
        {"employee_id": [person, second], "partner_id": [third, person], "preference": ["must", "avoid"]}
    )
    again = rm.shortlists(wf, k=3, preferences=prefs)
    mine = again[again.employee_id == person]
    assert third in set(mine[mine["rank"] == 1].partner_id)
    assert second not in set(mine.partner_id)
    check_guarantees(wf, rm.Program(), again, 3, "mentee", preferences=rm.read_preferences(prefs))


def test_an_exposure_cap_spreads_popular_mentors():
    wf = volunteering_company(600, 2)
    lists = rm.shortlists(wf, k=3, max_exposure=2)
    assert lists.partner_id.value_counts().max() <= 2
    check_guarantees(wf, rm.Program(), lists, 3, "mentee", max_exposure=2)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"k": 0}, "k must be a whole number from 1"),
        ({"side": "both"}, "side must be one of mentee, mentor"),
        ({"max_exposure": 0}, "max_exposure=0 is below the rank-1 places"),
    ],
)
def test_bad_shortlist_options_are_refused(options, message):
    with pytest.raises(rm.ConfigError, match=message):
        rm.shortlists(volunteering_company(200, 1), **options)
