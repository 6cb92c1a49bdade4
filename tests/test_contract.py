"""The contract every assignment signs: one test per clause, run for every assignment that
course_config.ASSIGNMENTS lists (read when the tests are collected, so an assignment added
there, e.g. by ``python -m autograder new-assignment``, is held to it with no test edited).

- the solution notebook earns full marks; the release earns 0, every check "not implemented",
  without a crash;
- the release is what nbgrader makes of the solution, with stubs and nothing hidden;
- the source notebook is valid nbgrader, starts with the course's setup cell and ends with
  the final check; its test cells carry course_config's points;
- the catalogue (tests/catalogue/<id>/) is graded as labelled: right answers full marks,
  wrong ones lose points only on their function, with exactly their diagnoses, explained in
  both languages; a trivial answer (one that does no work: a constant, something shaped like
  an argument but independent of it, an argument or its copy, None, a result that ignores
  the function it is given) earns exactly 0 of its function's points and costs nothing
  elsewhere, and every function has one of each kind that applies; it meets the course's minimums (catalogue_checks.py says which catalogues
  are exempt: a new-assignment skeleton, until it is complete);
- every check asks an input drawn from the submission's seed, so the book's printed value
  returned as a constant earns nothing (the catalogue's ``book_constant`` entries);
- a public check catches each mistake the notebook warns about, as the review table in
  autograder/graders/<id>/README.md says, entry by entry;
- every diagnosis code the graders can give has ja and en text; no message shows the
  solution's code;
- nbgrader autograde gives each function the points the grading command gives it.

Each assignment's catalogue, examples and notebooks are graded once, as one batch (the
session fixture ``batch``); its nbgrader round trip runs once (``autograded``).
Assignment-specific extras stay in test_<assignment>.py, test_catalogue.py and the like.
"""
import ast
import json
import re
import shutil
import string
import textwrap

import nbformat
import pytest
from nbgrader.nbgraderformat import MetadataValidator

import catalogue_checks as catalogue
from conftest import ROOT
from diagnoses import assert_messages_complete
from nbgrader_course import assert_release_in_sync, make_course, nbgrader, nbgrader_meta, read, source

from autograder.course import load_course
from autograder.judge import collect_checks

COURSE = load_course(ROOT / "course_config.py")
ASSIGNMENTS = sorted(COURSE.assignments)
ENTRIES = [pytest.param(a, path, id=f"{a}/{path.stem}") for a in ASSIGNMENTS for path in catalogue.entries(a)]
TRIVIAL = [pytest.param(a, path, id=f"{a}/{path.stem}") for a in ASSIGNMENTS for path in catalogue.trivial_entries(a)]
WITH_MINIMUMS = [a for a in ASSIGNMENTS if catalogue.minimums_apply(a)]
TEMPLATE = ROOT / "templates" / "new_assignment" / "solution.ipynb.tmpl"
STUDENTS = ("solution", "release", "nbgrader_wrong")     # the notebooks nbgrader also grades

by_assignment = pytest.mark.parametrize("assignment", ASSIGNMENTS)


def functions_of(assignment):
    return COURSE.assignment(assignment).function_points()


def source_notebook(assignment):
    return read(ROOT / "solutions" / assignment / f"{assignment}.ipynb")


def release_notebook(assignment):
    return read(ROOT / "assignments" / assignment / f"{assignment}.ipynb")


def code_cells(notebook):
    return [c for c in notebook["cells"] if c["cell_type"] == "code"]


def grade_cell_id(function):
    return "test_" + function.replace(".", "_")


def standard_setup_cell():
    """The course's setup cell: the one new-assignment writes into every new notebook."""
    template = read_template()
    [cell] = [c for c in template["cells"] if nbgrader_meta(c).get("grade_id") == "setup"]
    return source(cell)


def read_template():
    text = string.Template(TEMPLATE.read_text(encoding="utf-8")).substitute(
        id="x", title="x", function="f", points=1)
    return json.loads(text)


# ----- the solution and the release, graded by the command -----
@by_assignment
def test_solution_earns_full_marks(assignment, batch):
    result = catalogue.result_of(batch(assignment), "solution")
    assert result["score"] == result["extra_data"]["max_score"] == COURSE.assignment(assignment).max_score
    catalogue.assert_graded(result, {}, functions_of(assignment))


@by_assignment
def test_release_earns_zero_and_every_check_says_not_implemented(assignment, batch):
    result = catalogue.result_of(batch(assignment), "release")
    assert result["score"] == 0
    assert len(result["tests"]) == len(COURSE.assignment(assignment).points)
    for test in result["tests"]:
        assert test["status"] == "failed" and test["score"] == 0
        assert test["extra_data"]["diagnosis"] == "not_implemented", (test["name"], test["output"])


# ----- the notebooks -----
@pytest.mark.nbgrader
@by_assignment
def test_release_is_in_sync_with_the_solution(assignment, tmp_path):
    assert_release_in_sync(tmp_path, assignment)


