"""The student kit: everything a student needs to self-check, and nothing that gives answers away."""
import ast
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from autograder.course import load_course
from autograder.course import Assignment, ConfigError
from autograder.errors import GraderBug
from autograder.judge import collect_checks
from autograder.kit import INSTRUCTOR_ONLY, build_kit, public_source
from autograder.selfcheck import CHECKS_FAILED

from conftest import ROOT

# Lines that say nothing of an answer: any code may hold them (a bare special method's
# signature, such as a class's ``def __init__(self):``, among them).
TRIVIAL = re.compile(r"^(return \w+|pass|else:|\w+ = \w+|\)|\]|\}|it\.iternext\(\)|def __\w+__\(self\):)$")


def released_lines():
    """Lines students are given anyway (e.g. the book's cross_entropy_error, provided in one
    notebook while it is a stub in another): not a leak."""
    lines = set()
    for path in sorted((ROOT / "assignments").glob("*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            lines.update(line.strip() for line in source.splitlines())
    return lines


def solution_lines():
    """Every substantive line between BEGIN/END SOLUTION in the source notebooks that the
    released notebooks do not already show."""
    lines = set()
    for path in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            inside = False
            for line in source.splitlines():
                stripped = line.strip()
                if "### BEGIN SOLUTION" in stripped:
                    inside = True
                elif "### END SOLUTION" in stripped:
                    inside = False
                elif inside and len(stripped) >= 12 and not stripped.startswith("#") and not TRIVIAL.match(stripped):
                    lines.add(stripped)
    return lines - released_lines()


def hidden_check_names(course):
    """The function names of every hidden check, as the judge collects them."""
    names = set()
    for assignment in course.assignments.values():
        for check in collect_checks(assignment):
            if not check.public:
                source = check.path.read_text(encoding="utf-8").splitlines()[check.lines[0] - 1:check.lines[1]]
                names.update(line.split("def ")[1].split("(")[0] for line in source if line.startswith("def "))
    return names


@pytest.fixture(scope="module")
def kit(tmp_path_factory):
    course = load_course(ROOT / "course_config.py")
    return build_kit(course, tmp_path_factory.mktemp("kit") / "kit")


def kit_texts(kit):
    for path in kit.rglob("*"):
        if path.is_file() and "__pycache__" not in path.parts:
            yield path, path.read_text(encoding="utf-8", errors="replace")


def test_kit_leaks_no_solution_and_no_hidden_check(kit):
    solutions = solution_lines()
    assert solutions, "no solution lines found: are the source notebooks there?"
    hidden = hidden_check_names(load_course(ROOT / "course_config.py"))
    assert hidden
    for path, text in kit_texts(kit):
        leaked = solutions & {line.strip() for line in text.splitlines()}
        assert not leaked, f"solution lines {sorted(leaked)} leaked into {path}"
        for name in hidden:
            assert f"def {name}(" not in text, f"hidden check {name} leaked into {path}"
        assert "BEGIN HIDDEN TESTS" not in text, f"hidden tests leaked into {path}"
        assert "BEGIN SOLUTION" not in text, f"a solution region leaked into {path}"
    assert not (kit / "solutions").exists() and not (kit / "tests").exists()


def test_kit_has_released_notebooks_public_checks_and_workflow(kit):
    course = load_course(ROOT / "course_config.py")
    for assignment in course.assignments:
        assert (kit / assignment / f"{assignment}.ipynb").is_file()
    assert (kit / ".github" / "workflows" / "selfcheck.yml").is_file()
    kit_course = load_course(kit / "course_config.py")
    points = kit_course.assignment("ch04_gradient").points
    assert points and set(points) < set(course.assignment("ch04_gradient").points)


def run_kit(kit, *args):
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=kit, capture_output=True,
                          text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "HOME": str(kit)})


def test_kit_self_check_runs_on_its_own_engine(kit):
    """From the kit folder: the kit's own package answers, public checks only."""
    released = run_kit(kit, "check", "ch04_gradient/ch04_gradient.ipynb")
    assert released.returncode == CHECKS_FAILED == 3, released.stderr
    assert "[FAIL] numerical_diff" in released.stdout and "NotImplementedError" in released.stdout
    solved = kit / "solved.ipynb"
    solved.write_bytes((ROOT / "solutions" / "ch04_gradient" / "ch04_gradient.ipynb").read_bytes())
    done = run_kit(kit, "check", "solved.ipynb", "--assignment", "ch04_gradient")
    assert done.returncode == 0, done.stderr
    public_total = sum(load_course(kit / "course_config.py").assignment("ch04_gradient").points.values())
    assert f"solved: 公開チェック / public checks: {public_total:g} / {public_total:g}" in done.stdout
    where = subprocess.run([sys.executable, "-c", "import autograder; print(autograder.__file__)"],
                           cwd=kit, capture_output=True, text=True)
    assert where.stdout.strip().startswith(str(kit))


