"""Stage 4 — report: a GradedSubmission as people read it, one writer per medium.

feedback.md    what the student reads: score, and per function what passed and why not
grades.csv     one row per submission for spreadsheets and LMS import (UTF-8 with BOM)
the terminal   a verdict per function for one submission, a table for many

Student text (ids, messages) goes through escape.py for each medium.

(results.json, the machine-readable form, is results.py's; report.html is classreport.py's.)
"""
from . import escape
from .files import csv_text


def feedback_markdown(graded, final=None):
    """DIR/<student>/feedback.md: the file an instructor mails or uploads as-is.  With the
    ``final`` grade (the finish stage), the final score and every adjustment come first."""
    lines = [f"# {graded.assignment} — {escape.markdown(graded.student)}", ""]
    if final is None:
        lines += [f"**{graded.score:g} / {graded.max_score:g}**", ""]
    else:
        lines += final_lines(graded, final)
    notes = graded.notes()
    lines += [f"> {escape.markdown(line)}" for line in notes] + ([""] if notes else [])
    for function in graded.functions():
        failed = function.failed
        mark = "✅" if not failed else ("❌" if function.score == 0 else "⚠️")
        lines.append(f"## {mark} `{function.function}` — {function.score:g} / {function.max_score:g}")
        lines.append("")
        if not failed:
            lines.append("OK")
        for check in failed:
            lines.append(f"- `{check.id}`")
            lines += [f"  {escape.markdown(text)}" for text in check.output.splitlines()]
        lines.append("")
    return "\n".join(lines)


def final_lines(graded, final):
    """The final grade at the top of the feedback: the score, then why it differs."""
    lines = [f"**最終成績 / Final grade: {final.score:g} / {final.max_score:g}**", "",
             f"- 自動採点 / autograded: {graded.score:g} / {graded.max_score:g}"]
    if final.written_pending:
        lines.append(f"- 記述問題: 採点待ち ({final.written_pending:g} 点) / written answers: pending "
                     f"({final.written_pending:g} points)")
    lines += [f"- {escape.markdown(note)}" for note in final.notes]
    return lines + [""]


def verdict_lines(graded):
    """One submission on the terminal: a verdict per function, then the messages."""
    lines = [f"{escape.terminal(graded.student)}: {graded.score:g} / {graded.max_score:g}"]
    lines += ["  " + escape.terminal(line) for line in graded.notes()]
    for function in graded.functions():
        failed = function.failed
        lines.append(f"  [{'PASS' if not failed else 'FAIL'}] {function.function}  "
                     f"{function.score:g}/{function.max_score:g}")
        seen = set()
        for check in failed:
            if check.output not in seen:
                seen.add(check.output)
                lines += ["         " + escape.terminal(text) for text in check.output.splitlines()]
    return lines


def table_lines(rows, functions):
    """Many submissions: one line each, a column per function."""
    names = {id(graded): escape.terminal(graded.student) for graded in rows}
    width = max([len("student")] + list(map(len, names.values())))
    head = f"{'student':<{width}}  {'score':>11}  " + "  ".join(f"{f:>18}" for f in functions)
    lines = [head, "-" * len(head)]
    for graded in rows:
        parts = {f.function: f"{f.score:g}/{f.max_score:g}" for f in graded.functions()}
        score = f"{graded.score:g}/{graded.max_score:g}"
        lines.append(f"{names[id(graded)]:<{width}}  {score:>11}  "
                     + "  ".join(f"{parts.get(f, '-'):>18}" for f in functions))
    return lines


def grade_row(graded, check_ids):
    """One student's row of grades.csv, as a dict of text (the header's names)."""
    scores = {check.id: check.score for check in graded.checks}
    return {"student": graded.student, "score": f"{graded.score:g}", "max_score": f"{graded.max_score:g}",
            **{c: f"{scores[c]:g}" if c in scores else "" for c in check_ids}}


def grades_csv(rows, check_ids):
    """grades.csv text (UTF-8 with BOM) from rows of ``grade_row``, which may be a generator."""
    header = ["student", "score", "max_score", *check_ids]
    return csv_text(header, ([row[name] for name in header] for row in rows))
