"""The finish stage: autograded + written marks -> check overrides -> late penalty ->
total overrides -> cap, every step with its reason; a row for every roster student.

Results are written as the grader writes them (results.write), so these tests run in
milliseconds; the command-line tests at the end grade real scripts.
"""
import csv
import dataclasses
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from conftest import ROOT, run_cli

from autograder import late, results
from autograder.course import LatePolicy, load_course
from autograder.errors import UsageError
from autograder.final import read_final
from autograder.finish import finish
from autograder.overrides import OverrideError
from autograder.results import CheckResult, GradedSubmission
from autograder.submissions import student_folder

TOKYO = ZoneInfo("Asia/Tokyo")
DUE = datetime(2026, 10, 20, 23, 59, tzinfo=TOKYO)
POLICY = LatePolicy(grace_minutes=15, percent_per_day=10, max_percent=50, accept_days=7)
CORRECT = (ROOT / "tests" / "data" / "ch04_gradient_correct.py").read_text(encoding="utf-8")


def stamp(**after_due):
    return (DUE + timedelta(**after_due)).isoformat(sep=" ")


@pytest.fixture
def term(tmp_path):
    """A course of four on the roster (one never submits), ch04_gradient due DUE."""
    base = load_course()
    roster = tmp_path / "roster.csv"
    roster.write_text("学籍番号,氏名,participant,email\ns001,山田 太郎,101,a@x.jp\ns002,鈴木 花子,102,b@x.jp\n"
                      "s003,佐藤 次郎,103,c@x.jp\ns004,高橋 三郎,104,d@x.jp\n", encoding="utf-8")
    assignment = dataclasses.replace(base.assignments["ch04_gradient"], due=DUE, late_policy=POLICY)
    course = dataclasses.replace(base, roster_path=roster, extensions_path=None,
                                 assignments={**base.assignments, assignment.id: assignment})
    return course, assignment, tmp_path / "graded"


def submit(out, assignment, student, lost=(), timestamp=""):
    """Write a graded submission: every check passed except those named in ``lost``."""
    checks = [CheckResult(cid, cid.split("::")[0], False, 0.0 if cid in lost else float(points), float(points))
              for cid, points in assignment.points.items()]
    results.write(out, GradedSubmission(student, assignment.id, checks, timestamp=timestamp))


def rows(out):
    return {grade.student: grade for grade in read_final(out / "grades_final.csv")}


def overrides(out, *lines):
    out.mkdir(parents=True, exist_ok=True)
    (out / "overrides.csv").write_text("student,check,points,adjustment,reason,extra_credit\n" + "\n".join(lines)
                                       + "\n", encoding="utf-8")


def test_every_step_in_order_with_its_reason(term):
    course, assignment, out = term
    lost = ["numerical_diff::central_x2_at_2", "gradient_descent::three_steps_exact",
            "simpleNet.loss::random_weights", "numerical_diff::random_polynomial"]         # 38 - 8 = 30
    submit(out, assignment, "s001", lost, timestamp=stamp(days=1, hours=2))                # 2 started days late
    submit(out, assignment, "s002", timestamp=stamp(minutes=10))                           # within the grace
    submit(out, assignment, "s003")                                                        # no timestamp.txt
    submit(out, assignment, "s099", timestamp=stamp(days=-1))                              # not on the roster
    overrides(out, "s001,numerical_diff::central_x2_at_2,2,,h=1e-3 accepted,",
              "s001,total,,+1,presented in class,", "s004,total,5,,oral exam instead,")
    before = (out / student_folder(out, "s001").name / "results.json").read_bytes()
    done = finish(out, course, assignment, class_report=False)

    final = rows(out)
    assert list(final) == ["s001", "s002", "s003", "s004", "s099"]            # roster order, then the others
    s001 = final["s001"]
    # 30 -> 32 (check) -> 32 * 0.8 = 25.6 (2 days, 10 %/day) -> 26.6 (total)
    assert (s001.autograded_score, s001.score, s001.max_score, s001.late_days) == (30, 26.6, 38, 2)
    assert s001.late_penalty == pytest.approx(6.4)
    assert s001.name == "山田 太郎" and "late" in s001.flags
    notes = s001.adjustments.split("; ")
    assert notes[0].startswith("numerical_diff::central_x2_at_2: h=1e-3 accepted (0 -> 2)")
    assert "2 day(s) late: -20%" in notes[1] and "(32 -> 25.6)" in notes[1]
    assert notes[2] == "total: presented in class (25.6 -> 26.6)"
    assert s001.parts["numerical_diff::central_x2_at_2"] == 2
    assert final["s002"].score == 38 and not final["s002"].flags                # 10 minutes: grace
    assert final["s003"].score == 38 and final["s003"].flags == ["time_unknown"]   # never penalised
    assert (final["s004"].status, final["s004"].score, final["s004"].flags) == ("not_submitted", 5, ["not_submitted"])
    assert (final["s099"].status, final["s099"].flags) == ("not_on_roster", ["not_on_roster"])
    assert any("s001" in line and "26.6" in line for line in done.lines)
    assert "4 submitted" not in done.lines[0] and "1 not submitted" in done.lines[0]

    graded = {row["student"]: row for row in csv.DictReader(
        (out / "grades.csv").read_text(encoding="utf-8-sig").splitlines())}
    assert graded["s001"]["score"] == "30" and "s004" not in graded               # the raw result stays
    assert (out / student_folder(out, "s001").name / "results.json").read_bytes() == before
    feedback = (student_folder(out, "s001") / "feedback.md").read_text(encoding="utf-8")
    assert "最終成績 / Final grade: 26.6 / 38" in feedback and "autograded: 30 / 38" in feedback
    assert "h\\=1e\\-3 accepted" in feedback and "20%" in feedback          # escaped for Markdown