WITHOUT_UNIX = """import os, runpy, sys
del os.fork                                     # as on Windows: no fork, no Unix-only modules
for name in ("resource", "fcntl", "termios", "pwd", "grp"):
    sys.modules[name] = None
sys.argv = ["autograder"] + sys.argv[1:]
runpy.run_module("autograder", run_name="__main__", alter_sys=True)
"""


def test_kit_self_check_without_fork_or_unix_modules(kit):
    """As on Windows: the notebook runs in the checking process, and a stub or a wrong
    answer still gets its message (the engine needs no Unix-only module for that)."""
    (kit / "without_unix.py").write_text(WITHOUT_UNIX, encoding="utf-8")
    solved = json.loads((ROOT / "solutions" / "ch04_gradient" / "ch04_gradient.ipynb").read_text(encoding="utf-8"))
    for cell in solved["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        cell["source"] = source.replace("(f(x + h) - f(x - h)) / (2 * h)", "(f(x + h) - f(x)) / h")
    (kit / "forward.ipynb").write_text(json.dumps(solved), encoding="utf-8")
    for notebook, expected in (("ch04_gradient/ch04_gradient.ipynb", "NotImplementedError"),
                               ("forward.ipynb", "forward difference")):
        done = subprocess.run([sys.executable, "without_unix.py", "check", notebook, "--assignment", "ch04_gradient"],
                              cwd=kit, capture_output=True, text=True, timeout=300,
                              env={"PATH": "/usr/bin:/bin", "HOME": str(kit)})
        assert done.returncode == CHECKS_FAILED, done.stderr
        assert "[FAIL] numerical_diff" in done.stdout and expected in done.stdout, done.stdout
        assert done.stdout.startswith(f"{notebook.split('/')[-1][:-6]}:"), "what the cells print is not shown"


TOY_CHECKS = """import pytest

pytestmark = [pytest.mark.grades("double")]


@pytest.mark.public
def test_small(student):
    assert student is not None


@pytest.mark.parametrize("n", [1, 2])
@pytest.mark.skipif(False, reason="never")
def test_secret(student, n):
    secret_value = 41 + n


def helper():
    return "kept"
"""


def toy(tmp_path, checks=TOY_CHECKS, points=None, name="toy"):
    """An assignment whose one check file is ``checks``, graded from a folder of its own
    (each with its own name: pytest imports a check module once per process)."""
    folder = tmp_path / name
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "test_double.py").write_text(checks, encoding="utf-8")
    points = points or {"double::small": 1, "double::secret[1]": 1, "double::secret[2]": 1}
    return Assignment(name, name, points, graders_root=tmp_path)


def test_the_kit_asks_the_judge_which_checks_are_public(tmp_path):
    """A module-level ``pytestmark`` list names the function (the form kit.py once parsed
    by hand and crashed on); parametrized hidden checks are cut with their decorators."""
    assignment = toy(tmp_path)
    checks = collect_checks(assignment)
    assert [(c.id, c.function, c.public) for c in checks] == [
        ("double::small", "double", True), ("double::secret[1]", "double", False),
        ("double::secret[2]", "double", False)]
    kept = public_source(checks[0].path, checks)
    assert "def test_small" in kept and "def helper" in kept and 'pytestmark = [pytest.mark.grades("double")]' in kept
    assert "secret" not in kept and "parametrize" not in kept and "skipif" not in kept
    compile(kept, "kept", "exec")


def test_a_module_marked_public_ships_whole_and_one_without_public_checks_not_at_all(tmp_path):
    public = TOY_CHECKS.replace('pytestmark = [pytest.mark.grades("double")]',
                                'pytestmark = [pytest.mark.grades("double"), pytest.mark.public]')
    checks = collect_checks(toy(tmp_path, public, name="toy_public"))
    assert all(c.public for c in checks)
    assert public_source(checks[0].path, checks) == public
    hidden = TOY_CHECKS.replace("@pytest.mark.public\n", "")
    checks = collect_checks(toy(tmp_path, hidden, name="toy_hidden"))
    assert public_source(checks[0].path, checks) is None


