"""ch04_activation, the activation-function homework, beyond the contract every assignment
signs (test_contract.py): its written answers, its examples, a catalogue that covers every
diagnosis of its messages.toml, mechanical mutants of right answers, and nbgrader's manual
grading of the written answers.

Written answers: the notebook's two free-text questions (grade_ids answer_q1 and
answer_q2) are nbgrader manually graded answer cells (markdown, ``grade`` and
``solution``, 2 points each), scored by hand in nbgrader's formgrader.  The grading
command never sees them: its maximum is the autograded total of course_config.py, and
the agreement test with nbgrader below compares autograded points only.
"""
import json
import tomllib

import pytest

import mutation
from conftest import ROOT, run_cli
from nbgrader_course import make_course, nbgrader, nbgrader_meta, read, source, write
from catalogue_checks import assert_covers, labels

from autograder.course import load_course

ASSIGNMENT = "ch04_activation"
SOURCE = ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
RELEASE = ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
EXAMPLES = ROOT / "examples" / ASSIGNMENT
CATALOGUE = ROOT / "tests" / "catalogue" / ASSIGNMENT
EQUIVALENT = CATALOGUE / "equivalent_mutants.toml"
MUTATED = (CATALOGUE / "right_book.py", CATALOGUE / "right_copy_then_mask.py")     # for loops only
MESSAGES = ROOT / "autograder" / "graders" / ASSIGNMENT / "messages.toml"
ISSUE_CODES = {"derivative_of_output", "returns_function_not_derivative", "wrong_sign_region", "not_elementwise"}
WRITTEN = {"answer_q1": 2, "answer_q2": 2}          # manually graded answer cells: grade_id -> points
SIGNATURES = ["def sigmoid(x):", "def sigmoid_grad(x):", "def relu(x):", "def relu_grad(x):",
              "def collapse_linear(weights):", "def sigmoid_chain_factor(n_layers):",
              "def layer_gradients(weights, x, activation):"]
REGENERATE = f"run `nbgrader generate_assignment {ASSIGNMENT} --force` from the repository root"


@pytest.fixture(scope="module")
def points():
    return load_course(ROOT / "course_config.py").assignment(ASSIGNMENT)


