"""The blocked sparse route: the same pairs as the dense route, tile by tile, proved optimal."""

import dataclasses

import numpy as np
import pandas.testing as pd_testing
import pytest

import revmatch as rm
from oracles import check_feasible, highs_optimum
from revmatch.engine import Tuning, tiles
from revmatch.sparse import sparse_assignment
from strategies import volunteering_company

GAP2 = rm.Program(min_level_gap=2)
GAP1 = rm.Program(min_level_gap=1)


DEFAULT_TUNING = Tuning()


def dense(wf, program, k, tuning=DEFAULT_TUNING):
    """The dense route (score everything, then solve) with k candidates per person.

    Same pairs, not just the same total, needs both routes to pick candidates and violators alike:
    the k best per person, ties to the lower index (topk.candidate_pass and TilePricer, shared), so
    it is rm.match's dense route: candidates and pricing, not the dense kernel.
    """
    s = rm.score(wf, program)
    tuning = dataclasses.replace(tuning, k=k, dense_kernel=False)
    return s, rm.solve(s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity, tuning=tuning)


# (employees, seed, programme, k, tile): tiny tiles and small k force many tiles, floors that start
# empty, and several pricing rounds (five, some pricing only the pairs whose price fell, for
# 1500/1); k=20 with the default tiles is a large k at the default tile shape.
CASES = [
    (120, 0, GAP2, 2, 4),
    (300, 1, GAP2, 3, (7, 5)),
    (600, 2, GAP2, 4, (16, 9)),
    (900, 3, GAP2, 3, (50, 23)),
    (1200, 4, GAP2, 20, None),
    (2000, 5, GAP2, 5, (128, 64)),
    (1500, 1, GAP1, 1, (40, 30)),
]


@pytest.mark.parametrize("n, seed, program, k, block", CASES)
def test_same_pairs_and_objective_as_the_dense_route(n, seed, program, k, block):
    wf = rm.synthetic_workforce(n, seed)
    s, d = dense(wf, program, k)
    # Pricing reads the scores the candidate pass kept, or (cache_bytes=0) scores every tile again.
    sa, rescored = (sparse_assignment(wf, program, k=k, block=block, cache_bytes=c) for c in (2**30, 0))
    assert sa.objective == d.objective == rescored.objective
    assert sa.pairs == d.pairs == rescored.pairs
    assert (
        (sa.assignment.rounds, sa.assignment.arcs)
        == (d.rounds, d.arcs)
        == (rescored.assignment.rounds, rescored.assignment.arcs)
    )
    assert sa.status == "optimal" and sa.gap == 0
    assert sa.mentor_rows.tolist() == s.mentor_rows.tolist() and sa.mentee_rows.tolist() == s.mentee_rows.tolist()
    check_feasible(sa.pairs, s.allowed, s.mentor_capacity, s.mentee_capacity)


@pytest.mark.parametrize(
    "n, seed, program, k, block, share",
    [
        (900, 3, GAP2, 3, (50, 23), 1.0),  # every tile with floors read through the bound
        (1500, 1, GAP1, 2, (120, 90), 1.0),
        (2000, 5, GAP2, 5, (128, 64), None),  # the default share: most of these small tiles are scored whole
        (1200, 4, GAP1, 8, (100, 64), 1.0),
    ],
)
def test_scores_read_through_the_skill_bound_give_the_same_result(n, seed, program, k, block, share):
    """Without the score cache, passes score exactly only the pairs whose skill bound clears the bar:
    the candidates, every pricing round, the pairs and the proof are those of the dense route."""
    tuning = Tuning() if share is None else Tuning(sparse_share=share)
    wf = rm.synthetic_workforce(n, seed)
    s, d = dense(wf, program, k, tuning)
    sa = sparse_assignment(wf, program, k=k, block=block, cache_bytes=0, tuning=tuning)
    assert (sa.pairs, sa.objective, sa.status) == (d.pairs, d.objective, "optimal")
    assert (sa.assignment.rounds, sa.assignment.arcs) == (d.rounds, d.arcs)
    assert [r.violators for r in sa.rounds] == [
        r.violators for r in sparse_assignment(wf, program, k=k, block=block).rounds
    ]
    if share is not None:
        assert sa.cells < s.matrix.size  # some candidate tiles were read through the bound
        assert sum(r.bounded for r in sa.rounds) > 0  # and some pricing tiles


