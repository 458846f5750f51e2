"""One programme per group (country, business unit, cohort): exact matches per group, serially or on Dask."""

from __future__ import annotations

import pickle
import time
from contextlib import nullcontext
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import ConfigError, InfeasibleError
from .matching import MatchResult, match
from .models import Program, Workforce, workforce_frames

GROUP_COLUMNS = ("group", "people", "pairs", "status", "objective", "seconds", "error")
_PAIR_COLUMNS = ("mentor_id", "mentee_id", "score", "forward", "backward", "reason")
_UNMATCHED_COLUMNS = ("employee_id", "role", "reason")


@dataclass(frozen=True, eq=False)
class GroupResults:
    """The outcome of :func:`match_groups`: every group's pairs, unmatched people and status.

    ``pairs`` and ``unmatched`` are the groups' ``MatchResult.pairs`` and ``.unmatched`` one after the
    other, in sorted group order, with a ``group`` column first. ``groups`` has one row per group:
    ``group``, ``people`` (everyone in the group, opted in or not), ``pairs``, ``status``
    (``optimal`` / ``feasible``, or ``infeasible`` for an :class:`InfeasibleError`, ``error`` for any
    other exception), ``objective`` (NaN for a failed group), ``seconds`` (that group's build and
    match) and ``error`` (``"ExceptionName: message"``, empty for a group that succeeded). People of a
    failed group are in neither ``pairs`` nor ``unmatched``; its row in ``groups`` says why.

    ``results`` maps each successful group to its full :class:`MatchResult` (explanations, why-not,
    report) for a serial run only: on Dask the workers send back the frames above, not the results,
    which hold the group's workforce and score matrices. Run that one group again serially
    (``match_groups`` on it, or ``match``) to explain it.
    """

    by: str | list[str]
    pairs: pd.DataFrame
    unmatched: pd.DataFrame
    groups: pd.DataFrame
    results: dict[object, MatchResult] = field(repr=False, default_factory=dict)

    @property
    def failed(self) -> pd.DataFrame:
        """The rows of ``groups`` whose match raised an error."""
        return self.groups[self.groups["error"] != ""]

    def __repr__(self) -> str:
        return (
            f"GroupResults(by={self.by!r}, groups={len(self.groups)}, failed={len(self.failed)}, "
            f"pairs={len(self.pairs)}, unmatched={len(self.unmatched)})"
        )


def group_frames(
    workforce: Workforce, by: str | list[str] = "department"
) -> list[tuple[object, pd.DataFrame, pd.DataFrame]]:
    """Split a workforce into one (employees, skills) pair of input frames per group.

    A group is everyone with the same value in the employees column ``by`` (an empty cell is a value
    too: ``""`` is a group); each skills row goes with its employee. Each person's ``manager_id`` is
    rewritten to their nearest manager *in the same group* up their chain (empty if none), so the
    reporting-line rule inside a group is exactly the workforce's: A is in B's management chain in the
    group if and only if A is in it in the whole workforce, even when the chain passes through people
    of other groups.

    Parameters
    ----------
    workforce : Workforce
        The whole company.
    by : str or list of str, default="department"
        An employees column: ``"department"``, ``"location"`` or any other; or several, such as
        ``["location", "department"]``, for one group per combination (named ``"London / Sales"``).

    Returns
    -------
    list of (group, employees, skills)
        In sorted group order; each pair of frames is in the input schema of
        :meth:`Workforce.from_frames`.

    Raises
    ------
    ConfigError
        ``by`` is not an employees column.

    Examples
    --------
    >>> import revmatch as rm
    >>> from revmatch.groups import group_frames
    >>> parts = group_frames(rm.synthetic_workforce(300, seed=1), by="location")
    >>> [name for name, employees, skills in parts][:2]
    ['Bangalore', 'Berlin']
    """
    employees, skills = workforce_frames(workforce)
    if not len(employees):
        _group_key(employees, by)  # still name a wrong column
        return []
    names, code = np.unique(_group_key(employees, by), return_inverse=True)
    code = code.reshape(-1)
    ids = workforce.ids
    manager = _nearest_in_group(workforce, code)
    employees["manager_id"] = np.where(manager >= 0, ids[np.maximum(manager, 0)], "")
    skill_code = (
        code[np.searchsorted(ids, skills["employee_id"].to_numpy(dtype=object))]
        if len(skills)
        else np.zeros(0, dtype=np.int64)
    )
    people = _split(code, len(names))
    skill_rows = _split(skill_code, len(names))
    return [
        (
            _plain(names[g]),
            employees.iloc[people[g]].reset_index(drop=True),
            skills.iloc[skill_rows[g]].reset_index(drop=True),
        )
        for g in range(len(names))
    ]


