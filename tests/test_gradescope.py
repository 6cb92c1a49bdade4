"""The Gradescope autograder archive, unpacked into a folder standing in for /autograder/.

setup.sh is not run here (it installs system packages); it is checked with ``bash -n``.
run_autograder runs with this virtual environment's Python in reduced isolation, as it
does in Gradescope's container where bubblewrap cannot create namespaces.
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

ASSIGNMENT = "ch04_gradient"
CORRECT = (ROOT / "tests" / "data" / "ch04_gradient_correct.py").read_text(encoding="utf-8")
WRONG = (CORRECT.replace("(f(x + h) - f(x - h)) / (2 * h)", "(f(x + h) - f(x)) / h")     # forward difference
         .replace("x -= lr", "x += lr"))                                                 # climbs the hill
TOP_KEYS = {"score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
            "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"}
TEST_KEYS = {"score", "max_score", "status", "name", "name_format", "number", "output", "output_format",
             "tags", "visibility", "extra_data"}
VISIBILITY = {"visible", "hidden", "after_due_date", "after_published"}
SNOOP = '''
import os
def _try(action):
    try:
        return "READ " + repr(action())[:40]
    except OSError as error:
        return type(error).__name__
raise RuntimeError("snoop graders=" + _try(lambda: open({grader!r}).read())
                   + " listing=" + _try(lambda: os.listdir({folder!r}))
                   + " config=" + _try(lambda: open({config!r}).read()))
'''


def notebook(*cells):
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None}
        for c in cells]})


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    output = tmp_path_factory.mktemp("gradescope") / f"{ASSIGNMENT}.zip"
    done = run_cli("gradescope", ASSIGNMENT, "--output", output)
    assert done.returncode == 0, done.stderr
    return output


@pytest.fixture
def root(archive):
    """A stand-in for /autograder/: world-traversable like the real one, outside /tmp (student
    code gets a private /tmp where namespaces allow), the archive unpacked into source/ by a
    tool that drops the modes (the graders arrive world-readable)."""
    folder = Path(tempfile.mkdtemp(prefix="autograder-root-", dir="/var/tmp"))
    folder.chmod(0o755)
    with zipfile.ZipFile(archive) as unpacked:
        unpacked.extractall(folder / "source")
    (folder / "submission").mkdir()
    yield folder
    shutil.rmtree(folder)


def run_autograder(root):
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable,
           "AUTOGRADER_ISOLATION": "reduced"}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, cwd="/",
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8")), done


def check_schema(result):
    assert set(result) <= TOP_KEYS and isinstance(result["score"], (int, float))
    assert result["visibility"] in VISIBILITY and result["stdout_visibility"] in VISIBILITY
    for test in result["tests"]:
        assert set(test) <= TEST_KEYS
        assert test["status"] in ("passed", "failed") and test["visibility"] in VISIBILITY
        assert 0 <= test["score"] <= test["max_score"]


def test_archive_holds_the_scripts_settings_and_only_this_assignments_graders(archive, course, tmp_path):
    assignment = course.assignment(ASSIGNMENT)
    with zipfile.ZipFile(archive) as unpacked:
        infos = {info.filename: info for info in unpacked.infolist()}
        unpacked.extractall(tmp_path)
    for script in ("setup.sh", "run_autograder"):
        assert stat.S_IMODE(infos[script].external_attr >> 16) == 0o755
        done = subprocess.run(["bash", "-n", str(tmp_path / script)], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
    setup = (tmp_path / "setup.sh").read_text()
    assert "deadsnakes" in setup and "requirements.txt" in setup and "(3, 11)" in setup
    requirements = (tmp_path / "requirements.txt").read_text().split()
    assert {r.split(">")[0].split("=")[0] for r in requirements} >= {"numpy", "pytest"}
    graders = sorted(n for n in infos if n.startswith("autograder/graders/"))
    expected = sorted(f"autograder/graders/{p.relative_to(assignment.graders.parent).as_posix()}"
                      for p in assignment.graders.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert graders == ["autograder/graders/__init__.py"] + expected
    assert any(n.endswith("/test_numerical_diff.py") for n in graders)            # hidden checks included
    assert all(stat.S_IMODE(infos[n].external_attr >> 16) == 0o600 for n in graders)
    assert not {"autograder/kit.py", "autograder/classreport.py", "autograder/overrides.py"} & set(infos)
    assert not any("__pycache__" in n or n.startswith("autograder/kit_files") for n in infos)
    config = {}
    exec((tmp_path / "course_config.py").read_text(encoding="utf-8"), config)
    assert config["ASSIGNMENTS"] == {ASSIGNMENT: {"title": assignment.title, "points": assignment.points}}
    assert config["LIMITS"] == course.limits


def test_correct_submission_gets_full_marks(root, course):
    (root / "submission" / f"{ASSIGNMENT}.ipynb").write_text(notebook(CORRECT), encoding="utf-8")
    result, _ = run_autograder(root)
    check_schema(result)
    points = course.assignment(ASSIGNMENT).points
    assert result["score"] == sum(points.values()) > 0
    assert [t["name"] for t in result["tests"]] == list(points)
    assert all(t["status"] == "passed" and t["score"] == points[t["name"]] for t in result["tests"])
    visibilities = {t["visibility"] for t in result["tests"]}
    assert visibilities == {"visible", course.hidden_visibility}                  # public and hidden checks
    assert result["extra_data"]["isolation"] == "reduced"


def test_wrong_submission_is_diagnosed_and_cannot_read_the_graders(root, course):
    if os.geteuid() != 0:
        pytest.skip("reduced isolation runs student code as another uid only when grading runs as root, "
                    "as on Gradescope")
    graders = root / "source" / "autograder" / "graders" / ASSIGNMENT
    assert (graders / "test_numerical_diff.py").stat().st_mode & 0o004             # readable before the run
    snoop = SNOOP.format(grader=str(graders / "test_numerical_diff.py"), folder=str(graders),
                         config=str(root / "source" / "course_config.py"))
    (root / "submission" / "my_answer.ipynb").write_text(notebook(snoop, WRONG), encoding="utf-8")
    (root / "submission" / "notes.txt").write_text("not graded")
    result, _ = run_autograder(root)
    check_schema(result)
    assert 0 < result["score"] < course.assignment(ASSIGNMENT).max_score
    failed = [t for t in result["tests"] if t["status"] == "failed"]
    assert {t["tags"][0] for t in failed} >= {"numerical_diff", "gradient_descent"}
    assert all(t["score"] == 0 and t["output"] for t in failed)
    assert result["extra_data"]["isolation"] == "reduced"
    problems = " ".join(p["message"] for p in result["extra_data"]["load_problems"])
    assert "graders=PermissionError" in problems and "listing=PermissionError" in problems, problems
    assert "config=READ" in problems, problems                                     # the probe itself works
    for path in [graders.parent, *graders.parent.rglob("*")]:
        assert path.stat().st_uid == 0 and not path.stat().st_mode & 0o077


def test_nothing_to_grade_is_explained(root):
    (root / "submission" / "report.pdf").write_bytes(b"%PDF-1.4")
    result, _ = run_autograder(root)
    check_schema(result)
    assert result["score"] == 0 and result["tests"] == []
    assert f"{ASSIGNMENT}.ipynb" in result["output"] and "report.pdf" in result["output"]
    assert "提出" in result["output"]


def test_usage_errors(tmp_path):
    done = run_cli("gradescope", "nope", "--output", tmp_path / "x.zip")
    assert done.returncode == 2 and "unknown assignment" in done.stderr
    done = run_cli("gradescope", ASSIGNMENT, "--output", tmp_path / "x.tar")
    assert done.returncode == 2 and ".zip" in done.stderr


def test_the_submission_is_never_a_link_or_reached_through_one(tmp_path):
    """A link to a file only root may read, or a folder linked to one, is never graded."""
    from autograder.gradescope import find_submission
    secret = tmp_path / "root_only"
    secret.mkdir()
    (secret / "ch04_gradient.ipynb").write_text("{}", encoding="utf-8")
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "notes.ipynb").symlink_to(secret / "ch04_gradient.ipynb")
    (submission / "folder").symlink_to(secret, target_is_directory=True)
    assert find_submission(submission, "ch04_gradient")[0] is None
    (submission / "mine.ipynb").write_text("{}", encoding="utf-8")
    assert find_submission(submission, "ch04_gradient")[0] == submission / "mine.ipynb"
