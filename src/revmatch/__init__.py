"""revmatch: optimal, explained mentor–mentee matching for reverse-mentoring programmes."""

from . import engine, explain, groups, kpis, lifecycle, reporting, scoring, sparse, whatif
from .advice import Advice, advise
from .candidates import CandidateArcs, candidate_arcs
from .engine import Assignment, Status, Tuning, solve
from .errors import (
    ConfigError,
    ExternalManagersWarning,
    IgnoredColumnsWarning,
    InfeasibleError,
    InputError,
    LevelOrderWarning,
    NotOptedInWarning,
    Problem,
    ProtectedColumnsWarning,
    ResourceError,
    RevmatchError,
    RevmatchWarning,
    SolverError,
    StoreConflictError,
    StoreError,
    UnknownPersonError,
)
from .explain import PairExplanation, SkillTransfer
from .fairness import fairness_audit
from .groups import GroupResults, match_frame, match_groups
from .kpis import programme_kpis, read_checkins
from .lifecycle import RematchResult, next_round, read_history, rematch
from .matching import MatchResult, match
from .models import Employee, Workforce
from .preferences import Preferences, read_preferences
from .program import Program
from .reporting.introductions import introductions
from .respond import RespondResult, respond
from .scoring import BlockScores, Scores, score
from .shortlists import shortlists
from .survey import read_survey
from .synthetic import synthetic_workforce
from .tradeoffs import tradeoffs

__version__ = "0.3.0"

__all__ = [
    "Advice",
    "Assignment",
    "BlockScores",
    "CandidateArcs",
    "ConfigError",
    "Employee",
    "ExternalManagersWarning",
    "GroupResults",
    "IgnoredColumnsWarning",
    "InfeasibleError",
    "InputError",
    "LevelOrderWarning",
    "MatchResult",
    "NotOptedInWarning",
    "PairExplanation",
    "Preferences",
    "Problem",
    "Program",
    "ProtectedColumnsWarning",
    "RematchResult",
    "ResourceError",
    "RespondResult",
    "RevmatchError",
    "RevmatchWarning",
    "Scores",
    "SkillTransfer",
    "SolverError",
    "Status",
    "StoreConflictError",
    "StoreError",
    "Tuning",
    "UnknownPersonError",
    "Workforce",
    "__version__",
    "advise",
    "candidate_arcs",
    "engine",
    "explain",
    "fairness_audit",
    "groups",
    "introductions",
    "kpis",
    "lifecycle",
    "match",
    "match_frame",
    "match_groups",
    "next_round",
    "programme_kpis",
    "read_checkins",
    "read_history",
    "read_preferences",
    "read_survey",
    "rematch",
    "reporting",
    "respond",
    "score",
    "scoring",
    "shortlists",
    "solve",
    "sparse",
    "synthetic_workforce",
    "tradeoffs",
    "whatif",
]


def __getattr__(name: str):
    """``rm.ProgrammeStore`` on first use: the store's SQLAlchemy is an extra, not imported with revmatch."""
    if name == "ProgrammeStore":
        from .store import ProgrammeStore

        return ProgrammeStore
    raise AttributeError(f"module 'revmatch' has no attribute {name!r}")