def _group_key(employees: pd.DataFrame, by: str | tuple[str, ...] | list[str]) -> np.ndarray:
    """Each person's group: the value of column ``by``, or of several columns joined as ``"a / b"``."""
    columns = [by] if isinstance(by, str) else list(by)
    missing = [c for c in columns if c not in employees.columns]
    if missing or not columns:
        which = "" if isinstance(by, str) else f"{', '.join(map(repr, missing)) or 'no column given'} is "
        raise ConfigError(
            f"cannot group by {by!r}: {which}not an employees column (columns: "
            f"{', '.join(map(str, employees.columns))})"
        )
    if len(columns) == 1:
        return employees[columns[0]].to_numpy()
    return employees[columns].astype(str).agg(" / ".join, axis=1).to_numpy(dtype=object)


def match_frame(
    employees: pd.DataFrame,
    skills: pd.DataFrame | None,
    program: Program | None = None,
    *,
    external_managers: bool = False,
) -> pd.DataFrame:
    """Match one group given as input frames; return its pairs with the group's status and objective.

    A pure function of its arguments (and picklable, being a module-level function), so it can be the
    body of a Spark ``applyInPandas`` or a Ray task. The programme's pair lists and quotas are cut to
    the group first (see :func:`match_groups`).

    Parameters
    ----------
    employees, skills : DataFrame
        One group in the input schema of :meth:`Workforce.from_frames`, e.g. from :func:`group_frames`
        (which keeps reporting lines that pass through other groups). Extra columns are ignored with a
        warning.
    program : Program, optional
        The programme; default ``Program()``.
    external_managers : bool, default=False
        Accept a ``manager_id`` that is not in ``employees``. Needed for raw per-group slices of a
        company, but then a reporting line through another group is not seen: prefer
        :func:`group_frames`.

    Returns
    -------
    DataFrame
        The columns of ``MatchResult.pairs`` (``mentor_id``, ``mentee_id``, ``score``, its parts,
        ``reason``) plus ``status`` and ``objective``, the same on every row. A group with no pair
        gives an empty frame with those columns.

    Raises
    ------
    InputError, ConfigError, InfeasibleError
        As :func:`revmatch.match`; catch them in the task body to turn a group's failure into data.

    Notes
    -----
    Spark (``pip install pyspark``; one Python worker per group, so set
    ``spark.task.cpus`` no higher than the cores per executor)::

        import functools
        from revmatch.groups import group_frames, match_frame

        parts = group_frames(workforce, by="location")
        emp = spark.createDataFrame(pd.concat([e.assign(cohort=g) for g, e, _ in parts]))
        sk = spark.createDataFrame(pd.concat([s.assign(cohort=g) for g, _, s in parts]))
        body = functools.partial(match_frame, program=program)
        pairs = (emp.groupBy("cohort").cogroup(sk.groupBy("cohort"))
                 .applyInPandas(lambda e, s: body(e.drop(columns="cohort"), s.drop(columns="cohort"))
                                .assign(cohort=e["cohort"].iloc[0]),
                                schema="mentor_id string, mentee_id string, score double, forward double, "
                                       "backward double, reason string, status string, objective double, "
                                       "cohort string"))

    Ray (``pip install ray``)::

        import ray
        from revmatch.groups import group_frames, match_frame

        task = ray.remote(num_cpus=1)(match_frame)
        refs = {g: task.remote(e, s, program) for g, e, s in group_frames(workforce, by="location")}
        pairs = {g: ray.get(ref) for g, ref in refs.items()}   # ray.get re-raises a group's error

    Examples
    --------
    >>> import revmatch as rm
    >>> from revmatch.groups import group_frames, match_frame
    >>> name, employees, skills = group_frames(rm.synthetic_workforce(300, seed=1), by="location")[0]
    >>> pairs = match_frame(employees, skills, rm.Program(min_level_gap=2))
    >>> pairs[["status", "objective"]].iloc[0].tolist() == ["optimal", pairs["score"].sum()]
    True
    """
    workforce = Workforce.from_frames(employees, skills, external_managers=external_managers)
    result = match(workforce, _program_for(program or Program(), workforce))
    return result.pairs.assign(status=str(result.status), objective=float(result.objective))


