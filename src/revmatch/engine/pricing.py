r"""Dual pricing tile by tile: the proof that the candidates' optimum is the optimum over all pairs.

Both routes — the dense one (:func:`revmatch.solve` on a score matrix) and the blocked sparse one
(:func:`revmatch.sparse.sparse_assignment`, which never holds the matrix) — solve on each person's
``k`` best pairs, then hand the solve's duals :math:`u_i, v_j` to a :class:`TilePricer`. It reads
scores a tile at a time from a ``score_tile(rows, cols) -> (scores, valid)`` function (slices of a
matrix, or :func:`revmatch.scoring.score_block`) and finds every valid pair outside the candidates
that violates, :math:`\mathrm{round}(s\,w_{ij}) > u_i + v_j`. All violations are summed into the
bound; the ``k`` worst of each mentor and each mentee join the candidates, and the solve repeats
until none is left.

Pricing skips, exactly and without knowing the score formula, the pairs that cannot violate: a
pair that did not violate last round can violate now only if its price :math:`u_i + v_j` fell, so
later rounds price only those (both sides sorted by their change in price make them a staircase of
whole tiles) and the lines whose violators did not all join; and no pair scores more than its
mentor's best or its mentee's best pair (both are candidates).

Given a :class:`Bounded` (a cheap upper bound of every score of a tile, and exact scores of chosen
pairs), the candidate pass and each pricing tile compute the bound and score exactly only the pairs
whose bound beats the floor or the price: most of a tile is never scored once the floors are set or
the duals are close. A tile where more than ``Tuning.sparse_share`` of the pairs clear the bar is scored
whole instead; either way the result is the same.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from .arrays import line_top, sorted_unique
from .bounds import Bounded
from .tiles import in_order, pricing_tile_shape, sample_tiles, sampled_share
from .topk import TopK, candidate_arcs_of, contenders
from .tuning import DEFAULT, Tuning

ScoreTile = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray | None]]
NewArcs = tuple[np.ndarray, np.ndarray, np.ndarray, float]  # rows, cols, weights of the joiners; total excess


@dataclass(frozen=True)
class PricingRound:
    """One pricing pass over every pair outside the candidates."""

    violators: int  # valid pairs whose integer cost beat their dual price u_i + v_j
    added: int  # of which joined the candidates: the k worst of each mentor and each mentee
    excess: float  # Σ (cost − u_i − v_j) over the violators, in the solver's integer cost units
    cells: int  # mentor × mentee cells scored; the bounds skipped the others
    seconds: float
    bounded: int = 0  # cells read through a Bounded score bound (only those clearing it are in ``cells``)
    sampled: bool = False  # read one block in Tuning.sample: finds violators, proves nothing (infinite excess)


# ---- one pass's records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Prices:
    """The duals a pass prices against, and what it may skip.

    ``du``/``dv`` are each line's change in price since the last full pass (-inf: price all of the
    line's pairs); ``row_order``/``col_order`` visit the lines by it. ``top_row``/``top_col`` are each
    line's best candidate in integer cost units: no pair of the line scores more.
    """

    u: np.ndarray
    v: np.ndarray
    scale: float
    du: np.ndarray
    dv: np.ndarray
    row_order: np.ndarray
    col_order: np.ndarray
    top_row: np.ndarray
    top_col: np.ndarray
    exact32: bool  # scores on the grain 1/scale, prices below 2**23 costs: exact in float32, in score units
    u32: np.ndarray  # u / scale: the prices in score units (exact: scale is a power of two)
    v32: np.ndarray

    @property
    def unit(self) -> float:
        """Cost units per unit of this pass's gains: exact float32 passes compare in score units."""
        return self.scale if self.exact32 else 1.0


@dataclass(frozen=True)
class _Found:
    """What one pricing tile found: its violators that may join (among their lines' k worst) and counts."""

    rows: np.ndarray  # positions in the problem
    cols: np.ndarray
    gain: np.ndarray  # cost − u_i − v_j > 0
    weight: np.ndarray  # the pair's score
    to_row: np.ndarray  # may enter its mentor's k worst
    to_col: np.ndarray  # may enter its mentee's k worst
    tile_rows: np.ndarray  # the tile's lines, with violators per line
    per_row: np.ndarray
    tile_cols: np.ndarray
    per_col: np.ndarray
    violators: int
    excess: float
    cells: int  # scored exactly
    bounded: int  # read through the bound
    bound_next: bool  # whether the bound is worth trying on the next tile

    @staticmethod
    def nothing(cells: int, bounded: int, bound_next: bool) -> _Found:
        empty = np.zeros(0, np.int64)
        return _Found(
            empty,
            empty,
            np.zeros(0),
            np.zeros(0),
            np.zeros(0, bool),
            np.zeros(0, bool),
            empty,
            empty,
            empty,
            empty,
            0,
            0.0,
            cells,
            bounded,
            bound_next,
        )


