"""The end of a batch: what is made from all of an assignment's graded submissions.

``finish(out_dir, assignment)`` reads DIR/*/results.json and writes
    grades.csv         the autograded scores, one row per student (never changed by hand)
    grades_final.csv   grades.csv with the manual adjustments of overrides.csv and their reasons
    report.html        what the class misunderstood (needs the instructor tools: matplotlib)
It runs after every batch (and after --resume), from the results on disk, so it is the
same whether the batch ran in one process, in local workers or on a cluster.
"""
from dataclasses import dataclass, field
from pathlib import Path

from . import results
from .errors import UsageError
from .files import write_atomic
from .overrides import finalize
from .report import grade_row, grades_csv


@dataclass
class Finished:
    lines: list = field(default_factory=list)      # what to tell the instructor
    warnings: list = field(default_factory=list)   # what could not be made, and why


def finish(out_dir, assignment, *, overrides=None, class_report=True):
    """Write grades.csv, grades_final.csv (when there are overrides) and report.html.
    Raises overrides.OverrideError when overrides.csv cannot be applied as written."""
    out_dir = Path(out_dir)
    done = Finished()
    rows = [grade_row(graded, list(assignment.points)) for graded in results.graded_in(out_dir, assignment.id)]
    write_atomic(out_dir / "grades.csv", grades_csv(rows, list(assignment.points)))
    done.lines += finalize(out_dir, assignment.points, overrides, rows=rows) or []
    if class_report:
        try:
            from .classreport import write_report
        except ImportError as missing:
            done.warnings.append(f"report.html skipped ({missing.name} not installed)")
        else:
            try:
                done.lines.append(f"report: {write_report(out_dir, assignment)}")
            except UsageError as nothing:            # no results of this assignment yet
                done.warnings.append(f"report.html skipped: {nothing}")
    return done
