"""Notebook plots on matplotlib Axes (matplotlib is optional: pip install 'revmatch[plot]')."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..errors import ConfigError
from .figures import coverage_by_skill

if TYPE_CHECKING:
    from ..matching import MatchResult


def _axes(ax):
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError("plots need matplotlib: pip install 'revmatch[plot]'") from exc
    return plt.subplots()[1]


def plot_scores(result: MatchResult, ax=None, bins: int = 20):
    """Histogram of pair scores on ``ax`` (a new Axes if None); returns the Axes."""
    ax = _axes(ax)
    ax.hist(result.pairs["score"].to_numpy(dtype=float), bins=bins, color="#2563eb")
    ax.set_xlabel("pair score")
    ax.set_ylabel("pairs")
    ax.set_title(f"{len(result.pairs)} pairs, total {result.objective:g}")
    return ax


def plot_needs(result: MatchResult, side: str = "mentee", ax=None, top: int = 15):
    """Stated vs addressed need points for the ``top`` most-needed skills of one side; returns the Axes."""
    if side not in ("mentee", "mentor"):
        raise ConfigError(f"side must be 'mentee' or 'mentor', got {side!r}")
    ax = _axes(ax)
    cov = coverage_by_skill(result).sort_values(f"{side}_need", ascending=False, kind="stable").head(top)[::-1]
    ax.barh(cov["skill"], cov[f"{side}_need"], color="#cbd5e1", label="need stated")
    ax.barh(cov["skill"], cov[f"{side}_addressed"], color="#2563eb", label="addressed by the pairs")
    ax.set_xlabel("need points")
    ax.set_title(f"{side}s' needs covered")
    ax.legend(loc="lower right")
    return ax