@pytest.mark.parametrize(
    "n, seed, program, k, blocks",
    [
        (900, 3, GAP2, 3, [(50, 23), (64, 64), (1000, 1000)]),
        (1500, 1, GAP1, 2, [(120, 90), (33, 200)]),
        (1200, 4, GAP1, 8, [(100, 64), None]),
    ],
)
def test_sampled_first_passes_keep_the_pairs_and_the_proof(n, seed, program, k, blocks):
    """Large problems price one block in Tuning.sample in their first passes; forced here on small ones."""
    tuning = Tuning(sample_cells=0, sample_block=48)
    wf = rm.synthetic_workforce(n, seed)
    s, d = dense(wf, program, k, tuning)  # the dense route samples alike (the same pricer)
    runs = [
        sparse_assignment(wf, program, k=k, block=b, cache_bytes=c, tuning=tuning) for b in blocks for c in (2**30, 0)
    ]
    for sa in runs:  # the sampled pairs depend on the shape only: any tile shape gives the same pairs
        assert (sa.pairs, sa.objective, sa.status) == (d.pairs, d.objective, "optimal")
        assert sa.rounds[0].sampled and sa.rounds[0].excess == float("inf")  # proves nothing
        assert not sa.rounds[-1].sampled and sa.rounds[-1].violators == 0  # a full pass proves
    assert d.objective == pytest.approx(highs_optimum(s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity))
    early = sparse_assignment(wf, program, k=k, block=blocks[0], max_rounds=2, tuning=tuning)
    # The last allowed round reads every pair, so stopping early keeps a finite, valid bound.
    assert early.objective <= d.objective <= early.bound < float("inf")
    assert early.rounds[0].sampled and not early.rounds[-1].sampled


@pytest.mark.parametrize("shape", [(1, 1), (100, 7), (130, 260), (47, 1000)])
def test_sampled_passes_cover_every_pair_once_in_sample_turns(shape):
    t = Tuning(sample_block=16)
    seen = np.zeros(shape, dtype=int)
    for turn in range(t.first_turns, t.first_turns + t.sample):
        before = seen.sum()
        for rows, cols in tiles.sample_tiles(shape, (5, 9), turn, t):
            seen[np.ix_(rows, cols)] += 1
        assert seen.sum() - before == round(tiles.sampled_share(shape, turn, t) * seen.size)
    assert (seen == 1).all()


@pytest.mark.parametrize("shape, first", [((600, 700), 32), ((330, 900), 21)])
def test_first_sampled_passes_read_fewer_blocks_yet_meet_every_line(shape, first):
    t = Tuning(sample_block=16)  # (600, 700): 38 × 44 blocks; (330, 900): 21 × 57
    for turn in range(t.first_turns + 2):
        _, _, read = tiles.sampled_blocks(shape, turn, t)
        modulus = first if turn < t.first_turns else t.sample
        i, j = np.indices(read.shape)
        assert np.array_equal(read, (i + j + turn) % modulus == 0)
        assert read.any(axis=1).all() and read.any(axis=0).all()  # every line meets part of the other side


def test_the_skill_bound_bounds_every_valid_score():
    from revmatch.rules import participants
    from revmatch.scoring import skill_bound

    wf = rm.synthetic_workforce(800, 9)
    for program in (
        GAP1,
        rm.Program(forward_weight=2, backward_weight=0.5, require_different_department=True),
        rm.Program(backward_weight=0, require_same_location=True, min_level_gap=3),
    ):
        s = rm.score(wf, program)
        bound = skill_bound(wf, program, *participants(wf))(np.arange(s.shape[0]), np.arange(s.shape[1]))
        assert (bound[s.allowed] >= s.matrix[s.allowed]).all()
        assert (
            bound[s.allowed] == s.matrix[s.allowed]
        ).mean() > 0.3  # tight where needs are on skills their holder lacks
        assert (bound[~s.allowed] == -np.inf).any()  # the cheap rules' forbidden pairs never clear a bar
        assert (bound == -np.inf).sum() <= (~s.allowed).sum()
    # A tile where every pair meets the level gap skips the mask and gives the same values.
    program = rm.Program(min_level_gap=3, min_forward=0)
    mentors, mentees = participants(wf)
    level = wf.employees["level"].to_numpy()
    bound = skill_bound(wf, program, mentors, mentees)
    rows, cols = np.flatnonzero(level[mentors] <= 2), np.flatnonzero(level[mentees] >= 5)
    assert len(rows) and len(cols)
    whole = bound(np.arange(len(mentors)), np.arange(len(mentees)))
    assert np.array_equal(bound(rows, cols), whole[np.ix_(rows, cols)]) and np.isfinite(whole[np.ix_(rows, cols)]).all()
    # min_forward: where even the forward bound Σ p_i q_j falls short, the pair can never clear a bar.
    strict = rm.Program(min_level_gap=3, min_forward=4)
    forward_bound = wf.proficiency[mentors].astype(float) @ wf.need[mentees].T.astype(float)
    masked = skill_bound(wf, strict, mentors, mentees)(np.arange(len(mentors)), np.arange(len(mentees)))
    assert (masked[forward_bound < 4] == -np.inf).all() and (masked[forward_bound >= 4] > -np.inf).any()
    # Soft preferences are not bounded by it: those scores are computed whole.
    assert skill_bound(wf, RICH, *participants(wf)) is None


