"""Deadlines, extensions and what lateness costs.

The due date-time of an assignment is its ``due`` in course_config.py (read in TIME_ZONE,
Asia/Tokyo by default); a student's extension replaces it.  The submission time is the
one in ``timestamp.txt`` beside the submission, as nbgrader's exchange writes it
(``2026-10-20 14:59:12.123456 UTC``) and as ``import-lms`` writes it (ISO 8601 with the
course's offset: zip times carry no zone, so they are read in the course's zone).  A
time without a zone is read in the course's zone too.  Without a time the submission is
flagged "time unknown" and nothing is deducted automatically.

Lateness counts started days after the due time plus the grace period (1 minute late is
1 day), and costs ``percent_per_day`` of the score per day, at most ``max_percent``; later
than ``accept_days`` days it is not accepted (0 points).  See ``LatePolicy`` in course.py.

extensions.csv (UTF-8 or Excel's cp932; EXTENSIONS in course_config.py), one row each:

    student,assignment,due,reason
    s014,ch04_gradient,2026-10-27 23:59,合理的配慮 (学生支援室 2026-04-10)

Every row needs a reason; an unknown assignment, an unreadable date or two rows for one
student and assignment stop the command (exit 2) naming the line.
"""
import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from .course import parse_time
from .errors import UsageError
from .files import read_csv
from .submissions import student_key

TIMESTAMP = "timestamp.txt"
LONGEST_TIMESTAMP = 100           # characters read from a timestamp.txt (it is one short line)
ZONE_NAMES = {"UTC": timezone.utc, "GMT": timezone.utc, "Z": timezone.utc,
              "JST": timezone(timedelta(hours=9))}


def parse_timestamp(text, zone):
    """An aware datetime from what a timestamp.txt holds, or None when it cannot be read."""
    text = str(text or "").strip()[:LONGEST_TIMESTAMP]
    if not text:
        return None
    try:
        return parse_time(text, zone)                 # ISO 8601, with or without an offset
    except ValueError:
        pass
    match = re.fullmatch(r"(\d{4}-\d{2}-\d{2}[ T][\d:.]+)\s+([A-Za-z_/+\-0-9:]+)", text)
    if match:                                         # nbgrader: "%Y-%m-%d %H:%M:%S.%f %Z"
        moment, name = match.groups()
        try:
            naive = datetime.fromisoformat(moment)
        except ValueError:
            return None
        if name.upper() in ZONE_NAMES:
            return naive.replace(tzinfo=ZONE_NAMES[name.upper()])
        try:
            return datetime.fromisoformat(f"{moment}{name}")     # "+09:00", "+0900"
        except ValueError:
            pass
        try:
            from zoneinfo import ZoneInfo
            return naive.replace(tzinfo=ZoneInfo(name))
        except (ValueError, KeyError, OSError):
            return None
    return None


def format_timestamp(moment):
    """What import-lms writes: readable by nbgrader's parse_utc and by this module."""
    return moment.isoformat(sep=" ", timespec="seconds")


@dataclass(frozen=True)
class Extension:
    student: str
    assignment: str
    due: datetime
    reason: str
    line: int


def read_extensions(path, course):
    """{(student key, assignment id): Extension} of extensions.csv ({} without the setting)."""
    if path is None:
        return {}
    if not path.is_file():
        raise UsageError(f"{path}: no such extensions file (EXTENSIONS in course_config.py)")
    found = {}
    for line, row in enumerate(read_csv(path), start=2):
        row = {(key or "").strip().lower(): (value or "").strip() for key, value in row.items()}
        if not any(row.values()):
            continue
        where = f"{path}, line {line}"
        student, assignment = student_key(row.get("student", "")), row.get("assignment", "")
        if not student or not assignment:
            raise UsageError(f"{where}: student and assignment are required")
        if assignment not in course.assignments:
            raise UsageError(f"{where}: unknown assignment '{assignment}'")
        if not row.get("reason"):
            raise UsageError(f"{where}: a reason is required (e.g. 合理的配慮, illness)")
        try:
            due = parse_time(row.get("due", ""), course.time_zone)
        except ValueError:
            raise UsageError(f"{where}: due '{row.get('due', '')}' is not a date-time like "
                             "2026-10-27 23:59") from None
        if (student, assignment) in found:
            raise UsageError(f"{where}: a second extension for {student} / {assignment}")
        found[(student, assignment)] = Extension(student, assignment, due, row["reason"], line)
    return found


ON_TIME, LATE, NOT_ACCEPTED, TIME_UNKNOWN, NO_DEADLINE = (
    "on_time", "late", "not_accepted", "time_unknown", "no_deadline")


@dataclass(frozen=True)
class Lateness:
    status: str                      # one of the five above
    submitted_at: datetime | None
    due: datetime | None             # the one that applies (the extension's, if any)
    extension: Extension | None = None
    days: int = 0                    # started days late, after the grace period
    percent: float = 0.0             # of the score deducted (100 when not accepted)

    def reason(self):
        """Why the score changes (or is flagged), in both languages, for feedback and CSVs."""
        due = self.due.strftime("%Y-%m-%d %H:%M") if self.due else ""
        extended = (f"; 期限延長 / extension to {due}: {self.extension.reason}" if self.extension else "")
        if self.status == NOT_ACCEPTED:
            return f"期限後のため受理されません / too late, not accepted ({self.days} 日 / days late{extended})"
        if self.status == LATE:
            return (f"{self.days} 日遅れ / {self.days} day(s) late: -{self.percent:g}%"
                    f" (期限 / due {due}{extended})")
        if self.status == TIME_UNKNOWN:
            return "提出時刻が不明なので遅延は判定していません / submission time unknown: lateness not checked"
        return ""


def lateness(assignment, submitted_at, extension=None):
    """How late ``submitted_at`` (aware datetime or None) is for ``assignment``."""
    due = extension.due if extension else assignment.due
    if due is None:
        return Lateness(NO_DEADLINE, submitted_at, None, extension)
    if submitted_at is None:
        return Lateness(TIME_UNKNOWN, None, due, extension)
    policy = assignment.late_policy
    grace = timedelta(minutes=policy.grace_minutes if policy else 0)
    late_by = submitted_at - due - grace
    if late_by <= timedelta(0):
        return Lateness(ON_TIME, submitted_at, due, extension)
    days = math.ceil(late_by / timedelta(days=1))
    if policy is None:
        return Lateness(LATE, submitted_at, due, extension, days, 0.0)
    if policy.accept_days is not None and days > policy.accept_days:
        return Lateness(NOT_ACCEPTED, submitted_at, due, extension, days, 100.0)
    percent = min(days * policy.percent_per_day, policy.max_percent)
    return Lateness(LATE, submitted_at, due, extension, days, float(percent))
