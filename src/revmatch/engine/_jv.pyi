"""Types of the compiled kernel (``_jv_src/*.c``); :mod:`revmatch.engine.jv` is the documented door."""

from typing import Any

def prepare(
    gain: Any, n_rows: int, n_cols: int, mask: Any, rows: Any, cols: Any, transpose: bool, cost: Any, n: int, m: int, /
) -> tuple[float, bool]: ...
def finite(gain: Any, n: int, m: int, mask: Any, /) -> bool: ...
def digits(cost: Any, n: int, m: int, /) -> int: ...
def dense(
    gain: Any,
    n_rows: int,
    n_cols: int,
    mask: Any,
    rows: Any,
    cols: Any,
    transpose: bool,
    n: int,
    m: int,
    pad: bool,
    limit: float,
    max_exponent: int,
    budget: int,
    /,
) -> tuple[int, list[tuple[int, int]], float, bool, float]: ...
def solve(cost: Any, n: int, m: int, cols: Any, u: Any, v: Any, budget: int, /) -> None: ...
def proved(cost: Any, n: int, m: int, cols: Any, u: Any, v: Any, /) -> bool: ...
