"""Stage 3 — check: the assignment's pytest graders, run in the trusted process.

pytest collects an assignment's graders once per worker; a ``pytest_runtestloop``
hook then runs every collected check against each submission in turn, with the
``student`` fixture bound to that submission's sandbox.  Graders extend pytest in
the usual ways only: fixtures (``student``, ``rng``) and markers
(``@pytest.mark.grades("numerical_diff")`` names the function a check grades,
``@pytest.mark.public`` lets students run it before submitting).

A check passes, fails with a diagnosis (``expect.Fail`` or ``run.StudentError``),
or breaks: any other exception is the grader's own bug, reported as such and never
turned into a student's zero.
"""
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from . import messages
from .expect import Fail
from .run import StudentError

INI = Path(__file__).with_name("graders.ini")
NO_AUTOLOAD = "PYTEST_DISABLE_PLUGIN_AUTOLOAD"
# pytest's own plugins that graders do not use: each costs hook calls on every check
# of every submission (capture too: nothing a grader prints is kept).  Kept: fixtures,
# marks, python, skipping, assertion.  A grader that needs one (tmp_path, monkeypatch)
# fails with "fixture not found": take it off this list then.
UNUSED_PLUGINS = ("cacheprovider", "terminal", "logging", "faulthandler", "stepwise", "warnings",
                  "debugging", "unittest", "legacypath", "tmpdir", "monkeypatch", "recwarn", "pastebin",
                  "junitxml", "doctest", "setuponly", "setupplan", "unraisableexception",
                  "threadexception", "subtests", "capture")


class GraderBug(Exception):
    """A check raised something other than a verdict: the grader is wrong, not the student."""


@dataclass
class CheckResult:
    id: str                      # "<function>::<check>", stable: results and points use it
    function: str
    public: bool
    score: float
    max_score: float
    diagnosis: str | None        # None when passed, or when no known misconception fits
    message: dict                # {"ja": ..., "en": ...}; empty when passed

    @property
    def passed(self):
        return self.score == self.max_score and not self.message


@dataclass
class Outcome:
    """Everything the check stage learned about one submission."""
    checks: list
    problems: list = field(default_factory=list)      # cells that failed while loading
    bugs: list = field(default_factory=list)          # (check id, grader exception text)


def check_id(item):
    """(function, check id) of a collected check."""
    return _markers(item)[:2]


def is_public(item):
    return _markers(item)[2]


def _markers(item):
    """(function, check id, public) read from a check's markers once per worker, not once
    per submission."""
    known = item.stash.get(_MARKERS, None)
    if known is None:
        marker = item.get_closest_marker("grades")
        if marker is None or not marker.args:
            raise GraderBug(f"{item.nodeid} has no @pytest.mark.grades('<function>') marker")
        name = item.name[len("test_"):] if item.name.startswith("test_") else item.name
        known = (marker.args[0], f"{marker.args[0]}::{name}", item.get_closest_marker("public") is not None)
        item.stash[_MARKERS] = known
    return known


_MARKERS = pytest.StashKey()


def seed_for(digest, check):
    """Random inputs depend on the submission's content and the check only: a regrade is identical."""
    return int(hashlib.sha256(f"{digest}:{check}".encode()).hexdigest()[:16], 16)


class Broken:
    """Stands in for a submission that could not be loaded: every question gets the same error."""

    def __init__(self, error):
        self.error = error

    def ask(self, probe, **kwargs):
        raise self.error

    def problems(self):
        return []

    def close(self):
        pass


