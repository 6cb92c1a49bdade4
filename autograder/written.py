"""Written answers, marked by TAs: the rubric, the answers, a page per question, the marks.

    autograder written ch04_activation submitted/          pages to mark, marks.csv to fill in
    autograder written ch04_activation --from-gradebook nbgrader_work/gradebook.db

graders/<id>/written.toml     per part (the nbgrader grade_id of its answer cell): a title
                              and the question (ja/en), and criteria whose points add up
                              to the part's points in course_config.py
DIR/written/<part>.html       one self-contained page per question: the question and rubric,
                              then every answer under a code (A07), in the codes' order, not
                              the ids'; --names shows ids and roster names instead
DIR/written/marks.csv         student,question,points,comment: a row per student and part;
                              TAs fill in points (empty = not marked yet); a rerun only adds
                              the rows that are missing
DIR/written/.codes.csv        code,student: who a code stands for (instructors only)
DIR/written/marks_nbgrader.csv  the manual grades in nbgrader's gradebook (formgrader),
                              rewritten by every --from-gradebook

``read_marks`` is what the finish stage reads: both marks files, checked, by student.
Answers are read as data: whatever a file holds becomes an answer or the reason there is none.
"""
import csv
import io
import json
import math
import random
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from . import escape
from .errors import ConfigError, UsageError
from .files import csv_text, decode_text, write_atomic
from .submissions import student_key

RUBRIC = "written.toml"
FOLDER = "written"
MARKS = "marks.csv"
NBGRADER_MARKS = "marks_nbgrader.csv"
CODES = ".codes.csv"
HEADER = ("student", "question", "points", "comment")
PLACEHOLDER = "YOUR ANSWER HERE"          # what nbgrader's ClearSolutions leaves in a text answer cell
LONGEST_ANSWER = 20_000                   # characters shown of one answer; the rest is counted
LARGEST_NOTEBOOK = 100 * 2**20            # bytes read of one notebook
LANGS = ("ja", "en")


class MarksError(ValueError):
    """A marks file (or .codes.csv) cannot be read as written; the message names file and line."""


# ----- the rubric ----------------------------------------------------------------------

@dataclass(frozen=True)
class Criterion:
    points: float
    ja: str
    en: str


@dataclass(frozen=True)
class Part:
    id: str
    points: float
    title: dict               # "ja" / "en" -> text
    question: dict            # "ja" / "en" -> text
    criteria: tuple           # Criterion, their points adding up to ``points``


def rubric(assignment):
    """part id -> Part, in course_config.py's order, from graders/<id>/written.toml; a
    ConfigError naming the file and part when it does not match the config."""
    path = assignment.graders / RUBRIC
    if not assignment.written and not path.exists():
        return {}

    def fail(text):
        raise ConfigError(f"{path}: {text}")

    if not path.is_file():
        fail(f"missing: {assignment.id} has written parts ({', '.join(assignment.written)}) and each needs "
             "a rubric there")
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        fail(f"cannot be read: {error}")
    known = ", ".join(assignment.written) or "none"
    for part in spec:
        if part not in assignment.written:
            fail(f"[{part}] is not a written part of {assignment.id} (course_config.py lists: {known})")
    parts = {}
    for part, points in assignment.written.items():
        if part not in spec:
            fail(f"[{part}] is missing (course_config.py gives it {points:g} points)")
        parts[part] = _part(part, points, spec[part], lambda text, part=part: fail(f"[{part}] {text}"))
    return parts


def _texts(value, name, fail):
    if not isinstance(value, dict) or set(value) != set(LANGS) or \
            not all(isinstance(text, str) and text.strip() for text in value.values()):
        fail(f"{name} must have a non-empty ja and en (and nothing else)")
    return {lang: value[lang].strip() for lang in LANGS}


