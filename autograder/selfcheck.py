"""``python -m autograder check NOTEBOOK``: the student's self-check before submitting.

Runs the public checks only, with the same messages as the grading command.  Where the
grading sandbox cannot start (Windows has no fork), the notebook's code runs in this
process instead: it is the student's own machine, so nothing needs protecting.
"""
import contextlib
import io
import os
import sys
import time
from pathlib import Path

from . import report
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
    results = []
    started = time.monotonic()
    if hasattr(os, "fork"):
        from .run import Sandbox
        sandbox = Sandbox(assignment.probes, course.limits)     # starts while numpy and pytest load
        from .grade import grade_stream
        grade_stream(course, assignment, [submission], out_dir=None, isolation="auto", lang=lang,
                     on_done=results.append, public_only=True, sandbox=sandbox)
    else:
        results.append(_in_process(course, assignment, submission, lang, started))
    if not results or "bugs" in results[0]:
        print("autograder: the self-check itself failed", file=sys.stderr)
        return 1
    result = results[0]
    print("\n".join(report.verdict_lines(result)))
    print(("公開チェックのみです。提出後の採点には非公開のチェックも含まれます。 / "
           "Public checks only: grading after submission runs hidden checks too."))
    return 0


def _in_process(course, assignment, submission, lang, started):
    """Windows: run the notebook's cells here, then ask the same questions in-process."""
    from .check import run_checks
    from .load import NotGradable, load
    from .run import InProcessStudent, StudentError
    from .check import Broken
    from .run.inside import stubs
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
                problems.append((unit.label, {"type": type(error).__name__, "message": str(error)[:300]}))
        student = InProcessStudent(namespace, assignment.probes)

    class Job:
        digest = loaded.digest if loaded else ""

        def open(self):
            return student

    outcomes = []
    run_checks(assignment.graders, assignment.points, [Job()], lambda job, o: outcomes.append(o),
               public_only=True)
    outcomes[0].problems = problems
    return report.results(submission.student, assignment, outcomes[0], isolation="none", lang=lang,
                          hidden_visibility=course.hidden_visibility, seconds=time.monotonic() - started)
