"""The course settings (course_config.py), found from any folder of the repository."""
import runpy
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).parent
GRADERS = PACKAGE / "graders"
CONFIG_NAME = "course_config.py"


class UsageError(Exception):
    """A mistake in how the command was called: one line, exit status 2."""


@dataclass(frozen=True)
class Assignment:
    id: str
    title: str
    points: dict              # check id -> points

    @property
    def graders(self):
        return GRADERS / self.id

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
            function = check.split("::")[0]
            totals[function] = totals.get(function, 0) + points
        return totals


@dataclass(frozen=True)
class Course:
    id: str
    path: Path
    lang: str
    hidden_visibility: str
    limits: dict
    assignments: dict         # id -> Assignment

    def assignment(self, assignment_id):
        if assignment_id not in self.assignments:
            known = ", ".join(sorted(self.assignments)) or "none"
            raise UsageError(f"unknown assignment '{assignment_id}' (course_config.py lists: {known})")
        return self.assignments[assignment_id]


def find_config(start=None):
    """course_config.py in ``start`` or a parent folder, else beside this package."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    beside = PACKAGE.parent / CONFIG_NAME
    if beside.is_file():
        return beside
    raise UsageError(f"no {CONFIG_NAME} found in {here} or its parents")


def load_course(path=None):
    path = Path(path) if path else find_config()
    settings = runpy.run_path(str(path))
    assignments = {
        key: Assignment(key, spec.get("title", key), dict(spec["points"]))
        for key, spec in settings.get("ASSIGNMENTS", {}).items()
    }
    return Course(settings.get("COURSE_ID", "course"), path, settings.get("LANG", "ja"),
                  settings.get("HIDDEN_VISIBILITY", "after_published"), dict(settings["LIMITS"]),
                  assignments)