def test_several_pricing_rounds_are_exercised():
    wf = volunteering_company(1500, 1)
    sa = sparse_assignment(wf, GAP1, k=1, block=(40, 30))
    assert len(sa.rounds) >= 4 and len(sa.rounds) == sa.assignment.rounds
    assert sa.rounds[0].violators > sa.rounds[0].added > 0  # only the k worst per person join
    assert sa.rounds[-2].cells < sa.rounds[0].cells / 4  # later passes price the pairs whose price fell
    assert sa.rounds[-1].violators == 0  # the last pass proves optimality


@pytest.mark.parametrize("n, seed", [(150, 0), (400, 7), (700, 11)])
def test_optimum_matches_an_independent_solver(n, seed):
    wf = rm.synthetic_workforce(n, seed)
    s = rm.score(wf, GAP2)
    sa = sparse_assignment(wf, GAP2, k=2, block=(9, 13))
    assert sa.objective == pytest.approx(highs_optimum(s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity))
    assert sum(s.matrix[r, c] for r, c in sa.pairs) == sa.objective


@pytest.mark.parametrize("cache_bytes", [2**30, 0])
def test_result_depends_on_the_input_only(cache_bytes):
    """Tiles, arrival order (two worker threads, writing the score cache side by side, or reading
    through the bound) and repeated runs never change the pairs, the rounds or the proof."""
    wf = rm.synthetic_workforce(700, 3)
    runs = [
        sparse_assignment(wf, GAP2, k=3, block=b, workers=w, cache_bytes=cache_bytes)
        for b, w in [((8, 8), 1), ((8, 8), 2), ((31, 7), 2), ((1000, 1000), 1), ((8, 8), 2)]
    ]
    assert [r.workers for r in runs] == [1, 2, 2, 1, 2]  # an explicit workers=2 means two threads
    assert all(r.pairs == runs[0].pairs and r.objective == runs[0].objective for r in runs)
    assert all([p.violators for p in r.rounds] == [p.violators for p in runs[0].rounds] for r in runs)
    assert (runs[1].scores is not None) == (cache_bytes > 0)
    if cache_bytes:  # the threads filled every cell of the cache
        s = rm.score(wf, GAP2)
        assert np.array_equal(runs[1].scores, np.where(s.allowed, s.matrix, -np.inf).astype(np.float32))


def test_fractional_weights_and_soft_preferences():
    # Non-integer scores go through the solver's scaling: the same scale, so the same pairs.
    program = rm.Program(
        min_level_gap=1,
        forward_weight=1.25,
        backward_weight=0.4,
        shared_language_weight=0.7,
        timezone_overlap_weight=0.3,
    )
    wf = rm.synthetic_workforce(500, 4)
    _, d = dense(wf, program, 3)
    sa = sparse_assignment(wf, program, k=3, block=(11, 17))
    assert sa.assignment.tolerance > 0
    assert sa.pairs == d.pairs and sa.objective == d.objective


def test_few_allowed_pairs_go_to_the_solver_whole():
    # solve() skips candidates and pricing when there are few allowed pairs; so does the sparse route.
    program = rm.Program(min_level_gap=4, require_same_location=True)
    wf = rm.synthetic_workforce(400, 5)
    _, d = dense(wf, program, 20)
    sa = sparse_assignment(wf, program, block=(10, 10))
    assert sa.rounds == () and sa.pairs == d.pairs and sa.objective == d.objective


def test_stopping_early_keeps_an_honest_bound():
    wf = rm.synthetic_workforce(600, 2)
    s = rm.score(wf, GAP2)
    best = highs_optimum(s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity)
    sa = sparse_assignment(wf, GAP2, k=1, block=(16, 9), max_rounds=1)
    assert sa.status == "feasible"
    assert sa.objective <= best <= sa.bound
    assert sa.bound == pytest.approx(sa.objective + sa.gap)


def test_nobody_on_one_side():
    people = [
        rm.Employee(employee_id=f"E{i}", level=2, department="IT", role="mentor", skills={"SQL": 3}) for i in range(3)
    ]
    sa = sparse_assignment(rm.Workforce.from_employees(people), GAP2, block=2)
    assert sa.pairs == [] and sa.objective == 0 and sa.status == "optimal"
    assert len(sa.mentor_rows) == 3 and len(sa.mentee_rows) == 0


