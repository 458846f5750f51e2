"""Scores read through a cheap upper bound: only the pairs whose bound clears a bar are scored exactly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .arrays import sparse_nonzero
from .tuning import DEFAULT


@dataclass(frozen=True)
class Bounded:
    """Scores read through a cheap upper bound: a pass scores exactly only the pairs whose bound clears its bar.

    ``bound(rows, cols)`` is a float32 tile at least every valid score of the tile (e.g.
    :func:`revmatch.scoring.skill_bound`); ``pairs(rows, cols)`` the exact scores and valid flags of
    the pairs ``(rows[k], cols[k])``. Both take positions, like ``score_tile``. ``share``: above this
    share of a tile clearing the bar, scoring the tile whole is cheaper.
    """

    bound: Callable[[np.ndarray, np.ndarray], np.ndarray]
    pairs: Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    share: float = DEFAULT.sparse_share

    def above(self, rows: np.ndarray, cols: np.ndarray, clears: Callable[[np.ndarray], np.ndarray]):
        """Tile positions ``(r, c)`` whose bound clears the bar, with their exact scores and valid flags.

        None when more than ``share`` of the tile clears it: scoring the tile whole is cheaper.
        """
        cleared = clears(self.bound(rows, cols))
        if np.count_nonzero(cleared) > self.share * cleared.size:
            return None
        r, c = sparse_nonzero(cleared)
        w, valid = self.pairs(rows[r], cols[c])
        return r, c, w, valid


def bounded_candidates(
    bounded: Bounded, rows: np.ndarray, cols: np.ndarray, row_floor: np.ndarray, col_floor: np.ndarray
):
    """``(r, c, value)`` of the tile's valid cells beating their row's or column's floor, read through the
    bound, and how many cells were scored exactly to find them.

    None when the bound lets too many cells through (floors not yet set, say): score the tile whole.
    A cell can beat a floor only if its bound does, so no contender is missed.
    """
    rf, cf = row_floor.astype(np.float32), col_floor.astype(np.float32)  # scores: exact in float32 here
    got = bounded.above(rows, cols, lambda ub: ub > np.minimum.outer(rf, cf))
    if got is None:
        return None
    r, c, w, valid = got
    keep = valid & ((w > row_floor[r]) | (w > col_floor[c]))
    return (r[keep], c[keep], w[keep]), len(r)
