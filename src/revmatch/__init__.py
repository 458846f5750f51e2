"""revmatch: optimal, explained mentor–mentee matching for reverse-mentoring programmes."""

from . import explain, groups, io, kpis, lifecycle, report, scoring, solver, sparse
from .errors import (ConfigError, InfeasibleError, InputError, Problem, ResourceError, RevmatchError, SolverError,
                     UnknownPersonError)
from .distributed import CandidateArcs, candidate_arcs
from .explain import PairExplanation, SkillTransfer
from .groups import GroupResults, match_frame, match_groups
from .kpis import fairness_audit, programme_kpis, read_checkins
from .lifecycle import RematchResult, next_round, read_history, rematch
from .matching import MatchResult, match
from .models import Employee, Program, Workforce
from .scoring import BlockScores, Scores, score
from .solver import Assignment, Status, solve
from .synthetic import synthetic_workforce

__version__ = "0.1.0"

__all__ = [
    "Assignment", "CandidateArcs", "ConfigError", "Employee", "InfeasibleError", "InputError", "MatchResult", "PairExplanation", "Problem",
    "Program", "ResourceError", "RevmatchError", "BlockScores", "Scores", "SkillTransfer", "SolverError", "Status", "UnknownPersonError", "Workforce",
    "GroupResults", "RematchResult", "candidate_arcs", "fairness_audit", "match_frame", "match_groups", "next_round",
    "programme_kpis", "read_checkins", "read_history", "rematch",
    "match", "score", "solve", "synthetic_workforce", "__version__",
]