class GradingPlugin:
    """The pytest plugin: collect once, then grade each job from ``jobs``.

    A job has ``digest`` (content hash) and ``open()`` returning a Student; ``on_result``
    receives (job, Outcome) as soon as a submission is done, so nothing accumulates.
    """

    def __init__(self, assignment_dir, points, jobs, on_result, public_only=False, functions=None):
        self.assignment_dir = Path(assignment_dir)
        self.points, self.jobs, self.on_result = points, jobs, on_result
        self.public_only, self.functions = public_only, functions
        self.current = None
        self.verdicts = {}
        self.config_error = None
        self.fatal = None

    # ----- fixtures graders use -----
    @pytest.fixture
    def student(self):
        return self.current_student

    @pytest.fixture
    def rng(self, request):
        _, cid = check_id(request.node)
        return np.random.default_rng(seed_for(self.current_digest, cid))

    # ----- collection -----
    def pytest_collection_modifyitems(self, session, config, items):
        collected = {}
        for item in items:
            function, cid = check_id(item)
            collected[cid] = item
        unknown = sorted(set(collected) - set(self.points))
        unpointed = [] if self.public_only else sorted(set(self.points) - set(collected))
        if unknown or unpointed:
            self.config_error = ("course_config.py and the graders disagree: "
                                 + (f"checks without points: {', '.join(unknown)}. " if unknown else "")
                                 + (f"points for no check: {', '.join(unpointed)}." if unpointed else ""))
        order = {cid: index for index, cid in enumerate(self.points)}    # course_config's order
        items.sort(key=lambda item: order.get(check_id(item)[1], len(order)))
        keep = [item for item in items
                if (not self.public_only or is_public(item))
                and (self.functions is None or check_id(item)[0] in self.functions)]
        items[:] = keep

    # ----- running -----
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        if self.config_error:
            raise GraderBug(self.config_error)
        items = session.items
        try:
            self._grade_jobs(items)
        except Exception as error:        # the sandbox itself failed: re-raised after pytest ends
            self.fatal = error
        return True

    def _grade_jobs(self, items):
        for job in self.jobs:
            try:
                self.current_student = job.open()
            except StudentError as error:
                self.current_student = Broken(error)
            self.current_digest = job.digest          # known once open() has read the file
            try:
                self.verdicts = {}
                for index, item in enumerate(items):
                    nextitem = items[index + 1] if index + 1 < len(items) else None
                    item.ihook.pytest_runtest_protocol(item=item, nextitem=nextitem)
                outcome = self._outcome(items)
            finally:
                self.current_student.close()
            self.on_result(job, outcome)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        """Keep the verdict; answer with a plain report.  pytest's own would format a
        traceback for every failing check (~30 ms each), which nobody here reads."""
        if call.excinfo is None:
            return pytest.TestReport(item.nodeid, item.location, {}, "passed", None, call.when)
        error = call.excinfo.value
        if item.nodeid not in self.verdicts:
            if not isinstance(error, (Fail, StudentError)):     # a grader bug, or a forged answer?
                error = getattr(self.current_student, "forged", lambda: None)() or error
            self.verdicts[item.nodeid] = error
        return pytest.TestReport(item.nodeid, item.location, {}, "failed",
                                 f"{type(error).__name__}: {error}"[:500], call.when)

    def _outcome(self, items):
        outcome = Outcome(checks=[], problems=self.current_student.problems())
        for item in items:
            function, cid = check_id(item)
            public = is_public(item)
            max_score = float(self.points[cid])
            error = self.verdicts.get(item.nodeid)
            if error is None:
                outcome.checks.append(CheckResult(cid, function, public, max_score, max_score, None, {}))
                continue
            if isinstance(error, Fail):
                code, facts = error.diagnosis, dict(error.facts)
            elif isinstance(error, StudentError):
                code, facts = error.code, _error_facts(error.detail)
            else:
                outcome.bugs.append((cid, f"{type(error).__name__}: {error}"))
                continue
            facts.setdefault("function", function)
            message = messages.render(code, facts, self.assignment_dir)
            outcome.checks.append(CheckResult(cid, function, public, 0.0, max_score, code, message))
        return outcome


def _error_facts(detail):
    facts = {"type": detail.get("type", "error"), "message": detail.get("message", "")}
    where = detail.get("where", "")
    if where:
        label = where.strip("<>").replace("submission", "").replace(".py:", "line ").strip()
        facts["where"] = f" ({label}, line {detail.get('line')}: {detail.get('text', '')})" \
            if "cell" in label else f" (line {detail.get('line')}: {detail.get('text', '')})"
    else:
        facts["where"] = ""
    return facts


def run_checks(assignment_dir, points, jobs, on_result, *, public_only=False, functions=None):
    """Collect the graders in ``assignment_dir`` once and grade every job.  Raises
    GraderBug when the graders cannot run (a collection error, points out of sync)."""
    plugin = GradingPlugin(assignment_dir, points, jobs, on_result, public_only, functions)
    args = [str(assignment_dir), "-c", str(INI), "--rootdir", str(Path(assignment_dir).parent)]
    args += [f"-pno:{name}" for name in UNUSED_PLUGINS]
    autoload = os.environ.get(NO_AUTOLOAD)
    os.environ[NO_AUTOLOAD] = "1"          # only our plugin: third-party ones could reorder or slow checks
    try:
        status = pytest.main(args, plugins=[plugin])
    finally:
        if autoload is None:
            del os.environ[NO_AUTOLOAD]
        else:
            os.environ[NO_AUTOLOAD] = autoload
    if plugin.fatal is not None:
        raise plugin.fatal
    if plugin.config_error:
        raise GraderBug(plugin.config_error)
    if status in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        raise GraderBug(f"the graders in {assignment_dir} could not be collected (pytest exit {int(status)})")
    return status