@dataclass
class _Tally:
    """A pass's running totals, kept by the thread that consumes the tiles in order."""

    worst_row: TopK
    worst_col: TopK
    per_row: np.ndarray
    per_col: np.ndarray
    use_bound: bool
    violators: int = 0
    excess: float = 0.0
    cells: int = 0
    bounded: int = 0

    def add(self, found: _Found) -> None:
        self.cells += found.cells
        self.bounded += found.bounded
        self.use_bound = found.bound_next
        if not found.violators:
            return
        f = found
        self.worst_row.merge(f.rows[f.to_row], f.cols[f.to_row], f.gain[f.to_row], f.weight[f.to_row])
        self.worst_col.merge(f.cols[f.to_col], f.rows[f.to_col], f.gain[f.to_col], f.weight[f.to_col])
        self.violators += f.violators
        self.excess += f.excess
        # Violators per line, to know which lines keep some out of the candidates.
        self.per_row[f.tile_rows] += f.per_row
        self.per_col[f.tile_cols] += f.per_col


@dataclass(frozen=True)
class _Previous:
    """The last full pass's duals, and the lines whose violators did not all join (priced in full next)."""

    u: np.ndarray
    v: np.ndarray
    dirty_rows: np.ndarray
    dirty_cols: np.ndarray


# ---- the pricer -----------------------------------------------------------------------------------


