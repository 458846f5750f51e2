"""The solver alone: known optima, edge shapes, capacities and masks against independent references."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import revmatch as rm
from oracles import brute_force, check_feasible, highs_optimum
from revmatch.engine import GroupPairCap, MenteeQuota


def test_scipy_documented_example():
    # scipy's linear_sum_assignment example: minimum cost 5. As scores M - cost, all rows get matched.
    cost = np.array([[4, 1, 3], [2, 0, 5], [3, 2, 2]])
    a = rm.solve(10 - cost)
    assert a.pairs == [(0, 1), (1, 0), (2, 2)]
    assert 30 - a.objective == 5
    assert a.status == "optimal" and a.gap == 0


def test_ortools_assignment_sample():
    # OR-Tools' assignment sample (5 workers × 4 tasks): minimum cost 265.
    cost = np.array([[90, 80, 75, 70], [35, 85, 55, 65], [125, 95, 90, 95], [45, 110, 95, 115], [50, 100, 90, 100]])
    a = rm.solve(1000 - cost)
    assert 4000 - a.objective == 265
    assert a.pairs == [(0, 3), (1, 2), (2, 1), (3, 0)]


@pytest.mark.parametrize("shape", [(0, 0), (0, 4), (3, 0)])
def test_empty_sides(shape):
    a = rm.solve(np.ones(shape))
    assert a.pairs == [] and a.objective == 0 and a.status == "optimal"


def test_nobody_is_forced_into_a_bad_pair():
    w = np.array([[5.0, -1.0], [-2.0, 0.0]])
    a = rm.solve(w)
    assert a.pairs == [(0, 0)] and a.objective == 5


def test_capacities_and_mask():
    w = np.array([[9, 8, 7], [1, 1, 1]])
    allowed = np.array([[True, True, False], [True, True, True]])
    a = rm.solve(w, allowed, mentor_capacity=[2, 1], mentee_capacity=1)
    assert a.pairs == [(0, 0), (0, 1), (1, 2)] and a.objective == 18


def test_fractional_scores_within_tolerance():
    rng = np.random.default_rng(3)
    w = rng.random((40, 30)) * 7.3
    a = rm.solve(w)
    ref = highs_optimum(w, np.ones(w.shape, bool), np.ones(40), np.ones(30))
    assert 0 < a.tolerance < 1e-6
    assert a.objective == pytest.approx(ref, abs=a.tolerance + 1e-9)
    assert a.bound >= ref - 1e-9


def test_invalid_entries_rejected_only_where_allowed():
    w = np.array([[1.0, np.nan], [np.inf, 2.0]])
    with pytest.raises(rm.InputError, match="invalid numeric entries"):
        rm.solve(w)
    a = rm.solve(w, allowed=np.array([[True, False], [False, True]]))
    assert a.objective == 3


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"matrix": [1, 2, 3]}, "must be 2-D"),
        ({"matrix": [[1, 2]], "allowed": [[1, 0]]}, "allowed must be a bool array"),
        ({"matrix": [[1, 2]], "mentor_capacity": [1, 1]}, "mentor_capacity has shape"),
        ({"matrix": [[1, 2]], "mentee_capacity": -1}, "non-negative whole numbers"),
        ({"matrix": [["a", "b"]]}, "must be numeric"),
    ],
)
def test_bad_arguments(kwargs, message):
    with pytest.raises(rm.InputError, match=message):
        rm.solve(**kwargs)


small = st.tuples(st.integers(1, 4), st.integers(1, 4)).flatmap(
    lambda s: st.tuples(
        hnp.arrays(np.int64, s, elements=st.integers(-3, 20)),
        hnp.arrays(bool, s),
        hnp.arrays(np.int64, s[0], elements=st.integers(0, 2)),
        hnp.arrays(np.int64, s[1], elements=st.integers(0, 2)),
    )
)


@given(small)
def test_equals_brute_force(case):
    w, allowed, rcap, ccap = case
    a = rm.solve(w, allowed, rcap, ccap)
    check_feasible(a.pairs, allowed, rcap, ccap)
    assert a.objective == brute_force(w, allowed, rcap, ccap)


@pytest.mark.parametrize("seed", range(12))
def test_equals_highs_on_random_instances(seed):
    rng = np.random.default_rng(seed)
    n, m = rng.integers(5, 60, size=2)
    w = rng.integers(0, 6, size=(n, m)) * rng.integers(0, 6, size=(n, m))  # many ties, like real scores
    allowed = rng.random((n, m)) < 0.7
    rcap, ccap = rng.integers(0, 4, size=n), rng.integers(0, 3, size=m)
    a = rm.solve(w, allowed, rcap, ccap)
    check_feasible(a.pairs, allowed, rcap, ccap)
    assert a.objective == highs_optimum(w, allowed, rcap, ccap)


def test_deterministic():
    rng = np.random.default_rng(7)
    w = rng.integers(0, 4, size=(50, 50))  # heavy ties: many optimal pair sets
    assert rm.solve(w).pairs == rm.solve(w.copy()).pairs


@pytest.mark.parametrize("seed", range(6))
def test_pricing_rounds_reach_the_global_optimum(seed):
    rng = np.random.default_rng(seed)
    n, m = 40, 30
    w = rng.integers(0, 6, size=(n, m)) * rng.integers(0, 6, size=(n, m)) + rng.random((n, m)) * (seed % 2)
    allowed = rng.random((n, m)) < 0.8
    rcap, ccap = rng.integers(0, 3, size=n), rng.integers(1, 3, size=m)
    # One candidate per person forces the dual-pricing loop to find the arcs the optimum needs (and
    # dense_cells=0 keeps this small matrix on the candidate route).
    a = rm.solve(w, allowed, rcap, ccap, tuning=rm.Tuning(k=1, dense_cells=0))
    check_feasible(a.pairs, allowed, rcap, ccap)
    ref = highs_optimum(w, allowed, rcap, ccap)
    assert a.rounds > 1 and a.status == "optimal"
    assert a.objective == pytest.approx(ref, abs=a.tolerance + 1e-9)


def test_an_unfinished_pricing_loop_reports_an_honest_bound():
    rng = np.random.default_rng(11)
    w = rng.integers(1, 30, size=(60, 60)).astype(float)
    one_round = rm.solve(w, tuning=rm.Tuning(k=1, max_rounds=1, dense_cells=0))
    best = highs_optimum(w, np.ones(w.shape, bool), np.ones(60), np.ones(60))
    assert one_round.status == "feasible" and one_round.rounds == 1
    assert one_round.objective < best <= one_round.bound


@pytest.mark.parametrize(
    "kwargs",
    [
        {"objective": "coverage"},
        {"objective": "fair"},
        {"pair_cap": GroupPairCap(np.zeros(2, np.int64), np.zeros(2, np.int64), 1, ("R",), ("C",))},
        {"mentee_quota": MenteeQuota(np.zeros(2, np.int64), np.array([1]), ("C",))},
    ],
)
def test_people_first_is_refused_where_its_engine_would_not_see_it(kwargs):
    # The fair and CP-SAT engines have no first stage: solving there would quietly drop it.
    w, allowed = [[6, 1], [4, 0]], np.array([[True, True], [True, False]])
    first = (np.array([False, False]), np.array([False, True]))  # mentee 1, whose only mentor is 0
    with pytest.raises(rm.ConfigError, match="'total' objective and no quota"):
        rm.solve(w, allowed, first=first, **kwargs)
    assert rm.solve(w, allowed).pairs == [(0, 0)]
    assert rm.solve(w, allowed, first=first).pairs == [(0, 1), (1, 0)]
