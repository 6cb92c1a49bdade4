"""The real nbgrader round trip on ch04_gradient, in a throwaway copy of the course:
generate_assignment, autograde, generate_feedback and export agree with the grading
command, keep hidden tests out of the feedback, and let a numpy RuntimeWarning pass."""
import csv
import html
import json
import re
import subprocess
import sys

import nbformat
import pytest

from conftest import run_cli
from nbgrader_course import (answered, make_course, nbgrader, nbgrader_meta, read, solution_bodies,
                             write)

pytestmark = pytest.mark.nbgrader

ASSIGNMENT = "ch04_gradient"
WARNING_CELL = "test_warning_is_not_an_error"

# A plain nbgrader test an instructor might add: numpy prints a RuntimeWarning on
# stderr, yet the answer is right.  Without IgnorePattern nbgrader scores it 0.
INSTRUCTOR_TEST = '''
import warnings
with warnings.catch_warnings(), np.errstate(divide="warn"):
    warnings.simplefilter("always")
    np.log(np.zeros(1))                      # RuntimeWarning: divide by zero encountered in log
assert abs(numerical_diff(lambda x: x ** 2, 2.0) - 4.0) < 1e-6
'''

# Correct, but numpy warns on every call (the "correct" student's numerical_diff).
WARNING_DIFF = '''
h = 1e-4
np.sqrt(-np.ones(1))                         # a leftover experiment: "invalid value encountered in sqrt"
return (f(x + h) - f(x - h)) / (2 * h)
'''
FORWARD_DIFF = '''
h = 1e-4
return (f(x + h) - f(x)) / h
'''
ASCENT = '''
x = np.array(init_x, dtype=float)
for _ in range(step_num):
    x += lr * numerical_gradient(f, x)
return x
'''


def add_instructor_test(course):
    """The warning test cell, after numerical_diff's test cell of the course's source notebook."""
    path = course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = read(path)
    at = next(i for i, c in enumerate(notebook["cells"]) if nbgrader_meta(c).get("grade_id") == "test_numerical_diff")
    cell = nbformat.v4.new_code_cell(INSTRUCTOR_TEST.strip(), id="warning-test")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": WARNING_CELL, "locked": True, "points": 1,
                                 "schema_version": 3, "solution": False, "task": False}
    notebook["cells"].insert(at + 1, cell)
    write(path, notebook)


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory):
    course = make_course(tmp_path_factory.mktemp("course"))
    add_instructor_test(course)
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    release = read(course / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    bodies = solution_bodies(read(course / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"))
    submissions = {
        "correct": answered(release, {**bodies, "numerical_diff": WARNING_DIFF}),
        "stubs": release,
        "partly_wrong": answered(release, {**bodies, "numerical_diff": FORWARD_DIFF, "gradient_descent": ASCENT}),
    }
    submitted = course / "nbgrader_work" / "submitted"
    for student, notebook in submissions.items():
        write(submitted / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", notebook)
    nbgrader(course, "autograde", ASSIGNMENT)
    nbgrader(course, "generate_feedback", ASSIGNMENT)
    nbgrader(course, "export")
    out = course / "graded"
    done = run_cli("grade", submitted, "--assignment", ASSIGNMENT, "--out", out)
    assert done.returncode == 0, done.stdout + done.stderr
    return course, list(submissions), out


def nbgrader_scores(course, student):
    """grade_id -> score of every grade cell, from nbgrader's gradebook."""
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{course / 'nbgrader_work' / 'gradebook.db'}") as gradebook:
        notebook = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student)
        return {grade.name: grade.score for grade in notebook.grades}


def command_scores(out, student):
    result = json.loads((out / student / "results.json").read_text(encoding="utf-8"))
    per_function = {}
    for test in result["tests"]:
        [function] = test["tags"]
        per_function[function] = per_function.get(function, 0.0) + test["score"]
    return result["score"], per_function


def test_nbgrader_and_the_grading_command_agree(round_trip, course):
    course_dir, students, out = round_trip
    functions = course.assignment(ASSIGNMENT).function_points()
    with open(course_dir / "nbgrader_work" / "grades.csv", encoding="utf-8") as handle:
        exported = {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}
    for student in students:
        cells = nbgrader_scores(course_dir, student)
        total, per_function = command_scores(out, student)
        assert {f: cells["test_" + f.replace(".", "_")] for f in functions} == per_function, student
        assert exported[student] == total + cells[WARNING_CELL], student
    assert command_scores(out, "correct")[0] == course.assignment(ASSIGNMENT).max_score
    assert command_scores(out, "stubs")[0] == 0
    partly = command_scores(out, "partly_wrong")[1]
    assert partly["numerical_diff"] == partly["gradient_descent"] == 0          # a forward difference, ascent
    assert partly["numerical_gradient"] == functions["numerical_gradient"]       # cost nothing elsewhere


def test_a_numpy_runtime_warning_does_not_zero_a_correct_answer(round_trip, course):
    course_dir, _, _ = round_trip
    cells = nbgrader_scores(course_dir, "correct")
    assert cells[WARNING_CELL] == 1, "the instructor's cell with a RuntimeWarning on stderr scored 0"
    assert sum(cells.values()) == course.assignment(ASSIGNMENT).max_score + 1, cells
    assert nbgrader_scores(course_dir, "stubs")[WARNING_CELL] == 0      # the cell does grade


def test_ignore_pattern_drops_numpy_warnings_as_numpy_prints_them(round_trip):
    from nbgrader.preprocessors import IgnorePattern
    from traitlets.config.loader import PyFileConfigLoader
    course_dir, _, _ = round_trip
    config = PyFileConfigLoader("nbgrader_config.py", str(course_dir)).load_config()
    printed = subprocess.run([sys.executable, "-c", "import numpy as np; np.log(np.zeros(1))"],
                             capture_output=True, text=True).stderr
    assert "RuntimeWarning" in printed
    cell = nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("stream", name="stderr", text=printed),
        nbformat.v4.new_output("stream", name="stderr", text="something else went wrong\n")])
    preprocessor = IgnorePattern(config=config)
    assert preprocessor.enabled
    cell, _ = preprocessor.preprocess_cell(cell, {}, 0)
    assert [output.text for output in cell.outputs] == ["something else went wrong\n"]


def feedback_text(course_dir, student):
    page = (course_dir / "nbgrader_work" / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html")
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


@pytest.mark.parametrize("student", ["correct", "stubs", "partly_wrong"])
def test_feedback_shows_messages_but_never_hidden_test_code(round_trip, course, student):
    course_dir, _, _ = round_trip
    text = feedback_text(course_dir, student)
    for function in course.assignment(ASSIGNMENT).function_points():
        assert f'check("{function}", globals())' in text          # the cells are there...
        assert f'grade("{function}", globals())' not in text      # ...without their hidden lines
    for hidden in ("HIDDEN TESTS", "from autograder.notebook import grade", "autograder/notebook.py"):
        assert hidden not in text, f"{student}'s feedback shows {hidden!r}"
    if student == "stubs":
        assert "numerical_diff is not implemented yet" in text
    if student == "partly_wrong":
        assert "forward difference" in text and "[PASS] simpleNet.loss" in text
