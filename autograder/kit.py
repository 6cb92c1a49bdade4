"""``python -m autograder student-kit --output DIR``: what students receive, and nothing more.

    DIR/README.md                     how to fill, check and submit (ja/en)
    DIR/course_config.py              the course settings, public checks' points only
    DIR/<assignment>/<assignment>.ipynb   the released notebooks (assignments/)
    DIR/autograder/                   the engine, and per assignment only the public checks
                                      with the probes and messages they need
    DIR/.github/workflows/selfcheck.yml   runs the self-check on every push (GitHub Classroom)

Never solutions, hidden checks or this repository's tests.
"""
import shutil
from pathlib import Path

from .course import GRADERS
from .errors import GraderBug
from .files import engine_files
from .judge import collect_checks

INSTRUCTOR_ONLY = {"kit.py", "classreport.py", "gradescope.py", "lms.py", "overrides.py", "finish.py",
                   "executors.py", "authoring.py", "final.py", "late.py", "roster.py", "written.py",
                   "moodle.py", "gradebook.py"}
HIDDEN_ONLY = ("reference.py",       # a grader folder's reference answers, for hidden checks only
               "written.toml")       # the rubric TAs mark written answers by
KIT_FILES = Path(__file__).parent / "kit_files"


def public_source(path, checks):
    """The text of a check file with every check that is not public cut out (its decorators
    too); ``checks`` are the file's collected checks.  None when none of them is public."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    public = {check.lines for check in checks if check.public}
    hidden = {check.lines for check in checks if not check.public}
    if not public:
        return None
    mixed = public & hidden
    if mixed:
        raise GraderBug(f"{path}: a check function at lines {min(mixed)[0]}-{min(mixed)[1]} has public and "
                        "hidden cases; give the public cases a function of their own")
    for first, last in sorted(hidden, reverse=True):
        del lines[first - 1:last]
    return "".join(lines)


def _copy_engine(target):
    for relative, path in engine_files(INSTRUCTOR_ONLY):
        destination = target / "autograder" / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)


def _copy_public_graders(course, target):
    """Each assignment's public checks (as the judge collects them) with what they need;
    returns {assignment: {public check: points}}."""
    graders = target / "autograder" / "graders"
    graders.mkdir(parents=True, exist_ok=True)
    shutil.copy2(GRADERS / "__init__.py", graders / "__init__.py")
    public_points = {}
    for assignment in course.assignments.values():
        folder = graders / assignment.id
        folder.mkdir(exist_ok=True)
        for path in sorted(assignment.graders.iterdir()):     # probes, misconceptions, messages, ...
            if path.is_file() and not path.name.startswith(("test_", ".")) and path.name not in HIDDEN_ONLY:
                shutil.copy2(path, folder / path.name)
        checks = collect_checks(assignment)
        for path in sorted({check.path for check in checks}):
            text = public_source(path, [check for check in checks if check.path == path])
            if text is not None:
                (folder / path.name).write_text(text, encoding="utf-8")
        public = {check.id: assignment.points[check.id] for check in checks if check.public}
        if public:
            public_points[assignment.id] = public
    return public_points


def _write_config(course, target, public_points):
    text = course.config_text("Course settings for the self-check (public checks only).", public_points)
    (target / "course_config.py").write_text(text, encoding="utf-8")


def build_kit(course, target, release_root=None):
    target = Path(target)
    release_root = Path(release_root or course.path.parent / "assignments")
    target.mkdir(parents=True, exist_ok=True)
    if (target / "autograder").exists():
        shutil.rmtree(target / "autograder")
    _copy_engine(target)
    _write_config(course, target, _copy_public_graders(course, target))
    for assignment in course.assignments.values():
        released = release_root / assignment.id / f"{assignment.id}.ipynb"
        if released.exists():
            (target / assignment.id).mkdir(exist_ok=True)
            shutil.copy2(released, target / assignment.id / released.name)
    if KIT_FILES.exists():
        shutil.copytree(KIT_FILES, target, dirs_exist_ok=True)
    return target
