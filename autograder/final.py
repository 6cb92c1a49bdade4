"""A final grade: the autograded score with everything a person added, each step with its reason.

``grades.csv`` and ``results.json`` are what the checks measured and never change by hand;
``grades_final.csv`` is what the student gets.  The finish stage (finish.py) makes one
``FinalGrade`` per roster student (and per submitter not on the roster) in this order:

    autograded + written marks -> check overrides -> late penalty -> total overrides -> cap

Everything downstream of the finish stage reads grades_final.csv through ``read_final``:
the course gradebook, the Moodle worksheet, the feedback zip, the class report.

grades_final.csv columns (README "A term"):
    student, name, status, score, max_score    the grade on the assignment's full scale
    autograded_score, written_score            the two parts before adjustments ("" = none)
    written_pending                            points of written parts not marked yet
    late_days, late_penalty, submitted_at      lateness (started days) and its cost in points
    flags                                      codes (FLAGS), ";"-separated
    adjustments                                every step's reason, "; "-separated
    <check id>..., <written part>...           the parts' scores after check overrides
"""
from dataclasses import dataclass, field
from pathlib import Path

from .escape import csv_uncell
from .files import csv_text, read_csv

SUBMITTED, NOT_SUBMITTED, NOT_ON_ROSTER = "submitted", "not_submitted", "not_on_roster"
STATUSES = (SUBMITTED, NOT_SUBMITTED, NOT_ON_ROSTER)

# flag -> (ja, en): what a column of codes means to the people who read it
FLAGS = {
    "not_submitted": ("未提出", "not submitted"),
    "not_on_roster": ("名簿にない提出者", "submitter not on the roster"),
    "late": ("遅延提出", "late"),
    "not_accepted": ("期限後のため受理されず", "too late: not accepted"),
    "extension": ("期限延長あり", "extension"),
    "time_unknown": ("提出時刻不明", "submission time unknown"),
    "written_pending": ("記述問題は採点待ち", "written answers pending"),
    "grader_failed": ("採点できず(教員が確認)", "grader failed: the instructor checks"),
}

FIXED = ("student", "name", "status", "score", "max_score", "autograded_score", "written_score",
         "written_pending", "late_days", "late_penalty", "submitted_at", "flags", "adjustments")


@dataclass(frozen=True)
class Step:
    """One change to the score, kept with its reason."""
    kind: str            # written | check_override | late | total_override | cap
    before: float
    after: float
    reason: str

    def __str__(self):
        return f"{self.reason} ({_number(self.before)} -> {_number(self.after)})"


@dataclass
class FinalGrade:
    student: str                     # student key
    name: str = ""                   # from the roster ("" without one)
    status: str = SUBMITTED
    score: float = 0.0
    max_score: float = 0.0
    autograded_score: float | None = None   # None: nothing was autograded (not submitted)
    written_score: float | None = None      # None: no written part, or none marked
    written_pending: float = 0.0
    late_days: int = 0
    late_penalty: float = 0.0
    submitted_at: str = ""           # ISO 8601 with offset, "" when unknown
    flags: list = field(default_factory=list)
    steps: list = field(default_factory=list)    # [Step], in the order applied (finish.py)
    parts: dict = field(default_factory=dict)    # check id / written part -> score (None = pending)
    notes: list = field(default_factory=list)    # the steps as text (what grades_final.csv keeps)

    def apply(self, step):
        """Record a change of the score with its reason, and make it."""
        self.steps.append(step)
        self.notes.append(str(step))
        self.score = step.after

    @property
    def adjustments(self):
        return "; ".join(self.notes)

    def flagged(self, flag):
        return flag in self.flags


def _number(value):
    return "" if value is None or value == "" else f"{float(value):g}"


def flag_text(flag, lang="ja+en"):
    ja, en = FLAGS.get(flag, (flag, flag))
    return {"ja": ja, "en": en}.get(lang, f"{ja} / {en}")


def final_csv(grades, part_ids):
    header = [*FIXED, *part_ids]

    def row(grade):
        values = {"student": grade.student, "name": grade.name, "status": grade.status,
                  "score": _number(grade.score), "max_score": _number(grade.max_score),
                  "autograded_score": _number(grade.autograded_score),
                  "written_score": _number(grade.written_score),
                  "written_pending": _number(grade.written_pending) if grade.written_pending else "",
                  "late_days": str(grade.late_days) if grade.late_days else "",
                  "late_penalty": _number(grade.late_penalty) if grade.late_penalty else "",
                  "submitted_at": grade.submitted_at, "flags": ";".join(grade.flags),
                  "adjustments": grade.adjustments}
        return [values.get(name, _number(grade.parts.get(name))) for name in header]

    return csv_text(header, (row(grade) for grade in grades))


def _float(text, default=None):
    text = (text or "").strip()
    return float(text) if text else default


def read_final(path):
    """[FinalGrade] of a grades_final.csv (steps come back as their reasons only)."""
    grades = []
    for row in read_csv(Path(path)):
        row = {key: csv_uncell(value or "") for key, value in row.items()}
        reasons = [text for text in (row.get("adjustments") or "").split("; ") if text]
        grades.append(FinalGrade(
            student=row["student"], name=row.get("name", ""), status=row.get("status") or SUBMITTED,
            score=_float(row.get("score"), 0.0), max_score=_float(row.get("max_score"), 0.0),
            autograded_score=_float(row.get("autograded_score")), written_score=_float(row.get("written_score")),
            written_pending=_float(row.get("written_pending"), 0.0), late_days=int(_float(row.get("late_days"), 0)),
            late_penalty=_float(row.get("late_penalty"), 0.0), submitted_at=row.get("submitted_at", ""),
            flags=[flag for flag in (row.get("flags") or "").split(";") if flag],
            notes=reasons,
            parts={name: _float(value) for name, value in row.items() if name not in FIXED}))
    return grades
