"""ch04_activation, the activation-function homework: its graders proven on the solution,
the release, the examples, a catalogue of answers and mechanical mutants; its notebooks in
sync with nbgrader and scored the same by nbgrader.

Written answers: the notebook's two free-text questions (grade_ids answer_q1 and
answer_q2) are nbgrader manually graded answer cells (markdown, ``grade`` and
``solution``, 2 points each), scored by hand in nbgrader's formgrader.  The grading
command never sees them: its maximum is the autograded total of course_config.py, and
the agreement test with nbgrader below compares autograded points only.

Catalogue labels (tests/catalogue/ch04_activation/*.py) are those of test_catalogue.py:
``# expect: full``, or ``# expect: relu=not_elementwise`` (relu loses points, each of its
failing checks says not_elementwise, every other function keeps full marks).
"""
import json
import re
import shutil
import tomllib

import pytest

import mutation
from conftest import ROOT, run_cli
from nbgrader_course import assert_release_in_sync, make_course, nbgrader, nbgrader_meta, read, source, write
from test_catalogue import expectation

from autograder.course import load_course

ASSIGNMENT = "ch04_activation"
SOURCE = ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
RELEASE = ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
EXAMPLES = ROOT / "examples" / ASSIGNMENT
CATALOGUE = ROOT / "tests" / "catalogue" / ASSIGNMENT
ENTRIES = sorted(CATALOGUE.glob("*.py"))
EQUIVALENT = CATALOGUE / "equivalent_mutants.toml"
MUTATED = (CATALOGUE / "right_book.py", CATALOGUE / "right_copy_then_mask.py")     # for loops only
MESSAGES = ROOT / "autograder" / "graders" / ASSIGNMENT / "messages.toml"
ISSUE_CODES = {"derivative_of_output", "returns_function_not_derivative", "wrong_sign_region", "not_elementwise"}
WRITTEN = {"answer_q1": 2, "answer_q2": 2}          # manually graded answer cells: grade_id -> points
SIGNATURES = ["def sigmoid(x):", "def sigmoid_grad(x):", "def relu(x):", "def relu_grad(x):",
              "def collapse_linear(weights):", "def sigmoid_chain_factor(n_layers):"]
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
def test_notebook_cells_carry_the_points_and_the_written_questions(points):
    cells = read(SOURCE)["cells"]
    graded = {nbgrader_meta(c)["grade_id"]: c for c in cells if nbgrader_meta(c).get("grade")}
    tests = {f"test_{function}": total for function, total in points.function_points().items()}
    assert set(graded) == set(tests) | set(WRITTEN)
    for grade_id, total in tests.items():
        cell, function = graded[grade_id], grade_id[len("test_"):]
        assert nbgrader_meta(cell)["points"] == total and nbgrader_meta(cell)["locked"]
        visible, hidden = source(cell).split("### BEGIN HIDDEN TESTS")
        assert f'check("{function}", globals(), assignment="{ASSIGNMENT}")' in visible
        assert f'grade("{function}", globals(), assignment="{ASSIGNMENT}")' in hidden
    for grade_id, total in WRITTEN.items():            # manual: not in course_config's points
        meta = nbgrader_meta(graded[grade_id])
        assert graded[grade_id]["cell_type"] == "markdown" and meta["solution"] and meta["points"] == total
        assert not any(check.startswith(grade_id) for check in points.points)
    assert sum(tests.values()) == points.max_score
    code = "\n".join(source(c) for c in cells if c["cell_type"] == "code")
    assert all(signature in code for signature in SIGNATURES)
    assert "import matplotlib_fontja" in code and "from common" not in code
    assert source(cells[-1]).strip() == f'check_all(globals(), assignment="{ASSIGNMENT}")'


