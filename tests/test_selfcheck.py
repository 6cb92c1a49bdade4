"""The self-check wherever the notebook is and whatever it is called: the assignment is
recognised from the notebook's content (Colab's "Copy of …", "… のコピー"); `check`'s exit
status tells a failing public check (3) from a usage error (2); the last cell names its
assignment; a self-check that cannot start says what to do in Japanese and English."""
import copy
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from nbgrader_course import nbgrader_meta, read, source, write

from autograder.course import load_course
from autograder.errors import UsageError
from autograder.kit import build_kit
from autograder.notebook import _guess_assignment, check_all
from autograder.selfcheck import CHECKS_FAILED, infer_assignment

COURSE = load_course(ROOT / "course_config.py")
ASSIGNMENTS = list(COURSE.assignments)


def release(assignment):
    return read(ROOT / "assignments" / assignment / f"{assignment}.ipynb")


def without_final_check(notebook):
    notebook = copy.deepcopy(notebook)
    notebook["cells"] = [c for c in notebook["cells"] if "check_all(" not in source(c)]
    return notebook


def without_metadata(notebook):
    """As an editor that drops cell metadata would save it."""
    notebook = without_final_check(notebook)
    for cell in notebook["cells"]:
        cell["metadata"] = {}
    return notebook


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
@pytest.mark.parametrize("variant", [lambda nb: nb, without_final_check, without_metadata],
                         ids=["final_check", "grade_ids", "definitions"])
def test_the_assignment_is_recognised_from_the_content_whatever_the_name(assignment, variant, tmp_path):
    """From the final check's id; without it, from the test cells' grade_ids; without
    those, from the graded functions the notebook defines.  Never from the name, which
    here points elsewhere."""
    folder = tmp_path / "content"              # Colab's folder, named after nothing
    other = next(a for a in ASSIGNMENTS if a != assignment)
    for name in (f"Copy of {assignment}.ipynb", f"{assignment} のコピー.ipynb", f"{other}.ipynb"):
        write(folder / name, variant(release(assignment)))
        assert infer_assignment(COURSE, folder / name) == assignment, name


def test_a_script_is_recognised_by_its_definitions(tmp_path):
    script = tmp_path / "mine.py"
    script.write_text("import numpy as np\n\ndef numerical_diff(f, x):\n    h = 1e-4\n\n    return 0\n\n\n"
                      "def numerical_gradient(f, x):\n    return x\n\n"
                      "class simpleNet:\n    pass\n\ndef softmax(a):\n    return a\n", encoding="utf-8")
    assert infer_assignment(COURSE, script) == "ch04_gradient"


