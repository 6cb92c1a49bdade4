"""Stage 4 — report: a GradedSubmission as people read it, one writer per medium.

feedback.md    what the student reads: score, and per function what passed and why not
grades.csv     one row per submission for spreadsheets and LMS import (UTF-8 with BOM)
the terminal   a verdict per function for one submission, a table for many

Student text (ids, messages) goes through escape.py for each medium.

What people read is grouped by cause: when one diagnosis explains several checks of a
function (a forward difference fails all four of numerical_diff's), its message is
shown once with the checks it explains beside it.  results.json keeps every check's
own message (results.py).

(results.json, the machine-readable form, is results.py's; report.html is classreport.py's.)
"""
from . import escape, messages
from .files import csv_text

# Diagnoses that name no cause, only what differs (and a crash, which may differ from
# check to check): their checks share a message only when it is the same word for word.
BY_TEXT = (None, "wrong_value", "crashed")


def causes(function):
    """A FunctionResult's failed checks by cause, in order: [(message, [CheckResult])].
    The message is the first check's (its facts are one example of the cause)."""
    groups = {}
    for check in function.failed:
        key = ("text", check.output) if check.diagnosis in BY_TEXT else ("code", check.diagnosis)
        groups.setdefault(key, []).append(check)
    return [(checks[0].output, checks) for checks in groups.values()]


def check_name(check):
    """A check's name under its function's heading: the id without the function."""
    return check.id.split("::", 1)[-1]


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
        for message, checks in causes(function):
            lines.append("- " + ", ".join(f"`{check.id}`" for check in checks))
            lines += [f"  {escape.markdown(text)}" for text in message.splitlines()]
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


def verdict_lines(graded, public_only=False):
    """One submission on the terminal: the total, a verdict per function, then the messages.
    ``public_only`` (the self-check): the total says it counts the public checks only."""
    total = f"{graded.score:g} / {graded.max_score:g}"
    if public_only:
        total = f"{public_checks(graded.lang)}: {total}"
    lines = [f"{escape.terminal(graded.student)}: {total}"]
    lines += ["  " + escape.terminal(line) for line in graded.notes()]
    for function in graded.functions():
        lines += ["  " + line for line in function_lines(function)]
    return lines


def public_checks(lang):
    """What a total of public checks is called: 公開チェック / public checks."""
    return " / ".join(messages.note("public_checks", lang).splitlines())


def function_lines(function, indent="       "):
    """A function's verdict, then per cause the checks it explains and its message, once
    (terminal text: the self-check and the notebook's check cells print the same)."""
    failed = function.failed
    lines = [f"[{'PASS' if not failed else 'FAIL'}] {function.function}  {function.score:g}/{function.max_score:g}"]
    for message, checks in causes(function):
        lines.append(f"{indent}- " + ", ".join(check_name(check) for check in checks))
        lines += [f"{indent}  " + escape.terminal(text) for text in message.splitlines()]
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