def test_release_has_stubs_and_empty_answer_cells():
    release = read(RELEASE)
    text = "\n".join(source(c) for c in release["cells"])
    for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "grade(", "XOR"):
        assert marker not in text, f"the release contains {marker!r}: {REGENERATE}"
    stubs = [c for c in release["cells"] if nbgrader_meta(c).get("solution") and c["cell_type"] == "code"]
    assert len(stubs) == len(SIGNATURES)
    assert all("# TODO" in source(c) and "raise NotImplementedError()" in source(c) for c in stubs)
    for grade_id in WRITTEN:
        [cell] = [c for c in release["cells"] if nbgrader_meta(c).get("grade_id") == grade_id]
        assert source(cell).strip() == "YOUR ANSWER HERE"


@pytest.mark.nbgrader
def test_release_is_in_sync_with_the_solution(tmp_path):
    assert_release_in_sync(tmp_path, ASSIGNMENT)


# ----- the grading command on the notebooks -----
@pytest.fixture(scope="module")
def notebooks(tmp_path_factory):
    """The source notebook, the release and the examples, graded as one batch."""
    folder = tmp_path_factory.mktemp("notebooks")
    shutil.copy(SOURCE, folder / "solution.ipynb")
    shutil.copy(RELEASE, folder / "release.ipynb")
    for example in EXAMPLES.iterdir():
        shutil.copy(example, folder / example.name)
    return grade([folder], tmp_path_factory.mktemp("graded"))


def test_solution_gets_full_marks(notebooks, points):
    result = notebooks["solution"]
    assert result["score"] == points.max_score, [t["output"] for t in result["tests"] if t["status"] != "passed"]


def test_release_gets_zero_with_not_implemented(notebooks, points):
    result = notebooks["release"]
    assert result["score"] == 0 and len(result["tests"]) == len(points.points)
    assert {t["extra_data"]["diagnosis"] for t in result["tests"]} == {"not_implemented"}


def test_examples_are_graded_as_described(notebooks, points):
    assert {path.stem for path in EXAMPLES.iterdir()} == {"s001_yamada", "s002_nakamura", "s003_kobayashi"}
    assert notebooks["s001_yamada"]["score"] == points.max_score
    assert notebooks["s003_kobayashi"]["score"] == 0
    partly = by_function(notebooks["s002_nakamura"])
    lost = {function: found for function, (score, maximum, found) in partly.items() if score < maximum}
    assert lost == {"collapse_linear": {"wrong_order"}, "sigmoid_grad": {"derivative_of_output"},
                    "relu": {"not_elementwise"}}


# ----- the catalogue -----
@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return grade([CATALOGUE], tmp_path_factory.mktemp("catalogue"))


def test_catalogue_covers_every_diagnosis_of_the_assignment():
    right = [path for path in ENTRIES if not expectation(path)]
    wrong = [path for path in ENTRIES if expectation(path)]
    assert len(right) >= 8 and len(wrong) >= 20, (len(right), len(wrong))
    covered = {code for path in wrong for codes in expectation(path).values() for code in codes}
    with open(MESSAGES, "rb") as handle:
        own = set(tomllib.load(handle))
    assert ISSUE_CODES <= own
    assert own <= covered, f"no catalogue entry diagnosed as {sorted(own - covered)}"


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda path: path.stem)
def test_entry_is_graded_as_labelled(entry, catalogue):
    wanted = expectation(entry)
    table = by_function(catalogue[entry.stem])
    assert set(wanted) <= set(table), f"unknown function in the label: {set(wanted) - set(table)}"
    for function, (score, maximum, found) in table.items():
        if function not in wanted:
            assert score == maximum, f"false fail: {function} lost points ({found})"
        else:
            assert score < maximum, f"false pass: {function} kept full marks"
            assert found == wanted[function], f"wrong diagnosis for {function}: {found}, expected {wanted[function]}"
    for test in catalogue[entry.stem]["tests"]:            # ja+en: both languages, no traceback
        if test["status"] != "passed":
            text = test["output"]
            assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text) and re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", text)
            assert "Traceback" not in text and "graders/" not in text, text


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
