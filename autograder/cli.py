"""Command line: python -m autograder {grade, check, finish, report, gradebook, export, import-lms, ...} ...

Exit status: 0 every submission was graded (a broken submission is graded too, with
its reason); 1 the grader itself failed; 2 a usage or configuration error (one line on
stderr); 3 ``check`` only: a public check failed (so a CI job on the student's work fails).  This module parses arguments and prints; the work is done by the stages.
"""
import argparse
import os
import sys
from pathlib import Path

from . import escape, report
from .course import LANGS, load_course
from .errors import GraderBug, UsageError


def say(text, stream=None):
    """Print a line that may hold student text (ids, messages): escaped for the terminal."""
    print(escape.terminal(text), file=stream or sys.stdout)


def run():
    """The ``autograder`` console script and ``python -m autograder``: main, then exit at once."""
    sys.path[:] = [entry for entry in sys.path if entry not in ("", os.getcwd())]
    try:
        status = main()      # an unexpected exception still ends the usual way, with its traceback
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `autograder grade ... | head`: the reader has gone, the results are written
        status = 0
    os._exit(status or 0)    # all is written and closed; finalising numpy and pytest would add ~0.1 s


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _parser():
    parser = _Parser(prog="autograder", description=__doc__.splitlines()[0])
    common = _Parser(add_help=False)
    common.add_argument("--config", metavar="PATH",
                        help="course_config.py to use (default: the one beside the autograder package)")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name, **kwargs):
        return commands.add_parser(name, parents=[common], **kwargs)

    grade = command("grade", help="grade submissions (notebooks, scripts or folders)")
    grade.add_argument("paths", nargs="+", metavar="PATH")
    grade.add_argument("--assignment", required=True, metavar="ID")
    grade.add_argument("--out", metavar="DIR", help="default: graded/<assignment>/")
    grade.add_argument("--jobs", type=int, default=1, metavar="N")
    grade.add_argument("--student", metavar="NAME", help="student id for a single file")
    grade.add_argument("--isolation", choices=("auto", "full", "reduced"), default="auto")
    grade.add_argument("--trusted-code", action="store_true",
                       help="grade even where student code cannot be kept from writing outside its temporary "
                            "folder (no bubblewrap, user namespaces or Landlock): only for code you trust")
    grade.add_argument("--lang", choices=LANGS, help="feedback language (default: course_config.LANG)")
    grade.add_argument("--resume", action="store_true", help="grade only what is missing or changed")
    grade.add_argument("--executor", choices=("local", "dask"), default="local")
    grade.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, with --executor dask")
    grade.add_argument("--overrides", metavar="CSV",
                       help="manual adjustments applied to grades_final.csv (default: DIR/overrides.csv)")

    check = command("check", help="run the public checks on your notebook")
    check.add_argument("notebook", metavar="NOTEBOOK")
    check.add_argument("--assignment", metavar="ID")
    check.add_argument("--lang", choices=LANGS)

    kit = command("student-kit", help="write what students receive")
    kit.add_argument("--output", required=True, metavar="DIR")
    kit.add_argument("--assignment", action="append", metavar="ID",
                     help="only this assignment (repeatable; default: every assignment)")

    finish = command("finish", help="recompute grades_final.csv, feedback and report.html of a graded folder "
                                    "(written marks, late policy, overrides, roster)")
    finish.add_argument("graded", metavar="GRADED_FOLDER")
    finish.add_argument("--assignment", metavar="ID", help="default: the assignment its results.json name")
    finish.add_argument("--overrides", metavar="CSV", help="default: GRADED_FOLDER/overrides.csv")

    report = command("report", help="write report.html for a graded folder")
    report.add_argument("graded", metavar="GRADED_FOLDER")
    report.add_argument("--anonymous", action="store_true",
                        help="write report_anonymous.html instead, to project in class: counts, plots and"
                             " diagnoses, no student id, name or link")

    lms = command("import-lms", help="unpack an LMS bulk download into the grading layout")
    lms.add_argument("archive", metavar="ZIP")
    lms.add_argument("--assignment", required=True, metavar="ID")
    lms.add_argument("--roster", metavar="CSV", help="maps LMS names to student ids")
    lms.add_argument("--out", metavar="DIR", help="default: submitted/")
    lms.add_argument("--format", choices=("auto", "moodle", "folders"), default="auto")

    export = command("export", help="final grades for Moodle (grading worksheet, feedback zip) and any LMS (CSV)")
    export.add_argument("assignment", metavar="ID")
    export.add_argument("--graded", metavar="DIR", help="the graded folder (default: graded/<ID>/)")
    export.add_argument("--worksheet", metavar="CSV", help="Moodle's grading worksheet to fill in")
    export.add_argument("--roster", metavar="CSV", help="default: ROSTER in course_config.py")
    export.add_argument("--out", metavar="DIR", help="default: DIR/export/")

    gradescope = command("gradescope", help="build a Gradescope autograder archive")
    gradescope.add_argument("assignment", metavar="ID")
    gradescope.add_argument("--output", required=True, metavar="ZIP")

    gradebook = command("gradebook",
                        help="write the course gradebook: every assignment's final grades and the term total")
    gradebook.add_argument("--graded", action="append", default=[], metavar="ID=DIR",
                           help="an assignment's graded folder (default: graded/<ID>/); repeat per assignment")
    gradebook.add_argument("--out", metavar="DIR", help="where gradebook.csv and .html go (default: graded/)")

    new = command("new-assignment", help="write the skeleton of a new assignment")
    new.add_argument("id", metavar="ID")

    written = command("written", help="pages of the written answers for TAs to mark, and their marks")
    written.add_argument("id", metavar="ID")
    written.add_argument("paths", nargs="*", metavar="SUBMISSIONS")
    written.add_argument("--out", metavar="DIR", help="default: graded/<ID>/")
    written.add_argument("--names", action="store_true",
                         help="show student ids and roster names (default: anonymous codes, to mark blind)")
    written.add_argument("--from-gradebook", metavar="DB",
                         help="nbgrader's gradebook.db (or a database URL): its manual grades to "
                              "DIR/written/marks_nbgrader.csv")
    return parser


