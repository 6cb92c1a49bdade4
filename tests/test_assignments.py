"""The ch04_gradient notebooks through the grading command, beyond the contract
(test_contract.py: solution full marks, release 0): a wrong answer in one stub costs all of
that function's points and nothing else.  The notebook's own cells (autograder.notebook's
check/grade, in the kernel) agree."""
import json

import numpy as np
import pytest

from conftest import run_cli
from nbgrader_course import ROOT, nbgrader_meta, read, source, with_solution, write

ASSIGNMENT = "ch04_gradient"
SOURCE = ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
RELEASE = ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"

# One plausible wrong answer per graded function: (solution cell, its wrong body).
# Each is wrong on every check of its function.
WRONG = {
    "numerical_diff": ("numerical_diff", """
        h = 1e-4
        return (f(x + h) - f(x - h)) / h
    """),                                                    # divides by h, not 2h: twice the slope
    "numerical_gradient": ("numerical_gradient", """
        h = 1e-4
        grad = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            fx = f(x)
            x[idx] += h
            grad[idx] = (f(x) - fx) / h
        return grad
    """),                                                    # forward difference, x never restored
    "gradient_descent": ("gradient_descent", """
        x = np.array(init_x, dtype=float)
        for _ in range(step_num):
            x -= 0.01 * numerical_gradient(f, x)
        return x
    """),                                                    # ignores lr
    "simpleNet.loss": ("simpleNet", """
        y = softmax(self.predict(x))
        return 0.5 * np.sum((y - t) ** 2)
    """),                                                    # sum of squared errors, not cross-entropy
    "analytic_gradient": ("analytic_gradient", """
        if x.ndim == 1:
            x = x.reshape(1, x.size)
            t = t.reshape(1, t.size)
        return np.dot(x.T, t - softmax(np.dot(x, W))) / x.shape[0]
    """),                                                    # t − y: the sign flipped
    "relative_error": ("relative_error", """
        return np.max(np.abs(a - b))
    """),                                                    # the absolute error, no denominator
}


def student_of(function):
    return "wrong_" + function.replace(".", "_")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Every wrong notebook graded in one run of the command; student -> results.json."""
    folder = tmp_path_factory.mktemp("submissions")
    source = read(SOURCE)
    for function, (grade_id, body) in WRONG.items():
        write(folder / f"{student_of(function)}.ipynb", with_solution(source, grade_id, body))
    out = folder / "out"
    done = run_cli("grade", folder, "--assignment", ASSIGNMENT, "--out", out, "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    return {path.parent.name: json.loads(path.read_text(encoding="utf-8")) for path in out.glob("*/results.json")}


def by_function(result):
    scores = {}
    for test in result["tests"]:
        [function] = test["tags"]
        scores[function] = scores.get(function, 0.0) + test["score"]
    return scores


def test_every_graded_function_has_a_wrong_answer_here(course):
    assert set(WRONG) == set(course.assignment(ASSIGNMENT).function_points())


@pytest.mark.parametrize("function", list(WRONG))
def test_a_wrong_answer_costs_only_its_functions_points(graded, course, function):
    points = course.assignment(ASSIGNMENT).function_points()
    scores = by_function(graded[student_of(function)])
    expected = {name: (0.0 if name == function else float(total)) for name, total in points.items()}
    assert scores == expected


def kernel_namespace(notebook):
    """What a kernel holds after running the notebook's given and solution cells."""
    namespace = {"np": np, "__name__": "student_notebook"}
    for cell in notebook["cells"]:
        meta = nbgrader_meta(cell)
        if meta.get("solution") or meta.get("grade_id") == "given_functions":
            exec(compile(source(cell), meta["grade_id"], "exec"), namespace)
    return namespace


def test_the_notebook_cells_grade_like_the_command(course, capsys):
    from autograder.notebook import check_all, grade
    points = course.assignment(ASSIGNMENT).function_points()
    solution, release = kernel_namespace(read(SOURCE)), kernel_namespace(read(RELEASE))
    assert {f: grade(f, solution) for f in points} == points
    assert {f: grade(f, release) for f in points} == dict.fromkeys(points, 0.0)
    capsys.readouterr()
    check_all(release)                         # the last cell: this assignment's public checks
    printed = capsys.readouterr().out
    assert [line.split()[1] for line in printed.splitlines() if line.startswith("[FAIL]")] == list(points)
    assert printed.count("is not implemented yet") == len(points)
