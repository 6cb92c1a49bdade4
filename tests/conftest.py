"""Shared fixtures for the repository's own tests.

Tests that need full isolation (bubblewrap) are marked ``full_isolation``.  Where
bubblewrap cannot run they are skipped with the reason, never silently; in CI
(.ci/run sets AUTOGRADER_REQUIRE_FULL_ISOLATION=1) they fail instead, so CI always
tests the full mode.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.course import load_course  # noqa: E402
from autograder.run.sandbox import bubblewrap_problem  # noqa: E402
from browser import browser  # noqa: E402,F401  (the headless Chromium fixture, for every test file)

REQUIRE_FULL = os.environ.get("AUTOGRADER_REQUIRE_FULL_ISOLATION") == "1"
# Reduced mode protects writes with the submission's namespaces, whose private /tmp hides a
# Python (or virtual environment) that lives under /tmp, as in a checkout in a temporary
# folder: there the sandbox falls back to Landlock.
PYTHON_UNDER_TMP = any(path.startswith("/tmp/") for prefix in (sys.prefix, sys.base_prefix)
                       for path in (os.path.abspath(prefix), os.path.realpath(prefix)))
REDUCED_PROTECTION = "landlock" if PYTHON_UNDER_TMP else "namespaces"


def pytest_collection_modifyitems(config, items):
    problem = bubblewrap_problem() if sys.platform.startswith("linux") else "not Linux"
    if problem is None:
        return
    for item in items:
        if item.get_closest_marker("full_isolation"):
            if REQUIRE_FULL:
                item.add_marker(pytest.mark.xfail(reason=problem, run=False, strict=True))
                item.user_properties.append(("full_isolation_missing", problem))
            else:
                item.add_marker(pytest.mark.skip(reason=f"full isolation unavailable: {problem}"))


def pytest_sessionfinish(session, exitstatus):
    if REQUIRE_FULL and bubblewrap_problem() is not None:
        print(f"\nFULL ISOLATION REQUIRED but unavailable: {bubblewrap_problem()}", file=sys.stderr)
        session.exitstatus = 1


@pytest.fixture(scope="session")
def root():
    return ROOT


@pytest.fixture(scope="session")
def course():
    return load_course(ROOT / "course_config.py")


def run_cli(*args, cwd=ROOT, timeout=600):
    """python -m autograder ARGS as a user runs it; returns the CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "autograder", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def cli():
    return run_cli


def copy_repository(target):
    """The repository's files (tracked, and new ones git does not ignore: what the next
    commit holds) copied to ``target``."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout
    for name in filter(None, listed.decode().split("\0")):
        source, destination = ROOT / name, Path(target) / name
        if source.is_file():
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(source.read_bytes())
    return Path(target)


@pytest.fixture(scope="session")
def batch(tmp_path_factory):
    """batch(assignment) -> the output folder of its catalogue, examples, solution, release
    and nbgrader comparison notebook, graded as one batch by the real command, once per
    session (catalogue_checks.grade_batch)."""
    from catalogue_checks import grade_batch
    graded = {}

    def of(assignment):
        if assignment not in graded:
            graded[assignment] = grade_batch(tmp_path_factory.mktemp(f"batch_{assignment}"), assignment)
        return graded[assignment]
    return of