def test_a_check_file_that_cannot_be_imported_is_named_with_its_error(tmp_path):
    broken = "import pytest\nimport no_such_module_here\n" + TOY_CHECKS.split("\n", 1)[1]
    with pytest.raises(GraderBug, match="the graders of toy_broken could not be loaded: "
                                        "ModuleNotFoundError: No module named 'no_such_module_here'"):
        collect_checks(toy(tmp_path, broken, name="toy_broken"))


def test_checks_and_points_must_agree(tmp_path):
    points = {"double::small": 1, "double::secret[1]": 1, "double::gone": 2}
    with pytest.raises(ConfigError, match=r"checks without points: double::secret\[2\]\. "
                                          r"points for no check: double::gone"):
        collect_checks(toy(tmp_path, points=points, name="toy_points"))


# ----- one assignment at a time, the wheel, the workflow -----
def code_of(line):
    """A line without its comment and indentation."""
    return line.split("#")[0].strip()


def code_lines(path, answers_only=False):
    """The substantive lines of a notebook's code cells (code_of; not trivial); with
    ``answers_only``, of its answer and given-functions cells only."""
    lines = set()
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if cell["cell_type"] == "code" and (not answers_only or meta.get("solution")
                                             or meta.get("grade_id") == "given_functions"):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            lines.update(s for line in source.splitlines() if len(s := code_of(line)) >= 12 and not TRIVIAL.match(s))
    return lines


