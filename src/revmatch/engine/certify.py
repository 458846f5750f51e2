r"""The proof that an assignment is optimal: exact dual prices by policy iteration, checked on every pair.

An assignment found by any algorithm (a compiled Jonker–Volgenant kernel, a rule such as "the
anti-diagonal") is proved optimal the way a linear programme is: by dual prices :math:`U_i, V_j \ge 0`
with :math:`U_i + V_j \ge g_{ij}` on every pair and :math:`\sum U + \sum V` equal to the total. Weak
duality makes that sum a bound on every assignment, so the total is the best.

The prices come from the assignment itself. Every person on the smaller side is paired (a kernel
pairs min(N, M) people; a pair worth 0 stands for "no pair"), and a price on the larger side is fixed
by its pair: :math:`V_{\sigma(i)} = g_{i\sigma(i)} - U_i` (0 for a person without one). Then
:math:`U_i \ge g_{ij} - V_j` reads :math:`U_i \ge (g_{ij} - g_{p\sigma(p)}) + U_p` with
:math:`p` the partner of :math:`j`: a longest-path problem on the paired people, whose solution
exists exactly when the assignment is optimal (no exchange cycle gains). Bellman–Ford needs as many
sweeps over the matrix as the paths have steps (about :math:`n` on Machol–Wien); Howard's policy
iteration needs a handful: each person keeps the partner that gives their current best, the prices of
that choice are summed along the chosen paths by pointer doubling (:math:`\log_2 n` vector steps), and
only the people whose price moved are looked at again. A cycle among the choices is a gaining
exchange: the assignment was not optimal.

All arithmetic is on whole numbers held in float64 (below :math:`2^{52}`), so it is exact; the final
check reads every pair once.
"""

from __future__ import annotations

import numpy as np

# Pairs read at once in a pass over the matrix: a block of rows that stays in cache (512 kB of float64).
BLOCK_CELLS = 2**16


