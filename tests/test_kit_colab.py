"""The student kit where a student has only a notebook (Google Colab): a fresh environment
with only what Colab has (tests/colab.py), a folder holding the notebook (a renamed copy, as
Colab's "save a copy" makes) and, or not, the kit's wheel; the notebook run top to bottom
by nbclient in that environment's kernel, offline (PIP_NO_INDEX).
"""
import os
import shutil
import subprocess

import nbformat
import pytest
from nbclient import NotebookClient

from colab import colab_environment, kernel_manager, outputs
from conftest import ROOT
from nbgrader_course import answered, read, solution_bodies, write

from autograder.course import load_course
from autograder.kit import WHEEL_NAME, build_kit

ASSIGNMENT = "ch04_gradient"
FORWARD_DIFF = '''
h = 1e-4
return (f(x + h) - f(x)) / h
'''
NO_KIT = "To use the self-check, put the student kit's autograder_selfcheck-"
NOT_SET_UP = "The self-check is not set up: see the message of the first cell (Setup)"


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """(python, folder): the Colab-like environment, built once for this module."""
    folder = tmp_path_factory.mktemp("colab")
    return colab_environment(folder), folder


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    """{assignment: the wheel of a kit of that assignment only}."""
    course = load_course(ROOT / "course_config.py")
    built = {}
    for assignment in (ASSIGNMENT, "ch04_loss"):
        kit = build_kit(course, tmp_path_factory.mktemp("kit") / "kit", assignments=[assignment])
        [built[assignment]] = kit.glob(f"{WHEEL_NAME}-*.whl")
    return built


def environment(python, home):
    home.mkdir(exist_ok=True)
    return {"PATH": f"{python.parent}{os.pathsep}/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
            "PIP_NO_INDEX": "1"}     # offline: the wheel must install from what is there


def uninstall(python):
    subprocess.run([str(python), "-m", "pip", "uninstall", "--yes", "--quiet", WHEEL_NAME],
                   capture_output=True, timeout=120)