def kit_and_wheel_texts(kit):
    """Every file of the kit and every file inside its wheel: (name, text)."""
    yield from ((str(path), text) for path, text in kit_texts(kit) if path.suffix != ".whl")
    for wheel in kit.glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                yield f"{wheel.name}!{name}", archive.read(name).decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def loss_kit(tmp_path_factory):
    """``student-kit --assignment ch04_loss``, as the instructor runs it in week 1."""
    target = tmp_path_factory.mktemp("week1") / "kit"
    done = subprocess.run([sys.executable, "-m", "autograder", "student-kit", "--output", str(target),
                           "--assignment", "ch04_loss"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return target


def test_a_kit_of_one_assignment_holds_nothing_of_the_others(loss_kit):
    """Week 1's kit: ch04_loss's notebook and public checks only.  No line of another
    assignment's answers or given functions (ch04_gradient gives softmax and
    cross_entropy_error, ch04_loss answers; ch04_training gives numerical_gradient, a
    ch04_gradient answer) in any file of the kit or of its wheel, no file of another
    assignment, and no instructor-only module."""
    others = [a for a in load_course(ROOT / "course_config.py").assignments if a != "ch04_loss"]
    assert sorted(p.name for p in loss_kit.iterdir() if p.is_dir()) == [".github", "autograder", "ch04_loss"]
    assert sorted(p.name for p in (loss_kit / "autograder" / "graders").iterdir()) == ["__init__.py", "ch04_loss"]
    assert list(load_course(loss_kit / "course_config.py").assignments) == ["ch04_loss"]
    theirs = set().union(*(code_lines(ROOT / folder / a / f"{a}.ipynb", answers_only=True)
                           for a in others for folder in ("assignments", "solutions")))
    theirs -= code_lines(ROOT / "assignments" / "ch04_loss" / "ch04_loss.ipynb")
    assert "a = a - np.max(a, axis=-1, keepdims=True)" in theirs     # ch04_gradient's given softmax
    texts = list(kit_and_wheel_texts(loss_kit))
    assert any(name.endswith("!autograder/course_config.py") for name, _ in texts)
    for name, text in texts:
        leaked = theirs & {code_of(line) for line in text.splitlines()}
        assert not leaked, f"{name} holds lines of other assignments: {sorted(leaked)[:5]}"
        assert not any(other in name for other in others), f"{name} belongs to another assignment"
    names = {Path(name.split("!")[-1]).name for name, _ in texts}
    assert not names & INSTRUCTOR_ONLY
    assert {"final.py", "late.py", "roster.py", "written.py", "moodle.py", "gradebook.py", "finish.py"} <= INSTRUCTOR_ONLY


def test_the_wheel_is_the_kits_autograder_folder_with_the_course_config_inside(kit):
    [wheel] = kit.glob("autograder_selfcheck-*-py3-none-any.whl")
    folder = {path.relative_to(kit).as_posix(): path.read_bytes()
              for path in (kit / "autograder").rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    folder["autograder/course_config.py"] = (kit / "course_config.py").read_bytes()
    with zipfile.ZipFile(wheel) as archive:
        packaged = {name: archive.read(name) for name in archive.namelist() if name.startswith("autograder/")}
        [meta] = [name for name in archive.namelist() if name.endswith(".dist-info/METADATA")]
        requires = [line for line in archive.read(meta).decode().splitlines() if line.startswith("Requires-Dist")]
    assert packaged == folder
    assert requires == ["Requires-Dist: numpy>=1.26", "Requires-Dist: pytest>=8"]


def test_the_wheels_version_changes_with_its_content(kit, loss_kit):
    """The setup cell reinstalls exactly when the version differs: a kit with other content
    has another version; the same kit built again has the same one."""
    [full] = kit.glob("autograder_selfcheck-*.whl")
    [week1] = loss_kit.glob("autograder_selfcheck-*.whl")
    assert full.name != week1.name
    again = build_kit(load_course(ROOT / "course_config.py"), kit.parent / "again")
    assert [p.name for p in again.glob("autograder_selfcheck-*.whl")] == [full.name]


def workflow_script():
    workflow = yaml.safe_load((ROOT / "autograder" / "kit_files" / ".github" / "workflows" / "selfcheck.yml")
                              .read_text(encoding="utf-8"))
    [step] = [s for s in workflow["jobs"]["selfcheck"]["steps"] if s.get("name") == "Public checks"]
    assert step["shell"] == "bash"         # GitHub runs it as bash --noprofile --norc -eo pipefail
    return step["run"]


def test_the_kits_workflow_checks_every_notebook_and_fails_at_the_end(tmp_path):
    """A failing notebook first (ch04_activation, the release) does not stop the loop: the
    passing one after it (ch04_loss, answered) is checked and summarised too, then the job
    fails; with both answered it passes."""
    kit = build_kit(load_course(ROOT / "course_config.py"), tmp_path / "kit",
                    assignments=["ch04_activation", "ch04_loss"])
    shutil.copy(ROOT / "solutions" / "ch04_loss" / "ch04_loss.ipynb", kit / "ch04_loss" / "ch04_loss.ipynb")
    (kit / "run.sh").write_text(workflow_script(), encoding="utf-8")
    shims = tmp_path / "bin"
    shims.mkdir()
    (shims / "python").write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')     # as setup-python puts it
    (shims / "python").chmod(0o755)
    summary = tmp_path / "summary.md"

    def run_workflow():
        summary.write_text("")
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "run.sh"], cwd=kit,
                              capture_output=True, text=True, timeout=600,
                              env={"PATH": f"{shims}:/usr/bin:/bin", "HOME": str(tmp_path),
                                   "GITHUB_STEP_SUMMARY": str(summary)})

    failing = run_workflow()
    assert failing.returncode != 0, failing.stdout + failing.stderr
    text = summary.read_text(encoding="utf-8")
    assert "### ch04_activation/ch04_activation.ipynb" in text and "### ch04_loss/ch04_loss.ipynb" in text
    assert "[FAIL] collapse_linear" in text and "[PASS] softmax" in text, text
    assert "::error::ch04_activation/ch04_activation.ipynb" in failing.stdout
    assert "ch04_loss/ch04_loss.ipynb" not in failing.stdout.split("public checks failed in:")[1]
    shutil.copy(ROOT / "solutions" / "ch04_activation" / "ch04_activation.ipynb",
                kit / "ch04_activation" / "ch04_activation.ipynb")
    passing = run_workflow()
    assert passing.returncode == 0, passing.stdout + passing.stderr


def test_readmes_list_what_a_student_installs_and_the_exit_statuses():
    """Without matplotlib-fontja every figure cell prints dozens of glyph warnings; without
    scikit-learn ch04_training has no data: both READMEs say so.  `check`'s exit status 3
    is documented where students and instructors read."""
    kit_readme = (ROOT / "autograder" / "kit_files" / "README.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    students = readme.split("## For students")[1].split("\n## ")[0]
    for text in (kit_readme, students):
        for package in ("jupyter", "numpy", "matplotlib", "matplotlib-fontja", "pytest", "scikit-learn",
                        "autograder_selfcheck-"):
            assert package in text.lower(), package
        assert re.search(r"exit status.{0,80}\b3\b", text, re.S | re.I), text
    exit_statuses = readme.split("Exit status:")[1]
    assert "**3**" in exit_statuses and "check" in exit_statuses.split("**3**")[1][:200]
    import autograder.cli
    assert "3 ``check`` only: a public check failed" in autograder.cli.__doc__
