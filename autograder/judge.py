"""Stage 3 — judge: the assignment's pytest checks decide, in the trusted process.

pytest collects an assignment's checks (graders/<assignment>/test_*.py) once per
worker; a ``pytest_runtestloop`` hook then runs every collected check against each
submission in turn, with the ``student`` fixture bound to that submission's sandbox.
Checks extend pytest in the usual ways only: fixtures (``student``, ``rng``) and
markers (``@pytest.mark.grades("numerical_diff")`` names the function a check grades,
``@pytest.mark.public`` lets students run it before submitting).  What the markers say
is read here and nowhere else: ``collect_checks`` answers the same questions without
grading (which checks exist, which are public, where their source is) for the student
kit and the start-up check of the course.

A check passes, fails with a diagnosis (``expect.Fail`` or ``run.StudentError``),
or breaks: any other exception is the grader's own bug, reported as such and never
turned into a student's zero.  A check file that cannot be imported stops the command
with its real error.

A function that has run out of time once in a submission is not asked again: its
remaining checks are scored with that same timeout, without running, so an endless
loop costs one time limit per function instead of one per check.
"""
import hashlib
import inspect
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pytest

from . import messages
from .errors import ConfigError, GraderBug
from .escape import one_line, plain
from .expect import Fail, where_raised
from .load import defined_names
from .results import MORE_PROBLEMS, CheckResult, LoadProblem
from .run import StudentError

INI = Path(__file__).with_name("graders.ini")
NO_AUTOLOAD = "PYTEST_DISABLE_PLUGIN_AUTOLOAD"
# pytest's own plugins that checks do not use: each costs hook calls on every check
# of every submission (capture too: nothing a check prints is kept).  Kept: fixtures,
# marks, python, skipping, assertion.  A check that needs one (tmp_path, monkeypatch)
# fails with "fixture not found": take it off this list then.
UNUSED_PLUGINS = ("cacheprovider", "terminal", "logging", "faulthandler", "stepwise", "warnings",
                  "debugging", "unittest", "legacypath", "tmpdir", "monkeypatch", "recwarn", "pastebin",
                  "junitxml", "doctest", "setuponly", "setupplan", "unraisableexception",
                  "threadexception", "subtests", "capture")


# ----- what a check talks to, and what the judge is given to grade -----

class Student(Protocol):
    """A submission ready to be asked questions (run.Student, run.InProcessStudent, Broken)."""

    def ask(self, probe: str, **kwargs): ...          # plain data back, or raises StudentError
    def problems(self) -> list: ...                   # [(label, error info)] of cells that failed
    def close(self) -> None: ...


class Job(Protocol):
    """One submission to judge: ``open()`` loads it (raising StudentError when it cannot be),
    after which ``digest`` (its content hash) seeds the random inputs."""
    digest: str

    def open(self) -> Student: ...


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


@dataclass
class Outcome:
    """Everything the judge learned about one submission."""
    checks: list                                        # [CheckResult]
    load_problems: list = field(default_factory=list)   # [LoadProblem]
    bugs: list = field(default_factory=list)            # (check id, grader exception text)


@dataclass(frozen=True)
class CheckInfo:
    """A collected check, as its markers and source say."""
    id: str
    function: str
    public: bool
    path: Path                  # its test_*.py
    lines: tuple                # (first, last) line of its definition, decorators included


LOAD_PROBLEMS_SHOWN = 20     # cells that could not run, listed in full; then how many more
_NOT_DEFINED = re.compile(r"name '(\w+)' is not defined")


def load_problems(problems, units=()):
    """[LoadProblem] for [(label, error info)] (in the order of ``units``, the submission's
    load.Unit list, when known): the first LOAD_PROBLEMS_SHOWN, then a count.

    With the units, each says where it is (``at_line``: a script's line; a notebook's cells
    are known by their label alone), and a NameError for a name that an earlier failed
    unit would have defined is marked as that failure's consequence (``after``: its label),
    not a mistake of its own."""
    listed, units = [], _units_of(problems[:LOAD_PROBLEMS_SHOWN], units)
    for (label, info), unit in zip(problems[:LOAD_PROBLEMS_SHOWN], units):
        info = {**info, "message": one_line(info.get("message", ""))[:300]}
        info.pop("where", None)         # the traceback's file name: the label says where, for a student
        if unit is not None and not unit.cell:
            info["at_line"] = unit.line
        listed.append(LoadProblem(label, info))
    listed = _consequences(listed, units)
    if len(problems) > LOAD_PROBLEMS_SHOWN:
        listed.append(LoadProblem("…", {"type": MORE_PROBLEMS, "count": len(problems) - LOAD_PROBLEMS_SHOWN}))
    return listed


