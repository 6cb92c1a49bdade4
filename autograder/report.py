"""Stage 4 — report: a GradedSubmission as people read it, one writer per medium.

feedback.md    what the student reads: score, and per function what passed and why not
grades.csv     one row per submission for spreadsheets and LMS import (UTF-8 with BOM)
the terminal   a verdict per function for one submission, a table for many

(results.json, the machine-readable form, is results.py's; report.html is classreport.py's.)
"""
from .files import csv_text


def feedback_markdown(graded):
    """DIR/<student>/feedback.md: the file an instructor mails or uploads as-is."""
    lines = [f"# {graded.assignment} — {graded.student}", "",
             f"**{graded.score:g} / {graded.max_score:g}**", ""]
    notes = graded.notes()
    lines += [f"> {line}" for line in notes] + ([""] if notes else [])
    for function in graded.functions():
        failed = function.failed
        mark = "✅" if not failed else ("❌" if function.score == 0 else "⚠️")
        lines.append(f"## {mark} `{function.function}` — {function.score:g} / {function.max_score:g}")
        lines.append("")
        if not failed:
            lines.append("OK")
        for check in failed:
            lines.append(f"- `{check.id}`")
            lines += [f"  {text}" for text in check.output.splitlines()]
        lines.append("")
    return "\n".join(lines)


def verdict_lines(graded):
    """One submission on the terminal: a verdict per function, then the messages."""
    lines = [f"{graded.student}: {graded.score:g} / {graded.max_score:g}"]
    lines += ["  " + line for line in graded.notes()]
    for function in graded.functions():
        failed = function.failed
        lines.append(f"  [{'PASS' if not failed else 'FAIL'}] {function.function}  "
                     f"{function.score:g}/{function.max_score:g}")
        seen = set()
        for check in failed:
            if check.output not in seen:
                seen.add(check.output)
                lines += ["         " + text for text in check.output.splitlines()]
    return lines


def table_lines(rows, functions):
    """Many submissions: one line each, a column per function."""
    width = max([len("student")] + [len(graded.student) for graded in rows])
    head = f"{'student':<{width}}  {'score':>11}  " + "  ".join(f"{f:>18}" for f in functions)
    lines = [head, "-" * len(head)]
    for graded in rows:
        parts = {f.function: f"{f.score:g}/{f.max_score:g}" for f in graded.functions()}
        score = f"{graded.score:g}/{graded.max_score:g}"
        lines.append(f"{graded.student:<{width}}  {score:>11}  "
                     + "  ".join(f"{parts.get(f, '-'):>18}" for f in functions))
    return lines


def grades_csv(rows, check_ids):
    """grades.csv text (UTF-8 with BOM) from GradedSubmissions, which may be a generator."""
    def row(graded):
        scores = {check.id: check.score for check in graded.checks}
        return [graded.student, f"{graded.score:g}", f"{graded.max_score:g}",
                *(f"{scores[c]:g}" if c in scores else "" for c in check_ids)]
    return csv_text(["student", "score", "max_score", *check_ids], (row(graded) for graded in rows))
