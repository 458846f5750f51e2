r"""What each of two people can teach the other: the two-way hinge on skills and needs, as matrix products.

For a teacher :math:`i`, a learner :math:`j`, skills :math:`s`, proficiency :math:`p` and need
:math:`q` (whole numbers 0–5), what :math:`i` can teach :math:`j` is
:math:`\sum_s q_{js}\,\max(0,\ p_{is} - p_{js})`. Because proficiency is a whole number,
:math:`\max(0, a - b) = \sum_{t=1}^{5} [a \ge t]\,[b < t]`, so one matrix product of indicator
blocks gives it for every pair at once, exactly (integers in float32 up to 2**24).
"""

from __future__ import annotations

import numpy as np

from .models import Workforce
from .validate import MAX_SCALE


def hinge_blocks(proficiency: np.ndarray, need: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indicator blocks ``ahead[:, t·S + s] = [p_s ≥ t]`` and ``wants[:, t·S + s] = q_s·[p_s < t]``.

    ``ahead[i] · wants[j] = Σ_s q_js · max(0, p_is − p_js)``: what i can teach on j's needs.
    """
    levels = np.arange(1, MAX_SCALE + 1, dtype=np.int8)[:, None, None]
    ahead = proficiency[None] >= levels
    wants = need[None] * (proficiency[None] < levels)
    shape = (proficiency.shape[0], MAX_SCALE * proficiency.shape[1])
    return (
        np.ascontiguousarray(ahead.transpose(1, 0, 2), dtype=np.float32).reshape(shape),
        np.ascontiguousarray(wants.transpose(1, 0, 2), dtype=np.float32).reshape(shape),
    )


def score_parts(
    workforce: Workforce, mentor_rows: np.ndarray, mentee_rows: np.ndarray, aligned: bool = False
) -> dict[str, np.ndarray]:
    """Forward and backward complementarity of every mentor × mentee, as exact float32 matrices.

    ``aligned``: of the pairs ``(mentor_rows[k], mentee_rows[k])`` only, as vectors.
    """
    if aligned:
        p, q = workforce.proficiency, workforce.need
        gap = p[mentor_rows].astype(np.int16) - p[mentee_rows]
        return {
            "forward": (q[mentee_rows] * np.maximum(gap, 0)).sum(axis=1, dtype=np.float32),
            "backward": (q[mentor_rows] * np.maximum(-gap, 0)).sum(axis=1, dtype=np.float32),
        }
    ahead_r, wants_r = hinge_blocks(workforce.proficiency[mentor_rows], workforce.need[mentor_rows])
    ahead_c, wants_c = hinge_blocks(workforce.proficiency[mentee_rows], workforce.need[mentee_rows])
    return {"forward": ahead_r @ wants_c.T, "backward": wants_r @ ahead_c.T}
