"""The voice engine pieces against independent oracles: rank-maximal stages on HiGHS, deferred acceptance
against brute-force stability and mentee-optimality."""

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from revmatch.engine.lexicographic import lexicographic_matching
from revmatch.engine.stable import deferred_acceptance
from voice_oracles import blocking, highs_sequential


@given(st.integers(0, 10_000), st.integers(1, 6), st.integers(1, 6), st.integers(1, 3))
def test_lexicographic_matching_equals_highs_stage_by_stage(seed, n_rows, n_cols, n_stages):
    rng = np.random.default_rng(seed)
    allowed = rng.random((n_rows, n_cols)) < 0.7
    rows, cols = np.nonzero(allowed)
    stages = [rng.integers(0, 3, len(rows)) * (rng.random(len(rows)) < 0.4) for _ in range(n_stages)]
    scores = rng.integers(-3, 12, len(rows)).astype(float) / 2
    row_cap, col_cap = rng.integers(0, 3, n_rows), rng.integers(0, 3, n_cols)
    got = lexicographic_matching((n_rows, n_cols), rows, cols, stages, scores, row_cap, col_cap)
    chosen = np.zeros(len(rows), bool)
    at = {(r, c): k for k, (r, c) in enumerate(zip(rows.tolist(), cols.tolist()))}
    for p in got.pairs:
        chosen[at[p]] = True
    assert np.all(np.bincount(rows[chosen], minlength=n_rows) <= row_cap)
    assert np.all(np.bincount(cols[chosen], minlength=n_cols) <= col_cap)
    if not len(rows):
        assert got.pairs == []
        return
    expected = highs_sequential(rows, cols, [*map(np.asarray, stages), scores], row_cap, col_cap, (n_rows, n_cols))
    achieved = [float(np.asarray(s)[chosen].sum()) for s in stages] + [got.objective]
    assert achieved == pytest.approx(expected, abs=1e-6)


def random_market(rng, n_rows, n_cols, one_to_one=False):
    """Strict rankings on both sides over acceptable pairs (rank -1: not acceptable) and capacities."""
    acceptable = rng.random((n_rows, n_cols)) < 0.75
    mentee_rank = np.full((n_rows, n_cols), -1)
    for j in range(n_cols):
        ok = np.flatnonzero(acceptable[:, j])
        mentee_rank[rng.permutation(ok), j] = np.arange(len(ok))
    mentor_rank = np.array([rng.permutation(n_cols) for _ in range(n_rows)]).reshape(n_rows, n_cols)
    caps = (
        (np.ones(n_rows, int), np.ones(n_cols, int))
        if one_to_one
        else (
            rng.integers(0, 3, n_rows),
            rng.integers(0, 3, n_cols),
        )
    )
    return mentee_rank, mentor_rank, *caps


def run_da(mentee_rank, mentor_rank, row_cap, col_cap):
    n_cols = mentee_rank.shape[1]
    lists = [
        np.array(sorted(np.flatnonzero(mentee_rank[:, j] >= 0), key=lambda i: mentee_rank[i, j])) for j in range(n_cols)
    ]
    start = np.concatenate([[0], np.cumsum([len(x) for x in lists])]).astype(np.int64)
    choices = np.concatenate(lists).astype(np.int64) if lists else np.zeros(0, np.int64)
    return deferred_acceptance(start, choices, mentor_rank, row_cap, col_cap)


@given(st.integers(0, 10_000), st.integers(1, 7), st.integers(1, 7))
def test_deferred_acceptance_leaves_no_blocking_pair(seed, n_rows, n_cols):
    rng = np.random.default_rng(seed)
    mentee_rank, mentor_rank, row_cap, col_cap = random_market(rng, n_rows, n_cols)
    pairs = run_da(mentee_rank, mentor_rank, row_cap, col_cap)
    assert len(set(pairs)) == len(pairs)
    assert all(mentee_rank[i, j] >= 0 for i, j in pairs)
    assert np.all(np.bincount([i for i, _ in pairs], minlength=n_rows) <= row_cap)
    assert np.all(np.bincount([j for _, j in pairs], minlength=n_cols) <= col_cap)
    assert blocking(pairs, mentee_rank, mentor_rank, row_cap, col_cap) == []


@given(st.integers(0, 10_000), st.integers(1, 5), st.integers(1, 5))
def test_deferred_acceptance_is_the_best_stable_matching_for_every_mentee(seed, n_rows, n_cols):
    rng = np.random.default_rng(seed)
    mentee_rank, mentor_rank, row_cap, col_cap = random_market(rng, n_rows, n_cols, one_to_one=True)
    pairs = run_da(mentee_rank, mentor_rank, row_cap, col_cap)
    arcs = [(i, j) for i, j in zip(*np.nonzero(mentee_rank >= 0))]
    stable = []
    for k in range(min(n_rows, n_cols) + 1):
        for subset in combinations(arcs, k):
            one_each = len({i for i, _ in subset}) == k == len({j for _, j in subset})
            if one_each and not blocking(list(subset), mentee_rank, mentor_rank, row_cap, col_cap):
                stable.append({j: i for i, j in subset})
    got = {j: i for i, j in pairs}
    assert got in stable
    for other in stable:  # no stable matching gives any mentee a mentor they rank higher
        for j in range(n_cols):
            mine = mentee_rank[got[j], j] if j in got else np.inf
            theirs = mentee_rank[other[j], j] if j in other else np.inf
            assert mine <= theirs


def test_deferred_acceptance_textbook_case():
    # Mentees' first choices all differ: mentees proposing, each gets theirs, whatever the mentors think.
    mentee_rank = np.array([[0, 1, 2], [1, 2, 0], [2, 0, 1]])  # mentee j's rank of mentor i, as [i, j]
    mentor_rank = np.array([[1, 2, 0], [2, 0, 1], [0, 1, 2]])
    ones = np.ones(3, int)
    assert run_da(mentee_rank, mentor_rank, ones, ones) == [(0, 0), (1, 2), (2, 1)]


def test_rank_maximal_hand_checked():
    # Mentee 0 ranks mentor 0 first, mentee 1 ranks mentor 1 first, but the scores favour the swap:
    # the total's optimum is the swap (200), rank-maximal meets both first choices (total 2).
    rows, cols = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    scores = np.array([1.0, 100.0, 100.0, 1.0])
    firsts = np.array([1, 0, 0, 1])
    ones = np.ones(2, int)
    got = lexicographic_matching((2, 2), rows, cols, [firsts], scores, ones, ones)
    assert got.pairs == [(0, 0), (1, 1)] and got.objective == 2.0
    assert lexicographic_matching((2, 2), rows, cols, [], scores, ones, ones).pairs == [(0, 1), (1, 0)]
    # Mentor 0 is both mentees' first choice (one place): a second choice decides which first is met,
    # against scores that favour the other way.
    firsts, seconds = np.array([1, 1, 0, 0]), np.array([0, 0, 0, 1])
    got = lexicographic_matching((2, 2), rows, cols, [firsts, seconds], np.array([0.0, 50, 50, 0]), ones, ones)
    assert got.pairs == [(0, 0), (1, 1)] and got.objective == 0.0
