"""A believable synthetic company (org tree, people and skills) in revmatch's input schema."""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from .errors import ConfigError
from .models import Workforce

# fmt: off
FIRST_NAMES = (
    "Ahmed", "Aisha", "Akira", "Alejandro", "Amara", "Ana", "Anders", "Ayumi", "Bruno", "Camille", "Carlos", "Chen",
    "Chloe", "Daniel", "Deepa", "Diego", "Elena", "Emeka", "Emma", "Fatima", "Felix", "Freya", "Gabriel", "Hana",
    "Hannah", "Ibrahim", "Ines", "Ivan", "James", "Jia", "Jonas", "Kofi", "Lars", "Leila", "Lucas", "Maria", "Mateo",
    "Mei", "Mohammed", "Nadia", "Nikhil", "Noah", "Olga", "Omar", "Priya", "Rafael", "Rahul", "Sakura", "Samuel",
    "Sara", "Sofia", "Sven", "Tariq", "Thandiwe", "Tomas", "Valentina", "Wei", "Yara", "Yusuf", "Zanele",
)
LAST_NAMES = (
    "Abebe", "Adeyemi", "Ali", "Andersson", "Bauer", "Becker", "Chatterjee", "Chen", "Costa", "da Silva", "Dubois",
    "Fernandes", "Fischer", "Garcia", "Gonzalez", "Gupta", "Haddad", "Hansen", "Hernandez", "Ivanova", "Iyer",
    "Jansen", "Johnson", "Kim", "Kowalski", "Kumar", "Lee", "Li", "Lopez", "Martin", "Mensah", "Meyer", "Moreau",
    "Müller", "Nakamura", "Nguyen", "Novak", "O'Brien", "Okafor", "Oliveira", "Patel", "Pereira", "Rahman", "Reddy",
    "Rossi", "Santos", "Schmidt", "Sharma", "Silva", "Singh", "Smith", "Suzuki", "Tan", "Taylor", "Wagner", "Wang",
    "Williams", "Wong", "Yilmaz", "Zhang",
)
# fmt: on
# (department, relative size); heads take them in this order, so a small company has the core functions.
DEPARTMENTS = (
    ("Operations", 1.6),
    ("Sales", 1.5),
    ("IT", 1.2),
    ("Finance", 0.8),
    ("HR", 0.6),
    ("Marketing", 0.8),
    ("R&D", 1.2),
    ("Customer Service", 1.4),
    ("Legal", 0.4),
    ("Procurement", 0.5),
    ("Data & Analytics", 0.7),
    ("Communications", 0.4),
)
LANGUAGES = ("English", "French", "German", "Hindi", "Mandarin", "Portuguese", "Spanish")
# city, IANA zone, share of hires, P(speaks English), local language, P(speaks it)
LOCATIONS = (
    ("London", "Europe/London", 0.25, 1.00, "English", 1.0),
    ("New York", "America/New_York", 0.20, 1.00, "Spanish", 0.2),
    ("Berlin", "Europe/Berlin", 0.15, 0.90, "German", 0.9),
    ("Bangalore", "Asia/Kolkata", 0.20, 0.93, "Hindi", 0.6),
    ("Singapore", "Asia/Singapore", 0.10, 0.95, "Mandarin", 0.4),
    ("São Paulo", "America/Sao_Paulo", 0.10, 0.85, "Portuguese", 0.9),
)
# (skill, popularity): how often people list it, relative to 1.
DIGITAL_SKILLS = (
    ("generative AI", 1.3),
    ("prompt engineering", 1.0),
    ("data visualisation", 1.0),
    ("social media", 1.4),
    ("Python", 0.8),
    ("SQL", 0.8),
    ("cloud collaboration tools", 1.5),
    ("agile ways of working", 1.1),
    ("cybersecurity hygiene", 1.0),
    ("diversity & inclusion", 0.9),
    ("no-code automation", 0.8),
    ("digital marketing", 0.8),
    ("remote collaboration", 1.6),
    ("content creation", 1.0),
    ("mobile-first design", 0.6),
    ("design thinking", 0.8),
    ("e-commerce", 0.6),
    ("personal branding online", 0.7),
    ("machine learning basics", 0.6),
    ("video production", 0.5),
)
STRATEGIC_SKILLS = (
    ("stakeholder management", 1.4),
    ("strategic planning", 1.1),
    ("negotiation", 1.0),
    ("budgeting", 1.1),
    ("people leadership", 1.2),
    ("change management", 1.0),
    ("executive communication", 1.0),
    ("governance & risk", 0.8),
    ("organisational navigation", 0.9),
    ("board reporting", 0.5),
    ("M&A", 0.4),
    ("coaching", 1.0),
    ("decision making under uncertainty", 0.8),
    ("business case writing", 0.8),
    ("crisis management", 0.6),
)
# Sorted by name, so skill rows come out sorted by (employee_id, skill) without a sort.
_SKILLS = sorted([(s, p, True) for s, p in DIGITAL_SKILLS] + [(s, p, False) for s, p in STRATEGIC_SKILLS])
SKILLS = tuple(s for s, _, _ in _SKILLS)