def main(argv=None):
    try:
        args = _parser().parse_args(argv)
        if getattr(args, "jobs", 1) < 1:
            raise UsageError("--jobs must be at least 1")
        course = load_course(args.config)
        try:
            return COMMANDS[args.command](course, args)
        except ModuleNotFoundError as missing:
            if missing.name and missing.name.startswith("autograder."):
                raise UsageError(f"'{args.command}' is an instructor command, not part of the student kit") from None
            raise
    except UsageError as error:             # ConfigError too: course_config.py as written cannot be used
        say(f"autograder: error: {error}", sys.stderr)
        return 2
    except GraderBug as error:
        say(f"autograder: {error}", sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("autograder: interrupted", file=sys.stderr)
        return 130


TABLE_ROWS = 60            # a larger class gets a summary line; grades.csv has every row


def _grade(course, args):
    from .executors import grade_batch
    from .grade import pending
    from .judge import collect_checks
    from .progress import Progress
    from .run.sandbox import IsolationUnavailable, resolve_mode
    from .submissions import discover

    assignment = course.assignment(args.assignment)
    if args.executor == "dask" and not args.scheduler:
        raise UsageError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
    submissions = discover(args.paths, assignment.id, student=args.student)
    out = Path(args.out or Path("graded") / assignment.id)
    total = len(submissions)
    if args.jobs > 1 or args.executor == "dask":
        collect_checks(assignment)          # the checks load and agree with the points, before any worker
    if args.resume:
        submissions = pending(submissions, out, assignment.id)
        print(f"resume: {total - len(submissions)} of {total} already graded, {len(submissions)} to go",
              file=sys.stderr)
    try:
        isolation = resolve_mode(args.isolation, args.trusted_code)
    except IsolationUnavailable as error:
        say(f"autograder: {error}", sys.stderr)
        return 1
    shown, count = [], 0
    progress = Progress(len(submissions))

    def on_done(graded):
        nonlocal count
        count += 1
        progress.done(graded.student, graded.score, graded.max_score)
        if len(shown) <= TABLE_ROWS:
            shown.append(graded)

    try:
        failures = grade_batch(course, assignment, submissions, out_dir=out, jobs=args.jobs,
                               isolation=isolation, lang=args.lang or course.lang, on_done=on_done,
                               executor=args.executor, scheduler=args.scheduler)
    finally:
        progress.close()
    if out.is_dir() and (count or args.resume):      # --resume: marks and overrides may have changed
        _finish_and_say(course, assignment, out, args.overrides, class_report=total > 1,
                        failed=[failure.student for failure in failures])
    if len(submissions) == 1 and shown:
        say("\n".join(report.verdict_lines(shown[0])))
    elif len(shown) > TABLE_ROWS:
        print(f"{count} submissions graded: see {out / 'grades.csv'}")
    elif shown:
        functions = list(assignment.function_points())
        say("\n".join(report.table_lines(sorted(shown, key=lambda graded: graded.student), functions)))
    if isolation != "full":
        why = "as asked" if args.isolation == "reduced" else "bubblewrap unavailable"
        print(f"isolation: reduced ({why}): student code could read files this user can read")
    print(f"graded {count} of {len(submissions)} submissions -> {out}/")
    for failure in failures:
        say(f"autograder: {failure}", sys.stderr)
    return 1 if failures else 0


def _finish_and_say(course, assignment, out, overrides, class_report=True, failed=()):
    from .finish import finish
    from .overrides import OverrideError
    try:
        finished = finish(out, course, assignment, overrides=overrides, class_report=class_report, failed=failed)
    except OverrideError as error:          # the instructor's file as written cannot be applied
        raise UsageError(str(error)) from None
    for line in finished.lines:
        say(line)
    for warning in finished.warnings:
        say(warning, sys.stderr)


def _finish(course, args):
    from . import results
    out = Path(args.graded)
    if not out.is_dir():
        raise UsageError(f"{out}: no such folder")
    if args.assignment:
        assignment = course.assignment(args.assignment)
    else:
        found = {graded.assignment for path in sorted(out.glob(f"*/{results.RESULTS}"))
                 if (graded := results.read(path)) is not None}
        if len(found) != 1:
            raise UsageError(f"{out}: {'no graded results' if not found else 'results of several assignments'}"
                             " (give --assignment ID)")
        assignment = course.assignment(found.pop())
    _finish_and_say(course, assignment, out, args.overrides)
    return 0


def _check(course, args):
    from .selfcheck import check_command
    return check_command(course, args)


def _kit(course, args):
    from .kit import build_kit
    build_kit(course, Path(args.output), assignments=args.assignment)
    print(f"student kit written to {args.output}")
    return 0


def _report(course, args):
    from .classreport import report_command
    return report_command(course, args)


def _import_lms(course, args):
    from .lms import import_command
    return import_command(course, args)


def _export(course, args):
    from .moodle import export_command
    return export_command(course, args)


def _gradescope(course, args):
    from .gradescope import package_command
    return package_command(course, args)


def _gradebook(course, args):
    from .gradebook import gradebook_command
    return gradebook_command(course, args)


def _new_assignment(course, args):
    from .authoring import new_assignment_command
    return new_assignment_command(course, args)


def _written(course, args):
    from .written import written_command
    return written_command(course, args)


COMMANDS = {"grade": _grade, "check": _check, "student-kit": _kit, "written": _written, "finish": _finish,
            "report": _report, "gradebook": _gradebook, "export": _export, "import-lms": _import_lms,
            "gradescope": _gradescope, "new-assignment": _new_assignment}
