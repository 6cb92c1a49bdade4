"""``python -m autograder export ID``: final grades back into Moodle, and a CSV for any LMS.

From ``DIR/grades_final.csv`` (final.read_final) and each submitter's ``DIR/<student>/feedback.md``:

  export/<worksheet>      with --worksheet: Moodle's grading worksheet, Grade and Feedback comments filled in
  export/feedback.zip     one self-contained HTML feedback file per student with a participant id
  export/grades_lms.csv   student_id, name, email, score, max_score, percent, status, flags

What Moodle does with them, as read in moodle/moodle (paths in that repository):

* The worksheet ("Download grading worksheet") is assign_grading_table in download mode
  (mod/assign/gradingtable.php): Identifier, Full name, identity fields (Email address...),
  Status, Grade, Maximum Grade (``format_float(max, decimals of the grade item)``, e.g.
  "100.00"), Grade can be changed, Last modified (submission), submission text fields,
  Last modified (grade), feedback text fields (Feedback comments).  Grade is always the
  column just before Maximum Grade.  The file is written by dataformat_csv
  (dataformat/csv/classes/writer.php, Spout): UTF-8 with a BOM.
* "Upload grading worksheet" (mod/assign/feedback/offline/importgradeslib.php, locallib.php):
  lib/csvlib.class.php ``load_csv_content`` converts from the encoding chosen on the form
  (default UTF-8), drops a UTF-8 BOM, turns CRLF/CR into LF and trims the text.  Columns are
  found by their exact header in the uploader's language: ``get_string('gradenoun')`` (older:
  'grade') "Grade", assign 'recordid' "Identifier", assign 'lastmodifiedgrade' "Last modified
  (grade)" (all three required, else "invalidgradeimport"), and each enabled feedback plugin's
  text field by its name (assignfeedback_comments 'pluginname' "Feedback comments").  When a
  header appears twice the last one wins.
* The participant is ``substr(identifier, strlen(get_string('hiddenuser', 'assign')))``: the
  prefix is cut by its byte length.  en "Participant " (mod/assign/lang/en/assign.php);
  ja "参加者" with no space, so "参加者1234567".  Japanese language pack, assign.php of the
  MOODLE_24 and MOODLE_31 branches: recordid "ID", maxgrade "最大評点", lastmodifiedgrade
  "最終更新日時 (評定)", lastmodifiedsubmission "最終更新日時 (提出)", status "ステータス",
  gradecanbechanged "評点変更可".  Not in the sources read: the ja core strings (Grade, Full
  name, Email address) and the ja name of Feedback comments; "評点", "フルネーム",
  "メールアドレス", "フィードバックコメント" are assumed (Grade is also found by position).
* The grade is ``unformat_float`` (lib/moodlelib.php): trimmed, "" -> none, spaces dropped, the
  language's decimal separator -> ".", then a non-strict float cast (text counts as 0, so only
  numbers are written).  A row is skipped when the grade is unchanged, empty or negative,
  above the assignment's maximum, the grade is locked, or Moodle's grade is more than 60 s
  newer than ``strtotime(Last modified (grade))`` unless "Allow updating records that have been
  modified more recently in Moodle" is ticked.  strtotime cannot read Japanese dates, so a
  Japanese worksheet needs that box ticked for students Moodle already has a grade for.
* A comment is stored as the cell's text with FORMAT_HTML (assignfeedback_comments
  ``set_editor_text``): it is written as HTML, escaped, lines joined by <br>.  fgetcsv's escape
  character is "\\", so no backslash is written (it becomes &#92;).
* "Upload multiple feedback files in a zip" (mod/assign/feedback/file/importziplib.php): a
  file whose name starts with "." or "~" is ignored; each path part is split on "_" into at
  most 5 pieces; it needs 4, piece 2 a participant id of the assignment and pieces 3-4 a plugin
  ("assignsubmission", "file"); the rest is the file name.  So a name is
  ``<Full name>_<participant>_assignsubmission_file_<file>``, the full name without "_".
"""
import codecs
import io
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from . import escape
from .errors import UsageError
from .files import csv_text, write_atomic
from .final import NOT_ON_ROSTER, NOT_SUBMITTED, flag_text, read_final
from .roster import Roster, match_key, participant_number
from .submissions import student_folder

