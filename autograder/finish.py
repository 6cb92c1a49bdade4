"""The finish stage: from an assignment's graded results to what every student gets.

``python -m autograder finish GRADED_DIR --assignment ID`` (also run after every batch
and after --resume) reads the graded results and what people added, and writes

    grades.csv         the autograded scores, one row per submission (never changed by hand)
    grades_final.csv   one row per roster student (final.py has the columns): the final score
                       on the maximum with the written parts, every step with its reason
    <student>/feedback.md   rewritten with the final score and its adjustments
    report.html        what the class misunderstood, on final scores (matplotlib needed)

The final score is built in this order, each step kept with its reason (final.Step):

    autograded + written marks -> check overrides -> late penalty -> total overrides -> cap

Inputs: DIR/*/results.json; written marks (written.py: DIR/written/marks*.csv); the
submission time each results.json records (timestamp.txt, late.py) against the
assignment's due date and the student's extension (EXTENSIONS); DIR/overrides.csv
(overrides.py); the roster (ROSTER).  It is the same whether the batch ran in one process,
in local workers or on a cluster: it only reads what is on disk.
"""
from dataclasses import dataclass, field
from pathlib import Path

from . import late, results
from .errors import UsageError
from .files import write_atomic
from .final import NOT_ON_ROSTER, NOT_SUBMITTED, SUBMITTED, FinalGrade, Step, final_csv
from .overrides import TOTAL, OverrideError, read_overrides
from .report import feedback_markdown, grade_row, grades_csv


@dataclass
class Finished:
    lines: list = field(default_factory=list)      # what to tell the instructor
    warnings: list = field(default_factory=list)   # what could not be made, and why
    grades: list = field(default_factory=list)     # [FinalGrade], roster order then the others


def finish(out_dir, course, assignment, *, overrides=None, class_report=True, failed=()):
    """Write grades.csv, grades_final.csv, the feedback and report.html for ``out_dir``.
    ``failed``: students whose grading broke (a grader fault): flagged, never "not submitted".
    Raises OverrideError (overrides.csv) or a UsageError (marks, extensions, roster) naming
    the file and line, before anything is written."""
    out_dir = Path(out_dir)
    graded = list(results.graded_in(out_dir, assignment.id))
    grades = final_grades(out_dir, course, assignment, graded, overrides, set(failed))
    done = Finished(grades=grades)
    write_atomic(out_dir / "grades.csv", grades_csv([grade_row(g, list(assignment.points)) for g in graded],
                                                    list(assignment.points)))
    write_atomic(out_dir / "grades_final.csv", final_csv(grades, [*assignment.points, *assignment.written]))
    by_student = {grade.student: grade for grade in grades}
    for submission in graded:
        results.write_feedback(out_dir, submission, feedback_markdown(submission, by_student[submission.student]))
    done.lines.append(summary(grades, out_dir / "grades_final.csv"))
    done.lines += [f"  {grade.student}: {step}" for grade in grades for step in grade.steps
                   if step.kind != "written"]
    if class_report and graded:
        try:
            from .classreport import write_report
        except ImportError as missing:
            done.warnings.append(f"report.html skipped ({missing.name} not installed)")
        else:
            done.lines.append(f"report: {write_report(out_dir, assignment)}")
    return done


def summary(grades, path):
    count = {status: sum(g.status == status for g in grades) for status in (SUBMITTED, NOT_SUBMITTED, NOT_ON_ROSTER)}
    flagged = {flag: sum(flag in g.flags for g in grades) for flag in ("late", "not_accepted", "time_unknown",
                                                                         "written_pending", "grader_failed")}
    parts = [f"{count[SUBMITTED]} submitted"]
    parts += [f"{n} {name}" for name, n in ((NOT_SUBMITTED.replace("_", " "), count[NOT_SUBMITTED]),
                                            ("not on the roster", count[NOT_ON_ROSTER])) if n]
    parts += [f"{n} {flag.replace('_', ' ')}" for flag, n in flagged.items() if n]
    return f"final grades: {len(grades)} students ({', '.join(parts)}) -> {path}"


# ----- the steps, in order -----

WRITTEN_NOTE = "記述問題"


def final_grades(out_dir, course, assignment, graded, overrides_path, failed=frozenset()):
    roster = course.roster()
    extensions = late.read_extensions(course.extensions_path, course)
    marks = _marks(out_dir, assignment)
    rows = _overrides(out_dir, overrides_path)
    by_student = {submission.student: submission for submission in graded}
    order = list(roster.ids) if roster else []
    order += sorted(set(by_student) - set(order))
    order += sorted(set(failed) - set(order))
    grades = []
    for student in order:
        grade = FinalGrade(student, roster.name(student) if roster else "", max_score=assignment.final_max_score)
        submission = by_student.get(student)
        if submission is not None:
            _autograded(grade, submission, assignment, marks.get(student, {}))
            if roster is not None and student not in roster:
                grade.status = NOT_ON_ROSTER
                grade.flags.append("not_on_roster")
        elif student in failed:
            grade.flags.append("grader_failed")
        else:
            grade.status = NOT_SUBMITTED
            grade.flags.append("not_submitted")
        mine = [row for row in rows if row.student == student]
        _check_overrides(grade, [row for row in mine if row.check != TOTAL], assignment)
        if submission is not None:
            _late(grade, submission, assignment, extensions.get((student, assignment.id)), course.time_zone)
        _total_overrides(grade, [row for row in mine if row.check == TOTAL])
        grades.append(grade)
    known = set(order)
    for row in rows:
        if row.student not in known:
            raise OverrideError(f"{row.where}: no student '{row.student}' in the roster or the graded results")
    return grades