def test_extensions_too_late_and_no_policy(term, tmp_path):
    course, assignment, out = term
    extensions = tmp_path / "extensions.csv"
    extensions.write_text("student,assignment,due,reason\ns001,ch04_gradient,2026-10-25 23:59,合理的配慮\n",
                          encoding="cp932")
    course = dataclasses.replace(course, extensions_path=extensions)
    submit(out, assignment, "s001", timestamp=stamp(days=4))                    # before the extended due
    submit(out, assignment, "s002", timestamp=stamp(days=8))                    # > accept_days
    submit(out, assignment, "s003", timestamp="2026-10-21 00:30:00.000000 UTC")  # nbgrader's format: 09:30 JST
    finish(out, course, assignment, class_report=False)
    final = rows(out)
    assert final["s001"].score == 38 and final["s001"].flags == ["extension"]
    assert (final["s002"].score, final["s002"].flags) == (0, ["not_accepted"])
    assert "too late, not accepted" in final["s002"].adjustments
    assert (final["s003"].late_days, final["s003"].score) == (1, 38 * 0.9)

    lenient = dataclasses.replace(assignment, late_policy=None)                 # flagged, never penalised
    finish(out, course, lenient, class_report=False)
    assert rows(out)["s002"].score == 38 and rows(out)["s002"].flags == ["late"]


def test_a_total_above_the_maximum_needs_extra_credit(term):
    course, assignment, out = term
    submit(out, assignment, "s001")
    overrides(out, "s001,total,,+2,bonus question,")
    with pytest.raises(OverrideError, match=r"line 2: s001's total would be 40, above the maximum 38"):
        finish(out, course, assignment, class_report=False)
    assert not (out / "grades_final.csv").exists()
    overrides(out, "s001,total,,+2,bonus question,yes")
    finish(out, course, assignment, class_report=False)
    assert rows(out)["s001"].score == 40


@pytest.mark.parametrize("line, message", [
    ("s009,total,1,,x,", "no student 's009'"),
    ("s001,numerical_diff::zzz,1,,x,", "no check or written part 'numerical_diff::zzz'"),
    ("s001,numerical_diff::central_x2_at_2,3,,x,", "outside 0..2"),
    ("s001,numerical_diff::function_1_book_values,,-2,x,", "outside 0..1"),
    ("s004,numerical_diff::function_1_book_values,0,,x,", "s004 submitted nothing"),
    ("s001,total,1,-1,x,", "exactly one"),
    ("s001,total,,,x,", "exactly one"),
    ("s001,total,1,,,", "reason is required"),
    ("s001,total,one,,x,", "not a number"),
    ("s001,total,nan,,x,", "not a number"),
    ("s001,total,1,,x,\ns001,total,2,,y,", "a second 'points'"),
])
def test_override_mistakes_name_the_row_and_write_nothing(term, line, message):
    course, assignment, out = term
    submit(out, assignment, "s001")
    overrides(out, line)
    with pytest.raises(OverrideError, match=message) as error:
        finish(out, course, assignment, class_report=False)
    assert f"line {line.count(chr(10)) + 2}" in str(error.value)                 # the row at fault
    assert not (out / "grades_final.csv").exists()


@pytest.mark.parametrize("text, expected", [
    ("2026-10-20 14:59:12.123456 UTC", datetime(2026, 10, 20, 23, 59, 12, 123456, tzinfo=TOKYO)),  # nbgrader
    ("2026-10-20 23:59:12+09:00", datetime(2026, 10, 20, 23, 59, 12, tzinfo=TOKYO)),               # import-lms
    ("2026-10-20 23:59:12", datetime(2026, 10, 20, 23, 59, 12, tzinfo=TOKYO)),                     # no zone
    ("2026-10-20 23:59:12.5 Asia/Tokyo", datetime(2026, 10, 20, 23, 59, 12, 500000, tzinfo=TOKYO)),
    ("2026-10-20 23:59:12 JST", datetime(2026, 10, 20, 23, 59, 12, tzinfo=TOKYO)),
    ("yesterday", None), ("", None), ("2026-13-45 99:99", None), ("2026-10-20 23:59 Mars/Olympus", None),
])
def test_timestamps_are_read_in_the_course_zone(text, expected):
    found = late.parse_timestamp(text, TOKYO)
    assert found == expected
    if expected is not None:
        assert found.utcoffset() is not None


