"""Candidates in bands: each person's k best pairs exactly as a dense sort finds them, on Dask as serially."""

import sys
import time

import numpy as np
import pytest

import revmatch as rm
from revmatch import candidates as rd
from revmatch.candidates import candidate_arcs
from revmatch.errors import ConfigError
from revmatch.sparse import sparse_assignment

GAP2 = rm.Program(min_level_gap=2)
SILOS = rm.Program(require_different_department=True, min_level_gap=None, different_department_weight=0)
# Fractional scores (shared working hours) and a penalty: ties are rarer, some scores turn non-positive.
HOURS = rm.Program(timezone_overlap_weight=0.5, different_department_weight=-3)


def dense_candidates(wf, program, k):
    """The oracle: sort each row and each column of the dense scores (score desc, index asc), keep k."""
    s = rm.score(wf, program)
    value = np.where(s.allowed & (s.matrix > 0), s.matrix, -np.inf)
    keep = np.zeros(value.shape, dtype=bool)
    for line, other in ((value, np.arange(value.shape[1])), (value.T, np.arange(value.shape[0]))):
        for i in range(line.shape[0]):
            best = np.lexsort((other, -line[i]))[:k]
            best = best[np.isfinite(line[i, best])]
            if line is value:
                keep[i, best] = True
            else:
                keep[best, i] = True
    rows, cols = np.nonzero(keep)  # row-major: sorted by (row, col)
    return s, rows, cols


def assert_same(arcs, expected):
    for name in ("rows", "cols", "weights", "mentor_rows", "mentee_rows"):
        got, want = getattr(arcs, name), getattr(expected, name)
        assert got.dtype == want.dtype and np.array_equal(got, want), name


@pytest.fixture(scope="module")
def company():
    return rm.synthetic_workforce(400, seed=3)


@pytest.mark.parametrize("program", [GAP2, SILOS, HOURS], ids=["gap2", "silos", "hours"])
@pytest.mark.parametrize("k", [1, 3, 20])
def test_each_persons_k_best_as_a_dense_sort_finds_them(company, program, k):
    s, rows, cols = dense_candidates(company, program, k)
    n_mentors = s.matrix.shape[0]
    assert n_mentors % 7 and len(rows) > 0
    # Band 1, one not dividing the mentors, the default (one band); narrow tiles force many tiles per
    # band, so a mentor's floor rises across tiles.
    for band, width in [(1, 4096), (7, 4096), (None, 4096), (13, 5), (n_mentors + 5, 1)]:
        arcs = candidate_arcs(company, program, k, band=band, tuning=rm.Tuning(max_tile_mentees=width))
        assert arcs.rows.dtype == np.int64 and arcs.cols.dtype == np.int64 and arcs.weights.dtype == np.float64
        assert np.array_equal(arcs.rows, rows) and np.array_equal(arcs.cols, cols), (band, width)
        assert np.array_equal(arcs.weights, s.matrix[rows, cols])
        assert np.array_equal(company.ids[arcs.mentor_rows], np.asarray(s.mentor_ids))
        assert np.array_equal(company.ids[arcs.mentee_rows], np.asarray(s.mentee_ids))


def test_the_sparse_routes_first_solve_sees_these_candidates(company):
    from revmatch.sparse import sparse_assignment

    assert sparse_assignment(company, GAP2, k=3).candidates == len(candidate_arcs(company, GAP2, 3))


def test_nobody_on_one_side_and_bad_arguments(company):
    nobody = candidate_arcs(company, rm.Program(min_level_gap=9), k=2)
    assert len(nobody) == 0 and nobody.rows.dtype == np.int64 and nobody.weights.dtype == np.float64
    for bad in (0, -1, 2.5, True):
        with pytest.raises(ConfigError, match="k must be a positive int"):
            candidate_arcs(company, GAP2, bad)
        with pytest.raises(ConfigError, match="band must be a positive int"):
            candidate_arcs(company, GAP2, 2, band=bad)
    with pytest.raises(ConfigError, match=r"must be a distributed\.Client"):
        candidate_arcs(company, GAP2, client=object())


def test_a_client_without_dask_names_the_extra(company, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed now raises ImportError
    with pytest.raises(ConfigError, match=r"pip install 'revmatch\[dask\]'"):
        candidate_arcs(company, GAP2, client=object())


def test_merge_tree_merges_neighbours_in_order():
    assert rd._merge_tree("abcdefg", lambda a, b: f"({a}{b})") == "(((ab)(cd))((ef)g))"
    assert rd._merge_tree("a", lambda a, b: a + b) == "a"


def test_dask_gives_the_serial_arrays(company):
    distributed = pytest.importorskip("distributed")
    narrow = rm.Tuning(max_tile_mentees=32)  # several tiles per band on the workers too
    serial = candidate_arcs(company, SILOS, k=4, band=19, tuning=narrow)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):
        for band in (19, 50, None):
            spread = candidate_arcs(company, SILOS, k=4, client=client, band=band, tuning=narrow)
            assert_same(spread, serial)
        # The whole sparse route with its candidate pass on the cluster: the serial optimum and pairs.
        here, there = sparse_assignment(company, SILOS, k=4), sparse_assignment(company, SILOS, k=4, client=client)
        assert there.status == here.status == "optimal" and there.gap == 0
        assert (there.objective, there.pairs, there.candidates) == (here.objective, here.pairs, here.candidates)
        assert np.array_equal(there.mentee_top, here.mentee_top) and np.array_equal(there.mentor_top, here.mentor_top)
        explained = rm.match(company, SILOS, client=client)
        assert isinstance(explained.scores, rm.BlockScores) and explained.objective == here.objective
        # Nothing left behind on the workers: bands, merges and the scattered workforce are released.
        deadline = time.monotonic() + 5
        while any(client.run(held).values()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(client.run(held).values())


def held(dask_worker):
    return len(dask_worker.data)
