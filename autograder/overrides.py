"""Manual adjustments: ``overrides.csv`` applied to ``grades.csv`` on export, each with its reason.

overrides.csv (UTF-8, or Excel's cp932), one adjustment a row:

    student,check,points,adjustment,reason
    s001,numerical_diff::cubic_needs_small_step,2,,h=1e-3 accepted (announced in class)
    s002,total,,-3,late by two days

check       a check id (a column of grades.csv) or ``total``
points      the new score: sets it        } exactly one of the two per row
adjustment  added to the score (+ or -)   }
reason      required

Check rows apply first (the total becomes the sum of the checks again), then total rows:
set, then adjustments; a total never goes below 0.  An unknown student or check, a check
score outside 0..its points, a missing reason, two ``points`` for one target: an
``OverrideError`` naming the row, and nothing is written.
"""
from dataclasses import dataclass
from pathlib import Path

from .files import csv_text, read_csv, write_atomic
from .submissions import student_key

TOTAL = "total"
FIXED = ("student", "score", "max_score")
EXTRA = ("original_score", "overrides")


class OverrideError(ValueError):
    """overrides.csv cannot be applied as written."""


@dataclass(frozen=True)
class Override:
    line: int
    student: str
    check: str
    points: float | None
    adjustment: float | None
    reason: str


def _number(text, where):
    text = (text or "").strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise OverrideError(f"{where}: '{text}' is not a number") from None


def read_overrides(path):
    overrides = []
    for line, row in enumerate(read_csv(path), start=2):
        where = f"{path}, line {line}"
        row = {(key or "").strip().lower(): (value or "").strip() for key, value in row.items()}
        if not any(row.values()):
            continue
        points, adjustment = _number(row.get("points"), where), _number(row.get("adjustment"), where)
        if (points is None) == (adjustment is None):
            raise OverrideError(f"{where}: give either points or adjustment (exactly one)")
        if not row.get("reason"):
            raise OverrideError(f"{where}: a reason is required")
        if not row.get("student") or not row.get("check"):
            raise OverrideError(f"{where}: student and check are required")
        overrides.append(Override(line, row["student"], row["check"], points, adjustment, row["reason"]))
    return overrides


def apply_overrides(rows, overrides, check_points=None):
    """(new rows, applied): ``rows`` are grades.csv rows (dicts); each applied entry is a dict
    student, check, before, after, reason.  ``check_points`` (check id -> points) bounds check scores."""
    table = {student_key(row["student"]): dict(row) for row in rows}
    applied = []
    targets = set()
    order = sorted(overrides, key=lambda o: (o.check == TOTAL, o.adjustment is not None, o.line))
    for override in order:
        where = f"overrides.csv, line {override.line}"
        row = table.get(student_key(override.student))
        if row is None:
            raise OverrideError(f"{where}: no student '{override.student}' in grades.csv")
        if override.check != TOTAL and override.check not in row:
            raise OverrideError(f"{where}: no check '{override.check}' in grades.csv")
        if override.points is not None:
            if (override.student, override.check) in targets:
                raise OverrideError(f"{where}: a second 'points' for {override.student} / {override.check}")
            targets.add((override.student, override.check))
        row.setdefault("original_score", row["score"])
        key = "score" if override.check == TOTAL else override.check
        before = float(row[key] or 0)
        after = override.points if override.points is not None else before + override.adjustment
        if override.check == TOTAL:
            after = max(after, 0.0)
        else:
            top = (check_points or {}).get(override.check, float("inf"))
            if not 0 <= after <= top:
                raise OverrideError(f"{where}: {override.check} would be {after:g}, outside 0..{top:g}")
        row[key] = f"{after:g}"
        if override.check != TOTAL:
            row["score"] = f"{sum(float(row[c] or 0) for c in row if '::' in c):g}"
        reason = f"{override.check}: {override.reason}"
        row["overrides"] = "; ".join(filter(None, [row.get("overrides", ""), reason]))
        applied.append({"student": override.student, "check": override.check, "before": before,
                        "after": after, "reason": override.reason})
    return [table[student_key(row["student"])] for row in rows], applied


def grades_final_csv(rows, columns):
    header = [*columns, *EXTRA]
    return csv_text(header, ([{**row, "original_score": row.get("original_score", row["score"])}.get(name, "")
                              for name in header] for row in rows))


def finalize(graded_dir, check_points=None, overrides_path=None, rows=None):
    """Write ``grades_final.csv`` beside ``grades.csv`` when an overrides file is given or
    ``overrides.csv`` lies in the graded folder; returns the lines to print (None: no overrides).
    ``rows``: grades.csv's rows as the grader made them (default: read back from grades.csv)."""
    graded_dir = Path(graded_dir)
    path = Path(overrides_path) if overrides_path else graded_dir / "overrides.csv"
    if not path.is_file():
        if overrides_path:
            raise OverrideError(f"{path}: no such file")
        return None
    if rows is None:
        if not (graded_dir / "grades.csv").is_file():
            raise OverrideError(f"{graded_dir / 'grades.csv'}: no such file (grade first)")
        rows = read_csv(graded_dir / "grades.csv")
    columns = list(rows[0]) if rows else list(FIXED)
    final, applied = apply_overrides(rows, read_overrides(path), check_points)
    write_atomic(graded_dir / "grades_final.csv", grades_final_csv(final, columns))
    lines = [f"overrides: {len(applied)} applied from {path} -> {graded_dir / 'grades_final.csv'}"]
    lines += [f"  {a['student']}  {a['check']}: {a['before']:g} -> {a['after']:g}  ({a['reason']})"
              for a in applied]
    return lines