@by_assignment
def test_release_has_stubs_and_nothing_hidden(assignment):
    regenerate = f"run `nbgrader generate_assignment {assignment} --force` from the repository root"
    release = release_notebook(assignment)
    text = "\n\n".join(source(c) for c in release["cells"])
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "import grade", "grade("):
        assert marker not in text, f"the release contains {marker!r}: {regenerate}"
    assert all(not c.get("outputs") for c in code_cells(release)), f"the release has outputs: {regenerate}"
    stubs = [c for c in code_cells(release) if nbgrader_meta(c).get("solution")]
    assert stubs
    for cell in stubs:
        assert "# TODO" in source(cell) and "raise NotImplementedError()" in source(cell), source(cell)


@by_assignment
def test_source_is_valid_nbgrader_and_follows_the_layout(assignment):
    path = ROOT / "solutions" / assignment / f"{assignment}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    MetadataValidator().validate_nb(notebook)           # nbgrader's own checks (duplicates too)
    metas = [nbgrader_meta(c) for c in notebook.cells if nbgrader_meta(c)]
    assert metas and all(m["schema_version"] == 3 for m in metas)
    ids = [m["grade_id"] for m in metas]
    assert len(ids) == len(set(ids)), f"duplicate grade_ids: {sorted(i for i in ids if ids.count(i) > 1)}"
    assert all(re.fullmatch(r"[A-Za-z0-9_\-]+", i) for i in ids)
    code = code_cells(read(path))
    assert nbgrader_meta(code[0]).get("grade_id") == "setup" and nbgrader_meta(code[0])["locked"]
    assert source(code[0]) == standard_setup_cell(), "the first code cell must be the course's setup cell"
    assert source(code[-1]).strip() == f'check_all("{assignment}", globals())', \
        f"the last code cell must be the final check of this assignment, check_all(\"{assignment}\", globals())"
    text = "\n\n".join(source(c) for c in code)
    assert not re.search(r"\bcommon\.|from common\b|urlopen", text), "the notebook must not need the book's files"


@by_assignment
def test_test_cells_carry_course_config_points(assignment):
    functions = functions_of(assignment)
    cells = {nbgrader_meta(c)["grade_id"]: c for c in code_cells(source_notebook(assignment))
             if nbgrader_meta(c).get("grade")}
    assert set(cells) == {grade_cell_id(f) for f in functions}
    for function, total in functions.items():
        cell = cells[grade_cell_id(function)]
        meta, text = nbgrader_meta(cell), source(cell)
        assert meta["points"] == total, f"{grade_cell_id(function)}: {meta['points']} points, course_config.py says {total}"
        assert meta["locked"] and not meta["solution"]
        visible, hidden = text.split("### BEGIN HIDDEN TESTS")
        hidden = hidden.split("### END HIDDEN TESTS")[0]
        for call, part in (("check", visible), ("grade", hidden)):
            found = re.search(rf'{call}\("{re.escape(function)}", globals\(\)(, assignment="([^"]*)")?\)', part)
            assert found, f"{grade_cell_id(function)}: no {call}(\"{function}\", globals()) in {part!r}"
            assert found.group(2) in (None, assignment), f"{grade_cell_id(function)} grades {found.group(2)}"
    assert sum(nbgrader_meta(c)["points"] for c in cells.values()) == COURSE.assignment(assignment).max_score


# ----- the catalogue -----
@by_assignment
def test_catalogue_labels_are_well_formed(assignment):
    """Right and wrong entries, each with one label naming graded functions; a wrong entry
    breaks one function."""
    labelled = catalogue.labels(assignment)
    assert any(not wanted for wanted in labelled.values()) and any(labelled.values()), \
        f"tests/catalogue/{assignment} needs right and wrong entries"
    catalogue.assert_labels_well_formed(labelled, functions_of(assignment))


@pytest.mark.parametrize("assignment", WITH_MINIMUMS)
def test_catalogue_meets_the_minimums(assignment):
    catalogue.assert_minimums(catalogue.labels(assignment), functions_of(assignment))


@pytest.mark.parametrize("assignment, entry", ENTRIES)
def test_catalogue_entry_is_graded_as_labelled(assignment, entry, batch):
    catalogue.assert_entry(batch(assignment), entry, catalogue.expectation(entry), functions_of(assignment))


@pytest.mark.parametrize("assignment, entry", TRIVIAL)
def test_trivial_entry_earns_nothing(assignment, entry, batch):
    """No point without work: a trivial answer earns 0 of its function's points, full marks elsewhere."""
    catalogue.assert_trivial(batch(assignment), entry, functions_of(assignment))


