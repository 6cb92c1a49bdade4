"""ch04_loss (4.2 loss functions): graders proven on a catalogue, notebooks that follow the course.

The catalogue (tests/catalogue/ch04_loss/*.py, labelled as test_catalogue.py describes), the
solution notebook, the release and the sample class in examples/ch04_loss/ are graded as ONE
batch by the real command; any false pass, false fail or wrong diagnosis fails the test named
after the entry.  The release must be what nbgrader makes of the solution, and the student
kit's self-check must run this assignment's public checks without the hidden reference.
"""
import ast
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

from conftest import ROOT
from nbgrader_course import assert_release_in_sync, make_course, nbgrader, nbgrader_meta, read, source
from catalogue_checks import assert_catalogue_covers, assert_entry, assert_graded, grade_batch, result_of, verdicts
from test_catalogue import expectation

from autograder.course import load_course
from autograder.kit import build_kit

ASSIGNMENT = "ch04_loss"
FOLDER = ROOT / "tests" / "catalogue" / ASSIGNMENT
ENTRIES = sorted(FOLDER.glob("*.py"))
SOURCE = ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
RELEASE = ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
EXAMPLES = ROOT / "examples" / ASSIGNMENT
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
def graded(tmp_path_factory):
    return grade_batch(tmp_path_factory.mktemp(ASSIGNMENT), ASSIGNMENT, FOLDER, EXAMPLES, SOURCE, RELEASE)


@pytest.fixture(scope="module")
def functions():
    return load_course(ROOT / "course_config.py").assignment(ASSIGNMENT).function_points()


# ----- the catalogue -----
def test_catalogue_is_large_and_covers_the_required_diagnoses():
    assert_catalogue_covers({p.name: expectation(p) for p in ENTRIES}, REQUIRED, FUNCTIONS)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda p: p.stem)
def test_entry_is_graded_as_labelled(entry, graded, functions):
    assert_entry(graded, entry, expectation(entry), functions)


def solution_statements():
    """The solution notebook's graded code (statements, whitespace removed), to find in messages."""
    notebook = read(SOURCE)
    statements = set()
    for cell in notebook["cells"]:
        if nbgrader_meta(cell).get("grade_id") in FUNCTIONS:
            for node in ast.walk(ast.parse(source(cell))):
                if isinstance(node, (ast.Assign, ast.Return)):
                    text = re.sub(r"\s+", "", ast.unparse(node))
                    if len(text) >= 12:
                        statements.add(text)
    return statements


def test_no_message_gives_away_solution_code(graded):
    statements = solution_statements()
    assert len(statements) >= 5
    for folder in sorted(p for p in graded.iterdir() if p.is_dir()):
        for test in result_of(graded, folder.name)["tests"]:
            text = test["output"]
            if test["extra_data"]["diagnosis"] == "crashed":     # quotes the student's own line
                text = re.sub(r"\(line \d+: .*\)", "", text)
            flat = re.sub(r"\s+", "", text)
            assert not [s for s in statements if s in flat], f"{folder.name} {test['name']} shows solution code"
            assert "Traceback" not in text and "graders/" not in text and "reference" not in text


# ----- solution, release, examples -----
def test_solution_scores_full_marks(graded, functions):
    result = result_of(graded, "solution")
    assert result["score"] == sum(functions.values()) == result["extra_data"]["max_score"]
    assert_graded(result, {}, functions)


def test_release_scores_zero_without_a_crash(graded, functions):
    result = result_of(graded, "release")
    assert result["score"] == 0
    assert {t["extra_data"]["diagnosis"] for t in result["tests"]} == {"not_implemented"}


@pytest.mark.parametrize("student", sorted(EXAMPLE_VERDICTS))
def test_example_class_is_graded_as_described(student, graded, functions):
    assert_graded(result_of(graded, student), EXAMPLE_VERDICTS[student], functions)


