"""``python -m autograder check NOTEBOOK``: the student's self-check before submitting.

Runs the public checks only, with the same messages as the grading command, each
question limited to LIMITS["selfcheck_check_seconds"] (shorter than grading's).  Where the
grading sandbox cannot start (Windows has no fork), the notebook's code runs in this
process instead: it is the student's own machine, so nothing needs protecting.
"""
import contextlib
import io
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

from . import escape, report
from .course import UsageError


def infer_assignment(course, notebook):
    """The assignment a notebook belongs to: its file name, its folder, or the only one."""
    path = Path(notebook)
    for name in (path.stem, path.parent.name):
        if name in course.assignments:
            return name
    if len(course.assignments) == 1:
        return next(iter(course.assignments))
    known = ", ".join(sorted(course.assignments))
    raise UsageError(f"cannot tell the assignment of {path.name}; pass --assignment (one of: {known})")


def check_command(course, args):
    from .submissions import discover
    path = Path(args.notebook)
    if not path.is_file():
        raise UsageError(f"{args.notebook}: no such file")
    assignment = course.assignment(args.assignment or infer_assignment(course, path))
    [submission] = discover([path], assignment.id, student=path.stem)
    lang = args.lang or course.lang
    course = replace(course, limits=course.selfcheck_limits())      # a short limit per question
    graded = []
    if hasattr(os, "fork"):
        from .run import Sandbox
        # The student's own code on their own machine: exempt from write protection.
        sandbox = Sandbox(assignment.probes, course.limits, trusted_code=True)   # starts while numpy and pytest load
        from .grade import grade_stream
        grade_stream(course, assignment, [submission], out_dir=None, isolation="auto", lang=lang,
                     on_done=graded.append, public_only=True, sandbox=sandbox)
    else:
        graded.append(_in_process(course, assignment, submission, lang))
    from .results import GraderFailure
    if not graded or isinstance(graded[0], GraderFailure):
        print(escape.terminal(f"autograder: the self-check itself failed: {graded[0] if graded else 'no result'}"),
              file=sys.stderr)
        return 1
    print("\n".join(report.verdict_lines(graded[0], public_only=True)))
    print(("公開チェックのみです。提出後の採点には非公開のチェックも含まれます。 / "
           "Public checks only: grading after submission runs hidden checks too."))
    return 0


def _in_process(course, assignment, submission, lang):
    """Windows: run the notebook's cells here, then ask the same questions in-process."""
    from .judge import Broken, judge, load_problems
    from .load import NotGradable, load
    from .results import GradedSubmission, GraderFailure
    from .run import InProcessStudent, StudentError
    from .run.inside import stubs
    started = time.monotonic()
    stubs.install()
    namespace = {"__name__": "__main__"}
    problems = []
    try:
        loaded = load(submission.path)
    except NotGradable as reason:
        loaded, student = None, Broken(StudentError("not_gradable", type="NotGradable", message=str(reason)))
    if loaded is not None:
        for unit in loaded.units:
            try:
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    exec(compile(unit.code, unit.filename, "exec"), namespace)    # what cells print is not shown
            except BaseException as error:          # a failing cell is skipped, as when grading
                problems.append((unit.label, {"type": type(error).__name__, "message": str(error)}))
        student = InProcessStudent(namespace, assignment.probes, seconds=course.limits["check_seconds"])

    class Job:
        digest = loaded.digest if loaded else ""

        def open(self):
            return student

    outcomes = []
    judge(assignment, [Job()], lambda job, outcome: outcomes.append(outcome), lang=lang, public_only=True)
    if outcomes[0].bugs:
        return GraderFailure(submission.student, tuple(outcomes[0].bugs))
    return GradedSubmission(submission.student, assignment.id, outcomes[0].checks,
                            load_problems(problems, loaded.units if loaded else ()),
                            isolation="none",
                            lang=lang, seconds=time.monotonic() - started,
                            hidden_visibility=course.hidden_visibility)