@pytest.mark.parametrize("line, message", [
    ("s001,ch04_gradient,2026-10-25 23:59,", "reason is required"),
    ("s001,ch99,2026-10-25 23:59,illness", "unknown assignment 'ch99'"),
    ("s001,ch04_gradient,next week,illness", "is not a date-time"),
    (",ch04_gradient,2026-10-25 23:59,illness", "student and assignment are required"),
    ("s001,ch04_gradient,2026-10-25,a\ns001,ch04_gradient,2026-10-26,b", "a second extension"),
])
def test_extension_mistakes_name_the_line(tmp_path, line, message):
    path = tmp_path / "extensions.csv"
    path.write_text("student,assignment,due,reason\n" + line + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match=message) as error:
        late.read_extensions(path, load_course())
    assert f"line {line.count(chr(10)) + 2}" in str(error.value)


def test_lateness_counts_started_days_after_the_grace():
    assignment = dataclasses.replace(load_course().assignments["ch04_gradient"], due=DUE, late_policy=POLICY)
    at = [late.lateness(assignment, DUE + delta) for delta in
          (timedelta(minutes=15), timedelta(minutes=16), timedelta(days=1, minutes=15),
           timedelta(days=1, minutes=16), timedelta(days=6, hours=1), timedelta(days=7, minutes=15),
           timedelta(days=7, minutes=16))]
    assert [(a.status, a.days, a.percent) for a in at] == [
        ("on_time", 0, 0), ("late", 1, 10), ("late", 1, 10), ("late", 2, 20), ("late", 7, 50),
        ("late", 7, 50), ("not_accepted", 8, 100)]
    strict = dataclasses.replace(assignment, late_policy=LatePolicy(accept_days=0))
    assert late.lateness(strict, DUE + timedelta(minutes=1)).status == "not_accepted"
    assert late.lateness(assignment, None).status == "time_unknown"
    assert late.lateness(dataclasses.replace(assignment, due=None), DUE).status == "no_deadline"
    utc = late.lateness(assignment, datetime(2026, 10, 20, 15, 0, tzinfo=timezone.utc))   # 00:00 JST: 1 min late
    assert utc.status == "on_time"                                                         # (grace)


# ----- the command line: grade records the time, finish recomputes without regrading -----

def test_finish_command_after_overrides_and_the_time_nbgrader_recorded(tmp_path):
    for student, when in (("ann", "2026-10-20 14:00:00.000000 UTC"), ("ben", "")):
        folder = tmp_path / "submitted" / student / "ch04_gradient"
        folder.mkdir(parents=True)
        (folder / "ch04_gradient.py").write_text(CORRECT, encoding="utf-8")
        if when:
            (folder / "timestamp.txt").write_text(when + "\n", encoding="utf-8")
    out = tmp_path / "graded"
    done = run_cli("grade", tmp_path / "submitted", "--assignment", "ch04_gradient", "--out", out)
    assert done.returncode == 0, done.stderr
    assert results.read(student_folder(out, "ann") / "results.json").timestamp == "2026-10-20 14:00:00.000000 UTC"
    assert results.read(student_folder(out, "ben") / "results.json").timestamp == ""
    assert "final grades: 2 students (2 submitted)" in done.stdout

    overrides(out, "ben,total,,-4,copied a cell,")
    done = run_cli("finish", out)                                                   # no regrading
    assert done.returncode == 0, done.stderr
    assert rows(out)["ben"].score == 34 and "ben: total: copied a cell (38 -> 34)" in done.stdout
    assert "Final grade: 34 / 38" in (student_folder(out, "ben") / "feedback.md").read_text(encoding="utf-8")
    assert "copied a cell" in (out / "report.html").read_text(encoding="utf-8")
    overrides(out, "ben,total,,-4,copied a cell,", "ann,total,,-1,quiz missed,")   # added later:
    assert run_cli("report", out).returncode == 0                                   # report counts it
    assert rows(out)["ann"].score == 37 and "quiz missed" in (out / "report.html").read_text(encoding="utf-8")

    overrides(out, "nobody,total,,1,x,")
    for args in (("finish", out), ("grade", tmp_path / "submitted", "--assignment", "ch04_gradient",
                                   "--out", out, "--resume")):
        bad = run_cli(*args)
        errors = [line for line in bad.stderr.splitlines() if line.startswith("autograder: error:")]
        assert bad.returncode == 2 and len(errors) == 1 and "'nobody'" in errors[0]
    assert rows(out)["ben"].score == 34                                             # the last good one stays
    (out / "overrides.csv").unlink()
    for args, fragment in ((("finish", tmp_path / "nowhere"), "no such folder"),
                           (("finish", tmp_path), "no graded results"),
                           (("finish", out, "--assignment", "ch99"), "unknown assignment")):
        bad = run_cli(*args)
        assert bad.returncode == 2 and fragment in bad.stderr, bad.stderr