# header -> the texts Moodle writes for it (en, then ja; see the docstring for which are verified)
HEADERS = {
    "identifier": ("Identifier", "ID", "識別子"),
    "name": ("Full name", "フルネーム"),
    "email": ("Email address", "メールアドレス"),
    "grade": ("Grade", "評点"),
    "max": ("Maximum Grade", "Maximum grade", "最大評点"),
    "scale": ("Scale", "評価尺度"),
    "changeable": ("Grade can be changed", "評点変更可"),
    "modified": ("Last modified (grade)", "最終更新日時 (評定)"),
    "comments": ("Feedback comments", "フィードバックコメント"),
}
PLUGIN = "assignsubmission_file"          # the plugin named in a feedback file's name
UNSAFE_IN_NAME = re.compile(r'[_/\\:*?"<>|]')


def _number(value):
    return f"{float(value):g}"


# ----- the worksheet, kept byte for byte -----
# Split on bytes: in UTF-8 and in cp932 the bytes of `"`, `,`, CR and LF never occur inside
# another character, so untouched rows are copied exactly as they came.

_FIELD = re.compile(rb'"(?:[^"]|"")*"[^,\r\n"]*|[^,\r\n]*')
_END = re.compile(rb',|\r\n|\n|\r|$')


@dataclass
class Record:
    raw: list                   # each field's bytes as written (quotes included)
    end: bytes                  # its line ending (b"" at the end of the file)
    line: int

    def value(self, index, encoding):
        if index is None or index >= len(self.raw):
            return ""
        raw = self.raw[index]
        close = raw.rfind(b'"')
        if raw.startswith(b'"') and close > 0:
            raw = raw[1:close].replace(b'""', b'"') + raw[close + 1:]
        return raw.decode(encoding)

    def set(self, index, text, encoding):
        """Write a cell as PHP's fputcsv would: quoted when it holds a separator, quote, space or newline."""
        data = text.encode(encoding, errors="xmlcharrefreplace")
        if re.search(rb'[,"\r\n\t \\]', data):
            data = b'"' + data.replace(b'"', b'""') + b'"'
        self.raw[index] = data

    def bytes(self):
        return b",".join(self.raw) + self.end


def read_records(data, path):
    """[Record] of the bytes after any BOM; a quote left open past a separator is a usage error."""
    records, at, line = [], 0, 1
    while at < len(data):
        raw, start = [], line
        while True:
            found = _FIELD.match(data, at)
            raw.append(found.group())
            line += found.group().count(b"\n")
            at = found.end()
            end = _END.match(data, at)
            if end is None:
                raise UsageError(f"{path}, line {line}: a quote in a cell is not closed where it should be; "
                                 "upload the worksheet as Moodle wrote it")
            at = end.end()
            if end.group() != b",":
                line += 1
                break
        records.append(Record(raw, end.group(), start))
    return records


@dataclass
class Worksheet:
    path: Path
    bom: bytes
    encoding: str
    records: list
    columns: dict               # HEADERS key -> index or None
    notes: list = field(default_factory=list)

    @property
    def header(self):
        return self.records[0]

    def text(self, record, kind):
        return self.records[record].value(self.columns[kind], self.encoding) if self.columns[kind] is not None \
            else ""

    def bytes(self):
        return self.bom + b"".join(record.bytes() for record in self.records)


def read_worksheet(path):
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    data = path.read_bytes()
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    body = data[len(bom):]
    for encoding in ("utf-8", "cp932"):
        try:
            body.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UsageError(f"{path}: neither UTF-8 nor Shift_JIS; download the grading worksheet from Moodle again")
    records = read_records(body, path)
    if not records:
        raise UsageError(f"{path}: empty; download the grading worksheet from Moodle again")
    headers = [records[0].value(i, encoding).strip() for i in range(len(records[0].raw))]
    columns = {kind: max((i for i, text in enumerate(headers) if text in names), default=None)
               for kind, names in HEADERS.items()}
    sheet = Worksheet(path, bom, encoding, records, columns)
    for kind in ("identifier", "modified"):
        if columns[kind] is None:
            raise UsageError(f"{path}: not a Moodle grading worksheet (no column {' / '.join(HEADERS[kind])}); "
                             "download it with 'Download grading worksheet'")
    if columns["max"] is None:
        why = "the assignment is graded on a scale" if columns["scale"] is not None else "no Maximum Grade column"
        raise UsageError(f"{path}: {why}; export writes point grades only (Grade type: Point in Moodle)")
    if columns["grade"] is None:
        columns["grade"] = columns["max"] - 1
        sheet.notes.append(f"Grade column taken to be '{headers[columns['grade']]}', the one before Maximum Grade")
    if columns["comments"] is None:
        sheet.notes.append("no Feedback comments column (is the feedback comments plugin on?): grades only")
    if encoding != "utf-8":
        sheet.notes.append("the worksheet is Shift_JIS: choose that encoding when uploading it to Moodle")
    return sheet


