"""The course settings (course_config.py), read into a validated, typed ``Course``.

course_config.py is Python so that instructors can comment it; what it defines is
checked once, when a command starts: an unknown setting, a missing required one, a
bad language or limit, points that are not positive numbers all stop the command with
exit status 2 and the setting named, before any student is graded.  (Whether every
check has points and all points a check is asked of the graders themselves: see
``judge.collect_checks``.)
"""
import re
import runpy
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import ConfigError, UsageError  # noqa: F401  (UsageError: imported from here too)

PACKAGE = Path(__file__).parent
GRADERS = PACKAGE / "graders"
CONFIG_NAME = "course_config.py"

LANGS = ("ja", "en", "ja+en")
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")   # Gradescope's
LIMITS = {            # name -> what it bounds (course_config.py documents the values)
    "cell_seconds": "wall time for one notebook cell / top-level statement",
    "check_seconds": "wall time for one question a check asks",
    "selfcheck_check_seconds": "wall time for one question a check asks in the student's self-check "
                               "(the check command and the notebook's check cells)",
    "submission_seconds": "wall time for one whole submission",
    "submission_cpu_seconds": "CPU time for one whole submission",
    "memory_mb": "address space of the student's process",
    "processes": "processes the student's code may have at once",
    "file_mb": "largest file the student's code may write",
    "output_kb": "printed output kept",
}
ASSIGNMENT_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
CHECK_ID = re.compile(r"^[A-Za-z_][\w.]*::\w+$")


@dataclass(frozen=True)
class LatePolicy:
    """What a late submission costs (course_config.py LATE_POLICY, or an assignment's own).
    Lateness is counted after the grace period, in started days: 1 minute late = 1 day."""
    grace_minutes: float = 0       # late by at most this much counts as on time
    percent_per_day: float = 0     # of the score, per started day late
    max_percent: float = 100       # the penalty never exceeds this
    accept_days: float | None = None   # later than this many days: not accepted (0 points);
                                       # 0 = late work is not accepted at all; None = always accepted


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    points: dict              # check id ("<function>::<check>") -> points, in the config's order
    graders_root: Path = GRADERS
    due: datetime | None = None            # aware; None: no deadline
    late_policy: LatePolicy | None = None  # None: late work is flagged, never penalised
    written: dict = field(default_factory=dict)   # manually graded part (nbgrader grade_id) -> points
    weight: float = 1.0                    # in the term total (course gradebook)

    @property
    def graders(self):
        """graders/<id>/: the checks (test_*.py), probes.py, misconceptions.py, messages.toml."""
        return self.graders_root / self.id

    @property
    def probes(self):
        return self.graders / "probes.py"

    @property
    def max_score(self):
        """The autograded maximum (results.json, grades.csv)."""
        return float(sum(self.points.values()))

    @property
    def written_points(self):
        return float(sum(self.written.values()))

    @property
    def final_max_score(self):
        """The maximum with the manually graded parts (grades_final.csv, feedback, gradebook)."""
        return self.max_score + self.written_points

    def function_points(self):
        """function -> total points of its checks (nbgrader's test-cell points)."""
        totals = {}
        for check, points in self.points.items():
            function = function_of(check)
            totals[function] = totals.get(function, 0) + points
        return totals


def function_of(check_id):
    """'simpleNet.loss::random_weights' -> 'simpleNet.loss'."""
    return check_id.split("::")[0]


@dataclass(frozen=True)
class Course:
    id: str
    path: Path
    lang: str
    limits: dict              # every name of LIMITS -> a positive number
    assignments: dict         # id -> Assignment, in the config's order
    hidden_visibility: str = "after_published"
    time_zone: ZoneInfo = ZoneInfo("Asia/Tokyo")   # of due dates, zip times, extensions
    roster_path: Path | None = None       # ROSTER, resolved beside course_config.py
    extensions_path: Path | None = None   # EXTENSIONS, resolved beside course_config.py

    @property
    def root(self):
        """The folder of course_config.py: relative paths in it start here."""
        return self.path.parent

    def roster(self):
        """The course Roster, or None when ROSTER is not set."""
        if self.roster_path is None:
            return None
        from .roster import Roster
        return Roster(self.roster_path)

    def selfcheck_limits(self):
        """The limits of the student's self-check: each question gets selfcheck_check_seconds,
        so an endless loop keeps a student waiting seconds, not a grading limit."""
        return dict(self.limits, check_seconds=self.limits["selfcheck_check_seconds"])

    def assignment(self, assignment_id):
        if assignment_id not in self.assignments:
            known = ", ".join(sorted(self.assignments)) or "none"
            raise UsageError(f"unknown assignment '{assignment_id}' (course_config.py lists: {known})")
        return self.assignments[assignment_id]

    def config_text(self, doc, points=None):
        """The text of a course_config.py for a copy of this course (student kit, Gradescope):
        ``points`` maps the assignments it keeps to the points it keeps (default: all)."""
        points = points if points is not None else {a.id: a.points for a in self.assignments.values()}
        assignments = {key: {"title": self.assignments[key].title, "points": dict(kept)}
                       for key, kept in points.items()}
        return (f'"""{doc}"""\n\n'
                f"COURSE_ID = {self.id!r}\nLANG = {self.lang!r}\n"
                f"HIDDEN_VISIBILITY = {self.hidden_visibility!r}\n"
                f"LIMITS = {self.limits!r}\n\nASSIGNMENTS = {assignments!r}\n")


