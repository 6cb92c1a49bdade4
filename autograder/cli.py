"""Command line: python -m autograder {grade, check, student-kit, report, import-lms, gradescope} ...

Exit status: 0 every submission was graded (a broken submission is graded too, with
its reason); 1 the grader itself failed; 2 a usage error (one line on stderr).
"""
import argparse
import sys
from pathlib import Path

from .course import UsageError, load_course
from .messages import LANGS


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(message)


def _parser():
    parser = _Parser(prog="python -m autograder", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    grade = commands.add_parser("grade", help="grade submissions (notebooks, scripts or folders)")
    grade.add_argument("paths", nargs="+", metavar="PATH")
    grade.add_argument("--assignment", required=True, metavar="ID")
    grade.add_argument("--out", metavar="DIR", help="default: graded/<assignment>/")
    grade.add_argument("--jobs", type=int, default=1, metavar="N")
    grade.add_argument("--student", metavar="NAME", help="student id for a single file")
    grade.add_argument("--isolation", choices=("auto", "full", "reduced"), default="auto")
    grade.add_argument("--lang", choices=LANGS, help="feedback language (default: course_config.LANG)")
    grade.add_argument("--resume", action="store_true", help="grade only what is missing or changed")
    grade.add_argument("--executor", choices=("local", "dask"), default="local")
    grade.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler, with --executor dask")
    grade.add_argument("--overrides", metavar="CSV",
                       help="manual adjustments applied to grades_final.csv (default: DIR/overrides.csv)")

    check = commands.add_parser("check", help="run the public checks on your notebook")
    check.add_argument("notebook", metavar="NOTEBOOK")
    check.add_argument("--assignment", metavar="ID")
    check.add_argument("--lang", choices=LANGS)

    kit = commands.add_parser("student-kit", help="write what students receive")
    kit.add_argument("--output", required=True, metavar="DIR")

    report = commands.add_parser("report", help="write report.html for a graded folder")
    report.add_argument("graded", metavar="GRADED_FOLDER")

    lms = commands.add_parser("import-lms", help="unpack an LMS bulk download into the grading layout")
    lms.add_argument("archive", metavar="ZIP")
    lms.add_argument("--assignment", required=True, metavar="ID")
    lms.add_argument("--roster", metavar="CSV", help="maps LMS names to student ids")
    lms.add_argument("--out", metavar="DIR", help="default: submitted/")
    lms.add_argument("--format", choices=("auto", "moodle", "folders"), default="auto")

    gradescope = commands.add_parser("gradescope", help="build a Gradescope autograder archive")
    gradescope.add_argument("assignment", metavar="ID")
    gradescope.add_argument("--output", required=True, metavar="ZIP")

    new = commands.add_parser("new-assignment", help="write the skeleton of a new assignment")
    new.add_argument("id", metavar="ID")
    return parser


def main(argv=None):
    try:
        args = _parser().parse_args(argv)
        if getattr(args, "jobs", 1) < 1:
            raise UsageError("--jobs must be at least 1")
        course = load_course()
        try:
            return COMMANDS[args.command](course, args)
        except ModuleNotFoundError as missing:
            if missing.name and missing.name.startswith("autograder."):
                raise UsageError(f"'{args.command}' is an instructor command, not part of the student kit") from None
            raise
    except UsageError as error:
        print(f"autograder: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("autograder: interrupted", file=sys.stderr)
        return 130


TABLE_ROWS = 60            # a larger class gets a summary line; grades.csv has every row


def _grade(course, args):
    from . import report
    from .grade import grade, pending
    from .progress import Progress
    from .run.sandbox import IsolationUnavailable, resolve_mode
    from .submissions import discover

    assignment = course.assignment(args.assignment)
    if args.executor == "dask" and not args.scheduler:
        raise UsageError("--executor dask needs --scheduler ADDRESS (e.g. tcp://10.0.0.5:8786)")
    submissions = discover(args.paths, assignment.id, student=args.student)
    out = Path(args.out or Path("graded") / assignment.id)
    total = len(submissions)
    if args.resume:
        submissions = pending(submissions, out, assignment.id)
        print(f"resume: {total - len(submissions)} of {total} already graded, {len(submissions)} to go",
              file=sys.stderr)
    lang = args.lang or course.lang
    try:
        isolation = resolve_mode(args.isolation)
    except IsolationUnavailable as error:
        print(f"autograder: {error}", file=sys.stderr)
        return 1
    shown, count = [], 0
    progress = Progress(len(submissions))

    def on_done(result):
        nonlocal count
        count += 1
        progress.done(result["extra_data"]["student"], result["score"], result["extra_data"]["max_score"])
        if len(shown) <= TABLE_ROWS:
            shown.append(result)

    try:
        failures = grade(course, assignment, submissions, out_dir=out, jobs=args.jobs, isolation=isolation,
                         lang=lang, on_done=on_done, executor=args.executor, scheduler=args.scheduler)
    finally:
        progress.close()
    if out.is_dir() and count:
        report.write_atomic(out / "grades.csv",
                            report.grades_csv(report.iter_results(out, assignment.id), list(assignment.points)))
        from .overrides import OverrideError, finalize
        try:
            lines = finalize(out, assignment.points, args.overrides)
        except OverrideError as error:
            print(f"autograder: {error}", file=sys.stderr)
            return 1
        if lines:
            print("\n".join(lines))
        if total > 1:
            _class_report(out, assignment)
    if len(submissions) == 1 and shown:
        print("\n".join(report.verdict_lines(shown[0])))
    elif len(shown) > TABLE_ROWS:
        print(f"{count} submissions graded: see {out / 'grades.csv'}")
    elif shown:
        functions = list(assignment.function_points())
        print("\n".join(report.table_lines(sorted(shown, key=lambda r: r["extra_data"]["student"]), functions)))
    if isolation != "full":
        why = "as asked" if args.isolation == "reduced" else "bubblewrap unavailable"
        print(f"isolation: reduced ({why}): student code could read files this user can read")
    print(f"graded {count} of {len(submissions)} submissions -> {out}/")
    for failure in failures:
        print(f"autograder: {failure}", file=sys.stderr)
    return 1 if failures else 0


def _class_report(out, assignment):
    """report.html at the end of a batch, where the instructor tools (matplotlib) are installed."""
    try:
        from .classreport import write_report
        print(f"report: {write_report(out, assignment)}")
    except ImportError as missing:
        print(f"report.html skipped ({missing.name} not installed)", file=sys.stderr)


def _check(course, args):
    from .selfcheck import check_command
    return check_command(course, args)


def _kit(course, args):
    from .kit import build_kit
    build_kit(course, Path(args.output))
    print(f"student kit written to {args.output}")
    return 0


def _report(course, args):
    from .classreport import report_command
    return report_command(course, args)


def _import_lms(course, args):
    from .lms import import_command
    return import_command(course, args)


def _gradescope(course, args):
    from .gradescope import package_command
    return package_command(course, args)


def _new_assignment(course, args):
    from .authoring import new_assignment_command
    return new_assignment_command(course, args)


COMMANDS = {"grade": _grade, "check": _check, "student-kit": _kit, "report": _report,
            "import-lms": _import_lms, "gradescope": _gradescope, "new-assignment": _new_assignment}
