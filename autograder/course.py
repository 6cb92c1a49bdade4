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
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError, UsageError  # noqa: F401  (UsageError: imported from here too)

PACKAGE = Path(__file__).parent
GRADERS = PACKAGE / "graders"
CONFIG_NAME = "course_config.py"

LANGS = ("ja", "en", "ja+en")
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")   # Gradescope's
LIMITS = {            # name -> what it bounds (course_config.py documents the values)
    "cell_seconds": "wall time for one notebook cell / top-level statement",
    "check_seconds": "wall time for one question a check asks",
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
class Assignment:
    id: str
    title: str
    points: dict              # check id ("<function>::<check>") -> points, in the config's order
    graders_root: Path = GRADERS

    @property
    def graders(self):
        """graders/<id>/: the checks (test_*.py), probes.py, misconceptions.py, messages.toml."""
        return self.graders_root / self.id

    @property
    def probes(self):
        return self.graders / "probes.py"

    @property
    def max_score(self):
        return float(sum(self.points.values()))

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
OPTIONAL = {"HIDDEN_VISIBILITY": "after_published"}
ASSIGNMENT_KEYS = {"title", "points"}


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
    return Course(values["COURSE_ID"], Path(path), values["LANG"], _limits(values["LIMITS"], fail),
                  _assignments(values["ASSIGNMENTS"], fail), values["HIDDEN_VISIBILITY"])


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


def _assignments(assignments, fail):
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
        found[key] = Assignment(key, spec.get("title", key), dict(points))
    return found