def test_release_is_in_sync_with_the_solution(tmp_path):
    assert_release_in_sync(tmp_path, ASSIGNMENT)


# ----- the notebook follows the course's conventions -----
def test_source_is_valid_nbgrader_and_carries_course_config_points(functions):
    notebook = nbformat.read(SOURCE, as_version=4)
    nbformat.validate(notebook)
    MetadataValidator().validate_nb(notebook)
    metas = [nbgrader_meta(c) for c in notebook.cells if nbgrader_meta(c)]
    assert all(m["schema_version"] == 3 for m in metas)
    tests = {m["grade_id"]: c for c in notebook.cells if (m := nbgrader_meta(c)).get("grade")}
    assert set(tests) == {f"test_{f}" for f in functions}
    for function, points in functions.items():
        cell = tests[f"test_{function}"]
        assert nbgrader_meta(cell)["points"] == points and nbgrader_meta(cell)["locked"]
        visible, hidden = source(cell).split("### BEGIN HIDDEN TESTS")
        assert f'check("{function}", globals(), assignment="{ASSIGNMENT}")' in visible
        assert f'grade("{function}", globals(), assignment="{ASSIGNMENT}")' in hidden


def test_notebook_layout_and_release_stubs():
    code = [source(c) for c in read(SOURCE)["cells"] if c["cell_type"] == "code"]
    assert "from autograder.notebook import check, check_all" in code[0] and "import matplotlib_fontja" in code[0]
    assert code[-1].strip() == f'check_all(globals(), assignment="{ASSIGNMENT}")'
    text = "\n\n".join(code)
    assert "common." not in text and "urlopen" not in text and "load_mnist" not in text     # nothing downloaded
    for function, args in SIGNATURES.items():
        node = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == function)
        assert "(" + ast.unparse(node.args) + ")" == args
    release = read(RELEASE)
    stubs = [c for c in release["cells"] if nbgrader_meta(c).get("solution")]
    assert {nbgrader_meta(c)["grade_id"] for c in stubs} == set(FUNCTIONS) | {"minibatch"}
    namespace = {"np": __import__("numpy")}
    for cell in stubs:
        assert "# TODO" in source(cell) and "raise NotImplementedError()" in source(cell)
        if nbgrader_meta(cell)["grade_id"] in FUNCTIONS:
            exec(compile(source(cell), nbgrader_meta(cell)["grade_id"], "exec"), namespace)
    released = "\n".join(source(c) for c in release["cells"])
    assert "BEGIN SOLUTION" not in released and "BEGIN HIDDEN TESTS" not in released and "grade(" not in released
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
    assert f"solved: {total:g} / {total:g}" in done.stdout, done.stdout


@pytest.mark.nbgrader
def test_nbgrader_autograde_agrees_with_the_grading_command(tmp_path, graded, functions):
    """nbgrader's test cells (grade() in the student's kernel) give each function the points
    the grading command gives it: the right answer, a partly wrong one and the stub."""
    from nbgrader.api import Gradebook
    course = make_course(tmp_path)
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    students = {"s001_tanaka": EXAMPLES / "s001_tanaka.ipynb", "s002_suzuki": EXAMPLES / "s002_suzuki.ipynb",
                "s003_sato": EXAMPLES / "s003_sato.ipynb"}
    for student, notebook in students.items():
        target = course / "nbgrader_work" / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        target.parent.mkdir(parents=True)
        shutil.copy(notebook, target)
    nbgrader(course, "autograde", ASSIGNMENT)
    with Gradebook("sqlite:///" + str(course / "nbgrader_work" / "gradebook.db")) as gradebook:
        for student in students:
            expected = {f: score for f, (score, *_) in verdicts(result_of(graded, student), functions).items()}
            for function in functions:
                grade = gradebook.find_grade(f"test_{function}", ASSIGNMENT, ASSIGNMENT, student)
                assert grade.score == expected[function], (student, function, grade.score, expected[function])