@by_assignment
def test_every_check_asks_a_seeded_input(assignment):
    """No point for the book's printed value: every check of a complete assignment asks at least
    one input drawn from the submission's seed (it takes the ``rng`` fixture), beside the book's
    own, so that no constant passes it; the catalogue's ``book_constant`` entries show it (each
    earns 0, test_trivial_entry_earns_nothing).  A new-assignment skeleton is exempt until its
    catalogue is complete."""
    if not catalogue.minimums_apply(assignment):
        return
    unseeded = [check.id for check in collect_checks(COURSE.assignment(assignment))
                if "rng" not in check_parameters(check)]
    assert not unseeded, f"checks asked with fixed inputs only (give them a seeded input too): {unseeded}"


def check_parameters(check):
    """The parameter names of a collected check's function, read from its source."""
    lines = check.path.read_text(encoding="utf-8").splitlines()[check.lines[0] - 1:check.lines[1]]
    [function] = [node for node in ast.parse(textwrap.dedent("\n".join(lines))).body
                  if isinstance(node, ast.FunctionDef)]
    return [argument.arg for argument in function.args.args]


@pytest.mark.parametrize("assignment", WITH_MINIMUMS)
def test_catalogue_has_every_trivial_kind(assignment):
    """Every graded function has a trivial entry of each kind that applies to it."""
    catalogue.assert_trivial_kinds(assignment, functions_of(assignment), source_notebook(assignment))


@by_assignment
def test_public_checks_catch_what_the_notebook_warns_about(assignment, batch):
    """The review in autograder/graders/<id>/README.md holds: each mistake the notebook's text
    warns about is made by the catalogue entries it names, and each of them fails a public
    check it names (so the self-check shows it before submission)."""
    if not catalogue.minimums_apply(assignment):          # a new-assignment skeleton, until it is complete
        return
    catalogue.assert_review(batch(assignment), assignment)


# ----- the messages -----
@by_assignment
def test_every_diagnosis_has_ja_and_en_text(assignment):
    assert_messages_complete(assignment)


@by_assignment
def test_no_message_gives_away_solution_code(assignment, batch):
    statements = catalogue.solution_statements(source_notebook(assignment))
    if catalogue.minimums_apply(assignment):              # a complete assignment: the scan is not vacuous
        assert len(statements) >= 5, statements
    out = batch(assignment)
    for folder in sorted(p for p in out.iterdir() if p.is_dir()):
        for test in catalogue.result_of(out, folder.name)["tests"]:
            text = test["output"]
            if test["extra_data"]["diagnosis"] == "crashed":     # quotes the student's own line
                text = re.sub(r"\((cell `[^`]*`, )?line \d+: `.*`\)|\((セル `[^`]*` の )?\d+ 行目: `.*`\)", "", text)
            flat = re.sub(r"\s+", "", text).replace('"', "'")
            leaked = [s for s in statements if s.replace('"', "'") in flat]
            assert not leaked, f"{folder.name} {test['name']} shows solution code {leaked}"
            for hint in ("Traceback", "graders/", "reference", "assert "):
                assert hint not in text, f"{folder.name} {test['name']} shows {hint!r}: {text}"


# ----- nbgrader agrees -----
@pytest.fixture(scope="module")
def autograded(tmp_path_factory, batch):
    """autograded(assignment) -> {student: {grade_id: score}} from nbgrader's gradebook, for
    the batch's solution, release and wrong notebooks, in a throwaway copy of the course."""
    from nbgrader.api import Gradebook
    done = {}

    def of(assignment):
        if assignment not in done:
            course = make_course(tmp_path_factory.mktemp(f"nbgrader_{assignment}"))
            nbgrader(course, "generate_assignment", assignment)
            notebooks = batch(assignment).parent / "notebooks"
            for student in STUDENTS:
                target = course / "nbgrader_work" / "submitted" / student / assignment / f"{assignment}.ipynb"
                target.parent.mkdir(parents=True)
                shutil.copy(notebooks / f"{student}.ipynb", target)
            nbgrader(course, "autograde", assignment)
            with Gradebook(f"sqlite:///{course / 'nbgrader_work' / 'gradebook.db'}") as gradebook:
                done[assignment] = {
                    student: {g.name: g.score for g in gradebook.find_submission_notebook(
                        assignment, assignment, student).grades}
                    for student in STUDENTS}
        return done[assignment]
    return of


@pytest.mark.nbgrader
@by_assignment
def test_nbgrader_autograde_agrees_with_the_command(assignment, batch, autograded):
    """The solution, the release and a wrong answer (a catalogue entry pasted into the
    release): nbgrader's test cells give each function the points the command gives it."""
    functions = functions_of(assignment)
    cells = autograded(assignment)
    commanded = {student: catalogue.result_of(batch(assignment), student) for student in STUDENTS}
    assert commanded["solution"]["score"] == COURSE.assignment(assignment).max_score
    assert commanded["release"]["score"] == 0
    assert commanded["nbgrader_wrong"]["score"] < COURSE.assignment(assignment).max_score, \
        "the wrong notebook should lose points, or the comparison shows little"
    for student in STUDENTS:
        ours = catalogue.function_scores(commanded[student], functions)
        theirs = {function: cells[student][grade_cell_id(function)] for function in functions}
        assert theirs == ours, student