TOP_LEVEL = 9
SPAN = np.array([0, 8, 6, 6, 5, 5, 4, 4, 0])  # target direct reports of a manager, by the reports' level
# How senior a level feels, 0..1: it drives who is strong in (and wants) digital vs strategic skills.
SENIORITY = np.array([0, 0.0, 0.1, 0.25, 0.45, 0.6, 0.75, 0.85, 0.95, 1.0], dtype=np.float32)
SKIP_LEVEL = 0.10  # at most this share reports two levels up (e.g. a specialist under a director)
SAME_LOCATION = 0.70  # share sitting in their manager's city
ROLE_P = np.array(
    [  # P(mentor, mentee, both, none) by level, as programmes see it: juniors volunteer to teach, the
        # seniors the programme is for volunteer to learn, middle managers a little of both; "both" is
        # rare and most people do not opt in at all.
        [0.00, 0.00, 0.00, 1.00],
        *[[0.18, 0.00, 0.01, 0.81]] * 3,  # levels 1-3
        *[[0.07, 0.12, 0.02, 0.79]] * 2,  # levels 4-5
        *[[0.00, 0.55, 0.02, 0.43]] * 4,  # levels 6-9
    ]
)
# Skills each department works with: its people are likelier to know them, and to want them.
DEPARTMENT_SKILLS = {
    "IT": ("Python", "SQL", "cloud collaboration tools", "cybersecurity hygiene", "no-code automation"),
    "Data & Analytics": ("Python", "SQL", "data visualisation", "machine learning basics", "generative AI"),
    "R&D": ("design thinking", "machine learning basics", "Python", "mobile-first design", "generative AI"),
    "Marketing": ("social media", "digital marketing", "content creation", "personal branding online"),
    "Communications": ("social media", "content creation", "video production", "executive communication"),
    "Sales": ("negotiation", "stakeholder management", "e-commerce", "personal branding online"),
    "Customer Service": ("remote collaboration", "cloud collaboration tools", "crisis management"),
    "Finance": ("budgeting", "governance & risk", "board reporting", "business case writing"),
    "Procurement": ("negotiation", "budgeting", "e-commerce", "business case writing"),
    "Legal": ("governance & risk", "negotiation", "board reporting"),
    "HR": ("diversity & inclusion", "coaching", "people leadership", "change management"),
    "Operations": ("agile ways of working", "change management", "crisis management"),
}
KNOWN_BOOST, NEED_BOOST = 3.0, 1.8  # how much likelier a department's own skills are known / needed
PERSONAL_SPREAD = np.array([0.6, 0.4, 0.5], dtype=np.float32)[:, None, None]  # savvy, modesty, eagerness
CHUNK = 1 << 16  # employees per block of the skills matrix: bounds memory, fixed for determinism

# Only exact IEEE arithmetic (+ - * / sqrt, comparisons, cumsum) touches random numbers: numpy's
# SIMD log/exp may differ in the last bit between CPUs, which could flip a discrete choice.


