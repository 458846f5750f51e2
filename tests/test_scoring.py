"""Scores against the formula written out pair by pair, and every hard rule on every allowed pair."""

import numpy as np
from hypothesis import given

import revmatch as rm
from strategies import programs, workforce_frames


def naive_scores(wf, program, rows, cols):
    """The formula of docs/rules.md ("How pairs are scored"), one pair and one skill at a time."""
    p, q = wf.proficiency.astype(int), wf.need.astype(int)
    fwd = np.zeros((len(rows), len(cols)))
    bwd = np.zeros_like(fwd)
    for a, i in enumerate(rows):
        for b, j in enumerate(cols):
            fwd[a, b] = sum(q[j, s] * max(0, p[i, s] - p[j, s]) for s in range(p.shape[1]))
            bwd[a, b] = sum(q[i, s] * max(0, p[j, s] - p[i, s]) for s in range(p.shape[1]))
    return fwd, bwd


def ancestors(wf, k, depth=None):
    """Everyone above k in the management chain, up to ``depth`` steps (None: the whole chain)."""
    out, steps = set(), 0
    while wf.parent[k] != -1 and (depth is None or steps < depth):
        k = int(wf.parent[k])
        out.add(k)
        steps += 1
    return out


@given(workforce_frames(), programs)
def test_scores_follow_the_formula_and_rules_hold(frames, program):
    wf = rm.Workforce.from_frames(*frames)
    s = rm.score(wf, program)
    role, level = wf.employees["role"].to_numpy(), wf.employees["level"].to_numpy()
    top, bottom = program.mentor_max_level, program.mentee_min_level
    # Each side: who opted in for it and whose level the programme lets take it.
    assert list(s.mentor_rows) == [
        k for k in range(len(wf)) if role[k] in ("mentor", "both") and (top is None or level[k] <= top)
    ]
    assert list(s.mentee_rows) == [
        k for k in range(len(wf)) if role[k] in ("mentee", "both") and (bottom is None or level[k] >= bottom)
    ]
    fwd, bwd = naive_scores(wf, program, s.mentor_rows, s.mentee_rows)
    assert np.array_equal(s.parts["forward"], fwd) and np.array_equal(s.parts["backward"], bwd)
    assert np.allclose(s.matrix, program.forward_weight * fwd + program.backward_weight * bwd)

    depth = program.reporting_line_depth
    for a, i in enumerate(s.mentor_rows):
        for b, j in enumerate(s.mentee_rows):
            ok = i != j and fwd[a, b] >= program.min_forward
            if program.min_level_gap is not None:
                ok &= level[j] - level[i] >= program.min_level_gap
            if program.exclude_reporting_line:
                ok &= i not in ancestors(wf, j, depth) and j not in ancestors(wf, i, depth)
            assert s.allowed[a, b] == ok, (wf.ids[i], wf.ids[j])


def test_two_way_example():
    junior = rm.Employee(
        employee_id="j",
        level=1,
        department="IT",
        role="mentor",
        skills={"genai": 5, "budgeting": 1},
        needs={"budgeting": 3},
    )
    senior = rm.Employee(
        employee_id="s",
        level=6,
        department="Finance",
        role="mentee",
        skills={"genai": 1, "budgeting": 4},
        needs={"genai": 2},
    )
    s = rm.score(rm.Workforce.from_employees([junior, senior]), rm.Program(backward_weight=0.5))
    assert s.parts["forward"][0, 0] == 2 * (5 - 1)  # genai: need 2 × gap 4
    assert s.parts["backward"][0, 0] == 3 * (4 - 1)  # budgeting: need 3 × gap 3
    assert s.matrix[0, 0] == 8 + 0.5 * 9
    assert s.allowed[0, 0]


def test_fractional_weights_are_applied_in_float64():
    # A float32 part times 0.3 would round the weight to float32 (numpy 2 keeps the array's type).
    wf = rm.synthetic_workforce(200, seed=3)
    s = rm.score(wf, rm.Program(min_level_gap=1, backward_weight=0.3, forward_weight=0.7))
    expected = 0.7 * s.parts["forward"].astype(np.float64) + 0.3 * s.parts["backward"].astype(np.float64)
    assert np.array_equal(s.matrix, expected)
    result = rm.match(wf, rm.Program(min_level_gap=1, backward_weight=0.3, forward_weight=0.7))
    assert all(
        e.score == sum(e.parts.values()) or abs(e.score - sum(e.parts.values())) < 1e-12 for e in result.explanations
    )