def _units_of(problems, units):
    """The unit of each problem (None when not known): problems come in the units' order."""
    found, remaining = [], iter(units)
    for label, _ in problems:
        found.append(next((unit for unit in remaining if unit.label == label), None))
        if found[-1] is None:
            remaining = iter(())
    return found


def _consequences(shown, units):
    """``shown`` with each NameError that an earlier failure explains marked ``after`` it."""
    missing = {}                                   # name -> the failure it is missing because of
    marked = []
    for problem, unit in zip(shown, units):
        info = problem.info
        name = _NOT_DEFINED.match(info.get("message", "")) if info.get("type") == "NameError" else None
        cause = missing.get(name.group(1)) if name else None
        if cause is not None:
            after = {"after": cause.label, "name": name.group(1)}
            if "at_line" in cause.info:
                after["after_line"] = cause.info["at_line"]
            problem = LoadProblem(problem.label, {**info, **after})
        if unit is not None:
            for defined in defined_names(unit.code):
                missing.setdefault(defined, cause or problem)
        marked.append(problem)
    return marked


def seed_for(digest, check):
    """Random inputs depend on the submission's content and the check only: a regrade is identical."""
    return int(hashlib.sha256(f"{digest}:{check}".encode()).hexdigest()[:16], 16)


_MARKERS = pytest.StashKey()


def _markers(item):
    """(function, check id, public) from a check's markers, read once per worker."""
    known = item.stash.get(_MARKERS, None)
    if known is None:
        marker = item.get_closest_marker("grades")
        if marker is None or not marker.args:
            raise GraderBug(f"{item.nodeid} has no @pytest.mark.grades('<function>') marker")
        name = item.name[len("test_"):] if item.name.startswith("test_") else item.name
        known = (marker.args[0], f"{marker.args[0]}::{name}", item.get_closest_marker("public") is not None)
        item.stash[_MARKERS] = known
    return known


def _info(item):
    function, cid, public = _markers(item)
    source, first = inspect.getsourcelines(item.function)
    return CheckInfo(cid, function, public, Path(item.path), (first, first + len(source) - 1))


class Collection:
    """The part of the plugin that collects: the checks, their order, and what went wrong."""

    def __init__(self, assignment, public_only=False, functions=None):
        self.assignment = assignment
        self.public_only, self.functions = public_only, functions
        self.problem = None            # an exception to raise once pytest has ended
        self.interrupted = False       # Ctrl-C (or a kernel's Interrupt) stopped pytest
        self.items = []

    def pytest_keyboard_interrupt(self, excinfo):
        self.interrupted = True

    def pytest_collectreport(self, report):
        if report.failed and self.problem is None:
            self.problem = GraderBug(f"the graders of {self.assignment.id} could not be loaded: "
                                     f"{_last_error_line(report.longrepr)}")

    def pytest_collection_modifyitems(self, session, config, items):
        if self.problem is not None:
            return
        try:
            collected = {_markers(item)[1]: item for item in items}
        except GraderBug as error:
            self.problem = error
            return
        points = self.assignment.points
        unknown = sorted(set(collected) - set(points))
        unpointed = [] if self.public_only else sorted(set(points) - set(collected))
        if unknown or unpointed:
            self.problem = ConfigError(
                f"course_config.py and the graders of {self.assignment.id} disagree: "
                + (f"checks without points: {', '.join(unknown)}. " if unknown else "")
                + (f"points for no check: {', '.join(unpointed)}." if unpointed else ""))
            return
        order = {cid: index for index, cid in enumerate(points)}          # course_config's order
        items.sort(key=lambda item: order[_markers(item)[1]])
        items[:] = [item for item in items
                    if (not self.public_only or _markers(item)[2])
                    and (self.functions is None or _markers(item)[0] in self.functions)]
        self.items = list(items)


def _last_error_line(longrepr):
    """The exception line of a collection failure ("E   ImportError: ..."), else its last line."""
    lines = [line for line in str(longrepr).splitlines() if line.strip()]
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    return (errors[-1] if errors else lines[-1].strip() if lines else "unknown error")[:500]