def find_config():
    """The course_config.py of this package: beside it (a checkout, a student kit) or inside
    it (an installed student wheel).  Never looked for in the working folder, which may be
    the folder being graded: a student's course_config.py there must not be run."""
    for candidate in (PACKAGE.parent / CONFIG_NAME, PACKAGE / CONFIG_NAME):
        if candidate.is_file():
            return candidate
    raise UsageError(f"no {CONFIG_NAME} beside or inside the autograder package ({PACKAGE}); "
                     "pass --config PATH")


def load_course(path=None):
    path = Path(path) if path else find_config()
    if not path.is_file():
        raise UsageError(f"{path}: no such course_config.py")
    try:
        settings = runpy.run_path(str(path))
    except Exception as error:
        raise ConfigError(f"{path} cannot be read: {type(error).__name__}: {error}") from None
    return course_from(settings, path)


# ----- validation: one function per setting, each naming what is wrong -----

REQUIRED = ("COURSE_ID", "LANG", "LIMITS", "ASSIGNMENTS")
OPTIONAL = {"HIDDEN_VISIBILITY": "after_published", "TIME_ZONE": "Asia/Tokyo", "ROSTER": None,
            "EXTENSIONS": None, "LATE_POLICY": None}
ASSIGNMENT_KEYS = {"title", "points", "due", "late_policy", "written", "weight"}
LATE_KEYS = {"grace_minutes", "percent_per_day", "max_percent", "accept_days"}


def course_from(settings, path):
    def fail(text):
        raise ConfigError(f"{path}: {text}")

    defined = {name for name in settings if name.isupper() and not name.startswith("_")}
    for name in sorted(defined - set(REQUIRED) - set(OPTIONAL)):
        fail(f"unknown setting {name} (known: {', '.join(REQUIRED + tuple(OPTIONAL))})")
    for name in REQUIRED:
        if name not in settings:
            fail(f"{name} is missing")
    values = {**OPTIONAL, **{name: settings[name] for name in defined}}
    if not isinstance(values["COURSE_ID"], str) or not values["COURSE_ID"].strip():
        fail("COURSE_ID must be a non-empty string")
    if values["LANG"] not in LANGS:
        fail(f"LANG = {values['LANG']!r}: must be one of {', '.join(map(repr, LANGS))}")
    if values["HIDDEN_VISIBILITY"] not in VISIBILITIES:
        fail(f"HIDDEN_VISIBILITY = {values['HIDDEN_VISIBILITY']!r}: must be one of {', '.join(VISIBILITIES)}")
    try:
        zone = ZoneInfo(values["TIME_ZONE"]) if isinstance(values["TIME_ZONE"], str) else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    if zone is None:
        fail(f"TIME_ZONE = {values['TIME_ZONE']!r}: not a time zone name (e.g. 'Asia/Tokyo')")
    default_policy = _late_policy(values["LATE_POLICY"], "LATE_POLICY", fail)
    return Course(values["COURSE_ID"], Path(path), values["LANG"], _limits(values["LIMITS"], fail),
                  _assignments(values["ASSIGNMENTS"], fail, zone, default_policy),
                  values["HIDDEN_VISIBILITY"], zone, _path(values["ROSTER"], "ROSTER", path, fail),
                  _path(values["EXTENSIONS"], "EXTENSIONS", path, fail))


def _path(value, name, config, fail):
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        fail(f"{name} must be a path (relative to course_config.py) or None")
    return (Path(config).parent / value).resolve()


