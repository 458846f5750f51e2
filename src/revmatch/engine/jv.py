r"""The compiled Jonker–Volgenant kernel that returns its dual prices (``_jv_src/*.c``), and their check.

``lapx``'s kernels return pairs only, so their proof costs several passes over the matrix; this one
keeps the prices it works with, so the proof is one pass (:func:`proved`). The matrix is read,
scaled to whole numbers, repeated by capacity and transposed in compiled passes too: on a
100 × 100 matrix a numpy call costs about as much as the whole solve. It is built when the package
is installed with a C compiler at hand (an optional extension); without it :data:`AVAILABLE` is
False and the dense route proves ``lapx``'s pairs itself.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

_jv: ModuleType | None
try:
    from . import _jv
except ImportError:  # pragma: no cover - the extension is optional (no C compiler at install)
    _jv = None

AVAILABLE = _jv is not None


def _kernel() -> ModuleType:
    if _jv is None:  # pragma: no cover - callers check AVAILABLE
        raise RuntimeError("revmatch was installed without its compiled kernel (no C compiler at hand)")
    return _jv


def _costs_shape(w: np.ndarray, row_of: np.ndarray | None, col_of: np.ndarray | None, transpose: bool):
    n = len(row_of) if row_of is not None else w.shape[0]
    m = len(col_of) if col_of is not None else w.shape[1]
    return (m, n) if transpose else (n, m)


def prepare(
    w: np.ndarray,
    useful: np.ndarray | None,
    row_of: np.ndarray | None,
    col_of: np.ndarray | None,
    transpose: bool,
    *,
    pad: bool = False,
) -> tuple[np.ndarray, float, bool]:
    """The costs ``−w`` of the useful cells (``useful`` where given, and > 0; else 0), lines repeated, transposed.

    Entry ``[r, c]`` is cell ``(row_of[r], col_of[c])`` (``(row_of[c], col_of[r])`` transposed);
    None for every line once, in order. ``w`` and ``useful`` must be C-ordered. ``pad``: rows of
    cost 0 below, up to a square (the kernel's start works better on a square).

    Returns
    -------
    (cost, largest, whole)
        The costs, and the useful cells' largest score (0 when there is none) and whether all are
        whole numbers (below :math:`2^{51}`).
    """
    n, m = _costs_shape(w, row_of, col_of, transpose)
    cost = np.empty((m if pad else n, m))
    largest, whole = _kernel().prepare(w, w.shape[0], w.shape[1], useful, row_of, col_of, transpose, cost, n, m)
    return cost, largest, whole


def finite(w: np.ndarray, allowed: np.ndarray | None) -> bool:
    """Whether every allowed cell (every cell when ``allowed`` is None) of a C-ordered matrix is finite: one pass."""
    return _kernel().finite(w, w.shape[0], w.shape[1], allowed)


def digits(cost: np.ndarray) -> int:
    """The most binary digits after the point any cost needs (31 once past 30: no grain)."""
    return _kernel().digits(cost, *cost.shape)


# What :func:`dense` found.
PROVED, PAIR_TWICE, NOT_PROVED, NO_USEFUL_PAIR, EXTREME, NOT_FINITE = 0, 2, 3, 4, 5, 6


class NotFinite(ValueError):
    """A matrix read whole (every cell allowed) holds NaN or ±inf: the caller names the cell."""


def dense(
    w: np.ndarray,
    useful: np.ndarray | None,
    row_of: np.ndarray | None,
    col_of: np.ndarray | None,
    transpose: bool,
    *,
    pad: bool,
    limit: float,
    max_exponent: int,
) -> tuple[int, list[tuple[int, int]], float, bool, float]:
    """The whole dense route in one compiled call: :func:`prepare`'s costs, whole numbers, solved, proved.

    The costs are scaled by the power of two :func:`revmatch.engine.mincost.integer_scale` picks
    (whole costs at most ``limit``, the factor at most ``2**max_exponent``); Monge matrices are solved
    by their structure, others by the kernel; the prices are checked on every pair.

    Returns
    -------
    (status, pairs, total, exact, scale)
        ``PROVED``: the useful pairs made, ``(row, col)`` sorted, and their total score in ``w``;
        ``PAIR_TWICE``: a pair made twice (people repeated on both sides); ``NOT_PROVED``: the
        prices did not prove the result (never seen); ``NO_USEFUL_PAIR``: no cell is useful;
        ``EXTREME``: the largest useful score is beyond 2**±256 (rescale it by a power of two first).
        A matrix read whole (``useful``, ``row_of`` and ``col_of`` None) is checked as it is read:
        :class:`NotFinite` when it holds NaN or ±inf.
        ``exact``: whether the scaled costs were exact (else the total is within
        ``min(n, m) / scale`` of the optimum).
    """
    n, m = _costs_shape(w, row_of, col_of, transpose)
    budget = n + 1  # steps in each augmenting row reduction pass
    found = _kernel().dense(w, *w.shape, useful, row_of, col_of, transpose, n, m, pad, limit, max_exponent, budget)
    if found[0] == NOT_FINITE:
        raise NotFinite("the matrix holds NaN or infinite scores")
    return found


def assignment(cost: np.ndarray, *, reduction_steps: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Every row of ``cost`` (n ≤ m, whole numbers ≤ 0, C-ordered) paired at least total cost, with prices.

    The costs must be small enough that sums along augmenting paths stay exact in float64 (below
    :math:`2^{52}/(n + m)` in size).

    ``reduction_steps`` caps each of the two augmenting-row-reduction passes (default ``n``; 0
    skips them: augmentation alone).

    Returns
    -------
    (cols, u, v)
        Row ``i``'s column ``cols[i]``, and the prices that prove it (see :func:`proved`).
    """
    n, m = cost.shape
    cols, u, v = np.empty(n, np.int64), np.empty(n), np.empty(m)
    _kernel().solve(cost, n, m, cols, u, v, n + 1 if reduction_steps is None else reduction_steps)
    return cols, u, v


def proved(cost: np.ndarray, cols: np.ndarray, u: np.ndarray, v: np.ndarray) -> bool:
    r"""Whether prices prove the assignment ``i → cols[i]`` of costs ≤ 0 optimal over every assignment.

    Checked on every pair: :math:`u_i + v_j \le c_{ij}`, equality on the pairs, distinct columns,
    and (n < m) :math:`v \le 0` with :math:`v_j = 0` on free columns — so the total cost equals the
    dual bound (weak duality). Costs ≤ 0 make pairing every row no worse than pairing fewer.
    """
    return bool(_kernel().proved(cost, cost.shape[0], cost.shape[1], cols, u, v))
