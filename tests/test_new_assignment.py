"""``python -m autograder new-assignment ID`` in a temporary copy of the repository: the
skeleton it writes is released by nbgrader, grades a right and a wrong answer, and is held
to the contract (test_contract.py) with no test edited."""
import ast
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pytest

from conftest import ROOT, copy_repository
from nbgrader_course import answered, nbgrader_meta, read, source, write

TOY = "toy_demo"
BIN = os.path.dirname(sys.executable)


def run(copy, *args, timeout=900):
    """A command in the copy, as an instructor runs it there (the venv's bin/ first on PATH)."""
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHONPATH": str(copy)}
    return subprocess.run([str(arg) for arg in args], cwd=copy, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def copy(tmp_path_factory):
    """The repository's files (tracked, and new ones not ignored) in a temporary folder, with
    the new assignment written and released there."""
    copy = copy_repository(tmp_path_factory.mktemp("repository"))
    created = run(copy, sys.executable, "-m", "autograder", "new-assignment", TOY)
    assert created.returncode == 0, created.stdout + created.stderr
    released = run(copy, "nbgrader", "generate_assignment", TOY, "--force")
    assert released.returncode == 0, released.stdout + released.stderr
    return copy, created.stdout


def test_skeleton_files_points_and_next_steps(copy):
    folder, printed = copy
    graders = folder / "autograder" / "graders" / TOY
    for name in ("__init__.py", "probes.py", "test_square.py", "misconceptions.py", "messages.toml"):
        assert (graders / name).is_file(), name
    catalogue = folder / "tests" / "catalogue" / TOY
    assert {p.name for p in catalogue.iterdir()} == {"right_book.py", "wrong_doubles.py", "catalogue.toml"}
    assert f"nbgrader generate_assignment {TOY} --force" in printed
    settings = run(folder, sys.executable, "-c", "import runpy, json; print(json.dumps("
                   "runpy.run_path('course_config.py')['ASSIGNMENTS']))")
    assignments = json.loads(settings.stdout)
    assert assignments[TOY]["points"] == {"square::known_values": 2, "square::random_array": 2}
    assert list(assignments) == _assignments(ROOT) + [TOY]                       # added after the others
    # one public and one hidden check, both grading square
    tree = ast.parse((graders / "test_square.py").read_text(encoding="utf-8"))
    checks = {node.name: [ast.unparse(d) for d in node.decorator_list] for node in tree.body
              if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    assert checks == {"test_known_values": ["pytest.mark.public"], "test_random_array": []}
    assert "pytestmark = pytest.mark.grades('square')" in ast.unparse(tree)


def _assignments(root):
    return json.loads(subprocess.run([sys.executable, "-c", "import runpy, json; print(json.dumps("
                                      "list(runpy.run_path('course_config.py')['ASSIGNMENTS'])))"],
                                     cwd=root, capture_output=True, text=True, check=True).stdout)


def test_notebook_has_the_course_setup_cell_and_one_stub(copy):
    folder, _ = copy
    notebook = read(folder / "solutions" / TOY / f"{TOY}.ipynb")
    setup = [source(c) for c in read(ROOT / "solutions" / "ch04_loss" / "ch04_loss.ipynb")["cells"]
             if nbgrader_meta(c).get("grade_id") == "setup"]
    assert [source(c) for c in notebook["cells"] if nbgrader_meta(c).get("grade_id") == "setup"] == setup
    assert notebook["metadata"] == read(ROOT / "solutions" / "ch04_loss" / "ch04_loss.ipynb")["metadata"]
    release = read(folder / "assignments" / TOY / f"{TOY}.ipynb")
    stubs = [c for c in release["cells"] if nbgrader_meta(c).get("solution")]
    assert [nbgrader_meta(c)["grade_id"] for c in stubs] == ["square"]
    assert "raise NotImplementedError()" in source(stubs[0])
    [test_cell] = [c for c in notebook["cells"] if nbgrader_meta(c).get("grade")]
    assert nbgrader_meta(test_cell)["points"] == 4 and nbgrader_meta(test_cell)["grade_id"] == "test_square"


def test_filled_stub_grades_a_right_and_a_wrong_answer(copy, tmp_path):
    folder, _ = copy
    release = read(folder / "assignments" / TOY / f"{TOY}.ipynb")
    write(tmp_path / "right.ipynb", answered(release, {"square": "return x ** 2"}))
    write(tmp_path / "wrong.ipynb", answered(release, {"square": "return x * 2"}))
    out = tmp_path / "out"
    done = run(folder, sys.executable, "-m", "autograder", "grade", tmp_path / "right.ipynb", tmp_path / "wrong.ipynb",
               "--assignment", TOY, "--out", out, "--lang", "en")
    assert done.returncode == 0, done.stdout + done.stderr
    right = json.loads((out / "right" / "results.json").read_text(encoding="utf-8"))
    wrong = json.loads((out / "wrong" / "results.json").read_text(encoding="utf-8"))
    assert right["score"] == right["extra_data"]["max_score"] == 4
    assert {t["name"]: t["visibility"] for t in right["tests"]} == {
        "square::known_values": "visible", "square::random_array": "after_published"}
    assert wrong["score"] == 0 < wrong["extra_data"]["max_score"]
    import tomllib
    with open(folder / "autograder" / "graders" / TOY / "messages.toml", "rb") as handle:
        defined = tomllib.load(handle)
    for test in wrong["tests"]:
        assert test["extra_data"]["diagnosis"] in defined, test
        assert "It doubles each element" in test["output"], test["output"]


def test_contract_picks_up_the_new_assignment(copy):
    """tests/test_contract.py, unedited, collects every clause for the new assignment (but
    the catalogue minimums, which its skeleton catalogue.toml waives) and it passes them."""
    folder, _ = copy
    report = folder / "contract.xml"
    done = run(folder, sys.executable, "-m", "pytest", "tests/test_contract.py", "-k", TOY, "-q",
               "-p", "no:cacheprovider", f"--junitxml={report}", timeout=1800)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    cases = ElementTree.parse(report).getroot().iter("testcase")
    ran = {}
    for case in cases:
        assert not [child.tag for child in case], (case.get("name"), [child.tag for child in case])  # no failure, skip
        ran.setdefault(case.get("name").split("[")[0], []).append(case.get("name"))
    assert all(TOY in name for names in ran.values() for name in names)
    clauses = {node.name for node in ast.parse((ROOT / "tests" / "test_contract.py").read_text(encoding="utf-8")).body
               if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}
    waived = {"test_catalogue_meets_the_minimums", "test_catalogue_has_every_trivial_kind",   # catalogue.toml
              "test_trivial_entry_earns_nothing"}                    # parametrized by trivial entries: none yet
    assert set(ran) == clauses - waived
    assert sorted(ran["test_catalogue_entry_is_graded_as_labelled"]) == [
        f"test_catalogue_entry_is_graded_as_labelled[{TOY}/right_book]",
        f"test_catalogue_entry_is_graded_as_labelled[{TOY}/wrong_doubles]"]


@pytest.mark.parametrize("given, fragment", [("ch04_loss", "already exists"), ("Bad-Id", "not a valid assignment id"),
                                             ("leftover", "already has files")])
def test_an_existing_or_bad_id_is_a_usage_error(copy, given, fragment):
    folder, _ = copy
    (folder / "tests" / "catalogue" / "leftover").mkdir(exist_ok=True)      # a folder without a config entry
    config = (folder / "course_config.py").read_text(encoding="utf-8")
    files = sorted(path for path in folder.rglob("*") if "__pycache__" not in path.parts)
    done = run(folder, sys.executable, "-m", "autograder", "new-assignment", given)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and fragment in done.stderr, done.stderr
    assert (folder / "course_config.py").read_text(encoding="utf-8") == config                  # nothing written
    assert sorted(path for path in folder.rglob("*") if "__pycache__" not in path.parts) == files
