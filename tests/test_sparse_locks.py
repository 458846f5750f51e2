"""Locks and musts on the sparse route: the same explained result as the dense route, and the same diagnoses."""

import numpy as np
import pandas as pd
import pytest
from pandas import testing as pd_testing

import revmatch as rm
from revmatch import reporting as report
from revmatch.engine import Tuning
from strategies import volunteering_company


def some_locks(scores, n, seed):
    """``n`` allowed pairs, no two sharing a person, drawn at random (mostly not the optimum's)."""
    rng = np.random.default_rng(seed)
    rows, cols = np.nonzero(scores.allowed)
    locks, used = [], set()
    for k in rng.permutation(len(rows)):
        m, e = scores.mentor_ids[rows[k]], scores.mentee_ids[cols[k]]
        if m not in used and e not in used:
            locks.append((m, e))
            used |= {m, e}
        if len(locks) == n:
            return locks
    return locks


@pytest.mark.parametrize("seed", [0, 3])
def test_locks_and_musts_give_the_same_explained_result_on_both_routes(seed):
    wf = volunteering_company(600, seed)
    locks = some_locks(rm.score(wf), 8, seed)
    program = rm.Program(locked=tuple(locks[:4]))
    musts = pd.DataFrame([(e, m, "must") for m, e in locks[4:]], columns=["employee_id", "partner_id", "preference"])
    small_tiles = Tuning(workers=2, max_tile_mentees=64, tile_bytes=64 * 64 * 48, pricing_tile=64)
    a = rm.match(wf, program, preferences=musts, route="dense")
    b = rm.match(wf, program, preferences=musts, route="sparse", tuning=small_tiles)
    assert isinstance(rm.match(wf, program, preferences=musts).scores, rm.BlockScores)  # auto: sparse
    assert a.objective == b.objective and b.status == rm.Status.OPTIMAL
    pd_testing.assert_frame_equal(a.pairs, b.pairs)
    pd_testing.assert_frame_equal(a.unmatched, b.unmatched)
    assert a.explanations == b.explanations
    pd_testing.assert_frame_equal(report.blocking_pairs(a), report.blocking_pairs(b))
    pd_testing.assert_frame_equal(report.match_percent(a), report.match_percent(b))
    made = set(zip(b.pairs.mentor_id, b.pairs.mentee_id))
    assert set(locks) <= made and b.voice.musts["honoured"].all()


def test_locks_over_a_capacity_are_named_on_the_sparse_route():
    wf = volunteering_company(300, 1)
    scores = rm.score(wf)
    i = int(np.argmax(scores.allowed.sum(axis=1)))
    two = [(scores.mentor_ids[i], e) for e in scores.mentee_ids[scores.allowed[i]][:2]]
    program = rm.Program(locked=tuple(two), mentor_capacity=1)
    for route in ("sparse", "dense"):  # named alike on both routes
        with pytest.raises(rm.InfeasibleError, match=f"2 locks on mentor row {i} exceed its capacity 1: lock "):
            rm.match(wf, program, route=route)