def test_a_notebook_that_matches_nothing_is_a_bilingual_usage_error(tmp_path):
    empty = tmp_path / "Untitled.ipynb"
    write(empty, {"cells": [{"cell_type": "code", "metadata": {}, "source": "print(1)", "outputs": []}],
                  "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    with pytest.raises(UsageError, match="Untitled.ipynb がどの課題のノートブックか分かりません.*cannot tell which "
                                         "assignment Untitled.ipynb is: pass --assignment ID"):
        infer_assignment(COURSE, empty)
    (tmp_path / "garbage.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(UsageError):
        infer_assignment(COURSE, tmp_path / "garbage.ipynb")


def run_check(*args, cwd):
    return subprocess.run([sys.executable, "-m", "autograder", "check", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_check_exit_statuses(tmp_path):
    """0: every public check passed; 3: one failed (whatever the file is called);
    2: a notebook of no assignment, in one line, in both languages."""
    shutil.copy(ROOT / "solutions" / "ch04_gradient" / "ch04_gradient.ipynb", tmp_path / "Copy of ch04_gradient.ipynb")
    passed = run_check("Copy of ch04_gradient.ipynb", cwd=tmp_path)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "[PASS] numerical_diff" in passed.stdout
    shutil.copy(ROOT / "assignments" / "ch04_loss" / "ch04_loss.ipynb", tmp_path / "ch04_loss のコピー.ipynb")
    failed = run_check("ch04_loss のコピー.ipynb", cwd=tmp_path)
    assert failed.returncode == CHECKS_FAILED == 3, failed.stdout + failed.stderr
    assert "[FAIL] softmax" in failed.stdout
    write(tmp_path / "Untitled.ipynb", {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    usage = run_check("Untitled.ipynb", cwd=tmp_path)
    assert usage.returncode == 2 and usage.stdout == "", usage.stdout + usage.stderr
    [line] = usage.stderr.splitlines()
    assert "分かりません" in line and "cannot tell which assignment" in line, line


def test_every_notebook_ends_with_the_final_check_of_its_own_assignment():
    for assignment in ASSIGNMENTS:
        for folder in ("solutions", "assignments"):
            code = [c for c in read(ROOT / folder / assignment / f"{assignment}.ipynb")["cells"]
                    if c["cell_type"] == "code"]
            assert source(code[-1]).strip() == f'check_all("{assignment}", globals())', (folder, assignment)


def given_namespace(assignment, stubs=False):
    """What a kernel holds after running the release's given functions (and its stubs)."""
    import numpy as np
    namespace = {"np": np, "__name__": "student_notebook"}
    for cell in release(assignment)["cells"]:
        if nbgrader_meta(cell).get("grade_id") == "given_functions" or (stubs and nbgrader_meta(cell).get("solution")):
            exec(compile(source(cell), "given", "exec"), namespace)
    return namespace


def verdict_functions(printed):
    return [line.split()[1] for line in printed.splitlines() if line.startswith(("[FAIL]", "[PASS]"))]


def test_check_all_with_the_assignment_runs_that_assignments_checks_only(capsys):
    """ch04_gradient's given softmax and cross_entropy_error make a guess pick ch04_loss when
    the student's own cells have not run; the id in the last cell does not guess.  The
    older calls still work."""
    namespace = given_namespace("ch04_gradient")
    assert _guess_assignment(COURSE, namespace) == "ch04_loss"
    check_all("ch04_gradient", namespace)
    assert verdict_functions(capsys.readouterr().out) == list(COURSE.assignment("ch04_gradient").function_points())
    check_all(namespace, assignment="ch04_gradient")
    assert verdict_functions(capsys.readouterr().out) == list(COURSE.assignment("ch04_gradient").function_points())
    check_all(given_namespace("ch04_training", stubs=True))       # guessed: all of its own are defined
    assert verdict_functions(capsys.readouterr().out) == list(COURSE.assignment("ch04_training").function_points())
    with pytest.raises(TypeError, match=r'check_all\("<assignment>", globals\(\)\)'):
        check_all("ch04_gradient")


IN_KERNEL = """from autograder.notebook import check, check_all
check("numerical_diff", {})
check_all("ch04_gradient", {})
check_all({})
"""


def test_a_self_check_that_cannot_start_says_what_to_do_and_never_raises(tmp_path):
    """A kit of ch04_loss asked for ch04_gradient's checks, and a kit whose course_config.py
    is missing: one line in each language per check cell, no traceback, no UsageError."""
    kit = build_kit(COURSE, tmp_path / "kit", assignments=["ch04_loss"])

    def cells():
        done = subprocess.run([sys.executable, "-c", IN_KERNEL], cwd=kit, capture_output=True, text=True,
                              timeout=300, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
        assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr
        return done.stdout.splitlines()

    printed = cells()
    assert "この自己チェック(学生キット)には numerical_diff のチェックがありません" in printed[0]
    assert "has no checks for ch04_gradient (it has: ch04_loss)" in printed[1]
    assert "[FAIL] sum_squared_error" not in "\n".join(printed[:2])
    (kit / "course_config.py").unlink()
    printed = cells()
    assert len(printed) == 3 and len(set(printed)) == 1, printed
    assert "course_config.py" in printed[0] and "が見つかりません" in printed[0] and "are missing" in printed[0]
    assert "UsageError" not in printed[0]