# ----- what a student is told -----

def summary_lines(grade, zipped=False):
    """The final grade as a few bilingual lines of text (escaped by whoever shows them)."""
    if grade.status == NOT_SUBMITTED:
        return ["未提出 / not submitted"]
    lines = [f"得点 / Score: {_number(grade.score)} / {_number(grade.max_score)}"]
    lines += [f"調整 / Adjustment: {note}" for note in grade.notes]
    if grade.written_pending:
        lines.append(f"記述問題は採点待ち / written answers pending ({_number(grade.written_pending)} 点 / points)")
    flags = [flag for flag in grade.flags if flag not in ("not_submitted", "not_on_roster", "written_pending")]
    if flags:
        lines.append("注記 / Notes: " + "; ".join(flag_text(flag) for flag in flags))
    if zipped:
        lines.append("詳細はフィードバックファイルを参照 / details in the feedback file")
    return lines


def comment_html(lines):
    """A Feedback comments cell: Moodle stores it as HTML (FORMAT_HTML)."""
    return "<br>".join(escape.html(escape.terminal(escape.one_line(line))).replace("\\", "&#92;")
                       for line in lines)


def scaled(grade, activity_max):
    """The grade on the activity's scale, as Moodle shows it: (text, value) or (None, why)."""
    found = re.fullmatch(r"\s*(\d+)(?:([.,])(\d*))?\s*", activity_max)
    if not found:
        return None, f"Maximum Grade '{activity_max}' is not a number"
    separator, decimals = found[2] or ".", len(found[3] or "")
    top = Decimal(f"{found[1]}.{found[3] or 0}")
    if grade.max_score <= 0:
        return None, f"maximum score {_number(grade.max_score)} in grades_final.csv"
    try:
        value = (Decimal(repr(grade.score)) / Decimal(repr(grade.max_score)) * top).quantize(
            Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return None, f"score {grade.score!r} is not a number"
    if value > top:
        return None, f"score {_number(grade.score)} / {_number(grade.max_score)} is {value} > Maximum Grade {top}"
    if value < 0:
        return None, f"score {_number(grade.score)} is negative: Moodle would skip it"
    return f"{value:f}".replace(".", separator), value


# ----- matching rows to students, as import-lms does -----

def match_row(roster, participant, email, name):
    """(student or None, why not): by participant id, e-mail and full name; two people is nobody."""
    found = {kind: roster.find(**{kind: value}) for kind, value in
             (("participant", participant), ("email", email), ("name", name)) if value}
    people = {student for student in found.values() if student}
    if len(people) > 1:
        return None, "matches several roster students (" + ", ".join(
            f"{kind} -> {student}" for kind, student in found.items() if student) + ")"
    if not people:
        if name and match_key(name) in roster.ambiguous:
            return None, "name shared by several roster students; add their participant ids to the roster"
        return None, "on no roster row"
    student = people.pop()
    known = roster.people[student].participant
    if participant and known and participant_number(participant) != known:
        return None, f"participant {participant_number(participant)} here, {known} in the roster for {student}"
    return student, ""


def fill_worksheet(sheet, grades, roster, zipped=()):
    """Fill Grade and Feedback comments of every matched row; returns (filled, problems)."""
    by_student = {grade.student: grade for grade in grades}
    matched, problems = {}, []
    for index in range(1, len(sheet.records)):
        record = sheet.records[index]
        identifier = sheet.text(index, "identifier").strip()
        if len(record.raw) == 1 and not identifier:
            continue                                          # a blank line
        who = f"worksheet line {record.line} ({identifier or 'no identifier'})"
        if len(record.raw) < len(sheet.header.raw):
            problems.append(f"{who}: fewer cells than the header; left as it is")
            continue
        student, why = match_row(roster, participant_number(identifier), sheet.text(index, "email").strip(),
                                 sheet.text(index, "name").strip())
        if student is None:
            problems.append(f"{who} '{sheet.text(index, 'name')}': {why}; left as it is")
            continue
        matched.setdefault(student, []).append((index, who))
    filled = {}
    for student, rows in matched.items():
        if len(rows) > 1:
            places = ", ".join(who for _, who in rows)
            problems.append(f"{student}: on {len(rows)} worksheet rows ({places}); left as they are")
            continue
        index, who = rows[0]
        grade = by_student.get(student)
        if grade is None:
            problems.append(f"{who}: {student} is not in grades_final.csv (run grade/finish again); left as it is")
            continue
        text, value = scaled(grade, sheet.text(index, "max"))
        if text is None:
            problems.append(f"{who}: {student}: {value}; not written")
            continue
        record = sheet.records[index]
        record.set(sheet.columns["grade"], text, sheet.encoding)
        if sheet.columns["comments"] is not None:
            record.set(sheet.columns["comments"], comment_html(summary_lines(grade, student in zipped)),
                       sheet.encoding)
        if sheet.text(index, "changeable").strip() in ("No", "いいえ"):
            problems.append(f"{who}: {student}: the grade is locked in Moodle, which will skip this row")
        filled[student] = text
    for grade in grades:
        if grade.status != NOT_SUBMITTED and grade.student not in matched:
            why = "not on the roster" if grade.status == NOT_ON_ROSTER else "no worksheet row matched"
            problems.append(f"{grade.student}: submitted, {why}: not in the worksheet")
    return filled, problems


# ----- the feedback zip -----

STYLE = ("body{font-family:sans-serif;max-width:52em;margin:2em auto;padding:0 1em;line-height:1.5}"
         "header{border:1px solid #ccc;border-radius:6px;padding:.5em 1em;background:#f7f7f7}"
         "pre{background:#f4f4f4;padding:.5em;overflow-x:auto}code{font-family:monospace}"
         "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}")
# No script runs, nothing is fetched: the file is read offline, long after the course.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def markdown_to_html(text):
    """feedback.md as HTML; raw HTML in it is shown as text, harmful links are dropped (mistune)."""
    try:
        import mistune
    except ModuleNotFoundError:
        raise UsageError("feedback.zip needs mistune: install the instructor extras (pip install -e '.[instructor]')") \
            from None
    return mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])(text)