def _marks(out_dir, assignment):
    if not assignment.written:
        return {}
    from .written import MarksError, read_marks
    try:
        return read_marks(out_dir, assignment)
    except MarksError as error:
        raise UsageError(str(error)) from None


def _overrides(out_dir, path):
    given = Path(path) if path else out_dir / "overrides.csv"
    if not given.is_file():
        if path:
            raise OverrideError(f"{given}: no such file")
        return []
    return read_overrides(given)


def _autograded(grade, submission, assignment, marks):
    """autograded + written marks: the parts as measured and as marked."""
    grade.parts = {check.id: check.score for check in submission.checks}
    grade.autograded_score = submission.score
    grade.submitted_at = submission.timestamp
    grade.score = submission.score
    marked = {part: marks[part].points for part in assignment.written
              if part in marks and marks[part].points is not None}
    for part in assignment.written:
        grade.parts[part] = marked.get(part)
    pending = [part for part in assignment.written if part not in marked]
    grade.written_pending = float(sum(assignment.written[part] for part in pending))
    if pending:
        grade.flags.append("written_pending")
    if marked:
        grade.written_score = float(sum(marked.values()))
        grade.apply(Step("written", grade.score, grade.score + grade.written_score,
                         f"{WRITTEN_NOTE} / written answers: +{grade.written_score:g}"))


def _check_overrides(grade, rows, assignment):
    """Check rows: set first, then adjustments, in file order; each part stays within 0..its points."""
    top = {**assignment.points, **assignment.written}
    targets = set()
    for row in sorted(rows, key=lambda row: (row.adjustment is not None, row.line)):
        if row.check not in top:
            raise OverrideError(f"{row.where}: no check or written part '{row.check}' in {grade.student}'s grades")
        if grade.status == NOT_SUBMITTED:
            raise OverrideError(f"{row.where}: {grade.student} submitted nothing: use a total row")
        if row.points is not None:
            if row.check in targets:
                raise OverrideError(f"{row.where}: a second 'points' for {grade.student} / {row.check}")
            targets.add(row.check)
        before = grade.parts.get(row.check) or 0.0
        after = row.points if row.points is not None else before + row.adjustment
        if not 0 <= after <= top[row.check]:
            raise OverrideError(f"{row.where}: {row.check} would be {after:g}, outside 0..{top[row.check]:g}")
        grade.parts[row.check] = after
        if row.check in assignment.written and "written_pending" in grade.flags:
            _recount_pending(grade, assignment)
        total = float(sum(value or 0.0 for value in grade.parts.values()))
        grade.apply(Step("check_override", grade.score, total,
                         f"{row.check}: {row.reason} ({before:g} -> {after:g})"))


def _recount_pending(grade, assignment):
    pending = [part for part in assignment.written if grade.parts.get(part) is None]
    grade.written_pending = float(sum(assignment.written[part] for part in pending))
    if not pending:
        grade.flags.remove("written_pending")


def _late(grade, submission, assignment, extension, zone):
    when = late.parse_timestamp(submission.timestamp, zone)
    found = late.lateness(assignment, when, extension)
    if extension is not None:
        grade.flags.append("extension")
    if found.status == late.TIME_UNKNOWN:
        grade.flags.append("time_unknown")
        grade.notes.append(found.reason())
        return
    if found.status not in (late.LATE, late.NOT_ACCEPTED):
        return
    grade.late_days = found.days
    grade.flags.append("late" if found.status == late.LATE else "not_accepted")
    after = 0.0 if found.status == late.NOT_ACCEPTED else round(grade.score * (1 - found.percent / 100), 4)
    grade.late_penalty = round(grade.score - after, 4)
    if after != grade.score or found.status == late.NOT_ACCEPTED:
        grade.apply(Step("late", grade.score, after, found.reason()))
    else:
        grade.notes.append(found.reason())


def _total_overrides(grade, rows):
    """Total rows after the late penalty: set first, then adjustments; never below 0, and above
    the maximum only where the row says extra_credit."""
    set_once = False
    for row in sorted(rows, key=lambda row: (row.adjustment is not None, row.line)):
        if row.points is not None:
            if set_once:
                raise OverrideError(f"{row.where}: a second 'points' for {grade.student} / total")
            set_once = True
        after = row.points if row.points is not None else grade.score + row.adjustment
        after = max(after, 0.0)
        if after > grade.max_score and not row.extra_credit:
            raise OverrideError(f"{row.where}: {grade.student}'s total would be {after:g}, above the maximum "
                                f"{grade.max_score:g} (set extra_credit on this row if that is meant)")
        grade.apply(Step("total_override", grade.score, after, f"{TOTAL}: {row.reason}"))