def match_groups(
    workforce: Workforce,
    program: Program | None = None,
    by: str | list[str] = "department",
    client=None,
    keep_results: bool = True,
) -> GroupResults:
    """Match each group of a workforce as its own programme, serially or on a Dask cluster.

    Every group gets an exact, independent :func:`revmatch.match`: pairs never cross groups, and for
    the ``total`` objective each group's pairs :math:`P_g` reach :math:`\\max \\sum_{(i, j) \\in P_g}
    w_{ij}` over the group's allowed pairs on their own (so the sum over groups is the optimum of the
    whole company with pairs kept inside groups). The result
    is the same with or without ``client``, in sorted group order. A group whose match raises (e.g.
    :class:`InfeasibleError`) is reported in ``groups`` and the others still run.

    The programme applies to each group as follows: hard rules, weights, the objective and
    ``max_pairs_per_department_pair`` as they are (a cap per group); ``forbidden`` and ``past_pairs``
    where both people are in the group; ``locked`` in the group of its people (a lock across two groups
    makes both of them fail); a ``min_matched_share`` given per department holds in every group that
    has opted-in mentees of that department.

    Parameters
    ----------
    workforce : Workforce
        The whole company.
    program : Program, optional
        The programme every group follows; default ``Program()``.
    by : str or list of str, default="department"
        The employees column that defines the groups: ``"department"``, ``"location"`` or any other;
        or several (``["location", "department"]``: one group per combination, named ``"London / Sales"``).
    keep_results : bool, default=True
        Serial runs keep each group's full :class:`MatchResult` in ``results`` (scores included, for
        explanations and reports); ``False`` keeps only the frames, as on Dask — for many large groups.
    client : distributed.Client, optional
        Run one task per group on this Dask cluster (each task builds and matches its group, with one
        BLAS thread where ``threadpoolctl`` is installed; CP-SAT always runs on one worker). Dask is
        needed only then: ``pip install 'revmatch[dask]'``. Without it, groups run one after the other
        in this process.

    Returns
    -------
    GroupResults
        ``pairs``, ``unmatched`` (each with a ``group`` column), ``groups`` (one row per group) and, for
        a serial run, ``results``: group → :class:`MatchResult` for each group that succeeded.

    Raises
    ------
    ConfigError
        ``by`` is not an employees column, or ``min_matched_share`` names a department with no
        opted-in mentees anywhere in the workforce.
    InfeasibleError
        A lock names nobody in the workforce.

    Examples
    --------
    >>> import revmatch as rm
    >>> from revmatch.groups import match_groups
    >>> out = match_groups(rm.synthetic_workforce(600, seed=1), rm.Program(min_level_gap=2), by="location")
    >>> out.groups[["group", "status"]].head(2).values.tolist()
    [['Bangalore', 'optimal'], ['Berlin', 'optimal']]
    >>> bool((out.pairs.groupby("group")["score"].sum() == out.groups.set_index("group")["objective"]).all())
    True

    On a cluster (``from distributed import Client, LocalCluster``)::

        with LocalCluster(n_workers=4, threads_per_worker=1) as cluster, Client(cluster) as client:
            out = match_groups(workforce, program, by="location", client=client)

    Notes
    -----
    Each task receives its group's two frames and sends back its pairs, unmatched people and status,
    pickled by revmatch. Use one thread per worker: a task is mostly single-threaded Python and NumPy.
    Dask starts worker processes with ``MALLOC_TRIM_THRESHOLD_=65536`` (to hand memory back to the
    OS), which made these pandas-heavy tasks slower (measured: the docs' Scale and benchmarks page);
    ``dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None})`` before
    the cluster starts (and no such variable in the client's environment) leaves glibc's default.
    That is the cluster owner's choice, so revmatch leaves it.
    """
    program = program or Program()
    parts = group_frames(workforce, by)
    _check_quota_departments(workforce, program)
    conflicts = _lock_conflicts(workforce, program, by)
    if client is None:
        outcomes = [_match_group(e, s, program, conflicts.get(g, []), keep=keep_results) for g, e, s in parts]
    else:
        futures = [
            client.submit(
                _match_group_pickled, pickle.dumps((e, s), protocol=5), program, conflicts.get(g, []), pure=False
            )
            for g, e, s in parts
        ]
        outcomes = []
        for future, (_, e, _) in zip(futures, parts):
            try:
                outcomes.append(pickle.loads(future.result()))
            except Exception as exc:  # the task itself was lost (worker died, data could not be sent …)
                outcomes.append(_failure(len(e), exc, 0.0))
        del futures
    return _collect(by, [g for g, _, _ in parts], outcomes)