def student_notebook(body=None):
    """The release with every stub answered (``numerical_diff`` by ``body``, if given)."""
    bodies = solution_bodies(read(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    if body:
        bodies["numerical_diff"] = body
    return answered(read(ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), bodies)


def run_all(python, folder, notebook_path, home):
    """Restart & Run All in the Colab-like kernel, the notebook's folder as working folder
    (as Colab's /content); raises if a cell raises.  Returns each code cell's output."""
    notebook = nbformat.read(notebook_path, as_version=4)
    client = NotebookClient(notebook, km=kernel_manager(python, home), timeout=300,
                            resources={"metadata": {"path": str(folder)}})
    client.execute(env=environment(python, home))
    return outputs(notebook)


def by_grade_id(notebook_path, texts):
    cells = [c for c in read(notebook_path)["cells"] if c["cell_type"] == "code"]
    return {c["metadata"].get("nbgrader", {}).get("grade_id", f"cell {n}"): text
            for n, (c, text) in enumerate(zip(cells, texts))}, texts[-1]


def test_colab_with_the_notebook_and_the_wheel_only(colab, wheels, tmp_path):
    """The setup cell installs the wheel offline from the notebook's folder; every check
    cell and the last cell print verdicts; `check` in that environment recognises the
    renamed copy and exits 3 on a failing public check, 0 when all pass."""
    python, built = colab
    uninstall(python)
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(wheels[ASSIGNMENT], content)
    path = content / f"Copy of {ASSIGNMENT}.ipynb"
    write(path, student_notebook(FORWARD_DIFF))
    cells, last = by_grade_id(path, run_all(python, content, path, tmp_path / "home"))
    assert "Installing the self-check" in cells["setup"], cells["setup"]
    assert "[FAIL] numerical_diff" in cells["test_numerical_diff"] and "forward" in cells["test_numerical_diff"]
    for function in ("numerical_gradient", "gradient_descent", "simpleNet_loss"):
        assert "[PASS]" in cells[f"test_{function}"], cells[f"test_{function}"]
    functions = load_course().assignment(ASSIGNMENT).function_points()
    assert "[FAIL] numerical_diff" in last and last.count("[PASS]") == len(functions) - 1, last
    assert sorted(p.name for p in content.iterdir()) == sorted([path.name, wheels[ASSIGNMENT].name])

    env = environment(python, tmp_path / "home")
    where = subprocess.run([str(python), "-c", "import autograder; print(autograder.__file__)"], cwd=content,
                           env=env, capture_output=True, text=True, timeout=60)
    assert where.stdout.startswith(str(python.parent.parent)), where.stdout + where.stderr   # the venv's copy
    failing = subprocess.run([str(python), "-m", "autograder", "check", path.name], cwd=content, env=env,
                             capture_output=True, text=True, timeout=300)
    assert failing.returncode == 3, failing.stdout + failing.stderr
    assert "[FAIL] numerical_diff" in failing.stdout
    right = content / f"{ASSIGNMENT} のコピー.ipynb"
    write(right, student_notebook())
    passing = subprocess.run([str(python), "-m", "autograder", "check", right.name], cwd=content, env=env,
                             capture_output=True, text=True, timeout=300)
    assert passing.returncode == 0, passing.stdout + passing.stderr


def test_colab_with_the_notebook_only(colab, tmp_path):
    """No wheel: the setup cell says in Japanese and English what to do, every check cell
    points to it, and Run All reaches the end."""
    python, _ = colab
    uninstall(python)
    content = tmp_path / "content"
    content.mkdir()
    path = content / f"Copy of {ASSIGNMENT}.ipynb"
    write(path, student_notebook())
    cells, last = by_grade_id(path, run_all(python, content, path, tmp_path / "home"))
    assert "学生キットの autograder_selfcheck-" in cells["setup"] and NO_KIT in cells["setup"], cells["setup"]
    checks = [text for grade_id, text in cells.items() if grade_id.startswith("test_")]
    assert len(checks) == len(load_course().assignment(ASSIGNMENT).function_points())   # a test cell each
    for text in checks + [last]:
        assert NOT_SET_UP in text and "自己チェックの準備ができていません" in text, text
        assert "Traceback" not in text and "Error" not in text, text


SETUP_ONLY = """import json, sys
cells = json.load(open(sys.argv[1], encoding="utf-8"))["cells"]
exec("".join(next(c for c in cells if c["cell_type"] == "code")["source"]))
from importlib.metadata import version
from autograder.course import load_course
print(version("autograder_selfcheck"), sorted(load_course().assignments))
"""


def test_a_new_wheel_replaces_the_installed_one_and_a_second_upload_is_recognised(colab, wheels, tmp_path):
    """Week 1's kit installed, then week 2's wheel uploaded (Colab names a second upload of
    one file "… (1).whl", which pip would refuse): the setup cell installs the newer one.
    Run again with the same wheel, it installs nothing."""
    python, _ = colab
    uninstall(python)
    content = tmp_path / "content"
    content.mkdir()
    notebook = ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    (content / "setup_only.py").write_text(SETUP_ONLY, encoding="utf-8")
    env = environment(python, tmp_path / "home")

    def setup():
        done = subprocess.run([str(python), "setup_only.py", str(notebook)], cwd=content, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    week1 = shutil.copy(wheels["ch04_loss"], content)
    first = setup()
    assert "Installing the self-check" in first and "['ch04_loss']" in first, first
    os.unlink(week1)
    renamed = content / wheels[ASSIGNMENT].name.replace(".whl", " (1).whl")
    shutil.copy(wheels[ASSIGNMENT], renamed)
    second = setup()
    version = wheels[ASSIGNMENT].name.split("-")[1]
    assert "Installing the self-check" in second and f"{version} ['{ASSIGNMENT}']" in second, second
    again = setup()
    assert "Installing" not in again and f"{version} ['{ASSIGNMENT}']" in again, again
