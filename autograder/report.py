"""Stage 4 — report: results as plain data, one writer per output.

results.json   Gradescope's schema, one per submission (DIR/<student>/results.json)
feedback.md    what the student reads: score, and per function what passed and why not
grades.csv     one row per submission for spreadsheets and LMS import (UTF-8 with BOM)
the terminal   a verdict per function for one submission, a table for many

Every file is written to a temporary name and renamed, so none is ever half-written.
"""
import csv
import io
import json
import os
import tempfile
from pathlib import Path

from .messages import pick

LOAD_PROBLEM = {
    "ja": "{label} は実行できなかったため飛ばしました: {type}: {message}",
    "en": "{label} could not run and was skipped: {type}: {message}",
}


_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomic(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, 0o666 & ~_UMASK)          # mkstemp makes 0600; results are shared files
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _load_lines(problems, lang):
    langs = ("ja", "en") if lang == "ja+en" else (lang,)
    lines = []
    for label, info in problems:
        for one in langs:
            lines.append(LOAD_PROBLEM[one].format(label=label, type=info.get("type", "error"),
                                                  message=info.get("message", "")))
    return lines


def results(student, assignment, outcome, *, isolation, lang, hidden_visibility, seconds, digest=""):
    """The Gradescope results.json for one graded submission, as a dict."""
    tests = []
    for number, check in enumerate(outcome.checks, start=1):
        tests.append({
            "name": check.id,
            "number": str(number),
            "score": check.score,
            "max_score": check.max_score,
            "status": "passed" if check.passed else "failed",
            "output": pick(check.message, lang) if check.message else "",
            "tags": [check.function],
            "visibility": "visible" if check.public else hidden_visibility,
            "extra_data": {"diagnosis": check.diagnosis, "public": check.public},
        })
    score = sum(check.score for check in outcome.checks)
    max_score = sum(check.max_score for check in outcome.checks)   # public checks only, in a self-check
    summary = {"ja": f"{assignment.id}: {score:g} / {max_score:g} 点",
               "en": f"{assignment.id}: {score:g} / {max_score:g} points"}
    output = [pick(summary, lang)] + _load_lines(outcome.problems, lang)
    if isolation != "full":
        output.append(pick(REDUCED, lang))
    return {
        "score": score,
        "execution_time": round(seconds, 4),
        "output": "\n".join(output),
        "output_format": "text",
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {
            "student": student,
            "assignment": assignment.id,
            "max_score": max_score,
            "isolation": isolation,
            "lang": lang,
            "sha256": digest,
            "load_problems": [{"where": label, **info} for label, info in outcome.problems],
        },
    }


REDUCED = {"ja": "注意: 隔離は reduced(bubblewrap なし)で採点しました。",
           "en": "Note: graded with reduced isolation (no bubblewrap)."}


def by_function(result):
    """[(function, score, max, [failed tests])] in the order the checks ran."""
    order, table = [], {}
    for test in result["tests"]:
        function = test["tags"][0]
        if function not in table:
            order.append(function)
            table[function] = [0.0, 0.0, []]
        row = table[function]
        row[0] += test["score"]
        row[1] += test["max_score"]
        if test["status"] != "passed":
            row[2].append(test)
    return [(function, *table[function]) for function in order]


def feedback_markdown(result):
    """DIR/<student>/feedback.md: the file an instructor mails or uploads as-is."""
    extra = result["extra_data"]
    lines = [f"# {extra['assignment']} — {extra['student']}", "",
             f"**{result['score']:g} / {extra['max_score']:g}**", ""]
    for line in result["output"].splitlines()[1:]:
        lines.append(f"> {line}")
    if len(lines) > 4:
        lines.append("")
    for function, score, maximum, failed in by_function(result):
        mark = "✅" if not failed else ("❌" if score == 0 else "⚠️")
        lines.append(f"## {mark} `{function}` — {score:g} / {maximum:g}")
        lines.append("")
        if not failed:
            lines.append("OK")
        for test in failed:
            lines.append(f"- `{test['name']}`")
            for text in test["output"].splitlines():
                lines.append(f"  {text}")
        lines.append("")
    return "\n".join(lines)


def verdict_lines(result):
    """One submission on the terminal: a verdict per function, then the messages."""
    extra = result["extra_data"]
    lines = [f"{extra['student']}: {result['score']:g} / {extra['max_score']:g}"]
    lines += ["  " + line for line in result["output"].splitlines()[1:]]
    for function, score, maximum, failed in by_function(result):
        verdict = "PASS" if not failed else "FAIL"
        lines.append(f"  [{verdict}] {function}  {score:g}/{maximum:g}")
        seen = set()
        for test in failed:
            if test["output"] in seen:
                continue
            seen.add(test["output"])
            lines += ["         " + text for text in test["output"].splitlines()]
    return lines


def table_lines(rows, functions):
    """Many submissions: one line each, a column per function."""
    width = max([len("student")] + [len(r["extra_data"]["student"]) for r in rows])
    head = f"{'student':<{width}}  {'score':>11}  " + "  ".join(f"{f:>18}" for f in functions)
    lines = [head, "-" * len(head)]
    for result in rows:
        parts = {f: f"{s:g}/{m:g}" for f, s, m, _ in by_function(result)}
        score = f"{result['score']:g}/{result['extra_data']['max_score']:g}"
        lines.append(f"{result['extra_data']['student']:<{width}}  {score:>11}  "
                     + "  ".join(f"{parts.get(f, '-'):>18}" for f in functions))
    return lines


def read_result(path):
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def iter_results(out_dir, assignment_id):
    """Every results.json under DIR for this assignment, sorted by student, one at a time."""
    found = []
    for path in Path(out_dir).glob("*/results.json"):
        data = read_result(path)
        if data and data.get("extra_data", {}).get("assignment") == assignment_id:
            found.append((data["extra_data"]["student"], path))
    for _, path in sorted(found):
        data = read_result(path)
        if data:
            yield data


def read_results(out_dir, assignment_id):
    return list(iter_results(out_dir, assignment_id))


def grades_csv(rows, check_ids):
    """grades.csv text (UTF-8 with BOM) from results, which may be a generator."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["student", "score", "max_score", *check_ids])
    for result in rows:
        scores = {test["name"]: test["score"] for test in result["tests"]}
        writer.writerow([result["extra_data"]["student"], f"{result['score']:g}",
                         f"{result['extra_data']['max_score']:g}",
                         *(f"{scores[c]:g}" if c in scores else "" for c in check_ids)])
    return "\ufeff" + buffer.getvalue()


def is_current(out_dir, student, assignment_id, digest):
    """True when DIR/<student>/results.json is complete and graded this very content (--resume)."""
    data = read_result(student_folder(out_dir, student) / "results.json")
    return bool(data and data.get("extra_data", {}).get("assignment") == assignment_id
                and data["extra_data"].get("sha256") == digest and digest)


def student_folder(out_dir, student):
    """DIR/<student>/, with the id made safe as a folder name."""
    safe = "".join(ch if ch.isalnum() or ch in "-_.@" else "_" for ch in student).lstrip(".") or "_"
    return Path(out_dir) / safe


def write_submission(out_dir, result):
    folder = student_folder(out_dir, result["extra_data"]["student"])
    write_atomic(folder / "results.json", json.dumps(result, ensure_ascii=False, indent=1))
    write_atomic(folder / "feedback.md", feedback_markdown(result))