def test_bad_arguments_are_named():
    wf = rm.synthetic_workforce(50, 0)
    with pytest.raises(rm.ConfigError, match="block must be a positive int"):
        sparse_assignment(wf, GAP2, block=0)
    with pytest.raises(rm.ConfigError, match="k must be a positive int"):
        sparse_assignment(wf, GAP2, k=0)
    with pytest.raises(rm.ConfigError, match="workers must be a positive int"):
        sparse_assignment(wf, GAP2, workers=0)
    with pytest.raises(rm.ConfigError, match="objective"):
        sparse_assignment(wf, rm.Program(objective="coverage"))


# ---- match(route="sparse"): the whole result, explanations included, equals the dense route's ----

RICH = rm.Program(
    min_level_gap=1,
    require_shared_language=True,
    different_department_weight=1.5,
    same_location_weight=2,
    timezone_overlap_weight=0.25,
)


@pytest.mark.parametrize("n, seed, program", [(400, 0, GAP2), (700, 3, GAP1), (600, 5, RICH)])
def test_match_routes_give_the_same_explained_result(n, seed, program):
    """Pairs, their parts, reasons, match % and ranks, unmatched reasons, stability and standing."""
    from revmatch import reporting as report

    wf = rm.synthetic_workforce(n, seed=seed)
    # Two tile workers even on a small company, on small tiles so that they run side by side.
    threads = Tuning(workers=2, max_tile_mentees=64, tile_bytes=64 * 64 * 48, pricing_tile=64)
    a = rm.match(wf, program, route="dense")
    b = rm.match(wf, program, route="sparse", tuning=threads)
    assert a.objective == b.objective and a.status == b.status == rm.Status.OPTIMAL
    pd_testing.assert_frame_equal(a.pairs, b.pairs)
    pd_testing.assert_frame_equal(a.unmatched, b.unmatched)
    assert a.explanations == b.explanations
    pd_testing.assert_frame_equal(report.blocking_pairs(a), report.blocking_pairs(b))
    pd_testing.assert_frame_equal(report.match_percent(a), report.match_percent(b))
    # An arbitrary pair's explanation (ranks by scanning when beyond the candidates) agrees too.
    m, e = a.scores.mentor_ids[-1], a.scores.mentee_ids[0]
    assert repr(a.explain(m, e)) == repr(b.explain(m, e))  # repr: a NaN match % equals itself


def test_match_auto_route_and_errors():
    wf = rm.synthetic_workforce(300, seed=2)
    assert isinstance(rm.match(wf, GAP2).scores, rm.BlockScores)
    # Locks are made first on the sparse route (tests/test_sparse_locks.py); other objectives need the
    # dense route: auto falls back, an explicit sparse request says why.
    locked = rm.match(wf, GAP2).pairs.iloc[0]
    program = GAP2.model_copy(update={"locked": [(locked.mentor_id, locked.mentee_id)]})
    assert isinstance(rm.match(wf, program).scores, rm.BlockScores)
    coverage = GAP2.model_copy(update={"objective": "coverage"})
    assert not isinstance(rm.match(wf, coverage).scores, rm.BlockScores)
    with pytest.raises(rm.ConfigError, match="objective"):
        rm.match(wf, coverage, route="sparse")
    with pytest.raises(rm.ConfigError, match="route must be one of"):
        rm.match(wf, GAP2, route="fast")


@pytest.mark.parametrize("margin", [None, 0.0, 0.1])
def test_dropping_unused_arcs_keeps_the_proof(margin):
    """Arcs the solver drops (0.0: every unused arc below its price) are priced again, so the optimum
    still matches HiGHS and both routes still agree pair for pair."""
    tuning = Tuning(drop_margin=margin)
    wf = rm.synthetic_workforce(900, 6)
    s, d = dense(wf, GAP1, 3, tuning)
    sa = sparse_assignment(wf, GAP1, k=3, block=(40, 30), cache_bytes=0, tuning=tuning)
    assert sa.pairs == d.pairs and sa.status == d.status == "optimal" and len(sa.rounds) >= 3
    assert sa.objective == pytest.approx(highs_optimum(s.matrix, s.allowed, s.mentor_capacity, s.mentee_capacity))


def test_memory_stays_linear_in_the_people():
    """Once the valid pairs outnumber k(n + m), no tile keeps its valid pairs for a whole-problem solve.

    Each 40 × 40 tile alone holds fewer than k(n + m) = 3 449 of them, so a route that kept every
    tile's list would hold all 956 031 valid pairs (tens of MB here; tens of GB at 100k × 100k).
    """
    import tracemalloc

    wf = volunteering_company(3000, seed=1)
    tracemalloc.start()
    sa = sparse_assignment(wf, GAP1, k=1, block=(40, 40), cache_bytes=0, workers=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert sa.status == "optimal" and (len(sa.mentor_rows), len(sa.mentee_rows)) == (2886, 563)
    assert peak < 4e6, f"peak {peak / 1e6:.1f} MB"
