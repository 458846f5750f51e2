"""Baseline matchers for the benchmark suite: what revmatch's exact optimum is compared against.

Each takes a dense score matrix ``w`` (mentors × mentees), the hard-rule mask ``allowed`` and, where
capacities apply, the most pairs per mentor (row) and per mentee (column), and returns the chosen
pairs as a list of ``(row, col)``. Only allowed pairs scoring more than 0 are ever made, as in
revmatch's ``total`` objective, so totals are comparable.

- :func:`greedy` — best remaining pair first, the rule of thumb a spreadsheet would apply;
- :func:`gale_shapley` — mentee-proposing deferred acceptance (stable, not optimal). When both sides
  rank by the pair score (ties to the lower index), every preference agrees with one order of the
  pairs, so the stable matching is unique and equals :func:`greedy`'s: the suite checks that;
- :func:`lsa` — scipy's ``linear_sum_assignment`` (optimal for capacities 1 only).

:func:`check_matching` raises on an invalid result and :func:`blocking_pairs` checks stability.
"""

from __future__ import annotations

import heapq

import numpy as np


def _acceptable(w, allowed) -> np.ndarray:
    return np.asarray(allowed, dtype=bool) & (np.asarray(w) > 0)


def _caps(value, n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=np.int64), (n,)).copy()


def total(w, pairs) -> float:
    """Sum of the pair scores."""
    if not pairs:
        return 0.0
    rows, cols = np.array(pairs).T
    return float(np.asarray(w)[rows, cols].sum())


def greedy(w, allowed, mentor_cap=1, mentee_cap=1) -> list[tuple[int, int]]:
    """Highest-scoring acceptable pair first while both people have room; ties to the lower (row, col).

    One stable argsort of the acceptable entries (row-major, so ties keep the lower (row, col)), then
    a light loop over chunks: entries whose mentor or mentee is already full are dropped vectorised
    before each chunk, so the Python loop sees few more entries than it takes.
    """
    w = np.asarray(w, dtype=np.float64)
    n_rows, n_cols = w.shape
    flat = np.flatnonzero(_acceptable(w, allowed))
    flat = flat[np.argsort(-w.ravel()[flat], kind="stable")]
    rows, cols = np.divmod(flat, n_cols)
    row_left, col_left = _caps(mentor_cap, n_rows), _caps(mentee_cap, n_cols)
    pairs = []
    step, start = 4 * (n_rows + n_cols) + 64, 0
    while start < len(flat) and row_left.any() and col_left.any():
        r, c = rows[start : start + step], cols[start : start + step]
        keep = (row_left[r] > 0) & (col_left[c] > 0)
        for i, j in zip(r[keep].tolist(), c[keep].tolist()):
            if row_left[i] and col_left[j]:
                row_left[i] -= 1
                col_left[j] -= 1
                pairs.append((i, j))
        start += step
    return sorted(pairs)


def _ranks(w, ok, axis: int) -> np.ndarray:
    """Preference order along ``axis``: acceptable entries by score descending, ties to the lower index."""
    key = np.where(ok, -np.asarray(w, dtype=np.float64), np.inf)
    return np.argsort(key, axis=axis, kind="stable")


def gale_shapley(w, allowed, mentor_cap=1, mentee_cap=1) -> list[tuple[int, int]]:
    """Mentee-proposing deferred acceptance; both sides rank partners by pair score, ties to the lower index.

    Only allowed pairs scoring more than 0 are acceptable. Each mentee keeps up to its capacity of
    proposals outstanding, proposing down its list; each mentor holds its best offers up to capacity
    and rejects the rest. The result is pairwise stable (no blocking pair, see :func:`blocking_pairs`)
    and mentee-optimal among stable matchings. Work is O(proposals) after the sorts.
    """
    w = np.asarray(w, dtype=np.float64)
    n_rows, n_cols = w.shape
    ok = _acceptable(w, allowed)
    prefs = _ranks(w, ok, axis=0).T  # prefs[j] = mentors in mentee j's order
    lengths = ok.sum(axis=0).tolist()
    row_cap, col_cap = _caps(mentor_cap, n_rows).tolist(), _caps(mentee_cap, n_cols).tolist()
    held: list[list] = [[] for _ in range(n_rows)]  # min-heap of (score, -mentee): its root is the worst held
    active = [0] * n_cols  # proposals mentee j has outstanding
    nxt = [0] * n_cols  # next position in mentee j's list
    free = [j for j in range(n_cols - 1, -1, -1) if lengths[j] and col_cap[j]]
    while free:
        j = free.pop()
        if active[j] >= col_cap[j] or nxt[j] >= lengths[j]:
            continue
        i = int(prefs[j, nxt[j]])
        nxt[j] += 1
        offer = (float(w[i, j]), -j)
        heap = held[i]
        if len(heap) < row_cap[i]:
            heapq.heappush(heap, offer)
            active[j] += 1
        elif row_cap[i] and offer > heap[0]:
            rejected = -heapq.heapreplace(heap, offer)[1]
            active[j] += 1
            active[rejected] -= 1
            free.append(rejected)
        # j proposes again while it has room and someone left to ask
        free.append(j)
    return sorted((i, -neg) for i, heap in enumerate(held) for _, neg in heap)


