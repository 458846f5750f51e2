"""The checks at rm.solve's door: every argument turned into what the engine reads, or an error naming it."""

from __future__ import annotations

import numpy as np

from ..errors import ConfigError, InfeasibleError, InputError, Problem
from . import jv

OBJECTIVES = ("total", "coverage", "fair")


def problem(message: str) -> InputError:
    return InputError([Problem("solve", None, None, message)])


def checked_matrix(matrix, allowed, *, finite: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """The scores as float64 and the mask as bool (None: all allowed), checked: 2-D, numeric, finite where allowed.

    ``finite=False`` leaves the last check to the caller (:func:`check_finite`).
    """
    w = np.asarray(matrix)
    if w.ndim != 2:
        raise problem(f"matrix must be 2-D (mentors × mentees), got {w.ndim}-D with shape {w.shape}")
    if w.dtype.kind not in "buif":  # bool, whole or real numbers (complex ones are not scores)
        raise problem(f"matrix must be numeric, got dtype {w.dtype}")
    w = w.astype(np.float64, copy=False)
    mask = None
    if allowed is not None:
        mask = np.asarray(allowed)
        if mask.shape != w.shape or mask.dtype != bool:
            raise problem(f"allowed must be a bool array of shape {w.shape}, got {mask.dtype} {mask.shape}")
    if finite:
        check_finite(w, mask)
    return w, mask


def check_finite(w: np.ndarray, mask: np.ndarray | None) -> None:
    """NaN and ±inf are refused in allowed cells, the first one named by row and column."""
    if jv.AVAILABLE and w.flags.c_contiguous and (mask is None or mask.flags.c_contiguous):
        if jv.finite(w, mask):  # one compiled pass, no temporary: the usual case
            return
    elif np.isfinite(w).all():
        return
    finite = np.isfinite(w)
    invalid = ~finite if mask is None else np.greater(mask, finite)  # allowed and not finite
    if invalid.any():
        i, j = np.argwhere(invalid)[0]
        raise problem(
            f"matrix contains invalid numeric entries (e.g. {w[i, j]} at row {i}, column {j}) "
            "in allowed cells; mask them with allowed=False"
        )


def checked_settings(objective: str, mentor_capacity, mentee_capacity, shape: tuple[int, int]):
    """The objective checked, and the capacities (a plain int kept as it is, else a vector per person)."""
    if objective not in OBJECTIVES:
        raise problem(f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    return capacity(mentor_capacity, shape[0], "mentor_capacity"), capacity(
        mentee_capacity, shape[1], "mentee_capacity"
    )


def capacity(value, n: int, name: str) -> np.ndarray | int:
    """A checked capacity: a plain int as given (the same for everyone), else a vector of ``n`` whole numbers."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    cap = np.asarray(value)
    if cap.ndim == 0:
        cap = np.full(n, cap)
    if cap.shape != (n,):
        raise problem(f"{name} has shape {cap.shape}; expected a number or a vector of length {n}")
    if not np.issubdtype(cap.dtype, np.number) or np.any(cap < 0) or np.any(cap != np.round(cap)):
        raise problem(f"{name} must hold non-negative whole numbers")
    return cap.astype(np.int64)


def check_locks(
    locks: np.ndarray, labels: list[str], mask: np.ndarray, row_cap: np.ndarray, col_cap: np.ndarray
) -> None:
    """Locks inside the matrix, allowed, made once, and within each person's capacity."""
    if len(locks) == 0:
        return
    if len(locks):
        outside = (locks < 0).any(1) | (locks[:, 0] >= mask.shape[0]) | (locks[:, 1] >= mask.shape[1])
        if outside.any():
            raise problem(f"locked pair {tuple(locks[outside][0])} is outside the {mask.shape} matrix")
        if not mask[locks[:, 0], locks[:, 1]].all():
            bad = np.flatnonzero(~mask[locks[:, 0], locks[:, 1]])
            raise InfeasibleError([f"{labels[k]} is not allowed by the hard rules" for k in bad])
        if len(np.unique(locks, axis=0)) != len(locks):
            raise problem("a pair is locked twice")
    over = []
    for side, axis, cap in (("mentor row", 0, row_cap), ("mentee column", 1, col_cap)):
        for line in np.flatnonzero(np.bincount(locks[:, axis], minlength=len(cap)) > cap):
            held = np.flatnonzero(locks[:, axis] == line)
            over.append(
                f"{len(held)} locks on {side} {line} exceed its capacity {cap[line]}: "
                + "; ".join(labels[k] for k in held)
            )
    if over:
        raise InfeasibleError(over)


def checked_first(first, shape: tuple[int, int], objective: str, quotas: bool) -> tuple[np.ndarray, np.ndarray] | None:
    """The people to match first, as two bool vectors; only with the total objective and no quota (the
    flow route solves it: the fair and CP-SAT routes would not see it)."""
    if first is None:
        return None
    if objective != "total" or quotas:
        raise ConfigError("matching some people first goes with the 'total' objective and no quota")
    rows, cols = (np.asarray(x, dtype=bool) for x in first)
    if rows.shape != (shape[0],) or cols.shape != (shape[1],):
        raise problem(f"first must be a bool vector per side, of lengths {shape}")
    return rows, cols


def plain_call(allowed, mentor_capacity, mentee_capacity, objective, locked, first, mentee_quota, pair_cap) -> bool:
    """Whether this is ``rm.solve(matrix)``: every pair allowed, capacities 1, the total, nothing else.

    Such a matrix goes to one compiled call that checks its scores are finite as it reads them (one
    pass fewer); :func:`check_finite` names the first bad cell when they are not.
    """
    ones = type(mentor_capacity) is int and type(mentee_capacity) is int and mentor_capacity == mentee_capacity == 1
    plain = allowed is None and ones and objective == "total" and no_locks(locked) and first is None
    return plain and mentee_quota is None and pair_cap is None


def no_locks(locked) -> bool:
    """Whether ``locked`` is plainly empty (an iterator of locks is read by the general route)."""
    return locked is None or (hasattr(locked, "__len__") and len(locked) == 0)
