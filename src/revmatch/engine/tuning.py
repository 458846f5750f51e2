"""The engine's knobs in one record: the settings measured fastest, and the seam tests and benchmarks turn."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError


@dataclass(frozen=True)
class Tuning:
    """How the candidate and pricing engine works through a problem; never what it proves.

    Every setting reaches the same optimum, proved the same way: these trade time and memory only
    (and, among equal optima, which pairs come back). The defaults are the settings measured fastest
    on the 2-core development machine (see the benchmark pages of the docs). Pass a changed copy,
    e.g. ``Tuning(k=1)``, to :func:`revmatch.solve` or :func:`revmatch.sparse.sparse_assignment`.

    Attributes
    ----------
    k : int, default=8
        Candidates per mentor and per mentee before pricing; also the most violators per person that
        join the candidates in one pricing round.
    max_rounds : int or None, default=None
        Solves before giving up on a proof: the result is then ``feasible`` with an honest bound.
        None: never give up (:func:`revmatch.solve` switches to the dense kernel when pricing stalls).
    workers : int or None, default=None
        Tiles scored at once (threads). None: 2 from ``small_cells`` pairs on, else 1. An explicit
        number is used as given.
    small_cells : int, default=2**24
        Below this many mentor × mentee pairs, threads cost more than they save (``workers=None``).
    drop_margin, drop_margin_large : float, default=0.1, 0.01
        Unused arcs whose reduced cost is below ``−margin ×`` the largest cost leave the next solve;
        the pricer watches them again. ``drop_margin_large`` applies from ``sample_cells`` pairs on,
        where a solve costs seconds; None keeps every arc.
    reoptimise_per_node : float, default=2
        The next solve starts from the last flow and potentials (the warm re-solve) when at most this
        many new arcs per node are worth using; 0 never, ``inf`` always.
    max_phases : int, default=60
        A warm re-solve needing more primal–dual phases hands back to a cold solve.
    tile_bytes, bytes_per_cell : int, default=256 MiB, 48
        Temporaries of one tile in flight, and what a scored cell costs: they set the tile sizes.
    max_tile_mentees : int, default=4096
        Width of a candidate-pass tile (and of a band's tiles in :func:`revmatch.candidate_arcs`).
    pricing_tile : int, default=1024
        Pricing tiles are at most this square (twice that from ``sample_cells`` pairs on).
    sample, sample_first, first_turns : int, default=16, 32, 2
        Early pricing passes of a large problem read one block in ``sample`` (the first
        ``first_turns`` of them one in ``sample_first``, where each side has that many blocks).
    sample_cells : int, default=2**28
        From this many mentor × mentee pairs (16k × 16k) a full pricing pass is worth sampling.
    sample_block : int, default=1024
        Sampled passes read blocks this square, whatever the tile shape (same pairs for any).
    sparse_share : float, default=1/50
        A tile whose score bound lets more than this share of its pairs through is scored whole.
    dense_cells : int, default=2**25
        :func:`revmatch.solve` hands a matrix of up to this many pairs straight to the dense kernel
        (:mod:`revmatch.engine.dense`), any size when best partners are concentrated. 0: only then.
    tied_dense_cells : int, default=2**21
        The same for tied scores (few distinct values, as revmatch's own): up to this many pairs the
        dense kernel wins, beyond it candidates and pricing do (never above ``dense_cells``).
    sample_lines : int, default=256
        Mentors and mentees sampled for that decision (their best partners); the scores of
        ``16 × tied_values`` evenly spread pairs tell whether they are tied.
    concentrated : float, default=0.1
        Best partners are concentrated when the sampled mentors' best mentees are fewer than this
        share of them, and likewise for mentees (0/1 scores, Machol–Wien: top-k candidates overlap).
    tied_values : int, default=256
        Scores are tied when the sampled pairs show fewer distinct values.
    stall_rounds : int, default=2
        Pricing rounds in a row whose joiners did not halve before :func:`revmatch.solve` hands the
        problem to the dense kernel.
    dense_kernel : bool, default=True
        False: :func:`revmatch.solve` keeps to candidates and pricing, whose tie rule (lower index
        first) the sparse route shares; :func:`revmatch.match` sets it so that its two routes return
        the same pairs among equal optima.
    compiled_kernel : bool, default=True
        The dense route's own compiled kernel, which returns its dual prices (when the package was
        built with a C compiler); False: ``lapx``'s kernel, proved by :mod:`revmatch.engine.certify`.
    """

    k: int = 8
    max_rounds: int | None = None
    workers: int | None = None
    small_cells: int = 2**24
    drop_margin: float | None = 0.1
    drop_margin_large: float | None = 0.01
    reoptimise_per_node: float = 2
    max_phases: int = 60
    tile_bytes: int = 256 * 2**20
    bytes_per_cell: int = 48
    max_tile_mentees: int = 4096
    pricing_tile: int = 1024
    sample: int = 16
    sample_first: int = 32
    first_turns: int = 2
    sample_cells: int = 2**28
    sample_block: int = 1024
    sparse_share: float = 1 / 50
    dense_cells: int = 2**25
    tied_dense_cells: int = 2**21
    sample_lines: int = 256
    concentrated: float = 0.1
    tied_values: int = 256
    stall_rounds: int = 2
    dense_kernel: bool = True
    compiled_kernel: bool = True

    def __post_init__(self) -> None:
        for name in (
            "k",
            "max_phases",
            "tile_bytes",
            "bytes_per_cell",
            "max_tile_mentees",
            "pricing_tile",
            "sample",
            "sample_first",
            "sample_block",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(f"{name} must be a positive int, got {value!r}")
        if self.max_rounds is not None and (not isinstance(self.max_rounds, int) or self.max_rounds < 1):
            raise ConfigError(f"max_rounds must be a positive int or None, got {self.max_rounds!r}")
        if self.workers is not None and (not isinstance(self.workers, int) or self.workers < 1):
            raise ConfigError(f"workers must be a positive int or None, got {self.workers!r}")

    def workers_for(self, cells: int) -> int:
        """Threads for a problem of ``cells`` pairs: ``workers`` when set, else 2 from ``small_cells`` on."""
        if self.workers is not None:
            return self.workers
        return 2 if cells >= self.small_cells else 1

    def drop_margin_for(self, cells: int) -> float | None:
        """The drop margin for a problem of ``cells`` pairs (the large one from ``sample_cells`` on)."""
        if self.drop_margin is None or self.drop_margin_large is None:
            return self.drop_margin
        return min(self.drop_margin, self.drop_margin_large) if cells >= self.sample_cells else self.drop_margin


DEFAULT = Tuning()
