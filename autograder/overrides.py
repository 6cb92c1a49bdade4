"""Manual adjustments: ``overrides.csv`` in the graded folder, each with its reason.

overrides.csv (UTF-8, or Excel's cp932), one adjustment a row:

    student,check,points,adjustment,reason,extra_credit
    s001,numerical_diff::cubic_needs_small_step,2,,h=1e-3 accepted (announced in class),
    s002,total,,-3,copied a cell,
    s003,total,,+2,presented the gradient check in class,yes

check         a check id (a column of grades.csv), a written part id, or ``total``
points        the new score: sets it        } exactly one of the two per row
adjustment    added to the score (+ or -)   }
reason        required
extra_credit  optional; set (yes / 1 / x) on a total row that may lift the score above
              the maximum — without it such a row is refused

The finish stage (finish.py) applies them: check rows before the late penalty (a check
score stays within 0..its points), total rows after it (set, then adjustments; a total
never goes below 0).  An unknown student or check, a missing reason, two ``points`` for
one target: an ``OverrideError`` naming the row, and nothing is written.
"""
import math
from dataclasses import dataclass

from .files import read_csv
from .submissions import student_key

TOTAL = "total"


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
    extra_credit: bool = False
    source: str = "overrides.csv"

    @property
    def where(self):
        return f"{self.source}, line {self.line}"


def _number(text, where):
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise OverrideError(f"{where}: '{text}' is not a number")
    return value


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
        extra = row.get("extra_credit", "").casefold() in ("yes", "y", "1", "x", "true", "はい", "○")
        overrides.append(Override(line, student_key(row["student"]), row["check"], points, adjustment,
                                  row["reason"], extra, str(path)))
    return overrides