def block_rows(n_cols: int) -> int:
    """Rows per block of a pass over a matrix with ``n_cols`` columns (at least 8)."""
    return max(8, BLOCK_CELLS // max(1, n_cols))


def proved(
    gain: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    *,
    hint: tuple[np.ndarray, np.ndarray] | None = None,
    sweeps: int = 0,
) -> bool:
    r"""Whether the assignment ``rows[k] → cols[k]`` maximises :math:`\sum g_{ij} x_{ij}` over every assignment.

    Parameters
    ----------
    gain : ndarray of float, shape (n_rows, n_cols)
        Whole-number gains ≥ 0 (below 2**52 / (n_rows + n_cols)); each row and column takes at most one pair.
    rows, cols : ndarray of int
        The pairs: min(n_rows, n_cols) of them, every row (or every column, if fewer) paired once.
    hint : (U, V), optional
        Candidate prices (e.g. a Monge matrix's staircase): checked first, found afresh if they fail.
    sweeps : int, default=0
        Bellman–Ford sweeps tried first on a rectangular matrix (see :func:`assignment_prices`).

    Returns
    -------
    bool
        True when prices :math:`U, V \ge 0` with :math:`U_i + V_j \ge g_{ij}` on every pair sum to the
        assignment's total; False when the assignment is not optimal (or not of that shape).
    """
    n_rows, n_cols = gain.shape
    if len(rows) != min(n_rows, n_cols) or not (_distinct(rows, n_rows) and _distinct(cols, n_cols)):
        return False
    if len(rows) == 0:
        return True
    total = float(gain[rows, cols].sum())
    if hint is not None and _summed(hint[0], hint[1], total) and _covered(gain, hint[0], hint[1]):
        return True
    prices = assignment_prices(gain, rows, cols, sweeps=sweeps)  # they cover every pair: the last pass read them all
    return prices is not None and _summed(prices[0], prices[1], total)


def assignment_prices(
    gain: np.ndarray, rows: np.ndarray, cols: np.ndarray, *, max_rounds: int | None = None, sweeps: int = 0
) -> tuple[np.ndarray, np.ndarray] | None:
    """Optimal dual prices ``(U, V)`` (per row, per column) of an assignment; None if it is not optimal.

    The smaller side must be fully paired. Prices of the paired side are the longest paths above,
    found by policy iteration; the other side's follow from the pairs. The last step reads every
    pair: the prices returned satisfy :math:`U_i + V_j \\ge g_{ij}` everywhere. On a rectangular
    matrix (one side at most 3/4 of the other) up to ``sweeps`` Bellman–Ford sweeps over the paired
    columns come first (the free ones, price 0, are read once):
    exchange paths there end at a free column within a few steps, and on a small matrix a sweep
    (a few operations) costs less than a policy round (a few dozen).
    """
    if gain.shape[0] > gain.shape[1]:
        # The paired side as rows: passes then read whole rows (one transposed copy).
        prices = assignment_prices(np.ascontiguousarray(gain.T), cols, rows, max_rounds=max_rounds, sweeps=sweeps)
        return None if prices is None else (prices[1], prices[0])
    n_rows, n_cols = gain.shape
    root = n_rows
    # Each column's price is fixed by its partner (the root for nobody): V = pair − U.
    partner = np.full(n_cols, root)
    partner[cols] = rows
    across = np.empty(n_rows, np.int64)
    across[rows] = cols
    pair = np.zeros(n_rows + 1)
    pair[rows] = gain[rows, cols]
    free = np.flatnonzero(partner == root)
    if 4 * len(free) < n_cols:
        return _policy_iteration(gain, partner, across, pair, np.zeros(n_rows), max_rounds)
    # Columns nobody takes keep price 0 for good: each row's best of them is a fixed way to the
    # root, read once, and the sweeps or rounds read only the paired columns (column k: row k's own).
    reach = np.maximum(_row_max(gain, np.zeros(len(free)), free), 0.0)
    own = np.arange(n_rows)
    paired = np.take(gain, across, axis=1)
    prices = _sweeps(paired, own, own, pair, sweeps, reach) if sweeps and 4 * n_rows <= 3 * n_cols else None
    if prices is None:
        prices = _policy_iteration(paired, own, own, pair, reach, max_rounds)
    if prices is None:
        return None
    v = np.zeros(n_cols)
    v[across] = prices[1]
    return prices[0], v


def _policy_iteration(
    gain: np.ndarray,
    partner: np.ndarray,
    across: np.ndarray,
    pair: np.ndarray,
    reach: np.ndarray,
    max_rounds: int | None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """Howard's policy iteration for the row prices; ``reach`` is each row's way to the root (U ≥ reach)."""
    n_rows, n_cols = gain.shape
    root = n_rows
    u = np.append(reach, 0.0)  # everyone starts on the root; u[root] stays 0
    parent = np.full(n_rows + 1, root)
    length = u.copy()
    v = pair[partner] - u[partner]
    best, value = _best(gain, v)
    line = np.arange(n_rows)
    whole = True  # value is each row's best over every column, read in one pass
    for _ in range(max_rounds or n_rows + 2):
        gaining = np.flatnonzero(value > u[:root])
        if len(gaining) == 0:
            if whole:
                return u[:root], v
            best, value = _best(gain, v)
            whole = True
            continue
        # Policy improvement: each gaining row takes the partner of its best column.
        up = partner[best[gaining]]
        parent[gaining] = up
        length[gaining] = value[gaining] - u[up]
        new_u = _path_sums(parent, length)
        if new_u is None:
            return None  # a cycle of choices: an exchange that gains, so the assignment is not optimal
        moved = np.flatnonzero(new_u[:root] != u[:root])
        u = new_u
        # Prices only rise, so the columns' only fall: the best so far stays a lower bound, and
        # only the columns whose price fell can beat it.
        fell = across[moved]
        v[fell] = pair[moved] - u[moved]
        fell.sort()  # columns in order read the matrix in order
        value = gain[line, best] - v[best]
        whole = 4 * len(fell) > n_cols
        if whole:
            best, value = _best(gain, v)
        else:
            _improve(gain, v, fell, best, value)
    return None


def _sweeps(
    gain: np.ndarray, across: np.ndarray, partner: np.ndarray, pair: np.ndarray, budget: int, reach: np.ndarray
):
    """Bellman–Ford from below, :math:`U_i = \\max(R_i, \\max_j g_{ij} - V_j)` with ``V = pair − U`` of the partner.

    ``reach`` (:math:`R \\ge 0`) is each row's fixed way to the root.

    Gauss–Seidel order: a block of rows that rises lowers its columns' prices at once, for the
    blocks after it. Returns ``(U, V)`` once a sweep (a pass over every pair) raises nothing, or
    None after ``budget`` sweeps.
    """
    n_rows, n_cols = gain.shape
    u = np.append(reach, 0.0)
    v = pair[partner] - u[partner]
    step = block_rows(n_cols)
    buffer = np.empty((min(step, n_rows), n_cols))
    best = np.empty(min(step, n_rows))
    for _ in range(budget):
        rose = False
        for k in range(0, n_rows, step):
            size = min(step, n_rows - k)
            block = np.subtract(gain[k : k + size], v, out=buffer[:size])
            block.max(axis=1, out=best[:size])
            rising = np.flatnonzero(best[:size] > u[k : k + size]) + k
            if len(rising):
                rose = True
                u[rising] = best[rising - k]
                v[across[rising]] = pair[rising] - u[rising]
        if not rose:
            return u[:n_rows], v
    return None


def _path_sums(parent: np.ndarray, length: np.ndarray) -> np.ndarray | None:
    """Each node's summed ``length`` along its ``parent`` chain to the root (the last node), by pointer doubling.

    None when a chain never reaches the root (a cycle).
    """
    root = len(parent) - 1
    total, up = length.copy(), parent.copy()
    for _ in range(root.bit_length() + 1):
        if up.min() == root:  # the root is the largest index
            return total
        total += total[up]  # total[root] is 0
        up = up[up]
    return total if up.min() == root else None


def _best(gain: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's best ``g − V`` over every column, and where; a block of rows at a time."""
    n_rows, n_cols = gain.shape
    best = np.empty(n_rows, np.int64)
    value = np.empty(n_rows)
    step = block_rows(n_cols)
    buffer = np.empty((min(step, n_rows), n_cols))  # one block, reused: no fresh pages per block
    line = np.arange(len(buffer))
    for k in range(0, n_rows, step):
        block = np.subtract(gain[k : k + step], v, out=buffer[: min(step, n_rows - k)])
        best[k : k + step] = at = block.argmax(axis=1)
        value[k : k + step] = block[line[: len(block)], at]
    return best, value


def _row_max(gain: np.ndarray, v: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Each row's best ``g − V`` over the (sorted) ``cols``, with ``v`` their prices; a block of rows at a time."""
    n_rows = gain.shape[0]
    value = np.empty(n_rows)
    step = block_rows(len(cols))
    buffer = np.empty((min(step, n_rows), len(cols)))
    for k in range(0, n_rows, step):
        # mode="clip" (the columns are valid): numpy buffers ``out`` for mode="raise", a second copy.
        block = np.take(gain[k : k + step], cols, axis=1, out=buffer[: min(step, n_rows - k)], mode="clip")
        block -= v
        block.max(axis=1, out=value[k : k + step])
    return value


def _improve(gain: np.ndarray, v: np.ndarray, cols: np.ndarray, best: np.ndarray, value: np.ndarray) -> None:
    """Raise ``best``/``value`` in place with the given (sorted) ``cols``, a block of columns at a time."""
    step = block_rows(gain.shape[0])
    rows = np.arange(gain.shape[0])
    buffer = np.empty((gain.shape[0], min(step, len(cols))))
    for k in range(0, len(cols), step):
        part = cols[k : k + step]
        block = np.take(gain, part, axis=1, out=buffer[:, : len(part)], mode="clip")
        block -= v[part]
        at = block.argmax(axis=1)
        found = block[rows, at]
        better = found > value
        best[better] = part[at[better]]
        value[better] = found[better]


def _distinct(index: np.ndarray, n: int) -> bool:
    """Whether the indices are distinct and in ``0 … n − 1`` (a count per index: no sort)."""
    if len(index) == 0:
        return True
    if int(index.min()) < 0 or int(index.max()) >= n:
        return False
    return bool(np.bincount(index, minlength=n).max() <= 1)


def _summed(u: np.ndarray, v: np.ndarray, total: float) -> bool:
    """Prices ≥ 0 whose sum is ``total``: with :func:`_covered`, the proof (weak duality)."""
    return bool(u.min(initial=0) >= 0 and v.min(initial=0) >= 0 and float(u.sum() + v.sum()) == total)


def _covered(gain: np.ndarray, u: np.ndarray, v: np.ndarray) -> bool:
    """:math:`U_i + V_j \\ge g_{ij}` on every pair, a block of rows at a time."""
    step = block_rows(gain.shape[1])
    buffer = np.empty((min(step, gain.shape[0]), gain.shape[1]))
    for k in range(0, gain.shape[0], step):
        block = np.subtract(gain[k : k + step], v, out=buffer[: min(step, gain.shape[0] - k)])
        if (block > u[k : k + step, None]).any():
            return False
    return True