@dataclass
class TilePricer:
    """The ``price(u, v, scale, final)`` callback of :func:`revmatch.engine.solve_arcs`, tile by tile.

    ``candidate_keys`` (sorted ``row · n_cols + col``) and ``weights`` are the first solve's arcs;
    every line's best valid pair must be among them (then no pair beats its line's best candidate,
    the bound that lets pricing skip tiles). ``score_tile(rows, cols)`` returns the tile's scores and
    its valid mask (pairs the solver may use), or None when invalid pairs score -inf; rows and cols
    arrive sorted and unique. Each call returns the violators that join (rows, cols, weights) and
    the total excess, and records a :class:`PricingRound`. :meth:`forget` takes back arcs the solver
    dropped.

    On a large problem (``tuning.sample_cells``) the first solves' duals are far from the optimum (a
    tenth of all pairs violate at 100k × 100k) and only the k worst per person can join, so the first
    passes read one block in ``tuning.sample`` (a diagonal pattern that moves each pass, so each
    person meets that share of the other side; the first two, one in ``tuning.sample_first``) and
    report an infinite excess: they find plenty of violators at a fraction of the cost and prove
    nothing. Once a sampled pass suggests at most k·(n + m) violators in all (its count over the
    share it read), or no longer half the last one's, and on the solver's ``final`` round, every pass
    reads all tiles again, and only such a pass with none proves the optimum.
    """

    shape: tuple[int, int]
    score_tile: ScoreTile
    candidate_keys: np.ndarray
    weights: np.ndarray
    tuning: Tuning = DEFAULT
    tile: tuple[int, int] | None = None
    progress: Callable[[str], None] | None = None
    bounded: Bounded | None = None
    rounds: list[PricingRound] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.n_rows, self.n_cols = self.shape
        cells = self.n_rows * self.n_cols
        self.k = self.tuning.k
        self.tile_shape: tuple[int, int] = self.tile or pricing_tile_shape(self.n_rows, self.n_cols, self.tuning)
        self.workers = self.tuning.workers_for(cells)
        rows, cols = self.candidate_keys // self.n_cols, self.candidate_keys % self.n_cols
        self.row_best = line_top(self.n_rows, rows, self.weights, 1)[:, 0]
        self.col_best = line_top(self.n_cols, cols, self.weights, 1)[:, 0]
        self.previous: _Previous | None = None
        self.sampling = cells >= self.tuning.sample_cells
        self.estimate = math.inf  # violators in all, by the last sampled pass

    def __call__(self, u: np.ndarray, v: np.ndarray, scale: float, final: bool = False) -> NewArcs:
        if self.sampling and not final:  # the solver's final round gets a full pass: a finite bound
            share = sampled_share(self.shape, len(self.rounds), self.tuning)
            new_rows, new_cols, new_weights, _ = self._pass(u, v, scale, sampled=True)
            # Sample while the violators, scaled from the sample, are more than can join at once and
            # still at least halve each pass; then price every pair.
            estimate = self.rounds[-1].violators / share if share else 0.0
            self.sampling = estimate > self.k * (self.n_rows + self.n_cols) and estimate < self.estimate / 2
            self.estimate = estimate
            if len(new_rows):
                return new_rows, new_cols, new_weights, math.inf
        return self._pass(u, v, scale, sampled=False)

    def forget(self, rows: np.ndarray, cols: np.ndarray) -> None:
        """Arcs the solver dropped: priced again from now on (they did not violate at the last duals)."""
        gone = np.sort(rows * self.n_cols + cols)
        at = np.minimum(np.searchsorted(gone, self.candidate_keys), len(gone) - 1)
        self.candidate_keys = self.candidate_keys[gone[at] != self.candidate_keys]

    @property
    def seconds(self) -> float:
        return sum(p.seconds for p in self.rounds)

    # ---- one pass ---------------------------------------------------------------------------------
    def _pass(self, u: np.ndarray, v: np.ndarray, scale: float, sampled: bool) -> NewArcs:
        """One pricing pass: every tile that may hold a violator, or (``sampled``) one block in ``sample``."""
        t0 = time.perf_counter()
        prices = self._prices(u, v, scale)
        k = self.k
        tally = _Tally(
            TopK(self.n_rows, k),
            TopK(self.n_cols, k),
            np.zeros(self.n_rows, np.int64),
            np.zeros(self.n_cols, np.int64),
            use_bound=self.bounded is not None,
        )
        # In index order (sampled blocks only), a tie with a held value loses (see contenders).
        strict = sampled

        def price_tile(rows, cols, row_floor, col_floor, use_bound):
            return self._price_tile(prices, strict, rows, cols, row_floor, col_floor, use_bound)

        for found in in_order(price_tile, self._jobs(prices, tally, sampled), self.workers):
            tally.add(found)
        return self._finish(tally, prices, sampled, time.perf_counter() - t0)

    def _prices(self, u: np.ndarray, v: np.ndarray, scale: float) -> _Prices:
        """The duals, and the visiting order that lets a pass skip the pairs whose price rose.

        A pair that did not violate last pass can violate now only if its price u_i + v_j fell: only
        pairs with du_i + dv_j < 0 are priced again, plus every pair of a line that kept violators
        out last pass. Sorting both sides by their change makes those pairs a staircase of whole
        tiles. The first full pass prices everything, both sides sorted by price (highest first), so a
        tile's cheapest partner is dear and more people cannot gain in it.
        """
        previous = self.previous
        if previous is not None:
            du, dv = (u - previous.u).astype(np.float64), (v - previous.v).astype(np.float64)
            du[previous.dirty_rows] = -np.inf
            dv[previous.dirty_cols] = -np.inf
            row_order, col_order = np.argsort(du, kind="stable"), np.argsort(dv, kind="stable")
        else:
            du, dv = np.full(self.n_rows, -np.inf), np.full(self.n_cols, -np.inf)
            row_order, col_order = np.argsort(-u, kind="stable"), np.argsort(-v, kind="stable")
        top_row = np.where(np.isfinite(self.row_best), np.round(self.row_best * scale), 0)
        top_col = np.where(np.isfinite(self.col_best), np.round(self.col_best * scale), 0)
        power_of_two = 1.0 <= scale <= 2.0**8 and float(scale).is_integer() and int(scale).bit_count() == 1
        exact32 = power_of_two and max(np.abs(u).max(initial=0), np.abs(v).max(initial=0)) < 2**23
        return _Prices(
            u,
            v,
            scale,
            du,
            dv,
            row_order,
            col_order,
            top_row,
            top_col,
            exact32,
            (u / scale).astype(np.float32),
            (v / scale).astype(np.float32),
        )

    def _staircase(self, p: _Prices) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Tiles of lines in order of their change in price, stopping each band where prices rose."""
        tile_rows, tile_cols = self.tile_shape
        for r0 in range(0, self.n_rows, tile_rows):
            band = p.row_order[r0 : r0 + tile_rows]
            for c0 in range(0, self.n_cols, tile_cols):
                if p.du[band[0]] + p.dv[p.col_order[c0]] >= 0:
                    break  # sorted: every later tile of the band has risen in price too
                yield band, p.col_order[c0 : c0 + tile_cols]

    def _jobs(self, p: _Prices, tally: _Tally, sampled: bool):
        """Each tile's people who may still gain, with their floors; built when a worker frees up."""
        turn = len(self.rounds)
        tiles = sample_tiles(self.shape, self.tile_shape, turn, self.tuning) if sampled else self._staircase(p)
        for rows, cols in tiles:
            # Prices that rose against every partner in the tile; and, as no pair beats its mentor's
            # best nor its mentee's best score, those who cannot gain even against the cheapest
            # partner in the tile.
            rows = rows[(p.du[rows] + p.dv[cols].min() < 0) & (p.top_row[rows] - p.u[rows] > p.v[cols].min())]
            if len(rows):
                cols = cols[(p.dv[cols] + p.du[rows].min() < 0) & (p.top_col[cols] - p.v[cols] > p.u[rows].min())]
            if len(rows) and len(cols):
                rows, cols = np.sort(rows), np.sort(cols)
                yield (
                    rows,
                    cols,
                    np.maximum(tally.worst_row.threshold(rows), 0),
                    np.maximum(tally.worst_col.threshold(cols), 0),
                    tally.use_bound,
                )

    def _price_tile(
        self,
        p: _Prices,
        strict: bool,
        rows: np.ndarray,
        cols: np.ndarray,
        row_floor: np.ndarray,
        col_floor: np.ndarray,
        use_bound: bool,
    ) -> _Found:
        """The violators of a tile: through the bound while it pays, else scoring the tile whole.

        The bound is not tried after a tile it let too much through, nor after a whole tile with many
        violators (they all clear the bound): only the time depends on it, never the result.
        """
        if use_bound and self.bounded is not None:
            found = self._bounded_tile(p, strict, rows, cols, row_floor, col_floor)
            if found is not None:
                return found
        return self._scored_tile(p, strict, rows, cols, row_floor, col_floor)

    def _bounded_tile(
        self, p: _Prices, strict: bool, rows: np.ndarray, cols: np.ndarray, row_floor: np.ndarray, col_floor: np.ndarray
    ) -> _Found | None:
        """The violators of a tile among the pairs whose bound beats their price; None: too many clear it."""
        assert self.bounded is not None
        if p.exact32:  # the float32 bound against prices in score units: exact in float32
            u_t, v_t = p.u32[rows], p.v32[cols]
            got = self.bounded.above(rows, cols, lambda ub: ub - v_t > u_t[:, None])
        else:
            u_t, v_t, scale = p.u[rows], p.v[cols], np.float64(p.scale)
            got = self.bounded.above(rows, cols, lambda ub: np.round(ub * scale) - v_t > u_t[:, None])
        if got is None:
            return None
        r, c, w, valid = got
        score = w.astype(np.float64) if p.exact32 or p.scale == 1.0 else np.round(w * p.scale)
        gain = score - u_t[r] - v_t[c]
        keys = rows[r] * self.n_cols + cols[c]
        at = np.minimum(np.searchsorted(self.candidate_keys, keys), len(self.candidate_keys) - 1)
        violating = valid & (gain > 0) & (self.candidate_keys[at] != keys)  # candidates: the solver's
        r, c, g, w = r[violating], c[violating], gain[violating], w[violating]
        cells, bounded = len(violating), len(rows) * len(cols)
        if not len(r):
            return _Found.nothing(cells, bounded, bound_next=True)
        beats = np.greater if strict else np.greater_equal
        return _Found(
            rows[r],
            cols[c],
            g,
            w,
            beats(g, row_floor[r]),
            beats(g, col_floor[c]),
            rows,
            np.bincount(r, minlength=len(rows)),
            cols,
            np.bincount(c, minlength=len(cols)),
            len(r),
            float(g.sum()) * p.unit,
            cells,
            bounded,
            bound_next=True,
        )

    def _scored_tile(
        self, p: _Prices, strict: bool, rows: np.ndarray, cols: np.ndarray, row_floor: np.ndarray, col_floor: np.ndarray
    ) -> _Found:
        """The violators of a tile scored whole; candidates are priced by the solver itself, so skipped."""
        w, valid = self.score_tile(rows, cols)
        if p.exact32:  # scores and prices in score units: exact (half the traffic for float32 scores)
            gain = np.subtract(w, p.u32[rows, None], dtype=w.dtype)
            gain -= p.v32[None, cols]
        else:
            gain = np.subtract(np.round(w.astype(np.float64) * p.scale) if p.scale != 1.0 else w, p.u[rows, None])
            gain -= p.v[None, cols]
        if valid is not None:  # None: invalid pairs already score -inf
            np.copyto(gain, -np.inf, where=~valid)  # invalid pairs never violate
        gain[self._held_in(rows, cols)] = -np.inf
        violating = gain > 0
        n_violating = int(np.count_nonzero(violating))
        bound_next = self.bounded is not None and n_violating < self.tuning.sparse_share / 2 * w.size
        if not n_violating:
            return _Found.nothing(w.size, 0, bound_next)
        excess = float(np.sum(gain, where=violating, dtype=np.float64)) * p.unit
        r, c, to_row, to_col = contenders(gain, row_floor, col_floor, self.k, strict)
        return _Found(
            rows[r],
            cols[c],
            gain[r, c],
            w[r, c],
            to_row,
            to_col,
            rows,
            np.count_nonzero(violating, axis=1),
            cols,
            np.count_nonzero(violating, axis=0),
            n_violating,
            excess,
            w.size,
            0,
            bound_next,
        )

    def _held_in(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Tile positions of the candidates inside a tile (each row's candidates: a slice of the keys)."""
        starts = np.searchsorted(self.candidate_keys, rows * self.n_cols)
        counts = np.searchsorted(self.candidate_keys, (rows + 1) * self.n_cols) - starts
        at = np.repeat(starts - np.cumsum(counts) + counts, counts) + np.arange(int(counts.sum()))
        held_r, held_c = np.repeat(np.arange(len(rows)), counts), self.candidate_keys[at] % self.n_cols
        at_c = np.minimum(np.searchsorted(cols, held_c), len(cols) - 1)
        inside = cols[at_c] == held_c
        return held_r[inside], at_c[inside]

    def _finish(self, tally: _Tally, p: _Prices, sampled: bool, seconds: float) -> NewArcs:
        """The k worst violators of each line join; record the round and what the next pass may skip."""
        new_keys, new_weights = candidate_arcs_of(tally.worst_row, tally.worst_col)
        new_rows, new_cols = new_keys // self.n_cols, new_keys % self.n_cols
        self.candidate_keys = sorted_unique(np.concatenate([self.candidate_keys, new_keys]))
        excess = math.inf if sampled else tally.excess
        self.rounds.append(
            PricingRound(tally.violators, len(new_keys), excess, tally.cells, seconds, tally.bounded, sampled=sampled)
        )
        self._report()
        if not sampled:  # a sampled pass leaves no state: the next full pass prices every pair
            self.previous = self._dirty_lines(tally, p, new_rows, new_cols)
        return new_rows, new_cols, new_weights, excess

    def _dirty_lines(self, tally: _Tally, p: _Prices, new_rows: np.ndarray, new_cols: np.ndarray) -> _Previous:
        """Lines with violators left out must be priced in full next pass; one side suffices (each
        left-out violator has both its lines left wanting): the one with fewer cells."""
        dirty_rows = tally.per_row > np.bincount(new_rows, minlength=self.n_rows)
        dirty_cols = tally.per_col > np.bincount(new_cols, minlength=self.n_cols)
        if dirty_rows.sum() * self.n_cols <= dirty_cols.sum() * self.n_rows:
            dirty_cols[:] = False
        else:
            dirty_rows[:] = False
        return _Previous(p.u.copy(), p.v.copy(), dirty_rows, dirty_cols)

    def _report(self) -> None:
        if self.progress:
            p, pairs = self.rounds[-1], max(1, self.n_rows * self.n_cols)
            self.progress(
                f"pricing round {len(self.rounds)}{' (sampled)' if p.sampled else ''}: {p.violators} "
                f"violators, {p.added} added, {p.cells / pairs:.1%} of pairs scored"
                + (f" ({p.bounded / pairs:.1%} bounded)" if p.bounded else "")
                + f", {p.seconds:.1f} s"
            )
