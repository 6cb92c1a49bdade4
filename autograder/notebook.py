"""Checks from inside a notebook: the student's self-check cells and nbgrader's test cells.

    from autograder.notebook import check, check_all
    check("numerical_diff", globals())          # public checks, verdict + messages
    check_all("ch04_gradient", globals())       # the last cell: every function of the assignment

    grade("numerical_diff", globals())          # nbgrader hidden test: every check of the
                                                # function; the value is the points earned

Both ask the student's live functions the same questions as the grading command
(InProcessStudent: same probes, same codec) and print the same messages.  This runs in
the student's own kernel, so it is not tamper-proof: the grading command is.

Under ``nbgrader autograde`` (NBGRADER_EXECUTION=autograde) ``check`` stays silent: the
hidden ``grade`` call that follows it in the test cell prints the full verdict.

Each question has a time limit (``check``: LIMITS["selfcheck_check_seconds"]; ``grade``:
"check_seconds", as the grading command, so nbgrader's scores equal it), with the
command's timeout message, and a function that ran out of time once is not asked again.
Interrupting the kernel during a check ends the cell with one line, not a traceback.

A self-check that cannot start (no course_config.py, a kit without this assignment) prints
one line in Japanese and English saying what to do, and never raises: Run All goes on.
"""
import io
import os
import sys
import warnings

import numpy as np

from .judge import judge
from .course import load_course
from .errors import UsageError
from .run import InProcessStudent

NO_CONFIG = ("自己チェックの設定 (course_config.py) が見つかりません。学生キットの .whl をもう一度入れるか、"
             "キットのフォルダでノートブックを開いてください / The self-check's settings (course_config.py) "
             "are missing: install the student kit's .whl again, or open the notebook inside the kit folder")


class _NotInKit(Exception):
    """The installed self-check has no checks for what the notebook asks: the text says what to do."""


def _course():
    try:
        return load_course()
    except UsageError:
        raise _NotInKit(NO_CONFIG) from None


def _not_in_kit(what, course):
    have = ", ".join(course.assignments)
    return _NotInKit(f"この自己チェック(学生キット)には {what} のチェックがありません(あるもの: {have})。"
                     f"このノートブックの学生キットを使ってください / This self-check (student kit) has no checks "
                     f"for {what} (it has: {have}): use the student kit of this notebook")


class Interrupted(KeyboardInterrupt):
    """The kernel was interrupted during a check: the cell ends with this one line
    (IPython shows ``_render_traceback_`` in place of a traceback)."""
    LINE = "中断しました / interrupted"

    def __str__(self):
        return self.LINE

    def _render_traceback_(self):
        return [self.LINE]


class _Job:
    digest = "notebook"

    def __init__(self, namespace, probes, seconds):
        self.namespace, self.probes, self.seconds = namespace, probes, seconds

    def open(self):
        return InProcessStudent(self.namespace, self.probes, seconds=self.seconds)


def _digest(namespace):
    """Random inputs in the notebook are seeded from the sources of the notebook's own
    functions and classes."""
    import hashlib
    import inspect
    home = namespace.get("__name__")
    parts = []
    for name in sorted(k for k in namespace if not k.startswith("_")):
        value = namespace[name]
        if not callable(value) or getattr(value, "__module__", None) != home:
            continue
        try:
            parts.append(inspect.getsource(value))
        except (TypeError, OSError):
            continue
    return hashlib.sha256("".join(parts).encode()).hexdigest()


def _assignment(course, assignment_id, namespace, function=None):
    if assignment_id is None:
        assignment_id = _guess_assignment(course, namespace, function)
        if assignment_id is None:
            raise _not_in_kit(function, course)
    if assignment_id not in course.assignments:
        raise _not_in_kit(assignment_id, course)
    assignment = course.assignment(assignment_id)
    if function is not None and function not in assignment.function_points():
        raise _not_in_kit(function, course)
    return assignment


def _run(function, namespace, public_only, assignment_id=None, lang=None):
    course = _course()
    assignment = _assignment(course, assignment_id, namespace, function)
    lang = lang or course.lang
    limits = course.selfcheck_limits() if public_only else course.limits
    job = _Job(namespace, assignment.probes, limits["check_seconds"])
    job.digest = _digest(namespace)
    outcomes = []
    quiet = io.StringIO()
    stdout, stderr = sys.stdout, sys.stderr
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        sys.stderr = quiet                       # nbgrader scores a cell with stderr output 0
        try:
            judge(assignment, [job], lambda j, outcome: outcomes.append(outcome), lang=lang,
                  public_only=public_only, functions={function})
        except KeyboardInterrupt:
            raise Interrupted() from None
        finally:
            sys.stdout, sys.stderr = stdout, stderr
    return outcomes[0].checks if outcomes else []


def _guess_assignment(course, namespace, function=None):
    """The assignment (grading ``function``, if given) the largest share of whose functions
    the notebook defines; ties go to the first in course_config.py.  None when no assignment
    grades ``function``."""
    def defined(assignment):
        names = {f.split(".")[0] for f in assignment.function_points()}
        return sum(callable(namespace.get(name)) for name in names) / len(names)

    candidates = [a for a in course.assignments.values()
                  if function is None or function in a.function_points()]
    if not candidates:
        return None
    return max(candidates, key=defined).id     # max keeps the first of equals


def _print(function, checks):
    """The verdict as the self-check prints it (report.function_lines: one message per cause)."""
    from .report import function_lines
    from .results import FunctionResult
    result = FunctionResult(function, tuple(checks))
    print("\n".join(function_lines(result, indent="    ")))
    return result.score


def check(function, namespace, *, assignment=None, lang=None):
    """The public checks of one function, on the notebook's live code.  Prints; returns None."""
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        return
    try:
        checks = _run(function, namespace, public_only=True, assignment_id=assignment, lang=lang)
    except _NotInKit as reason:
        print(reason)
        return
    _print(function, checks)


def check_all(*args, assignment=None, lang=None):
    """Every function's public checks (the notebook's last cell):
    ``check_all("ch04_gradient", globals())``.  The older ``check_all(globals())`` and
    ``check_all(globals(), assignment="ch04_gradient")`` still work; without the id the
    assignment is guessed from the functions the notebook defines."""
    if len(args) == 2 and isinstance(args[0], str) and assignment is None:
        assignment, namespace = args
    elif len(args) == 1 and isinstance(args[0], dict):
        namespace = args[0]
    else:
        raise TypeError('call it as check_all("<assignment>", globals())')
    return _check_all(namespace, assignment, lang)


def _check_all(namespace, assignment_id, lang):
    try:
        course = _course()
        assignment = _assignment(course, assignment_id, namespace)
    except _NotInKit as reason:
        print(reason)
        return
    for function in assignment.function_points():
        check(function, namespace, assignment=assignment.id, lang=lang)


def grade(function, namespace, *, assignment=None, lang=None):
    """nbgrader's hidden test: all checks of ``function``; returns the points earned,
    which nbgrader takes as the cell's partial credit."""
    score = _print(function, _run(function, namespace, public_only=False, assignment_id=assignment, lang=lang))
    return float(score)
