"""Memory checked before a large allocation: a ResourceError that says what to change, never a MemoryError."""

from __future__ import annotations

import os

from .errors import ResourceError

HEADROOM = 0.8  # share of the free memory one allocation may plan on: the rest is for everything else


def available_memory() -> int:
    """Bytes of memory free now (Linux and macOS), or 0 if the system does not say."""
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 0


def require_memory(need: int, what: str, advice: str, memory_limit: int | None = None) -> None:
    """Raise ResourceError when ``need`` bytes for ``what`` exceed the share of ``memory_limit`` one step may use.

    ``memory_limit`` defaults to the memory free now; when the system does not say, nothing is checked.
    """
    free = available_memory() if memory_limit is None else memory_limit
    if free and need > HEADROOM * free:
        raise ResourceError(f"{what} needs about {_size(need)}; {_size(free)} are free. {advice}")


def _size(n_bytes: float) -> str:
    return f"{n_bytes / 2**30:.1f} GiB" if n_bytes >= 2**30 else f"{n_bytes / 2**20:.1f} MiB"