def _weighted(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with probability proportional to ``weights`` (sequential cumsum: exact)."""
    cdf = np.cumsum(weights, dtype=np.float64)
    return np.minimum(np.searchsorted(cdf, rng.random(size) * cdf[-1], side="right"), len(cdf) - 1)


def _level_counts(n: int) -> np.ndarray:
    """Head count per level (index 1..9): one CEO, up to 12 department heads, then a pyramid."""
    counts = np.zeros(TOP_LEVEL + 1, dtype=np.int64)
    counts[TOP_LEVEL] = 1
    heads = min(n - 1, len(DEPARTMENTS), max(1, math.isqrt(n) // 3))
    counts[TOP_LEVEL - 1] = heads
    rest = n - 1 - heads
    if rest <= 0:
        return counts
    # Levels 7..1 grow geometrically downwards; the growth tapers so level 1 does not swamp the rest, and
    # is capped near the top, where everyone manages, so that executives keep small spans in huge firms.
    tilt, cap = np.linspace(1.3, 0.7, TOP_LEVEL - 2), np.array([5.0, 5, 6, 7, 8, 9, 10])
    lo, hi = 1e-3, 1e3
    for _ in range(80):  # bisection on the growth rate so that levels 7..1 hold `rest` people
        mid = math.sqrt(lo * hi)
        lo, hi = (mid, hi) if np.cumprod(np.minimum(mid * tilt, cap)).sum() * heads < rest else (lo, mid)
    real = np.cumprod(np.minimum(hi * tilt, cap))  # rescaled below, also when the caps cannot reach `rest`
    real = real * rest / real.sum()
    whole = np.floor(real).astype(np.int64)
    largest = np.argsort(-(real - whole), kind="stable")[: rest - whole.sum()]
    whole[largest] += 1  # largest remainders, so the counts add up exactly
    counts[TOP_LEVEL - 2 : 0 : -1] = whole
    return counts


def _spread(rng: np.random.Generator, n_reports: int, bosses: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """A boss for each of ``n_reports`` people: one each, the rest shared in proportion to ``weight``."""
    cum = np.cumsum(weight)
    extra = np.diff(np.rint(cum / cum[-1] * (n_reports - bosses.size)).astype(np.int64), prepend=0)
    out = np.empty(n_reports, dtype=np.int64)
    out[rng.permutation(n_reports)] = np.repeat(bosses, 1 + extra)
    return out


def _pick_bosses(
    rng: np.random.Generator, above: np.ndarray, dept: np.ndarray, manager: np.ndarray, target: int, n_reports: int
) -> np.ndarray:
    """About ``target`` people of ``above`` to manage ``n_reports`` people, so no branch withers by chance.

    One per department first (every department keeps growing), then the rest evenly spread over
    departments and their bosses (systematic sampling of the candidates grouped by department and boss).
    """
    shuffled = above[rng.permutation(above.size)]
    grouped = shuffled[np.argsort(dept[shuffled] * manager.size + manager[shuffled], kind="stable")]
    first = np.diff(dept[grouped], prepend=-1) != 0
    m = min(above.size, n_reports, max(target, int(first.sum())))
    if m <= first.sum():
        return grouped[first][rng.permutation(int(first.sum()))[:m]]
    rest, k = grouped[~first], m - int(first.sum())
    return np.concatenate([grouped[first], rest[((np.arange(k) + rng.random()) * rest.size / k).astype(np.int64)]])


def _tree(rng: np.random.Generator, n: int):
    """Level, manager, department and location codes in tree order (CEO first, then by level)."""
    counts = _level_counts(n)
    level = np.repeat(np.arange(TOP_LEVEL, 0, -1), counts[TOP_LEVEL:0:-1])
    start = np.concatenate([[0], np.cumsum(counts[TOP_LEVEL:0:-1])])
    block = {lvl: np.arange(start[TOP_LEVEL - lvl], start[TOP_LEVEL - lvl + 1]) for lvl in range(1, TOP_LEVEL + 1)}
    manager = np.full(n, -1, dtype=np.int64)
    has_reports = np.zeros(n, dtype=bool)
    dept = np.zeros(n, dtype=np.int64)  # 0 = Executive (the CEO)
    city_w = np.array([loc[2] for loc in LOCATIONS])
    city = np.empty(n, dtype=np.int64)
    city[0] = _weighted(rng, city_w, 1)[0]
    for lvl in range(TOP_LEVEL - 1, 0, -1):  # one layer at a time; the layers above are final
        kids = block[lvl]
        if kids.size == 0:
            continue
        if lvl == TOP_LEVEL - 1:  # department heads report to the CEO and found a department each
            manager[kids], dept[kids] = 0, np.arange(1, kids.size + 1)
        else:
            above = next(block[u] for u in range(lvl + 1, TOP_LEVEL) if block[u].size)
            two_up = block[lvl + 2][has_reports[block[lvl + 2]]] if lvl + 2 < TOP_LEVEL else above[:0]
            # Skip-level reports: a few, and no more than about one per manager two levels up.
            skip = rng.random(kids.size) < min(SKIP_LEVEL, two_up.size / kids.size)
            direct = kids[~skip]
            if lvl == TOP_LEVEL - 2:  # every head gets a team, sized by department
                bosses = above[: direct.size]
                weight = np.array([w for _, w in DEPARTMENTS])[dept[bosses] - 1]
            else:
                target = max(1, (direct.size + SPAN[lvl] // 2) // SPAN[lvl])
                bosses = _pick_bosses(rng, above, dept, manager, target, direct.size)
                weight = 0.5 + rng.random(bosses.size)  # spans vary ±50 % around the target
            if direct.size:
                manager[direct] = _spread(rng, direct.size, bosses, weight)
            manager[kids[skip]] = two_up[rng.integers(0, max(two_up.size, 1), int(skip.sum()))]
            dept[kids] = dept[manager[kids]]
        has_reports[manager[kids]] = True
        moved = rng.random(kids.size) >= SAME_LOCATION
        city[kids] = np.where(moved, _weighted(rng, city_w, kids.size), city[manager[kids]])
    return level, manager, dept, city


def _languages(rng: np.random.Generator, city: np.ndarray) -> np.ndarray:
    """`;`-joined languages: English for most, the local language often, French/Spanish now and then."""
    bit = {lang: 1 << i for i, lang in enumerate(LANGUAGES)}
    p_english = np.array([loc[3] for loc in LOCATIONS])[city]
    local_bit = np.array([bit[loc[4]] for loc in LOCATIONS])[city]
    p_local = np.array([loc[5] for loc in LOCATIONS])[city]
    u = rng.random((4, city.size))
    mask = np.where(u[0] < p_english, bit["English"], 0) | np.where(u[1] < p_local, local_bit, 0)
    mask |= np.where(u[2] < 0.05, bit["French"], 0) | np.where(u[3] < 0.05, bit["Spanish"], 0)
    mask = np.where(mask & (bit["English"] | local_bit), mask, mask | local_bit)  # everyone speaks one
    table = np.array(
        [";".join(lang for lang in LANGUAGES if m & bit[lang]) for m in range(1 << len(LANGUAGES))], dtype=object
    )
    return table[mask]


def _top_k(rng: np.random.Generator, weight: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Per row, a random set of ``k`` columns, favouring heavy ``weight``.

    Ranks weight × u / (1 - u), i.e. log-weight plus logistic noise: close to weighted sampling without
    replacement (Gumbel top-k) but free of ``log``.
    """
    u = rng.random(weight.shape, dtype=np.float32)
    keys = weight * u / (1 - u)
    threshold = np.sort(keys, axis=1)[np.arange(len(k)), weight.shape[1] - k]
    return keys >= threshold[:, None]


def _department_boost(boost: float) -> np.ndarray:
    """(departments + 1) × skills multipliers: ``boost`` on each department's own skills, 1 elsewhere."""
    index = {name: k for k, name in enumerate(SKILLS)}
    table = np.ones((len(DEPARTMENTS) + 1, len(SKILLS)), dtype=np.float32)  # row 0: the Executive
    for d, (name, _) in enumerate(DEPARTMENTS, start=1):
        table[d, [index[s] for s in DEPARTMENT_SKILLS.get(name, ())]] = boost
    return table


def _skills(rng: np.random.Generator, level: np.ndarray, dept: np.ndarray):
    """Long-format (employee index, skill index, proficiency, need), sorted by employee then skill.

    What a person knows and wants depends on their career stage (juniors lean digital, seniors
    strategic) and on their department (its own skills are likelier, on both counts).
    """
    digital = np.array([d for _, _, d in _SKILLS])
    popularity = np.array([p for _, p, _ in _SKILLS], dtype=np.float32)
    known_boost, need_boost = _department_boost(KNOWN_BOOST), _department_boost(NEED_BOOST)
    parts = []
    for lo in range(0, level.size, CHUNK):
        seniority = SENIORITY[level[lo : lo + CHUNK]][:, None]
        team = dept[lo : lo + CHUNK]
        rows = seniority.shape[0]
        # Affinity 0..1: juniors lean digital, seniors strategic; tech-savviness shifts a person's balance,
        # self-rating (modest .. confident) scales proficiencies and eagerness scales needs.
        savvy, modesty, eager = (rng.random((3, rows, 1), dtype=np.float32) - 0.5) * PERSONAL_SPREAD
        affinity = np.clip(np.where(digital, 1 - seniority + savvy, seniority - savvy), 0, 1)
        known_weight = popularity * known_boost[team] * (0.25 + affinity) ** 2
        known = _top_k(rng, known_weight, rng.integers(5, 11, rows))
        noise = rng.random((2, rows, len(SKILLS)), dtype=np.float32) * 2 - 1
        prof = np.where(known, np.clip(np.rint(0.8 + 4 * affinity * (0.9 + modesty) + noise[0]), 1, 5), 0)
        # People want what they are weak at (the other side of the pyramid), rarely what they master.
        gap = 1 - affinity
        need_weight = popularity * need_boost[team] * (0.25 + gap) ** 2 * (6 - prof) / 6
        needed = _top_k(rng, need_weight, rng.integers(3, 7, rows))
        need = np.where(needed, np.clip(np.rint(0.8 + 4 * gap * (0.85 + eager) + noise[1]), 1, 5), 0)
        silent = rng.random(rows) < 0.01  # ~1 % never filled in their skills profile
        r, c = np.nonzero(((prof > 0) | (need > 0)) & ~silent[:, None])
        parts.append(
            ((lo + r).astype(np.int32), c.astype(np.int8), prof[r, c].astype(np.int8), need[r, c].astype(np.int8))
        )  # compact until the frame is built
    return [np.concatenate([p[i] for p in parts]) for i in range(4)]


def _hire_order(rng: np.random.Generator, level, manager, dept, city):
    """Employee ids look like hire order rather than rank: the CEO is E…1, everyone else shuffled."""
    n = len(level)
    new_pos = np.concatenate([[0], 1 + rng.permutation(n - 1)])
    order = np.empty(n, dtype=np.int64)
    order[new_pos] = np.arange(n)  # order[i] = tree index of the employee with the i-th id
    level, dept, city, manager = level[order], dept[order], city[order], manager[order]
    return level, np.where(manager >= 0, new_pos[np.maximum(manager, 0)], -1), dept, city


def _employees(rng: np.random.Generator, ids, level, manager, dept, city) -> pd.DataFrame:
    """The employees frame: names, the org tree, places, languages, opt-in by level, a few capacities of 2."""
    n = len(ids)
    full_names = np.array([f"{f} {last}" for f in FIRST_NAMES for last in LAST_NAMES], dtype=object)
    names = full_names[rng.integers(0, len(FIRST_NAMES), n) * len(LAST_NAMES) + rng.integers(0, len(LAST_NAMES), n)]
    role = np.minimum((rng.random(n)[:, None] >= np.cumsum(ROLE_P, axis=1)[level]).sum(axis=1), 3)
    teaches, learns = np.isin(role, (0, 2)), np.isin(role, (1, 2))
    u = rng.random((2, n))
    return pd.DataFrame(
        {
            "employee_id": ids,
            "name": names,
            "level": level.astype(np.int64),
            "department": np.array(["Executive"] + [d for d, _ in DEPARTMENTS], dtype=object)[dept],
            "manager_id": np.where(manager >= 0, ids[np.maximum(manager, 0)], ""),
            "location": np.array([loc[0] for loc in LOCATIONS], dtype=object)[city],
            "timezone": np.array([loc[1] for loc in LOCATIONS], dtype=object)[city],
            "languages": _languages(rng, city),
            "role": np.array(["mentor", "mentee", "both", "none"], dtype=object)[role],
            "mentor_capacity": 1 + (teaches & (u[0] < 0.15)).astype(np.int64),
            "mentee_capacity": 1 + (learns & (level >= 6) & (u[1] < 0.10)).astype(np.int64),
        }
    )


def synthetic_frames(n_employees: int = 1000, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build a believable synthetic company as (employees, skills) frames in revmatch's input schema.

    The company is a management tree under one CEO (level 9): department heads (level 8) report to
    the CEO, every other person reports to someone one level up (sometimes two), and most people are
    juniors at levels 1-3. Juniors are strong in digital skills; seniors are strong in strategic
    skills and want digital ones. Taking part is voluntary and most people do not opt in: by level
    (``ROLE_P``), 18 % of levels 1-3 opt in as mentors; at levels 4-5, 7 % as mentors and 12 % as
    mentees; 55 % of levels 6-9 as mentees; "both" is rare (1-2 % a level). Juniors far outnumber
    seniors, so volunteers to teach outnumber those who want to learn: of 1 000 employees (seed 0),
    about 16 % are mentors, 6 % mentees, 1.6 % both and 76 % not opted in; the larger the company,
    the more junior it is (of 100 000: 17 %, 0.6 %, 1 % and 81 %). Deterministic in
    ``(n_employees, seed)`` and vectorised (a million employees take a few seconds).

    Parameters
    ----------
    n_employees : int, default 1000
        Number of employees (rows of the employees frame), at least 1.
    seed : int, default 0
        Seed of ``numpy.random.default_rng``, a non-negative int.

    Returns
    -------
    employees : pandas.DataFrame
        One row per employee, sorted by ``employee_id``: ``employee_id``, ``name``, ``level``
        (1-9), ``department``, ``manager_id`` ("" for the CEO), ``location``, ``timezone`` (IANA),
        ``languages`` (";"-separated), ``role`` (mentor, mentee, both or none),
        ``mentor_capacity`` and ``mentee_capacity``.
    skills : pandas.DataFrame
        Long format, one row per (employee, skill) with ``proficiency`` or ``need`` above 0, sorted
        by ``employee_id`` then ``skill``: ``employee_id``, ``skill``, ``proficiency`` (0-5) and
        ``need`` (0-5). About 1 % of employees have no rows.

    Raises
    ------
    ConfigError
        If ``n_employees`` is not an int of at least 1, or ``seed`` is not a non-negative int.

    Examples
    --------
    >>> employees, skills = synthetic_frames(200, seed=1)
    >>> len(employees), int((employees["manager_id"] == "").sum())
    (200, 1)
    >>> list(skills.columns)
    ['employee_id', 'skill', 'proficiency', 'need']
    >>> bool((skills.groupby("employee_id").size() >= 3).all())
    True
    """
    for name, value, low in (("n_employees", n_employees, 1), ("seed", seed, 0)):
        if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
            raise ConfigError(f"{name} must be an int of at least {low}, got {value!r}")
    n, rng = int(n_employees), np.random.default_rng(int(seed))
    level, manager, dept, city = _hire_order(rng, *_tree(rng, n))
    width = max(6, len(str(n)))
    ids = np.char.add("E", np.char.zfill(np.arange(1, n + 1).astype(str), width)).astype(object)
    employees = _employees(rng, ids, level, manager, dept, city)
    who, skill, proficiency, need = _skills(rng, level, dept)
    skills = pd.DataFrame(
        {
            "employee_id": ids[who],
            "skill": np.array(SKILLS, dtype=object)[skill],
            "proficiency": proficiency.astype(np.int64),
            "need": need.astype(np.int64),
        }
    )
    return employees, skills


def synthetic_workforce(n_employees: int = 1000, seed: int = 0) -> Workforce:
    """A believable synthetic company as a validated Workforce (see :func:`synthetic_frames`).

    Examples
    --------
    >>> import revmatch as rm
    >>> len(rm.synthetic_workforce(500, seed=1))
    500
    """
    return Workforce.from_frames(*synthetic_frames(n_employees, seed))
