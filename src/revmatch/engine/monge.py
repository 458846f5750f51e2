r"""Monge matrices (Machol–Wien, distances between sorted points on a line) solved by their structure.

A cost matrix is Monge when :math:`c_{ij} + c_{i'j'} \le c_{ij'} + c_{i'j}` for :math:`i < i'`,
:math:`j < j'` (checking adjacent 2 × 2 blocks suffices); Machol–Wien's :math:`c_{ij} = ij + 1` is
Monge with its columns reversed, and people repeated by capacity keep the property. Exchanging two
crossing pairs never costs more, so some optimal assignment pairs the rows in order with increasing
columns (Hoffman 1963): the diagonal of a square matrix, and for :math:`n < m` a shortest
increasing path found by dynamic programming in :math:`O(nm)`. Shortest-augmenting-path kernels are
at their slowest on these matrices (every pair is nearly tight), so they are recognised first.
"""

from __future__ import annotations

import numpy as np

from .certify import block_rows


def monge_assignment(cost: np.ndarray):
    """The optimal assignment of a Monge cost matrix (or one with its columns reversed), else None.

    Returns
    -------
    (rows, cols, hint) or None
        min(n, m) pairs of minimal total cost; ``hint`` is a square matrix's staircase prices for the
        gains ``−cost`` (see :func:`revmatch.engine.certify.proved`), else None.
    """
    if min(cost.shape) < 2:
        return None
    tall = cost.shape[0] > cost.shape[1]
    c = cost.T if tall else cost
    for flipped in (False, True):
        oriented = c[:, ::-1] if flipped else c
        if not _is_monge(oriented):
            continue
        if c.shape[0] == c.shape[1]:
            rows, cols, hint = np.arange(len(c)), np.arange(len(c)), _staircase_prices(oriented)
        else:
            rows, cols, hint = np.arange(len(c)), _increasing_columns(oriented), None
        if flipped:
            cols = c.shape[1] - 1 - cols
            hint = None if hint is None else (hint[0], hint[1][::-1].copy())
        if tall:
            rows, cols = cols, rows
            hint = None if hint is None else (hint[1], hint[0])
        return rows, cols, hint
    return None


def _staircase_prices(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    r"""Prices of the gains :math:`-c` proving a square Monge matrix's diagonal optimal.

    Duals along the staircase :math:`(i, i), (i, i + 1)`: :math:`v_j - v_{j-1} = c_{j-1,j} - c_{j-1,j-1}`,
    :math:`u_i = c_{ii} - v_i` satisfy :math:`u_i + v_j \le c_{ij}`, with equality on the diagonal; as
    prices of the gains, :math:`-u, -v`, shifted by a constant to be non-negative (same sum).
    """
    steps = np.diagonal(c, offset=1) - np.diagonal(c)[:-1]
    v = np.concatenate([[0.0], np.cumsum(steps)])
    u = np.diagonal(c) - v
    shift = float((-u).min())
    return -u - shift, -v + shift


def _increasing_columns(c: np.ndarray) -> np.ndarray:
    r"""Columns ``σ(0) < σ(1) < …`` minimising :math:`\sum_i c_{i\sigma(i)}` (n < m), by dynamic programming.

    ``best[i, j]``: the least cost of rows 0…i with row i in a column ≤ j; row i in column j costs
    ``best[i − 1, j − 1] + c[i, j]``. The path is read back from the last row.
    """
    n, m = c.shape
    best = np.empty((n, m))
    np.minimum.accumulate(c[0], out=best[0])
    for i in range(1, n):
        reach = np.full(m, np.inf)
        reach[i:] = best[i - 1, i - 1 : m - 1] + c[i, i:]
        np.minimum.accumulate(reach, out=best[i])
    cols = np.empty(n, np.int64)
    j = m - 1
    for i in range(n - 1, -1, -1):
        # The first column where row i's running best reaches its value at j is where row i sits.
        j = int(np.argmax(best[i, : j + 1] == best[i, j]))
        cols[i] = j
        j -= 1
    return cols


def _is_monge(c: np.ndarray) -> bool:
    """Every adjacent 2 × 2 block satisfies the Monge inequality (which implies it for all), rows in blocks.

    The first and last rows are looked at first: Monge holds for any two rows, and people repeated
    by capacity make the first two rows equal (a check that always passes).
    """
    if not np.all(c[0, :-1] + c[-1, 1:] <= c[0, 1:] + c[-1, :-1]):
        return False
    if not np.all(c[0, :-1] + c[1, 1:] <= c[0, 1:] + c[1, :-1]):
        return False
    step = block_rows(c.shape[1])
    for k in range(1, c.shape[0] - 1, step):
        top, bottom = c[k : k + step], c[k + 1 : k + 1 + step]
        top = top[: len(bottom)]
        if not np.all(top[:, :-1] + bottom[:, 1:] <= top[:, 1:] + bottom[:, :-1]):
            return False
    return True