def feedback_page(title, name, grade, feedback_md):
    lines = summary_lines(grade)[1:]          # the score is the heading
    head = "".join(f"<p>{escape.html(line)}</p>" for line in lines)
    return (f'<!DOCTYPE html>\n<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape.html(title)} — {escape.html(name)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
            f"<header>\n<h1>{escape.html(title)}</h1>\n<p><strong>{escape.html(name)}</strong></p>\n"
            f"<h2>最終得点 / Final grade: {_number(grade.score)} / {_number(grade.max_score)}</h2>\n{head}\n"
            f"</header>\n<main>\n{markdown_to_html(feedback_md)}</main>\n</body>\n</html>\n")


def file_name(name, participant, assignment_id):
    """``<Full name>_<participant>_assignsubmission_file_<file>``: the name without "_" or path characters."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(UNSAFE_IN_NAME.sub(" ", name).split()).lstrip(".~ ")[:60] or "student"
    return f"{name}_{participant}_{PLUGIN}_{assignment_id}_feedback.html"


def feedback_zip(graded_dir, assignment, grades, roster):
    """(zip bytes, {student: entry name}, problems)."""
    buffer, zipped, problems = io.BytesIO(), {}, []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for grade in grades:
            if grade.status == NOT_SUBMITTED:
                continue
            path = student_folder(graded_dir, grade.student) / "feedback.md"
            person = roster.people.get(grade.student) if roster else None
            if not path.is_file():
                problems.append(f"{grade.student}: no feedback.md in {path.parent}: not in feedback.zip")
                continue
            if person is None or not person.participant:
                why = "not on the roster" if person is None else "no participant id in the roster"
                problems.append(f"{grade.student}: {why}: not in feedback.zip")
                continue
            name = person.name or grade.name or grade.student
            entry = file_name(name, person.participant, assignment.id)
            page = feedback_page(assignment.title, name, grade, path.read_text(encoding="utf-8", errors="replace"))
            archive.writestr(zipfile.ZipInfo(entry, (2020, 1, 1, 0, 0, 0)), page.encode("utf-8"),
                             zipfile.ZIP_DEFLATED)
            zipped[grade.student] = entry
    return buffer.getvalue(), zipped, problems


# ----- a CSV any LMS can take -----

LMS_COLUMNS = ["student_id", "name", "email", "score", "max_score", "percent", "status", "flags"]


def lms_csv(grades, roster):
    rows = []
    for grade in grades:
        person = roster.people.get(grade.student) if roster else None
        percent = f"{round(grade.score / grade.max_score * 100, 2):g}" if grade.max_score else ""
        rows.append([grade.student, (person.name if person else "") or grade.name, person.email if person else "",
                     _number(grade.score), _number(grade.max_score), percent, grade.status, ";".join(grade.flags)])
    return csv_text(LMS_COLUMNS, rows)


# ----- the command -----

def _worksheet_name(name):
    """The filled worksheet keeps its name, unless it is one of the other files written."""
    return f"worksheet_{name}" if name in ("feedback.zip", "grades_lms.csv") else name


def export_command(course, args):
    assignment = course.assignment(args.assignment)
    graded = Path(args.graded or Path("graded") / assignment.id)
    final = graded / "grades_final.csv"
    if not final.is_file():
        raise UsageError(f"{final}: no such file: run grade/finish first "
                         f"(autograder grade PATH --assignment {assignment.id} --out {graded})")
    out = Path(args.out or graded / "export")
    roster = Roster(args.roster) if args.roster else course.roster()
    sheet = read_worksheet(args.worksheet) if args.worksheet else None
    if sheet is not None and roster is None:
        raise UsageError("--worksheet needs the roster that gives Moodle's participant ids: "
                         "set ROSTER in course_config.py or pass --roster")
    target = out / _worksheet_name(Path(args.worksheet).name) if sheet else None
    if target is not None and target.resolve() == sheet.path.resolve():
        raise UsageError(f"{target}: would overwrite the worksheet read; choose another --out")
    grades = read_final(final)
    problems = [] if roster else ["no roster (ROSTER in course_config.py or --roster): no participant ids"]

    archive, zipped, missing = feedback_zip(graded, assignment, grades, roster)
    problems += missing
    written = []
    if sheet is not None:
        filled, trouble = fill_worksheet(sheet, grades, roster, zipped)
        problems += sheet.notes + trouble
        write_atomic(target, sheet.bytes())
        zero = sum(1 for grade in grades if grade.student in filled and grade.status == NOT_SUBMITTED)
        written.append(f"{target}: {len(filled)} rows filled ({zero} not submitted: 0), "
                       f"{len(sheet.records) - 1 - len(filled)} left as they were")
    write_atomic(out / "feedback.zip", archive)
    written.append(f"{out / 'feedback.zip'}: {len(zipped)} feedback files")
    write_atomic(out / "grades_lms.csv", lms_csv(grades, roster))
    written.append(f"{out / 'grades_lms.csv'}: {len(grades)} students")

    for line in written:
        print(escape.terminal(f"wrote {line}"))
    for problem in problems:
        print(escape.terminal(f"export: {problem}"), file=sys.stderr)
    if sheet is not None:
        print("Moodle: View all submissions -> Grading action -> Upload grading worksheet, then Upload multiple "
              "feedback files in a zip.  Rows Moodle calls modified more recently are skipped unless \"Allow "
              "updating records that have been modified more recently\" is ticked: tick it for a Japanese "
              "worksheet (Moodle cannot read its dates)")
    print(f"{len(problems)} problem{'s' if len(problems) != 1 else ''}" + (" (above)" if problems else ""))
    return 0