def _part(part, points, spec, fail):
    if not isinstance(spec, dict):
        fail("must be a table")
    for key in sorted(set(spec) - {"title", "question", "criteria"}):
        fail(f"unknown key {key!r} (known: title, question, criteria)")
    criteria = spec.get("criteria")
    if not isinstance(criteria, list) or not criteria:
        fail("has no [[criteria]]")
    found = []
    for number, criterion in enumerate(criteria, 1):
        where = f"criterion {number}"
        if not isinstance(criterion, dict) or set(criterion) != {"points", *LANGS}:
            fail(f"{where} must have points, ja and en (and nothing else)")
        value = criterion["points"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
            fail(f"{where}: points = {value!r} must be a positive number")
        texts = _texts({lang: criterion[lang] for lang in LANGS}, where, fail)
        found.append(Criterion(float(value), texts["ja"], texts["en"]))
    total = sum(criterion.points for criterion in found)
    if not math.isclose(total, points, abs_tol=1e-9):
        fail(f"the criteria's points add up to {total:g}, but course_config.py gives the part {points:g}")
    return Part(part, float(points), _texts(spec.get("title"), "title", fail),
                _texts(spec.get("question"), "question", fail), tuple(found))


# ----- the answers ---------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    text: str = ""
    kind: str = "answered"    # answered | blank | not_found | unreadable
    reason: str = ""          # why there is no answer (never a path: it is shown to TAs marking blind)

    @property
    def answered(self):
        return self.kind == "answered"


def _source(cell):
    text = cell.get("source", "")
    if isinstance(text, list):
        text = "".join(piece for piece in text if isinstance(piece, str))
    return text if isinstance(text, str) else ""


def _grade_id(cell):
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None


def _cells(path):
    """The notebook's cells, or the reason (without the path) they cannot be read."""
    try:
        if path.stat().st_size > LARGEST_NOTEBOOK:
            return None, f"the notebook is larger than {LARGEST_NOTEBOOK >> 20} MB"
        notebook = json.loads(path.read_bytes().decode("utf-8-sig"))
    except OSError as error:
        return None, f"the file cannot be read ({error.strerror})"
    except UnicodeDecodeError:
        return None, "the file is not UTF-8 text"
    except ValueError as error:
        return None, f"the file is not a notebook (not JSON: {error})"
    except (RecursionError, MemoryError) as error:
        return None, f"the file is nested too deeply or too large to read ({type(error).__name__})"
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return None, "the file is JSON but not a notebook (no list of cells)"
    return cells, ""


def answers(path, parts):
    """part -> Answer of one submission: the text of the cell whose nbgrader grade_id is the
    part (markdown, raw or code).  No such cell is "answer cell not found", never a guess."""
    path = Path(path)
    if path.suffix.lower() != ".ipynb":
        return {part: Answer(kind="unreadable", reason="a script (.py) has no answer cells") for part in parts}
    cells, why = _cells(path)
    if cells is None:
        return {part: Answer(kind="unreadable", reason=why) for part in parts}
    found = {}
    for cell in cells:
        grade_id = _grade_id(cell)
        if isinstance(grade_id, str) and grade_id in parts:
            found.setdefault(grade_id, []).append(_source(cell))
    result = {}
    for part in parts:
        if part not in found:
            result[part] = Answer(kind="not_found", reason=(
                f"answer cell not found: no cell has nbgrader grade_id {part} (its metadata may have been "
                "lost, e.g. in Colab or by copy and paste); look at the notebook itself"))
            continue
        texts = [text for text in found[part] if text.strip() not in ("", PLACEHOLDER)]
        if not texts:
            result[part] = Answer(kind="blank", reason=f"not answered (the cell still says {PLACEHOLDER} or is empty)")
        else:                     # a copied answer cell: every version with text, in order
            result[part] = Answer("\n\n――――\n\n".join(text.strip("\n") for text in texts))
    return result


# ----- codes: the anonymous name of each student ------------------------------------------

def _unformula(text):
    """A CSV cell as entered: strip spaces, and the apostrophe csv_text puts before a formula."""
    text = (text or "").strip()
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text


def _records(path):
    """(line, {lower-case header: cell}) of a CSV file; ``line`` is where the record starts
    (a comment may span lines).  A MarksError naming the file when it cannot be read."""
    try:
        text = decode_text(Path(path).read_bytes())
    except OSError as error:
        raise MarksError(f"{path}: cannot be read ({error.strerror})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
        start, records = reader.line_num + 1, []
        for cells in reader:
            if any(cell.strip() for cell in cells):
                records.append((start, dict(zip(header, cells + [""] * (len(header) - len(cells))))))
            start = reader.line_num + 1
    except csv.Error as error:
        raise MarksError(f"{path}, line {reader.line_num}: {error}") from None
    return header, records


def read_codes(folder):
    """code -> student key, from DIR/written/.codes.csv ({} when there is none)."""
    path = Path(folder) / CODES
    if not path.is_file():
        return {}
    header, records = _records(path)
    if not {"code", "student"} <= set(header):
        raise MarksError(f"{path}, line 1: the columns must be code,student")
    codes, seen = {}, set()
    for line, row in records:
        code, student = _unformula(row["code"]), student_key(_unformula(row["student"]))
        if not code or not student:
            raise MarksError(f"{path}, line {line}: a code and a student are needed")
        if code in codes or student in seen:
            raise MarksError(f"{path}, line {line}: {code if code in codes else student!r} appears twice")
        codes[code] = student
        seen.add(student)
    return codes


def code_name(number):
    """0 -> A01, 98 -> A99, 99 -> B01, ... Z99, AA01, ..."""
    letters, index = "", number // 99
    while True:
        letters = chr(ord("A") + index % 26) + letters
        index = index // 26 - 1
        if index < 0:
            return f"{letters}{number % 99 + 1:02d}"


def with_codes(codes, students, shuffle=random.SystemRandom().shuffle):
    """``codes`` plus a code for each student who has none: the new students in random
    order take the next unused codes, so the codes' order says nothing of the ids'."""
    codes = dict(codes)
    have = set(codes.values())
    new = sorted({student for student in students if student not in have})
    shuffle(new)
    taken = set(codes) | have | set(students)       # a code is never also someone's id
    number = 0
    for student in new:
        while code_name(number) in taken:
            number += 1
        codes[code_name(number)] = student
        taken.add(code_name(number))
    return codes


# ----- marks -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Mark:
    points: float | None      # None: not marked yet
    comment: str = ""
    source: str = ""          # e.g. "marks.csv line 5"


def _mark_rows(path, assignment, resolve):
    """(student, part) -> (line, Mark) of one marks file; ``resolve`` maps what the student
    cell says to a student key (None: unknown)."""
    header, records = _records(path)
    missing = [column for column in HEADER[:3] if column not in header]
    if missing:
        raise MarksError(f"{path}, line 1: no column {', '.join(missing)} (the columns are {','.join(HEADER)})")
    marks = {}
    for line, row in records:
        where = f"{path}, line {line}"
        written, part = _unformula(row["student"]), row["question"].strip()
        student = resolve(written, where)
        if student is None:
            raise MarksError(f"{where}: unknown student or code {written!r}")
        if part not in assignment.written:
            raise MarksError(f"{where}: unknown question {part!r} (known: {', '.join(assignment.written)})")
        text, most, points = row["points"].strip(), assignment.written[part], None
        if text:
            try:
                points = float(text)
            except ValueError:
                raise MarksError(f"{where}: points {text!r} is not a number") from None
            if not 0 <= points <= most:           # nan fails this too
                raise MarksError(f"{where}: points {text} outside 0..{most:g} (the points of {part})")
        if (student, part) in marks:
            raise MarksError(f"{where}: a second row for {written!r} and {part} "
                             f"(the first is line {marks[student, part][0]})")
        marks[student, part] = (line, Mark(points, _unformula(row.get("comment", "")), f"{path.name} line {line}"))
    return marks


def read_marks(graded_dir, assignment):
    """student key -> {part -> Mark} from DIR/written/marks.csv (a student is their code or
    id) and marks_nbgrader.csv.  Missing files: no marks.  A MarksError naming file and line
    for an unknown student or question, points that are not a number or outside 0..the part's
    points, a student's part twice in one file, or the two files giving different points."""
    folder = Path(graded_dir) / FOLDER
    codes = read_codes(folder)
    ids = set(codes.values())

    def by_code_or_id(written, where):             # a code first: ids that are codes are written as codes
        return codes.get(written) or (student_key(written) if student_key(written) in ids else None)

    merged = {}
    for path, resolve in ((folder / MARKS, by_code_or_id),
                          (folder / NBGRADER_MARKS, lambda written, where: student_key(written) or None)):
        if not path.is_file():
            continue
        for key, (line, mark) in _mark_rows(path, assignment, resolve).items():
            other = merged.get(key)
            if other is None:
                merged[key] = mark
                continue
            if None not in (mark.points, other.points) and not math.isclose(mark.points, other.points, abs_tol=1e-9):
                raise MarksError(f"{path}, line {line}: {mark.points:g} points for {key[0]}'s {key[1]}, "
                                 f"but {other.source} gives {other.points:g}")
            chosen = other if other.points is not None or mark.points is None else mark
            comment = " / ".join(dict.fromkeys(text for text in (other.comment, mark.comment) if text))
            merged[key] = Mark(chosen.points, comment, chosen.source)
    found = {}
    for (student, part), mark in merged.items():
        found.setdefault(student, {})[part] = mark
    return found


# ----- nbgrader's gradebook ----------------------------------------------------------------

def _database_url(database):
    text = str(database)
    if "://" in text:
        path = text[len("sqlite:///"):] if text.startswith("sqlite:///") else None
    else:
        path, text = text, f"sqlite:///{Path(text).resolve()}"
    if path is not None and not Path(path).is_file():     # nbgrader would make an empty one
        raise UsageError(f"{database}: no such gradebook (nbgrader's is nbgrader_work/gradebook.db)")
    return text


def gradebook_marks(database, assignment, course_id):
    """[(student key, part, points or None, comment)] of every submission of ``assignment``
    in nbgrader's gradebook, and warnings.  A TA's manual score counts; an answer cell left as
    released has nbgrader's own 0; any other is pending."""
    from nbgrader.api import Gradebook, MissingEntry
    from sqlalchemy.exc import SQLAlchemyError

    url, rows, warnings = _database_url(database), [], []
    try:
        with Gradebook(url, course_id=course_id) as gradebook:
            try:
                notebooks = gradebook.find_assignment(assignment.id).notebooks
            except MissingEntry:
                raise UsageError(f"{database}: the gradebook has no assignment {assignment.id}") from None
            where = {cell.name: notebook.name for notebook in notebooks for cell in notebook.grade_cells
                     if cell.name in assignment.written}
            missing = [part for part in assignment.written if part not in where]
            if missing:
                raise UsageError(f"{database}: {assignment.id} has no answer cell {', '.join(missing)} in the "
                                 "gradebook (run nbgrader generate_assignment again after adding it)")
            for submission in gradebook.assignment_submissions(assignment.id):
                student = submission.student.id
                for part, notebook in where.items():
                    try:
                        grade = gradebook.find_grade(part, notebook, assignment.id, student)
                        comment = gradebook.find_comment(part, notebook, assignment.id, student)
                    except MissingEntry:               # submitted without that notebook
                        rows.append((student_key(student), part, None, ""))
                        continue
                    points, text = grade.manual_score, comment.manual_comment
                    if points is None and not grade.needs_manual_grade and grade.auto_score is not None:
                        points, text = grade.auto_score, text or comment.auto_comment
                    if grade.extra_credit:
                        warnings.append(f"{student}'s {part}: extra credit {grade.extra_credit:g} in the gradebook "
                                        "is not counted (use overrides.csv)")
                    rows.append((student_key(student), part, points, text or ""))
    except SQLAlchemyError as error:
        raise UsageError(f"{database}: cannot be read as nbgrader's gradebook ({type(error).__name__})") from None
    return sorted(rows, key=lambda row: (row[0], list(assignment.written).index(row[1]))), warnings


def write_gradebook_marks(database, assignment, out_dir, course_id):
    """DIR/written/marks_nbgrader.csv from the gradebook; returns (rows, warnings)."""
    rows, warnings = gradebook_marks(database, assignment, course_id)
    write_atomic(Path(out_dir) / FOLDER / NBGRADER_MARKS,
                 csv_text(HEADER, [(student, part, "" if points is None else points, comment)
                                   for student, part, points, comment in rows]))
    return rows, warnings


# ----- pages and marks.csv ----------------------------------------------------------------

def _merge_marks_sheet(path, labels, parts, codes):
    """Add a row to marks.csv for each (student, part) it lacks; rows already there are
    kept as they are (extra columns too).  ``labels``: student -> what the row names them
    by.  Returns the number of rows added; the file is not touched when none is."""
    try:
        header, records = _records(path) if path.is_file() else (list(HEADER), [])
    except MarksError as error:
        raise UsageError(f"{error} (marks.csv is never overwritten: fix it or move it away)") from None
    if path.is_file() and not set(HEADER[:3]) <= set(header):
        raise UsageError(f"{path}: no student, question and points columns; fix it or move it away "
                         "(it is never overwritten)")
    ids = set(codes.values())
    present = set()
    for _, row in records:
        written = _unformula(row.get("student"))
        student = codes.get(written) or (student_key(written) if student_key(written) in ids else written)
        present.add((student, row.get("question", "").strip()))
    added = [(labels[student], part, "", "") for part in parts for student in labels
             if (student, part) not in present]
    if added:
        columns = list(HEADER) + [name for name in header if name not in HEADER and name]
        old = [[_unformula(row.get(name, "")) for name in columns] for _, row in records]
        write_atomic(path, csv_text(columns, old + [list(row) + [""] * (len(columns) - 4) for row in added]))
    return len(added)


STYLE = """
body{font-family:system-ui,"Hiragino Sans","Noto Sans CJK JP","Yu Gothic",sans-serif;margin:0 auto;
max-width:60rem;padding:1rem 1.5rem;line-height:1.6;color:#1a1a1a;background:#fff}
header{border-bottom:2px solid #444;margin-bottom:1.5rem}
h1{font-size:1.4rem;margin:.3rem 0}h2{font-size:1.1rem;margin:.2rem 0}
.course{color:#555;margin:0}.counts{color:#333}
.question p,.criterion p{margin:.2rem 0;white-space:pre-wrap}
[lang=en]{color:#444}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #bbb;padding:.3rem .5rem;vertical-align:top;text-align:left}
td.points{white-space:nowrap;text-align:right;width:4rem}
.how{font-size:.9rem;color:#555}
article{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:0 0 1rem;break-inside:avoid}
article h2 .name{font-weight:normal;color:#555;margin-left:.5rem}
.answer{white-space:pre-wrap;overflow-wrap:anywhere;margin:.3rem 0;font-size:1rem}
article.none{background:#f4f4f4;color:#555}
.reason{font-style:italic;margin:.3rem 0}
"""


def _page(assignment, part, shown, names):
    """The HTML of one question's page; ``shown`` = [(label, name, Answer)] in order."""
    h = escape.html
    answered = sum(answer.answered for _, _, answer in shown)
    rubric_rows = "".join(
        f'<tr><td class="points">{c.points:g}</td><td class="criterion"><p lang="ja">{h(c.ja)}</p>'
        f'<p lang="en">{h(c.en)}</p></td></tr>' for c in part.criteria)
    articles = []
    for label, name, answer in shown:
        anchor = "" if names else f' id="{h(label)}"'
        heading = h(label) + (f'<span class="name">{h(name)}</span>' if name else "")
        body = (f'<div class="answer">{h(_cut(answer.text))}</div>' if answer.answered
                else f'<p class="reason">{h(answer.reason)}</p>')
        articles.append(f'<article class="{"answered" if answer.answered else "none"}"{anchor}>'
                        f"<h2>{heading}</h2>{body}</article>")
    who_ja, who_en = ("学生 ID", "student id") if names else ("コード", "code")
    return f"""<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{h(assignment.id)} {h(part.id)}: {h(part.title["en"])}</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<p class="course">{h(assignment.title)} ({h(assignment.id)})</p>
<h1><span lang="ja">{h(part.title["ja"])}</span> / <span lang="en">{h(part.title["en"])}</span></h1>
<p class="counts">{part.points:g} 点 / points · 回答 {answered} 人 / answered ·
未回答 {len(shown) - answered} 人 / not answered</p>
<section class="question"><h2>問題 / Question</h2><p lang="ja">{h(part.question["ja"])}</p>
<p lang="en">{h(part.question["en"])}</p></section>
<section class="rubric"><h2>採点基準 / Rubric</h2>
<table><thead><tr><th>点 / Points</th><th>基準 / Criterion</th></tr></thead><tbody>{rubric_rows}</tbody></table>
<p class="how">点数とコメントは marks.csv の、{who_ja}と question = {h(part.id)} の行に書きます。/
Enter the points and a comment in marks.csv, in the row of the {who_en} and question {h(part.id)}.</p>
</section>
</header>
<main>
{chr(10).join(articles)}
</main>
</body>
</html>
"""


def _cut(text):
    if len(text) <= LONGEST_ANSWER:
        return text
    return f"{text[:LONGEST_ANSWER]}\n… ({len(text) - LONGEST_ANSWER} more characters not shown / 以下省略)"


@dataclass(frozen=True)
class PartSummary:
    part: str
    answered: int
    not_answered: int
    not_found: int
    page: Path


def write_pages(assignment, submissions, out_dir, *, names=False, roster=None):
    """DIR/written/<part>.html, marks.csv (rows added) and .codes.csv for ``submissions``;
    returns [PartSummary]."""
    parts = rubric(assignment)
    folder = Path(out_dir) / FOLDER
    try:
        old_codes = read_codes(folder)
    except MarksError as error:
        raise UsageError(str(error)) from None
    codes = with_codes(old_codes, [submission.student for submission in submissions])
    if codes != old_codes:
        rows = sorted(codes.items())
        write_atomic(folder / CODES, csv_text(("code", "student"), rows), mode=0o600)
    code_of = {student: code for code, student in codes.items()}
    order = sorted(submissions, key=lambda s: s.student if names else code_of[s.student])
    labels = {s.student: s.student if names and s.student not in codes else code_of[s.student] for s in order}
    found = {}
    for submission in order:
        if submission.problem:
            why = submission.problem if names else "no file of this student could be chosen as the submission"
            found[submission.student] = {part: Answer(kind="unreadable", reason=why) for part in parts}
        else:
            found[submission.student] = answers(submission.path, parts)
    _merge_marks_sheet(folder / MARKS, labels, parts, codes)
    summaries = []
    for part_id, part in parts.items():
        shown = [(labels[s.student], (roster.name(s.student) if roster else "") if names else "",
                  found[s.student][part_id]) for s in order]
        page = folder / f"{part_id}.html"
        write_atomic(page, _page(assignment, part, shown, names))
        kinds = [answer.kind for _, _, answer in shown]
        summaries.append(PartSummary(part_id, kinds.count("answered"), len(kinds) - kinds.count("answered"),
                                     kinds.count("not_found"), page))
    return summaries


# ----- the command ---------------------------------------------------------------------------

def written_command(course, args):
    """``autograder written ID [SUBMISSIONS...] [--out DIR] [--names] [--from-gradebook DB]``.
    Exit 0; 2 for a usage error, or when the marks entered so far cannot be read (after the
    pages are written: the message names the file and line to fix)."""
    from .cli import say
    from .submissions import discover

    assignment = course.assignment(args.id)
    if not assignment.written:
        raise UsageError(f"{assignment.id} has no written parts ('written' in course_config.py)")
    if not args.paths and not args.from_gradebook:
        raise UsageError("give the submissions (SUBMISSIONS...) and/or --from-gradebook DB")
    rubric(assignment)                          # a broken rubric stops the command before any file is written
    out = Path(args.out or Path("graded") / assignment.id)
    if args.from_gradebook:
        rows, warnings = write_gradebook_marks(args.from_gradebook, assignment, out, course.id)
        for warning in warnings:
            say(f"warning: {warning}", sys.stderr)
        marked = sum(points is not None for _, _, points, _ in rows)
        say(f"{NBGRADER_MARKS}: {marked} of {len(rows)} answers marked in the gradebook -> "
            f"{out / FOLDER / NBGRADER_MARKS}")
    summaries = []
    if args.paths:
        submissions = discover(args.paths, assignment.id)
        summaries = write_pages(assignment, submissions, out, names=args.names,
                                roster=course.roster() if args.names else None)
    try:
        marks = read_marks(out, assignment)
        problem = ""
    except MarksError as error:
        marks, problem = {}, str(error)
    students = {s.student for s in submissions} if args.paths else set()
    for summary in summaries:
        done = sum(1 for student in students if marks.get(student, {}).get(summary.part, Mark(None)).points is not None)
        lost = f" ({summary.not_found} answer cell not found)" if summary.not_found else ""
        say(f"{summary.part}: {summary.answered} answered, {summary.not_answered} not answered{lost}, "
            f"{'?' if problem else done} of {len(students)} marked -> {summary.page}")
    if summaries:
        say(f"marks to fill in: {out / FOLDER / MARKS}")
    if problem:
        say(f"autograder: error: {problem}", sys.stderr)
        return 2
    return 0