def grade(paths, out):
    done = run_cli("grade", *paths, "--assignment", ASSIGNMENT, "--out", out, "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    return {path.parent.name: json.loads(path.read_text(encoding="utf-8")) for path in out.glob("*/results.json")}


def by_function(result):
    """function -> (score, max score, {diagnoses of its failed checks})."""
    table = {}
    for test in result["tests"]:
        score, maximum, found = table.get(test["tags"][0], (0.0, 0.0, set()))
        if test["status"] != "passed":
            found = found | {test["extra_data"]["diagnosis"]}
        table[test["tags"][0]] = (score + test["score"], maximum + test["max_score"], found)
    return table


# ----- the notebooks -----
def test_notebook_has_the_written_questions_and_the_signatures(points):
    cells = read(SOURCE)["cells"]
    graded = {nbgrader_meta(c)["grade_id"]: c for c in cells if nbgrader_meta(c).get("grade")}
    assert set(graded) == {f"test_{function}" for function in points.function_points()} | set(WRITTEN)
    for grade_id, total in WRITTEN.items():            # manual: not in course_config's points
        meta = nbgrader_meta(graded[grade_id])
        assert graded[grade_id]["cell_type"] == "markdown" and meta["solution"] and meta["points"] == total
        assert not any(check.startswith(grade_id) for check in points.points)
    code = "\n".join(source(c) for c in cells if c["cell_type"] == "code")
    assert all(signature in code for signature in SIGNATURES)


def test_release_has_stubs_and_empty_answer_cells():
    release = read(RELEASE)
    text = "\n".join(source(c) for c in release["cells"])
    assert "XOR" not in text, f"the release contains the written answers' solution: {REGENERATE}"
    stubs = [c for c in release["cells"] if nbgrader_meta(c).get("solution") and c["cell_type"] == "code"]
    assert len(stubs) == len(SIGNATURES)
    for grade_id in WRITTEN:
        [cell] = [c for c in release["cells"] if nbgrader_meta(c).get("grade_id") == grade_id]
        assert source(cell).strip() == "YOUR ANSWER HERE"


# ----- the grading command on the examples -----
@pytest.fixture(scope="module")
def notebooks(batch):
    """student -> results.json of the assignment's batch (examples, release, catalogue)."""
    out = batch(ASSIGNMENT)
    return {path.parent.name: json.loads(path.read_text(encoding="utf-8")) for path in out.glob("*/results.json")}


def test_examples_are_graded_as_described(notebooks, points):
    assert {path.stem for path in EXAMPLES.iterdir()} == {"s001_yamada", "s002_nakamura", "s003_kobayashi"}
    assert notebooks["s001_yamada"]["score"] == points.max_score
    assert notebooks["s003_kobayashi"]["score"] == 0
    partly = by_function(notebooks["s002_nakamura"])
    lost = {function: found for function, (score, maximum, found) in partly.items() if score < maximum}
    assert lost == {"collapse_linear": {"wrong_order"}, "sigmoid_grad": {"derivative_of_output"},
                    "relu": {"not_elementwise"}}


# ----- the catalogue -----
def test_catalogue_covers_every_diagnosis_of_the_assignment():
    with open(MESSAGES, "rb") as handle:
        own = set(tomllib.load(handle))
    assert ISSUE_CODES <= own
    assert_covers(labels(ASSIGNMENT), own)


# ----- mechanical mutants of right answers lose points -----
def test_every_mutant_is_killed_or_recorded_as_equivalent(tmp_path, points, capsys):
    """Every single mutation (tests/mutation.py) of two right answers, graded as one batch;
    a survivor must be recorded in equivalent_mutants.toml with its reason, and a record
    must name a mutant that still survives."""
    found = [mutant for path in MUTATED
             for mutant in mutation.mutants(path.read_text(encoding="utf-8"), list(points.function_points()),
                                            prefix=f"{path.stem}/")]
    students = mutation.write(found, tmp_path / "mutants")
    results = grade([tmp_path / "mutants"], tmp_path / "graded")
    assert set(results) == set(students) and len(found) >= 80
    survivors = {students[s].id: students[s] for s, result in results.items() if result["score"] == points.max_score}
    with open(EQUIVALENT, "rb") as handle:
        equivalent = tomllib.load(handle)
    with capsys.disabled():
        print(f"\n{ASSIGNMENT} mutation pass: {len(found) - len(survivors)} of {len(found)} mutants killed, "
              f"{len(survivors)} recorded as equivalent")
    unexplained = [f"{m.id}  ({m.change})" for m in survivors.values() if m.id not in equivalent]
    assert not unexplained, "mutants survive that no check kills:\n" + "\n".join(unexplained)
    for mutant_id, record in equivalent.items():
        assert mutant_id in survivors, f"{mutant_id}: recorded as equivalent but no longer survives"
        assert len(record.get("reason", "")) > 20 and record.get("change"), mutant_id


# ----- nbgrader agrees on the autograded points -----
@pytest.mark.nbgrader
def test_nbgrader_gives_the_same_autograded_points(tmp_path, notebooks):
    """nbgrader autograde scores each function's test cell as the grading command scores the
    function; the written answers are left out of the comparison (they wait for a person)."""
    from nbgrader.api import Gradebook

    course = make_course(tmp_path)
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    students = {"s001_yamada": EXAMPLES / "s001_yamada.ipynb", "s002_nakamura": EXAMPLES / "s002_nakamura.ipynb",
                "release": RELEASE}
    for student, path in students.items():
        write(course / "nbgrader_work" / "submitted" / student / ASSIGNMENT / RELEASE.name, read(path))
    nbgrader(course, "autograde", ASSIGNMENT)
    with Gradebook(f"sqlite:///{course / 'nbgrader_work' / 'gradebook.db'}") as gradebook:
        for student in students:
            ours = by_function(notebooks[student])
            cells = gradebook.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).grades
            auto = {g.name[len("test_"):]: g.auto_score for g in cells if g.name not in WRITTEN}
            assert auto == {function: score for function, (score, _, _) in ours.items()}, student
            # an answer cell left as released scores 0 at once; a written answer waits for a person
            written = {g.name: (g.max_score, g.needs_manual_grade, g.auto_score) for g in cells if g.name in WRITTEN}
            left_blank = student == "release"
            assert written == {name: (total, not left_blank, 0.0 if left_blank else None)
                               for name, total in WRITTEN.items()}, student
