"""The sparse route's candidate pass in bands of mentors, serially or on a Dask cluster.

Each mentor's and each mentee's ``k`` best allowed pairs with a positive score (ties to the lower
index on the other side) — the arcs of the sparse route's first solve — computed as one task per
band of mentors, so that candidate sets larger than one machine's memory can be produced on a
cluster. A task scores its band against every mentee, tile by tile, and sends back only
``O((band + mentees) k)`` numbers: its mentors' complete top-``k`` and its mentees' partial top-``k``;
the partial lists are merged pairwise (on the workers, on Dask) into every mentee's top-``k``.

Why futures (``client.submit``) rather than ``dask.array``, and threads: the work is not an array expression
but a top-``k`` reduction over blocks scored by :func:`revmatch.scoring.score_block`; with
``dask.array`` each block would become an object array and the reduction a custom
``reduction`` whose intermediate chunks Dask schedules as it likes. With futures the workforce is
scattered once, the merge tree is explicit, and tasks are prioritised in the order the serial run
does them (band, band, merge, band, band, merge, merge, …), so a worker holds about
``log2(bands)`` partial results at a time — and the serial run is the same code with a plain call
in place of ``client.submit``. The first band runs before the others: each mentee's ``k``-th best
score in it is a floor the later bands must beat, which saves them most of the ranking work
(about a third of the time at 10 000 × 10 000).

Use one thread per worker and one BLAS thread per process: a tile's products are one float32
GEMM, and two workers each running a multi-threaded BLAS on two cores oversubscribe them. Dask's
nanny starts worker processes with ``OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=MKL_NUM_THREADS=1``
(``distributed.nanny.pre-spawn-environ``); for workers started otherwise set
``OPENBLAS_NUM_THREADS=1`` in their environment (e.g. ``LocalCluster(..., env={...})`` or the
shell that runs ``dask worker``).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from .engine.topk import TopK, contenders, held_arcs
from .engine.tuning import DEFAULT, Tuning
from .errors import ConfigError
from .models import Workforce
from .program import Program
from .rules import participants
from .scoring import score_block

DASK_EXTRA = "pip install 'revmatch[dask]'"


@dataclass(frozen=True, eq=False)
class CandidateArcs:
    """The outcome of :func:`candidate_arcs`: candidate pairs and their scores.

    ``rows`` and ``cols`` (int64, unique pairs sorted by row then column) are positions into
    ``mentor_rows`` and ``mentee_rows``, the workforce rows of the people who opted in (as
    :func:`revmatch.scoring.participants` gives them); ``weights`` are the pairs' scores (float64,
    equal to ``revmatch.score(...).matrix[rows, cols]``). ``band`` is the mentors per task and
    ``seconds`` the wall time of the whole pass.
    """

    rows: np.ndarray
    cols: np.ndarray
    weights: np.ndarray
    mentor_rows: np.ndarray
    mentee_rows: np.ndarray
    seconds: float
    band: int = 0

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True, eq=False)
class _Partial:
    """Candidates of consecutive bands, mentors ``[start, stop)``: complete per mentor, partial per mentee.

    Each line holds its best entries first, ``-inf`` (index -1) after the last one held.
    """

    start: int
    stop: int
    row_value: np.ndarray  # (stop - start, k) scores of each mentor's best pairs
    row_index: np.ndarray  # their mentee positions
    col_value: np.ndarray  # (mentees, k) scores of each mentee's best pairs with these mentors
    col_index: np.ndarray  # their mentor positions


def candidate_arcs(
    workforce: Workforce,
    program: Program | None = None,
    k: int | None = None,
    *,
    client=None,
    band: int | None = None,
    tuning: Tuning | None = None,
) -> CandidateArcs:
    r"""Every mentor's and every mentee's ``k`` best pairs, in bands of mentors, serially or on Dask.

    A pair :math:`(i, j)` is a candidate when it is allowed, :math:`w_{ij} > 0`, and it is among the
    ``k`` best of row :math:`i` or of column :math:`j` — ranked by score, ties to the lower index
    on the other side. These are the arcs of the first solve of
    :func:`revmatch.sparse.sparse_assignment` (when more than ``k (n + m)`` pairs are valid), and
    can be handed to :func:`revmatch.engine.mincost.solve_arcs`. The result is the same array for array
    with or without ``client`` and for every ``band``.

    Parameters
    ----------
    workforce : Workforce
    program : Program, default=Program()
    k : int, default=tuning.k (8)
        Candidates per mentor and per mentee.
    client : distributed.Client, optional
        Run one task per band on this Dask cluster: the workforce is scattered to every worker once,
        the mentees' partial lists are merged pairwise on the workers, and the client receives only
        the merged result, ``O((n + m) k)``. Needs ``pip install 'revmatch[dask]'``. Without it the
        same tasks and merges run one after the other in this process.
    band : int, optional
        Mentors per task. Default: as many as keep a tile (band × at most ``tuning.max_tile_mentees``
        mentees) within ``tuning.tile_bytes`` of temporaries; small bands cost merges and transfer.

    Returns
    -------
    CandidateArcs

    Raises
    ------
    ConfigError
        ``k`` or ``band`` is not a positive int; ``client`` is given but Dask's ``distributed`` is
        not installed, or ``client`` is not a ``distributed.Client``.

    Examples
    --------
    >>> import numpy as np, revmatch as rm
    >>> wf, gap2 = rm.synthetic_workforce(300, seed=1), rm.Program(min_level_gap=2)
    >>> arcs, same = candidate_arcs(wf, gap2, k=5, band=40), candidate_arcs(wf, gap2, k=5)
    >>> bool(np.array_equal(arcs.weights, rm.score(wf, gap2).matrix[arcs.rows, arcs.cols]))
    True
    >>> bool(np.array_equal(arcs.rows, same.rows) and np.array_equal(arcs.cols, same.cols))
    True

    On a cluster: ``with LocalCluster(n_workers=4, threads_per_worker=1) as cluster,
    Client(cluster) as client: candidate_arcs(workforce, program, client=client)``.
    """
    start = time.perf_counter()
    program = program or Program()
    tuning = tuning or DEFAULT
    k = tuning.k if k is None else k
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise ConfigError(f"k must be a positive int, got {k!r}")
    if band is not None and (not isinstance(band, (int, np.integer)) or isinstance(band, bool) or band < 1):
        raise ConfigError(f"band must be a positive int (mentors per task), got {band!r}")
    if client is not None:
        _check_client(client)
    mentor_rows, mentee_rows = participants(workforce, program)
    n_rows, n_cols = len(mentor_rows), len(mentee_rows)
    k, band = int(k), int(band or _default_band(n_cols, tuning))
    if n_rows == 0 or n_cols == 0:
        none, seconds = np.zeros(0, np.int64), time.perf_counter() - start
        return CandidateArcs(none, none.copy(), np.zeros(0), mentor_rows, mentee_rows, seconds, band)
    width = _tile_width(n_cols, band, tuning)
    bands = [(r0, min(r0 + band, n_rows)) for r0 in range(0, n_rows, band)]
    if client is None:
        whole = _candidates(lambda fn, *args: fn(*args), workforce, program, bands, k, width)
    else:
        whole = _on_dask(client, workforce, program, bands, k, width)
    rows, cols, weights = _arcs(whole, n_cols)
    return CandidateArcs(rows, cols, weights, mentor_rows, mentee_rows, time.perf_counter() - start, band)


# ---- sizes --------------------------------------------------------------------------------------


def _default_band(n_cols: int, tuning: Tuning) -> int:
    """Mentors per task: a tile of them against ``max_tile_mentees`` mentees fits ``tile_bytes``."""
    return max(1, tuning.tile_bytes // (tuning.bytes_per_cell * max(1, min(n_cols, tuning.max_tile_mentees))))


def _tile_width(n_cols: int, band: int, tuning: Tuning) -> int:
    """Mentees per tile: at most ``max_tile_mentees``, fewer when a tall band would exceed ``tile_bytes``."""
    return max(1, min(n_cols, tuning.max_tile_mentees, tuning.tile_bytes // (tuning.bytes_per_cell * band)))


# ---- the pass -----------------------------------------------------------------------------------


def _candidates(call: Callable, workforce, program, bands: list[tuple[int, int]], k: int, width: int):
    """The whole pass, every step through ``call(fn, *args)``: a plain call here, ``client.submit`` on Dask.

    The first band runs alone: its mentees' k-th best scores are floors for every later band (a
    mentor after it who scores no more than that with a mentee is beaten by k lower mentors), which
    spares the later bands most of the work of ranking each mentee's pairs.
    """
    first = call(_band, workforce, program, *bands[0], k, width, None)
    floor = call(_col_floor, first)
    rest = (call(_band, workforce, program, r0, r1, k, width, floor) for r0, r1 in bands[1:])
    return _merge_tree(itertools.chain([first], rest), lambda a, b: call(_merge, a, b))


def _band(
    workforce: Workforce, program: Program, r0: int, r1: int, k: int, width: int, col_floor: np.ndarray | None
) -> _Partial:
    """Mentors ``[r0, r1)`` against every mentee, ``width`` mentees at a time: one task.

    Tiles come in increasing mentee order and each mentee meets the band once, after the mentors of
    ``col_floor``'s band, so ``contenders`` may drop a cell tied with a floor (it loses on index).
    """
    mentor_rows, mentee_rows = participants(workforce, program)
    rows = np.arange(r0, r1)
    by_row, by_col = TopK(len(rows), k), TopK(len(mentee_rows), k)
    local = np.arange(len(rows))
    if col_floor is None:
        col_floor = np.zeros(len(mentee_rows))
    for c0 in range(0, len(mentee_rows), width):
        cols = np.arange(c0, min(c0 + width, len(mentee_rows)))
        w, allowed, _ = score_block(workforce, program, mentor_rows[rows], mentee_rows[cols], with_parts=False)
        np.copyto(w, -np.inf, where=~allowed)  # a forbidden pair never competes
        r, c, to_row, to_col = contenders(w, np.maximum(by_row.threshold(local), 0), col_floor[cols], k)
        v = w[r, c]
        by_row.merge(r[to_row], cols[c[to_row]], v[to_row], v[to_row])
        by_col.merge(cols[c[to_col]], rows[r[to_col]], v[to_col], v[to_col])
    return _Partial(r0, r1, by_row.value, by_row.index, by_col.value, by_col.index)


def _col_floor(first: _Partial) -> np.ndarray:
    """What a later mentor must beat to enter each mentee's k best: the first band's k-th, or 0."""
    return np.maximum(first.col_value[:, -1], 0)


# ---- merging ------------------------------------------------------------------------------------


def _merge(a: _Partial, b: _Partial) -> _Partial:
    """Two adjacent runs of bands as one: mentors side by side, each mentee's k best of both."""
    assert a.stop == b.start, f"bands [{a.start}, {a.stop}) and [{b.start}, {b.stop}) are not adjacent"
    k = a.col_value.shape[1]
    value = np.concatenate([a.col_value, b.col_value], axis=1)
    index = np.concatenate([a.col_index, b.col_index], axis=1)
    # Best score first, ties to the lower mentor (as TopK ranks); empty slots (-inf) go last.
    best = np.lexsort((index, -value), axis=-1)[:, :k]
    return _Partial(
        a.start,
        b.stop,
        np.concatenate([a.row_value, b.row_value]),
        np.concatenate([a.row_index, b.row_index]),
        np.take_along_axis(value, best, axis=1),
        np.take_along_axis(index, best, axis=1),
    )


