"""``python -m autograder student-kit --output DIR``: what students receive, and nothing more.

    DIR/README.md                     how to fill, check and submit (ja/en)
    DIR/course_config.py              the course settings, public checks' points only
    DIR/<assignment>/<assignment>.ipynb   the released notebooks (assignments/)
    DIR/autograder/                   the engine, and per assignment only the public checks
                                      with the probes and messages they need
    DIR/.github/workflows/selfcheck.yml   runs the self-check on every push (GitHub Classroom)

Never solutions, hidden checks or this repository's tests.
"""
import ast
import shutil
from pathlib import Path

from .course import GRADERS, PACKAGE

INSTRUCTOR_ONLY = {"kit.py", "classreport.py", "gradescope.py", "lms.py", "overrides.py"}
GRADER_SUPPORT = ("__init__.py", "probes.py", "misconceptions.py", "messages.toml")
KIT_FILES = Path(__file__).parent / "kit_files"


def is_public(node):
    return any("public" in ast.unparse(decorator) for decorator in node.decorator_list)


def public_checks_only(source):
    """The test module's source with every check that is not marked public cut out."""
    tree = ast.parse(source)
    module_public = any(isinstance(node, ast.Assign) and "pytestmark" in ast.unparse(node.targets[0])
                        and "public" in ast.unparse(node.value) for node in tree.body)
    if module_public:
        return source
    lines = source.splitlines(keepends=True)
    cut = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and not is_public(node):
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            cut.append((first - 1, node.end_lineno))
    for first, last in reversed(cut):
        del lines[first:last]
    return "".join(lines)


def has_public_checks(source):
    tree = ast.parse(source)
    return any(isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and is_public(node)
               for node in tree.body)


def _copy_engine(target):
    for path in sorted(PACKAGE.rglob("*")):
        relative = path.relative_to(PACKAGE)
        if (relative.parts[0] in ("graders", "kit_files") or "__pycache__" in relative.parts
                or path.name in INSTRUCTOR_ONLY or path.is_dir()):
            continue
        destination = target / "autograder" / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)


def _copy_public_graders(course, target):
    graders = target / "autograder" / "graders"
    graders.mkdir(parents=True, exist_ok=True)
    shutil.copy2(GRADERS / "__init__.py", graders / "__init__.py")
    public_points = {}
    for assignment in course.assignments.values():
        folder = graders / assignment.id
        folder.mkdir(exist_ok=True)
        for name in GRADER_SUPPORT:
            if (assignment.graders / name).exists():
                shutil.copy2(assignment.graders / name, folder / name)
        for test in sorted(assignment.graders.glob("test_*.py")):
            source = test.read_text(encoding="utf-8")
            if has_public_checks(source):
                (folder / test.name).write_text(public_checks_only(source), encoding="utf-8")
        public_points[assignment.id] = _public_points(course, assignment)
    return public_points


def _public_points(course, assignment):
    """Points of the public checks, as the collected graders mark them."""
    public = set()
    for test in assignment.graders.glob("test_*.py"):
        tree = ast.parse(test.read_text(encoding="utf-8"))
        function = None
        for node in tree.body:
            if isinstance(node, ast.Assign) and "pytestmark" in ast.unparse(node.targets[0]):
                function = ast.literal_eval(node.value.args[0])
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and is_public(node):
                marker = next((d for d in node.decorator_list if "grades" in ast.unparse(d)), None)
                owner = ast.literal_eval(marker.args[0]) if marker is not None else function
                public.add(f"{owner}::{node.name[len('test_'):]}")
    return {check: points for check, points in assignment.points.items() if check in public}


def _write_config(course, target, public_points):
    assignments = {key: {"title": course.assignments[key].title, "points": points}
                   for key, points in public_points.items()}
    text = (f'"""Course settings for the self-check (public checks only)."""\n\n'
            f"COURSE_ID = {course.id!r}\nLANG = {course.lang!r}\n"
            f"HIDDEN_VISIBILITY = {course.hidden_visibility!r}\n"
            f"LIMITS = {course.limits!r}\n\nASSIGNMENTS = {assignments!r}\n")
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
