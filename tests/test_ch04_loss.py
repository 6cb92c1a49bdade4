"""ch04_loss (4.2 loss functions), beyond the contract every assignment signs
(test_contract.py): its catalogue covers the diagnoses issue 5 asks for; the sample class in
examples/ch04_loss/ is graded as described; the notebook keeps the course's signatures and
the release's stubs raise; the student kit's self-check runs this assignment's public checks
without the hidden reference.
"""
import ast
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from nbgrader_course import nbgrader_meta, read, source
from catalogue_checks import assert_covers, assert_graded, labels, result_of

from autograder.course import load_course
from autograder.kit import build_kit

ASSIGNMENT = "ch04_loss"
SOURCE = ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
RELEASE = ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
FUNCTIONS = ("sum_squared_error", "cross_entropy_error", "softmax")
SIGNATURES = {"sum_squared_error": "(y, t)", "cross_entropy_error": "(y, t)", "softmax": "(a)"}
# The diagnoses the course requires by name (each must exist exactly so spelled).
REQUIRED = {"missing_delta", "no_batch_average", "labels_unsupported", "onehot_unsupported", "missing_minus",
            "wrong_log_base", "overflow", "wrong_axis", "missing_half", "mean_instead_of_sum"}
# The sample class: student -> {function: diagnoses of its failing checks}; {} = full marks.
EXAMPLE_VERDICTS = {
    "s001_tanaka": {},
    "s002_suzuki": {"cross_entropy_error": {"no_batch_average"}, "softmax": {"overflow"}},
    "s003_sato": {function: {"not_implemented"} for function in FUNCTIONS},
    "s004_ito": {"sum_squared_error": {"missing_half"}, "cross_entropy_error": {"labels_unsupported"}},
}


@pytest.fixture(scope="module")
def functions():
    return load_course(ROOT / "course_config.py").assignment(ASSIGNMENT).function_points()


def test_catalogue_covers_the_required_diagnoses():
    assert_covers(labels(ASSIGNMENT), REQUIRED)


@pytest.mark.parametrize("student", sorted(EXAMPLE_VERDICTS))
def test_example_class_is_graded_as_described(student, batch, functions):
    assert_graded(result_of(batch(ASSIGNMENT), student), EXAMPLE_VERDICTS[student], functions)


def test_notebook_signatures_and_release_stubs():
    text = "\n\n".join(source(c) for c in read(SOURCE)["cells"] if c["cell_type"] == "code")
    for function, args in SIGNATURES.items():
        node = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == function)
        assert "(" + ast.unparse(node.args) + ")" == args
    release = read(RELEASE)
    stubs = [c for c in release["cells"] if nbgrader_meta(c).get("solution")]
    assert {nbgrader_meta(c)["grade_id"] for c in stubs} == set(FUNCTIONS) | {"minibatch"}
    namespace = {"np": __import__("numpy")}
    for cell in stubs:
        if nbgrader_meta(cell)["grade_id"] in FUNCTIONS:
            exec(compile(source(cell), nbgrader_meta(cell)["grade_id"], "exec"), namespace)
    for function in FUNCTIONS:
        with pytest.raises(NotImplementedError):
            namespace[function](*[namespace["np"].ones(3)] * len(SIGNATURES[function].split(",")))


def test_student_kit_self_check_runs_without_the_hidden_reference(tmp_path):
    """The kit ships public checks only; they must not need reference.py (hidden checks' oracle)."""
    kit = build_kit(load_course(ROOT / "course_config.py"), tmp_path / "kit")
    graders = kit / "autograder" / "graders" / ASSIGNMENT
    assert graders.is_dir() and not (graders / "reference.py").exists()
    shutil.copy(SOURCE, kit / "solved.ipynb")
    done = subprocess.run([sys.executable, "-m", "autograder", "check", "solved.ipynb", "--assignment", ASSIGNMENT],
                          cwd=kit, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(kit)})
    assert done.returncode == 0, done.stdout + done.stderr
    public = load_course(kit / "course_config.py").assignment(ASSIGNMENT).points
    assert public and set(public) < set(load_course(ROOT / "course_config.py").assignment(ASSIGNMENT).points)
    total = sum(public.values())
    assert f"solved: 公開チェック / public checks: {total:g} / {total:g}" in done.stdout, done.stdout
