"""The limits revmatch checks at the door, chosen so that no intermediate can overflow.

Every number that reaches a mask or a solver is range-checked where it enters (the employees and
skills files, a Program, the command line): beyond a limit comes an InputError or ConfigError that
names the field, never a wrapped-around level or a silently wrong optimum. The arithmetic behind
them: levels and gaps stay far inside int64; a score is at most WEIGHT × 5 × 5 × the skills, and
the solver scales scores into OR-Tools' cost range (2**53 / people) exactly or within its stated
tolerance; capacities times people stay far inside int64 flows. Text cells are bounded so that one
cell cannot blow up every output it is repeated in.
"""

LEVEL = 10**6  # |level| at most this; a level gap, mentor_max_level, mentee_min_level likewise (gap: twice)
CAPACITY = 10**4  # most pairs of one person on one side
WEIGHT = 10**6  # |weight| of any score part
POINTS = 10**6  # min_forward, a priority or continuity weight, in score points
DEPTH = 10**6  # reporting_line_depth
SECONDS = 10**6  # a solver time limit
WEEKS = 520  # a KPI window in weeks (ten years)
PER_MONTH = 1000  # a KPI target of check-ins per month

ID_LENGTH = 200  # characters of an id, a department, a location, a skill, a role or a time zone
TEXT_LENGTH = 1000  # characters of any other text cell (a name, a list of languages)
COLUMNS = 1000  # columns in a table's header
SHOWN = 80  # characters of a bad cell an error message shows (the rest is cut, and says so)
