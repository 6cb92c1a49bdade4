"""``python -m autograder check NOTEBOOK``: the student's self-check before submitting.

Runs the public checks only, with the same messages as the grading command, each
question limited to LIMITS["selfcheck_check_seconds"] (shorter than grading's).  Exit
status 0 when every public check passed, 3 (CHECKS_FAILED) when one failed, so that a CI
job on the student's repository fails; 1 and 2 as for every command.  Where the
grading sandbox cannot start (Windows has no fork), the notebook's code runs in this
process instead: it is the student's own machine, so nothing needs protecting.
"""
import ast
import contextlib
import io
import json
import os
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

from . import escape, report
from .course import UsageError


CHECKS_FAILED = 3     # exit status: a public check failed (README "Exit status"; 1 and 2 as every command)
_NAMED = re.compile(r"""check_all\(\s*["']([A-Za-z][A-Za-z0-9_]*)["']|assignment\s*=\s*["']([A-Za-z][A-Za-z0-9_]*)["']""")


def _contents(path):
    """([code of each cell], nbgrader grade_ids) of a notebook, or ([text], ()) of a script;
    ([], ()) when the file cannot be read as either: it is the student's, anything may be there."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return [], ()
    if path.suffix != ".ipynb":
        return [text], ()
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError, RecursionError):
        return [], ()
    code, ids = [], []
    for cell in cells if isinstance(cells, list) else []:
        if not isinstance(cell, dict):
            continue
        meta = cell.get("metadata")
        grading = meta.get("nbgrader") if isinstance(meta, dict) else None
        if isinstance(grading, dict) and isinstance(grading.get("grade_id"), str):
            ids.append(grading["grade_id"])
        source = cell.get("source", "")
        source = "".join(s for s in source if isinstance(s, str)) if isinstance(source, list) else source
        if cell.get("cell_type") == "code" and isinstance(source, str):
            code.append(source)
    return code, tuple(ids)


def _defined(cells):
    """Names the cells define at their top level (def, class): a cell that does not parse
    costs only its own names."""
    names = set()
    for part in cells:
        try:
            tree = ast.parse(part)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        names.update(n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)))
    return names


def _best(course, has):
    """The one assignment the largest share of whose graded functions ``has``, or None
    (none at all, or a tie)."""
    share = {}
    for assignment in course.assignments.values():
        functions = list(assignment.function_points())
        share[assignment.id] = sum(map(has, functions)) / len(functions)
    top = max(share.values(), default=0)
    winners = [a for a, s in share.items() if s == top]
    return winners[0] if top > 0 and len(winners) == 1 else None


def infer_assignment(course, notebook):
    """The assignment a notebook belongs to, from what it holds, so that Colab's "Copy of
    ch04_gradient.ipynb" is recognised anywhere: the assignment its final check names
    (``check_all("ch04_gradient", ...)``), else the one whose test cells (nbgrader grade_ids)
    it has, else the one whose graded functions it defines; then its file or folder name,
    or the course's only assignment."""
    path = Path(notebook)
    cells, ids = _contents(path)
    named = {a or b for cell in cells for a, b in _NAMED.findall(cell)}
    if len(named) == 1:
        [assignment] = named
        if assignment not in course.assignments:
            have = ", ".join(course.assignments)
            raise UsageError(f"この自己チェックには {assignment} のチェックがありません(あるもの: {have})。"
                             f"{assignment} の学生キットを使ってください / this self-check has no checks for "
                             f"{assignment} (it has: {have}): use the student kit for {assignment}")
        return assignment
    test_cells = {grade_id for grade_id in ids if grade_id.startswith("test_")}
    defined = _defined(cells)
    found = (_best(course, lambda function: "test_" + function.replace(".", "_") in test_cells)
             or _best(course, lambda function: function.split(".")[0] in defined))
    if found:
        return found
    for name in (path.stem, path.parent.name):
        if name in course.assignments:
            return name
    if len(course.assignments) == 1:
        return next(iter(course.assignments))
    known = ", ".join(course.assignments)
    raise UsageError(f"{path.name} がどの課題のノートブックか分かりません。--assignment ID を付けてください"
                     f"(ID: {known})/ cannot tell which assignment {path.name} is: pass --assignment ID "
                     f"(one of: {known})")


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
    return CHECKS_FAILED if any(not check.passed for check in graded[0].checks) else 0


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