def lsa(w, allowed) -> list[tuple[int, int]]:
    """scipy's ``linear_sum_assignment`` on ``where(allowed, w, 0)`` (capacities 1), keeping acceptable pairs."""
    from scipy.optimize import linear_sum_assignment

    w = np.asarray(w, dtype=np.float64)
    ok = _acceptable(w, allowed)
    rows, cols = linear_sum_assignment(np.where(ok, w, 0.0), maximize=True)
    keep = ok[rows, cols]
    return sorted(zip(rows[keep].tolist(), cols[keep].tolist()))


# ---- checks -------------------------------------------------------------------------------------


def check_matching(pairs, w, allowed, mentor_cap=1, mentee_cap=1, name: str = "matching") -> None:
    """Raise ``ValueError`` unless every pair is allowed, made once, and within both people's capacity."""
    allowed = np.asarray(allowed, dtype=bool)
    n_rows, n_cols = allowed.shape
    if len(set(pairs)) != len(pairs):
        raise ValueError(f"{name}: a pair is made twice")
    if not pairs:
        return
    rows, cols = np.array(pairs, dtype=np.int64).T
    if rows.min() < 0 or rows.max() >= n_rows or cols.min() < 0 or cols.max() >= n_cols:
        raise ValueError(f"{name}: a pair is outside the {n_rows} × {n_cols} matrix")
    bad = ~allowed[rows, cols]
    if bad.any():
        raise ValueError(f"{name}: {int(bad.sum())} pair(s) break a hard rule, e.g. {pairs[int(np.argmax(bad))]}")
    for side, used, cap in (
        ("mentor", np.bincount(rows, minlength=n_rows), _caps(mentor_cap, n_rows)),
        ("mentee", np.bincount(cols, minlength=n_cols), _caps(mentee_cap, n_cols)),
    ):
        over = np.flatnonzero(used > cap)
        if len(over):
            k = int(over[0])
            raise ValueError(f"{name}: {side} {k} has {int(used[k])} pairs, capacity {int(cap[k])}")


def _worst_held(group, other, s, n: int, used, cap):
    """Per person: the (score, partner) of their worst pair, or (−inf, n) while they have room."""
    score, partner = np.full(n, -np.inf), np.full(n, np.iinfo(np.int64).max)
    if len(group):
        order = np.lexsort((-other, s, group))  # per person: lowest score, then highest index
        first = order[np.r_[True, group[order][1:] != group[order][:-1]]]
        full = used[group[first]] >= cap[group[first]]
        score[group[first][full]], partner[group[first][full]] = s[first][full], other[first][full]
    return score, partner


def blocking_mask(pairs, w, allowed, mentor_cap=1, mentee_cap=1, by_index: bool = True) -> np.ndarray:
    """Acceptable unmade pairs that both people strictly prefer to their worst partner or an empty slot.

    With ``by_index`` preferences are :func:`gale_shapley`'s: higher score first, ties to the lower
    index (so a result stable this way has no blocking pair by score alone either); without it, only a
    strictly higher score counts (what people would actually act on). Vectorised over the matrix.
    """
    w = np.asarray(w, dtype=np.float64)
    ok = _acceptable(w, allowed)
    n_rows, n_cols = w.shape
    rows, cols = np.array(pairs, dtype=np.int64).reshape(-1, 2).T if pairs else (np.zeros(0, np.int64),) * 2
    s = w[rows, cols]
    r_s, r_k = _worst_held(rows, cols, s, n_rows, np.bincount(rows, minlength=n_rows), _caps(mentor_cap, n_rows))
    c_s, c_k = _worst_held(cols, rows, s, n_cols, np.bincount(cols, minlength=n_cols), _caps(mentee_cap, n_cols))
    idx_r, idx_c = np.arange(n_rows)[:, None], np.arange(n_cols)[None, :]
    mentor_wants, mentee_wants = w > r_s[:, None], w > c_s[None, :]
    if by_index:
        mentor_wants |= (w == r_s[:, None]) & (idx_c < r_k[:, None])
        mentee_wants |= (w == c_s[None, :]) & (idx_r < c_k[None, :])
    mask = ok & mentor_wants & mentee_wants
    mask[rows, cols] = False
    return mask


def blocking_pairs(pairs, w, allowed, mentor_cap=1, mentee_cap=1, by_index: bool = True) -> list[tuple[int, int]]:
    """:func:`blocking_mask` as a sorted list of (row, col)."""
    mask = blocking_mask(pairs, w, allowed, mentor_cap, mentee_cap, by_index)
    return [tuple(p) for p in np.argwhere(mask).tolist()]