def _merge_tree(items: Iterable, merge: Callable):
    """Merge items pairwise as they come, like a binary counter: ``((0 1) (2 3)) ((4 5) 6)``.

    Neighbours are merged as soon as two runs of the same size exist, so at most about
    ``log2(len(items))`` partial results are held at once. ``merge`` may return a value or a Dask
    future: the same tree runs serially and on a cluster.
    """
    stack: list[tuple[int, object]] = []
    for item in items:
        size = 1
        while stack and stack[-1][0] == size:
            item = merge(stack.pop()[1], item)
            size *= 2
        stack.append((size, item))
    assert stack, "nothing to merge"
    _, item = stack.pop()
    while stack:
        item = merge(stack.pop()[1], item)
    return item


def _arcs(whole: _Partial, n_cols: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Union of every mentor's and every mentee's held pairs, sorted by (row, col), with scores."""
    keys, weights = held_arcs(
        (whole.row_value, whole.row_index, whole.row_value),
        (whole.col_value, whole.col_index, whole.col_value),
        row_offset=whole.start,
    )
    return keys // n_cols, keys % n_cols, weights


# ---- Dask ---------------------------------------------------------------------------------------


def _check_client(client) -> None:
    try:
        from distributed import Client
    except ImportError:
        raise ConfigError(f"candidate_arcs(client=...) runs on Dask, which is not installed: {DASK_EXTRA}") from None
    if not isinstance(client, Client):
        raise ConfigError(f"client must be a distributed.Client (or None to run here), got {type(client).__name__}")


def _on_dask(
    client, workforce: Workforce, program: Program, bands: list[tuple[int, int]], k: int, width: int
) -> _Partial:
    """The serial pass with ``client.submit`` for calls: futures all the way, one result back."""
    wf, prog = client.scatter([workforce, program], broadcast=True, hash=False)
    order = itertools.count(0, -1)  # submission order as priority: run first what a serial run runs first

    def submit(fn, *args):
        return client.submit(fn, *args, pure=False, priority=next(order))

    root = _candidates(submit, wf, prog, bands, k, width)
    try:
        return root.result()
    finally:
        del root
        client.cancel([wf, prog])
