"""The ch04_gradient notebooks beyond the contract (test_contract.py: valid nbgrader, in
sync, points, layout, stubs): the graded functions keep the course's signatures, and every
released stub raises NotImplementedError when called."""
import ast

import numpy as np
import pytest

from nbgrader_course import ROOT, nbgrader_meta, read, source

ASSIGNMENT = "ch04_gradient"
SOURCE = ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
RELEASE = ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
SIGNATURES = {                       # fixed by the course: graders and Gradescope rely on them
    "numerical_diff": "(f, x)",
    "numerical_gradient": "(f, x)",
    "gradient_descent": "(f, init_x, lr=0.01, step_num=100)",
    "simpleNet.loss": "(self, x, t)",
    "analytic_gradient": "(W, x, t)",
    "relative_error": "(a, b)",
}


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


def test_functions_keep_the_course_signatures():
    code = code_of(read(SOURCE))
    for function, args in SIGNATURES.items():
        assert signature(code, function) == args, f"{function} must keep the signature {args}"


def test_release_stubs_raise():
    release = read(RELEASE)
    stubs = [c for c in release["cells"] if nbgrader_meta(c).get("solution")]
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
        "analytic_gradient": lambda: namespace["analytic_gradient"](np.ones((2, 3)), np.array([0.6, 0.9]),
                                                                    np.array([0, 0, 1])),
        "relative_error": lambda: namespace["relative_error"](np.ones(2), np.ones(2)),
    }
    assert set(calls) == set(SIGNATURES)
    for function, call in calls.items():
        with pytest.raises(NotImplementedError):
            call()
