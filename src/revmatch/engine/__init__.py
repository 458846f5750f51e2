r"""The engine: matrices → proved optimal pairs. Knows nothing of employees: only scores, masks, capacities, groups.

The ``total`` objective is a maximum-weight bipartite b-matching:

.. math::

    \max \sum_{(i,j) \in A} w_{ij} x_{ij} \quad\text{s.t.}\quad
    \sum_j x_{ij} \le c_i,\ \ \sum_i x_{ij} \le d_j,\ \ x_{ij} \in \{0, 1\}

over the allowed arcs :math:`A`, solved exactly as a min-cost flow (OR-Tools ``SimpleMinCostFlow``):
source → mentor (capacity :math:`c_i`), mentor → mentee (capacity 1, cost :math:`-w_{ij}`), mentee
→ sink (capacity :math:`d_j`), plus a source → sink bypass so nobody is forced into a pair. The
network is totally unimodular, so the flow optimum is the integer optimum. For ``total``, pairs with
a score ≤ 0 can never raise the sum and are not offered.

Engines, by what the rules need:

========================================  =========================================================
rule or objective                          engine
========================================  =========================================================
total, locks, forbids, all masks           min-cost flow on candidates, proved by dual pricing
coverage                                   same flow; each person's first pair earns a bonus larger
                                           than any total score (lexicographic, exact)
minimum matched per mentee group           same flow; the group's first-pair arcs pass a node with a
                                           lower bound (supplies shifted), exact
fair (no quotas)                           max-flow for the most pairs, binary search on the lowest
                                           score, then max-flow-min-cost: exact
most pairs per group pair, fair + quota    CP-SAT (1 worker, fixed seed, linearisation 2, time limit)
========================================  =========================================================

Candidates and proof: the flow runs on each person's top-k pairs; the residual graph's shortest-path
potentials give duals, and every pair outside the candidates whose score beats its dual price joins
them until none does — then the candidates' optimum is the global optimum. When few pairs join, the
next solve starts from the last flow and potentials (:func:`revmatch.engine.warm.reoptimise`) instead of
from scratch.

OR-Tools needs integer costs. Integer-valued scores (the default weights) are used as they are, and
the optimum is exact. Other scores are scaled by ``s`` and rounded; each pair moves by at most
``0.5/s``, so the returned pairs are within ``tolerance = k/s`` of the true optimum (``k`` = most
pairs possible); ``s`` is chosen as large as OR-Tools' cost range allows.

Layout: :mod:`~revmatch.engine.solve` is the validated door; one module per engine
(:mod:`~revmatch.engine.mincost`, :mod:`~revmatch.engine.fair`, :mod:`~revmatch.engine.cpsat`, the warm
re-solve in :mod:`~revmatch.engine.warm`); candidates and their proof in :mod:`~revmatch.engine.topk`,
:mod:`~revmatch.engine.tiles` and :mod:`~revmatch.engine.pricing`; the knobs in
:mod:`~revmatch.engine.tuning`. The engine imports nothing from revmatch but :mod:`revmatch.errors`.
"""

from .assignment import Assignment, GroupPairCap, MenteeQuota, Status
from .bounds import Bounded
from .checks import OBJECTIVES
from .mincost import solve_arcs
from .pricing import PricingRound, TilePricer
from .solve import solve
from .tuning import Tuning

__all__ = [
    "OBJECTIVES",
    "Assignment",
    "Bounded",
    "GroupPairCap",
    "MenteeQuota",
    "PricingRound",
    "Status",
    "TilePricer",
    "Tuning",
    "solve",
    "solve_arcs",
]