# ---- helpers ----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Outcome:
    """What one group's task sends back: small frames and text, so it crosses processes cheaply."""

    people: int
    pairs: pd.DataFrame | None
    unmatched: pd.DataFrame | None
    status: str
    objective: float
    seconds: float
    error: str
    result: MatchResult | None = None


def _match_group(
    employees: pd.DataFrame,
    skills: pd.DataFrame,
    program: Program,
    conflicts: list[str],
    keep: bool,
    one_thread: bool = False,
) -> _Outcome:
    """One group's task: build and match, turning any exception into a failed outcome."""
    start = time.perf_counter()
    try:
        with _one_blas_thread() if one_thread else nullcontext():
            if conflicts:
                raise InfeasibleError(conflicts)
            group = Workforce.from_frames(employees, skills)
            result = match(group, _program_for(program, group))
    except Exception as exc:
        return _failure(len(employees), exc, time.perf_counter() - start)
    return _Outcome(
        len(employees),
        result.pairs,
        result.unmatched,
        str(result.status),
        float(result.objective),
        time.perf_counter() - start,
        "",
        result if keep else None,
    )


def _match_group_pickled(frames: bytes, program: Program, conflicts: list[str]) -> bytes:
    """The Dask task: frames in and outcome out as pickled bytes.

    Dask's own pandas serialisation of text columns cost the client several times the CPU of plain
    pickle (measured: the docs' Scale and benchmarks page), and on a LocalCluster the client shares
    the cores with the workers.
    """
    employees, skills = pickle.loads(frames)
    return pickle.dumps(_match_group(employees, skills, program, conflicts, keep=False, one_thread=True), protocol=5)


def _failure(people: int, exc: Exception, seconds: float) -> _Outcome:
    status = "infeasible" if isinstance(exc, InfeasibleError) else "error"
    return _Outcome(people, None, None, status, float("nan"), seconds, f"{type(exc).__name__}: {exc}")


def _one_blas_thread():
    """One BLAS/OpenMP thread inside a worker task, so tasks side by side do not oversubscribe the cores.

    Dask's nanny already starts worker processes with ``OMP_NUM_THREADS=1`` (and MKL, OpenBLAS);
    threadpoolctl also covers threaded workers, where it is installed. It is not a dependency.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return nullcontext()
    return threadpool_limits(limits=1)


def _collect(by: str, names: list, outcomes: list[_Outcome]) -> GroupResults:
    pairs = [o.pairs.assign(group=name) for name, o in zip(names, outcomes) if o.pairs is not None and len(o.pairs)]
    unmatched = [
        o.unmatched.assign(group=name)
        for name, o in zip(names, outcomes)
        if o.unmatched is not None and len(o.unmatched)
    ]
    groups = pd.DataFrame(
        {
            "group": pd.Series(names, dtype=object),
            "people": np.array([o.people for o in outcomes], dtype=np.int64),
            "pairs": np.array([0 if o.pairs is None else len(o.pairs) for o in outcomes], dtype=np.int64),
            "status": pd.Series([o.status for o in outcomes], dtype=object),
            "objective": np.array([o.objective for o in outcomes], dtype=float),
            "seconds": np.array([o.seconds for o in outcomes], dtype=float),
            "error": pd.Series([o.error for o in outcomes], dtype=object),
        },
        columns=list(GROUP_COLUMNS),
    )
    results = {name: o.result for name, o in zip(names, outcomes) if o.result is not None}
    return GroupResults(by, _stack(pairs, _PAIR_COLUMNS), _stack(unmatched, _UNMATCHED_COLUMNS), groups, results)


def _stack(frames: list[pd.DataFrame], columns: tuple[str, ...]) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame(columns=["group", *columns])
    out = pd.concat(frames, ignore_index=True)
    return out[["group", *(c for c in out.columns if c != "group")]]


def _program_for(program: Program, group: Workforce) -> Program:
    """The programme as one group sees it: pair lists and department quotas cut to the group's people."""
    ids = set(group.ids.tolist())
    role = group.employees["role"].to_numpy(dtype=object)
    mentee_departments = set(
        group.employees["department"].to_numpy(dtype=object)[(role == "mentee") | (role == "both")].tolist()
    )
    share = program.min_matched_share
    if isinstance(share, dict):
        # A department without mentees here has nothing to hold to; names were checked on the whole workforce.
        share = {name: value for name, value in share.items() if name in mentee_departments}
    return program.model_copy(
        update={
            # A lock with one person here stays, so that a partner elsewhere is reported as missing.
            "locked": tuple(p for p in program.locked if p[0] in ids or p[1] in ids),
            "forbidden": tuple(p for p in program.forbidden if p[0] in ids and p[1] in ids),
            "past_pairs": tuple(p for p in program.past_pairs if p[0] in ids and p[1] in ids),
            "min_matched_share": share or None,
        }
    )


