"""The ch04_gradient notebooks: the source in solutions/ is valid nbgrader, its test cells
carry course_config's points, and the committed release in assignments/ is exactly what
nbgrader makes of it, with stubs that raise NotImplementedError."""
import ast
import re

import numpy as np
import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from nbgrader_course import ROOT, assert_release_in_sync, nbgrader_meta, read, source

ASSIGNMENT = "ch04_gradient"
SOURCE = ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
RELEASE = ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
SIGNATURES = {                       # fixed by the course: graders and Gradescope rely on them
    "numerical_diff": "(f, x)",
    "numerical_gradient": "(f, x)",
    "gradient_descent": "(f, init_x, lr=0.01, step_num=100)",
    "simpleNet.loss": "(self, x, t)",
}
REGENERATE = f"run `nbgrader generate_assignment {ASSIGNMENT} --force` from the repository root"


def grade_cell_id(function):
    return "test_" + function.replace(".", "_")


def signature(cells_code, function):
    """The argument list of ``function`` ("simpleNet.loss" looks inside class simpleNet)."""
    *owner, name = function.split(".")
    scope = ast.parse(cells_code).body
    if owner:
        scope = next((n.body for n in scope if isinstance(n, ast.ClassDef) and n.name == owner[0]), [])
    for node in scope:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return "(" + ast.unparse(node.args) + ")"
    return None


def code_of(notebook):
    return "\n\n".join(source(c) for c in notebook["cells"] if c["cell_type"] == "code")


def test_release_is_in_sync_with_solutions(tmp_path):
    assert_release_in_sync(tmp_path, ASSIGNMENT)


def test_source_notebook_is_valid_nbgrader_schema_3():
    notebook = nbformat.read(SOURCE, as_version=4)
    nbformat.validate(notebook)
    MetadataValidator().validate_nb(notebook)           # nbgrader's own checks (duplicates too)
    metas = [nbgrader_meta(c) for c in notebook.cells if nbgrader_meta(c)]
    assert metas and all(m["schema_version"] == 3 for m in metas)
    ids = [m["grade_id"] for m in metas]
    assert len(ids) == len(set(ids)), f"duplicate grade_ids: {sorted(i for i in ids if ids.count(i) > 1)}"
    assert all(re.fullmatch(r"[A-Za-z0-9_\-]+", i) for i in ids)


def test_test_cells_carry_course_config_points(course):
    points = course.assignment(ASSIGNMENT).function_points()
    notebook = read(SOURCE)
    grade_cells = {nbgrader_meta(c)["grade_id"]: c for c in notebook["cells"] if nbgrader_meta(c).get("grade")}
    assert set(grade_cells) == {grade_cell_id(f) for f in points}
    for function, total in points.items():
        cell = grade_cells[grade_cell_id(function)]
        meta, text = nbgrader_meta(cell), source(cell)
        assert meta["points"] == total, f"{grade_cell_id(function)}: {meta['points']} points, course_config.py says {total}"
        assert meta["locked"] and not meta["solution"] and cell["cell_type"] == "code"
        visible, hidden = text.split("### BEGIN HIDDEN TESTS")
        assert f'check("{function}", globals())' in visible
        assert f'grade("{function}", globals())' in hidden.split("### END HIDDEN TESTS")[0]
    assert sum(nbgrader_meta(c)["points"] for c in grade_cells.values()) == course.assignment(ASSIGNMENT).max_score


def test_notebook_layout_follows_the_conventions():
    notebook = read(SOURCE)
    code = [source(c) for c in notebook["cells"] if c["cell_type"] == "code"]
    assert "from autograder.notebook import check, check_all" in code[0]
    assert "import matplotlib_fontja" in code[0]
    assert code[-1].strip() == "check_all(globals())"
    assert "common." not in code_of(notebook) and "from common" not in code_of(notebook)
    for function, args in SIGNATURES.items():
        assert signature(code_of(notebook), function) == args, f"{function} must keep the signature {args}"


@pytest.fixture(scope="module")
def release():
    return read(RELEASE)


def test_release_has_no_solution_and_no_hidden_test(release):
    text = code_of(release)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "import grade", "grade("):
        assert marker not in text, f"the release contains {marker!r}: {REGENERATE}"
    assert all(not c.get("outputs") for c in release["cells"] if c["cell_type"] == "code")


def test_release_stubs_say_todo_and_raise(release):
    stubs = [c for c in release["cells"] if nbgrader_meta(c).get("solution")]
    assert stubs
    for cell in stubs:
        assert "# TODO" in source(cell) and "raise NotImplementedError()" in source(cell), source(cell)
    namespace = {"np": np}
    given = [c for c in release["cells"] if nbgrader_meta(c).get("grade_id") == "given_functions"]
    for cell in given + stubs:
        exec(compile(source(cell), nbgrader_meta(cell)["grade_id"], "exec"), namespace)
    calls = {
        "numerical_diff": lambda: namespace["numerical_diff"](lambda x: x ** 2, 2.0),
        "numerical_gradient": lambda: namespace["numerical_gradient"](lambda x: np.sum(x ** 2), np.ones(2)),
        "gradient_descent": lambda: namespace["gradient_descent"](lambda x: np.sum(x ** 2), np.ones(2),
                                                                  lr=0.1, step_num=1),
        "simpleNet.loss": lambda: namespace["simpleNet"]().loss(np.array([0.6, 0.9]), np.array([0, 0, 1])),
    }
    assert set(calls) == set(SIGNATURES)
    for function, call in calls.items():
        with pytest.raises(NotImplementedError):
            call()