def parse_time(text, zone):
    """'2026-10-20 23:59' (in ``zone``) or ISO 8601 with an offset -> an aware datetime;
    ValueError when it is neither."""
    moment = datetime.fromisoformat(str(text).strip())
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _late_policy(spec, where, fail):
    if spec is None:
        return None
    if not isinstance(spec, dict):
        fail(f"{where} must be a dict ({', '.join(sorted(LATE_KEYS))}) or None")
    for name in sorted(set(spec) - LATE_KEYS, key=str):
        fail(f"{where}[{name!r}] is not a known key (known: {', '.join(sorted(LATE_KEYS))})")
    for name, value in spec.items():
        if value is None and name == "accept_days":
            continue
        if not (isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < float("inf")):
            fail(f"{where}[{name!r}] = {value!r}: must be a number >= 0")
    for name in ("percent_per_day", "max_percent"):
        if spec.get(name, 0) > 100:
            fail(f"{where}[{name!r}] = {spec[name]!r}: a percentage is at most 100")
    return LatePolicy(**spec)


def _positive(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 and value < float("inf")


def _limits(limits, fail):
    if not isinstance(limits, dict):
        fail("LIMITS must be a dict")
    for name in sorted(set(limits) - set(LIMITS)):
        fail(f"LIMITS[{name!r}] is not a known limit (known: {', '.join(LIMITS)})")
    for name in LIMITS:
        if name not in limits:
            fail(f"LIMITS[{name!r}] is missing ({LIMITS[name]})")
        if not _positive(limits[name]):
            fail(f"LIMITS[{name!r}] = {limits[name]!r}: must be a positive number")
    return dict(limits)


def _assignments(assignments, fail, zone=ZoneInfo("Asia/Tokyo"), default_policy=None):
    if not isinstance(assignments, dict) or not assignments:
        fail("ASSIGNMENTS must be a non-empty dict")
    found = {}
    for key, spec in assignments.items():
        where = f"ASSIGNMENTS[{key!r}]"
        if not isinstance(key, str) or not ASSIGNMENT_ID.match(key):
            fail(f"{where}: an assignment id is a letter then letters, digits or _")
        if not isinstance(spec, dict):
            fail(f"{where} must be a dict with 'title' and 'points'")
        for name in sorted(set(spec) - ASSIGNMENT_KEYS, key=str):
            fail(f"{where}[{name!r}] is not a known key (known: {', '.join(sorted(ASSIGNMENT_KEYS))})")
        if not isinstance(spec.get("title", key), str):
            fail(f"{where}['title'] must be a string")
        points = spec.get("points")
        if not isinstance(points, dict) or not points:
            fail(f"{where}['points'] is missing or empty")
        for check, value in points.items():
            if not isinstance(check, str) or not CHECK_ID.match(check):
                fail(f"{where}['points'][{check!r}]: a check id is '<function>::<check>'")
            if not _positive(value):
                fail(f"{where}['points'][{check!r}] = {value!r}: points must be a positive number")
        due = spec.get("due")
        if due is not None:
            try:
                due = parse_time(due, zone)
            except (TypeError, ValueError):
                fail(f"{where}['due'] = {due!r}: a date-time like '2026-10-20 23:59' (in TIME_ZONE) "
                     "or ISO 8601 with an offset")
        policy = default_policy
        if "late_policy" in spec:
            policy = _late_policy(spec["late_policy"], f"{where}['late_policy']", fail)
        written = spec.get("written", {})
        if not isinstance(written, dict):
            fail(f"{where}['written'] must be a dict: nbgrader grade_id of the answer cell -> points")
        for part, value in written.items():
            if not isinstance(part, str) or not re.match(r"^[A-Za-z_][\w-]*$", part):
                fail(f"{where}['written'][{part!r}]: a part id is the nbgrader grade_id of its cell")
            if not _positive(value):
                fail(f"{where}['written'][{part!r}] = {value!r}: points must be a positive number")
            if any(function_of(check) == part for check in points):
                fail(f"{where}['written'][{part!r}]: the same id as an autograded function")
        weight = spec.get("weight", 1.0)
        if not _positive(weight):
            fail(f"{where}['weight'] = {weight!r}: must be a positive number")
        found[key] = Assignment(key, spec.get("title", key), dict(points), due=due, late_policy=policy,
                                written=dict(written), weight=float(weight))
    return found