def _check_quota_departments(workforce: Workforce, program: Program) -> None:
    """A per-department quota must name departments with mentees somewhere: a typo would otherwise vanish."""
    share = program.min_matched_share
    if not isinstance(share, dict):
        return
    role = workforce.employees["role"].to_numpy(dtype=object)
    known = sorted(
        set(workforce.employees["department"].to_numpy(dtype=object)[(role == "mentee") | (role == "both")].tolist())
    )
    unknown = sorted(set(share) - set(known))
    if unknown:
        raise ConfigError(
            f"min_matched_share names departments with no opted-in mentees: {', '.join(unknown)} "
            f"(departments with mentees: {', '.join(known)})"
        )


def _lock_conflicts(workforce: Workforce, program: Program, by: str) -> dict[object, list[str]]:
    """Locks that per-group matching cannot make, by the group(s) they fail."""
    if not program.locked:
        return {}
    group_of = dict(zip(workforce.ids.tolist(), map(_plain, _group_key(workforce.employees, by))))
    nowhere, conflicts = [], {}
    for mentor_id, mentee_id in program.locked:
        a, b = group_of.get(mentor_id), group_of.get(mentee_id)
        label = f"lock {mentor_id} → {mentee_id}"
        if mentor_id not in group_of and mentee_id not in group_of:
            nowhere.append(f"{label}: neither {mentor_id} nor {mentee_id} is in the workforce")
        elif mentor_id in group_of and mentee_id in group_of and a != b:
            text = f"{label} crosses groups {a!r} and {b!r} ({by}): per-group matching makes pairs within a group only"
            for name in (a, b):
                conflicts.setdefault(name, []).append(text)
    if nowhere:
        raise InfeasibleError(nowhere)
    return conflicts


def _nearest_in_group(workforce: Workforce, code: np.ndarray) -> np.ndarray:
    """Row of each person's nearest manager up the chain with the same group code, -1 if none.

    One pass in pre-order with a stack per group: a group's open subtrees that contain a person are
    exactly that person's in-group managers, the innermost on top.
    """
    start = workforce.tree_in.tolist()
    end = (workforce.tree_in + workforce.tree_size).tolist()
    codes = code.tolist()
    nearest = np.full(len(code), -1, dtype=np.int64)
    stacks: dict[int, list[int]] = {}
    for v in np.argsort(workforce.tree_in, kind="stable").tolist():
        stack = stacks.setdefault(codes[v], [])
        while stack and start[v] >= end[stack[-1]]:
            stack.pop()
        if stack:
            nearest[v] = stack[-1]
        stack.append(v)
    return nearest


def _split(code: np.ndarray, n_groups: int) -> list[np.ndarray]:
    """Positions of each group's rows, in their original order."""
    order = np.argsort(code, kind="stable")
    bounds = np.searchsorted(code[order], np.arange(n_groups + 1))
    return [order[bounds[g] : bounds[g + 1]] for g in range(n_groups)]


def _plain(value):
    """A numpy scalar as the Python value it holds (group names print and compare as users typed them)."""
    return value.item() if isinstance(value, np.generic) else value