class GradingPlugin(Collection):
    """The pytest plugin: collect once, then judge each job from ``jobs``.

    ``on_outcome`` receives (job, Outcome) as soon as a submission is done, so nothing
    accumulates.  Messages are rendered in ``lang``."""

    def __init__(self, assignment, jobs, on_outcome, *, lang, public_only=False, functions=None):
        super().__init__(assignment, public_only, functions)
        self.jobs, self.on_outcome, self.lang = jobs, on_outcome, lang
        self.verdicts = {}
        self.timed_out = {}            # function -> its first timeout, in the current submission

    # ----- fixtures checks use -----
    @pytest.fixture
    def student(self):
        return self.current_student

    @pytest.fixture
    def rng(self, request):
        return np.random.default_rng(seed_for(self.current_digest, _markers(request.node)[1]))

    # ----- running -----
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        if self.problem is None:
            try:
                self._judge_jobs(self.items)
            except Exception as error:        # the sandbox itself failed: re-raised after pytest ends
                self.problem = error
        return True

    def _judge_jobs(self, items):
        for job in self.jobs:
            try:
                self.current_student = job.open()
            except StudentError as error:
                self.current_student = Broken(error)
            self.current_digest = job.digest          # known once open() has read the file
            try:
                self.verdicts, self.timed_out = {}, {}
                for index, item in enumerate(items):
                    nextitem = items[index + 1] if index + 1 < len(items) else None
                    item.ihook.pytest_runtest_protocol(item=item, nextitem=nextitem)
                outcome = self._outcome(items)
            finally:
                self.current_student.close()
            self.on_outcome(job, outcome)

    @pytest.hookimpl(tryfirst=True)
    def pytest_pyfunc_call(self, pyfuncitem):
        """A check of a function that has already run out of time gets that timeout
        instead of running (pytest runs the check itself when this returns None)."""
        error = self.timed_out.get(_markers(pyfuncitem)[0])
        if error is not None:
            raise error

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
            if isinstance(error, StudentError) and error.code == "timeout":
                self.timed_out.setdefault(_markers(item)[0], error)
        return pytest.TestReport(item.nodeid, item.location, {}, "failed",
                                 f"{type(error).__name__}: {error}"[:500], call.when)

    def _outcome(self, items):
        units = getattr(getattr(self.current_student, "loaded", None), "units", ())
        outcome = Outcome(checks=[], load_problems=load_problems(self.current_student.problems(), units))
        for item in items:
            function, cid, public = _markers(item)
            max_score = float(self.assignment.points[cid])
            error = self.verdicts.get(item.nodeid)
            if error is None:
                outcome.checks.append(CheckResult(cid, function, public, max_score, max_score))
                continue
            if isinstance(error, Fail):
                code, facts = error.diagnosis, dict(error.facts)
            elif isinstance(error, StudentError):
                code, facts = error.code, _error_facts(error.detail)
            else:
                outcome.bugs.append((cid, f"{type(error).__name__}: {error}"))
                continue
            facts.setdefault("function", function)
            message = messages.pick(messages.render(code, facts, self.assignment.graders), self.lang)
            outcome.checks.append(CheckResult(cid, function, public, 0.0, max_score, code, cut(message)))
        return outcome


MESSAGE_CHARACTERS = 2000    # of one check's message: results.json stays small whatever a submission does


def cut(text, limit=MESSAGE_CHARACTERS):
    text = plain(text)
    return text if len(text) <= limit else text[:limit] + " …"


def _error_facts(detail):
    """The facts of a message about an exception: its type and message (the engine's own
    in both languages), and where it was raised in the student's code (the cell, when a
    notebook, and the line)."""
    facts = {"type": messages.engine_text(detail.get("type", "error")),
             "message": messages.engine_text(one_line(detail.get("message", "")))}
    facts["where"] = where_raised(detail) if detail.get("where") else ""
    if isinstance(detail.get("seconds"), (int, float)):       # a timeout's limit
        facts["seconds"] = f"{detail['seconds']:.3g}"
    return facts


def _pytest(assignment, plugin, *extra):
    """Run pytest on the assignment's checks with only ``plugin`` loaded; raise what it found."""
    if not assignment.graders.is_dir():
        raise ConfigError(f"course_config.py lists {assignment.id}, which has no folder {assignment.graders}")
    args = [str(assignment.graders), "-c", str(INI), "--rootdir", str(assignment.graders.parent), *extra]
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
    if plugin.interrupted:             # the user stopped it: not a grader bug
        raise KeyboardInterrupt
    if plugin.problem is not None:
        raise plugin.problem
    if status in (pytest.ExitCode.INTERRUPTED, pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        raise GraderBug(f"the graders of {assignment.id} could not be loaded (pytest exit {int(status)})")


def judge(assignment, jobs, on_outcome, *, lang, public_only=False, functions=None):
    """Collect the assignment's checks once and judge every job.  Raises GraderBug when
    the checks cannot run, ConfigError when they disagree with course_config.py."""
    _pytest(assignment, GradingPlugin(assignment, jobs, on_outcome, lang=lang, public_only=public_only,
                                      functions=functions))


class _CollectOnly(Collection):
    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        return True


def collect_checks(assignment, *, public_only=False):
    """[CheckInfo] of the assignment's checks, in course_config's order, without grading.
    Raises like ``judge``: the same plugin decides what there is."""
    plugin = _CollectOnly(assignment, public_only)
    _pytest(assignment, plugin)
    return [_info(item) for item in plugin.items]
