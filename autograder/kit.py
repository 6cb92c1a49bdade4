"""``python -m autograder student-kit --output DIR [--assignment ID]...``: what students
receive, and nothing more.  With ``--assignment`` (repeatable) only those assignments:
a course that releases week by week hands out nothing of next week's.

    DIR/README.md                     how to fill, check and submit (ja/en)
    DIR/course_config.py              the course settings: the kit's assignments, public checks' points only
    DIR/<assignment>/<assignment>.ipynb   the released notebooks (assignments/)
    DIR/autograder/                   the engine, and per assignment only the public checks
                                      with the probes and messages they need
    DIR/autograder_selfcheck-<version>-py3-none-any.whl
                                      the same self-check as one installable file, course_config.py
                                      inside the package: where a folder cannot go (Google Colab), the
                                      notebook's setup cell finds it beside the notebook and installs it
    DIR/.github/workflows/selfcheck.yml   runs the self-check on every push (GitHub Classroom)

Never solutions, hidden checks or this repository's tests.
"""
import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .course import CONFIG_NAME, GRADERS
from .errors import GraderBug, UsageError
from .files import engine_files
from .judge import collect_checks

INSTRUCTOR_ONLY = {"kit.py", "classreport.py", "gradescope.py", "lms.py", "moodle.py", "overrides.py",
                   "finish.py", "final.py", "late.py", "roster.py", "written.py", "gradebook.py",
                   "executors.py", "authoring.py"}
HIDDEN_ONLY = ("reference.py",       # a grader folder's reference answers, for hidden checks only
               "written.toml")       # the rubric TAs mark written answers by
KIT_FILES = Path(__file__).parent / "kit_files"
WHEEL_NAME = "autograder_selfcheck"  # every notebook's setup cell looks for autograder_selfcheck-*.whl
WHEEL_PROJECT = """[build-system]
requires = ["setuptools>=70.1"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
description = "The public self-check of a course's notebooks (student kit)"
requires-python = ">=3.11"
dependencies = ["numpy>=1.26", "pytest>=8"]

[tool.setuptools.packages.find]
include = ["autograder*"]

[tool.setuptools.package-data]
"*" = ["*"]
"""


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


def _copy_public_graders(assignments, target):
    """Each assignment's public checks (as the judge collects them) with what they need;
    returns {assignment: {public check: points}}."""
    graders = target / "autograder" / "graders"
    graders.mkdir(parents=True, exist_ok=True)
    shutil.copy2(GRADERS / "__init__.py", graders / "__init__.py")
    public_points = {}
    for assignment in assignments:
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
    (target / CONFIG_NAME).write_text(text, encoding="utf-8")


def build_wheel(kit):
    """The kit's autograder/ and course_config.py as one wheel (course_config.py inside the
    package, where course.find_config looks), built by pip and setuptools from a temporary
    project, offline.  Its version ends in a hash of its content, so the setup cell
    reinstalls exactly when the kit has changed.  Returns the wheel's path in ``kit``."""
    kit = Path(kit)
    for old in kit.glob(f"{WHEEL_NAME}-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="selfcheck-wheel-") as scratch:
        project = Path(scratch) / "project"
        shutil.copytree(kit / "autograder", project / "autograder",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        shutil.copy2(kit / CONFIG_NAME, project / "autograder" / CONFIG_NAME)
        digest = hashlib.sha256()
        for path in sorted(p for p in (project / "autograder").rglob("*") if p.is_file()):
            digest.update(path.relative_to(project).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        (project / "pyproject.toml").write_text(
            WHEEL_PROJECT.format(name=WHEEL_NAME, version=f"1.0+{digest.hexdigest()[:12]}"), encoding="utf-8")
        built = Path(scratch) / "dist"
        done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                               "--no-index", "--disable-pip-version-check", "--quiet", "--wheel-dir", str(built),
                               str(project)], capture_output=True, text=True, cwd=scratch)
        wheels = sorted(built.glob(f"{WHEEL_NAME}-*.whl")) if built.is_dir() else []
        if done.returncode != 0 or len(wheels) != 1:
            last = " | ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
            raise UsageError(f"could not build the self-check wheel with pip and setuptools ({last}); it needs "
                             "setuptools>=70.1 in this environment: pip install 'setuptools>=70.1'")
        return Path(shutil.copy2(wheels[0], kit / wheels[0].name))


def build_kit(course, target, release_root=None, assignments=None):
    """Write the kit to ``target``: every assignment of the course, or only ``assignments``
    (ids).  Returns ``target``."""
    target = Path(target)
    release_root = Path(release_root or course.path.parent / "assignments")
    chosen = [course.assignment(a) for a in dict.fromkeys(assignments)] if assignments \
        else list(course.assignments.values())
    target.mkdir(parents=True, exist_ok=True)
    if (target / "autograder").exists():
        shutil.rmtree(target / "autograder")
    _copy_engine(target)
    _write_config(course, target, _copy_public_graders(chosen, target))
    for assignment in chosen:
        released = release_root / assignment.id / f"{assignment.id}.ipynb"
        if released.exists():
            (target / assignment.id).mkdir(exist_ok=True)
            shutil.copy2(released, target / assignment.id / released.name)
    if KIT_FILES.exists():
        shutil.copytree(KIT_FILES, target, dirs_exist_ok=True)
    build_wheel(target)
    return target
