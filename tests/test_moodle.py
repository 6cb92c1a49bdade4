"""export: final grades into Moodle's grading worksheet and feedback zip, and a CSV for any LMS.

The oracle is Moodle's importer re-told in Python (``moodle_import``, ``moodle_zip_owner``):
what mod/assign/feedback/offline and mod/assign/feedback/file read from the files we write.
The worksheets in tests/data/moodle/ are written as Moodle writes them (see the README there).
"""
import csv
import io
import re
import zipfile
import pytest

from conftest import ROOT, run_cli

from autograder import moodle
from autograder.final import NOT_ON_ROSTER, NOT_SUBMITTED, FinalGrade, Step, final_csv
from autograder.roster import Roster
from autograder.submissions import student_folder

ASSIGNMENT = "ch04_gradient"
DATA = ROOT / "tests" / "data" / "moodle"
ROSTER = """student_id,name,participant,email
s001,山田 太郎,1001,yamada@example.jp
s002,佐藤 花子,,sato@example.jp
s003,鈴木 一郎,1003,suzuki@example.jp
s004,田中 翔,,tanaka1@example.jp
s005,田中 翔,,tanaka2@example.jp
s006,@SUM(1+1) 伊藤,,
s007,小林 七,1007,kobayashi@example.jp
s008,渡辺 超,1008,watanabe@example.jp
"""
HOSTILE = "<script>alert('x')</script> [click](javascript:alert%281%29) <img src=http://evil/x.png>"
TAGS = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "strong", "main", "ul", "li",
        "code", "pre", "a", "em", "blockquote", "hr", "table", "thead", "tbody", "tr", "th", "td", "del"}

# What Moodle reads (importgradeslib.php): headers in the uploader's language, the prefix of
# the Identifier cut by its byte length (get_string('hiddenuser', 'assign')).
STRINGS = {
    "en": {"grade": "Grade", "id": "Identifier", "modified": "Last modified (grade)",
           "comments": "Feedback comments", "hiddenuser": "Participant "},
    "ja": {"grade": "評点", "id": "ID", "modified": "最終更新日時 (評定)",
           "comments": "フィードバックコメント", "hiddenuser": "参加者"},
}
ACTIVITY_MAX = 100.0
# participant -> the grade Moodle must read (score / 10 * 100) and a piece of its comment
EXPECTED = {"1001": (75.0, "得点 / Score: 7.5 / 10"), "1002": (100.0, "得点 / Score: 10 / 10"),
            "1003": (0.0, "未提出 / not submitted"), "1004": (60.0, "記述問題は採点待ち"),
            "1006": (50.0, "得点 / Score: 5 / 10")}
UNTOUCHED = {"1005", "1099", "1008"}     # a shared name, not on the roster, score above the maximum


def grades():
    def submitted(student, score, name, **more):
        return FinalGrade(student, name=name, score=score, max_score=10, autograded_score=score, **more)

    late = submitted("s001", 8.0, "山田 太郎", flags=["late"])
    late.apply(Step("late", 8.0, 7.5, "1日遅れ, 1 day late <b>-5%</b> \\\" ok"))
    return [late, submitted("s002", 10.0, "佐藤 花子"),
            FinalGrade("s003", name="鈴木 一郎", status=NOT_SUBMITTED, max_score=10, flags=["not_submitted"]),
            submitted("s004", 6.0, "田中 翔", written_pending=2.0, flags=["written_pending"]),
            submitted("s005", 9.0, "田中 翔"), submitted("s006", 5.0, "@SUM(1+1) 伊藤"),
            submitted("s007", 4.0, "小林 七"), submitted("s008", 11.0, "渡辺 超"),
            FinalGrade("x999", status=NOT_ON_ROSTER, score=3.0, max_score=10, flags=["not_on_roster"])]


@pytest.fixture
def course_dir(tmp_path):
    """tmp/: course_config.py with ROSTER = "roster.csv", the roster, and graded/<id>/ after finish."""
    config = (ROOT / "course_config.py").read_text(encoding="utf-8")
    assert "ROSTER = None" in config
    (tmp_path / "course_config.py").write_text(config.replace("ROSTER = None", 'ROSTER = "roster.csv"', 1),
                                               encoding="utf-8")
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    graded = tmp_path / "graded" / ASSIGNMENT
    graded.mkdir(parents=True)
    (graded / "grades_final.csv").write_text(final_csv(grades(), []), encoding="utf-8")
    for grade in grades():
        if grade.status != NOT_SUBMITTED and grade.student != "s008":      # s008: no feedback.md
            folder = student_folder(graded, grade.student)
            folder.mkdir()
            (folder / "feedback.md").write_text(
                f"# {ASSIGNMENT} — {grade.student}\n\n**{grade.score:g} / 10**\n\n{HOSTILE}\n\n"
                "## ❌ `numerical_diff` — 0 / 2\n\n- `numerical_diff::central`\n  expected 4, got 3\\.9\n",
                encoding="utf-8")
    return tmp_path


def export(course_dir, *more):
    return run_cli("export", ASSIGNMENT, "--config", "course_config.py", *more, cwd=course_dir)


# ----- the oracle -----

def php_float(text):
    """PHP's (float) cast: the longest number at the start, else 0."""
    found = re.match(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text)
    return float(found.group()) if found else 0.0


def moodle_import(data, lang, encoding="utf-8"):
    """{participant: (grade or None, comment, row)} as Moodle reads an uploaded worksheet."""
    strings = STRINGS[lang]
    text = data.decode(encoding)                                  # csvlib: converted to UTF-8
    text = re.sub(r"\r\n?", "\n", text.removeprefix("\ufeff")).strip()   # BOM dropped, LF, trimmed
    rows = list(csv.reader(io.StringIO(text)))                    # fgetcsv
    index = {key: max(i for i, header in enumerate(rows[0]) if header == strings[key])
             for key in ("grade", "id", "modified", "comments")}
    prefix = len(strings["hiddenuser"].encode("utf-8"))
    read = {}
    for row in rows[1:]:
        participant = row[index["id"]].encode("utf-8")[prefix:].decode("utf-8")
        cell = row[index["grade"]].strip()                        # unformat_float
        grade = None if cell == "" else php_float(cell.replace(" ", ""))
        read[participant] = (grade, row[index["comments"]], row)
    return read


def records(data):
    """The worksheet's records as bytes, each with its line end (a newline inside quotes stays inside)."""
    found, current = [], b""
    for line in data.splitlines(keepends=True):
        current += line
        if current.count(b'"') % 2 == 0:
            found.append(current)
            current = b""
    return found + ([current] if current else [])


def moodle_zip_owner(name, participants):
    """importziplib.php is_valid_filename_for_import: (participant, plugin, file) or None."""
    if name.split("/")[-1].startswith((".", "~")):
        return None
    parts = name.split("/")
    while parts:
        info = parts.pop(0).split("_", 4)
        if len(info) < 4 or not info[1].isdigit() or int(info[1]) not in participants:
            continue
        if (info[2], info[3]) not in (("assignsubmission", "file"), ("assignsubmission", "onlinetext"),
                                      ("assignfeedback", "file")):
            continue
        return int(info[1]), f"{info[2]}_{info[3]}", "/".join([*(info[4:] or [""]), *parts])
    return None


# ----- the worksheet -----

VARIANTS = {
    "as_exported": lambda data: (data, "utf-8"),
    "crlf_no_bom": lambda data: (data.removeprefix(b"\xef\xbb\xbf").replace(b"\n", b"\r\n"), "utf-8"),
    "excel_cp932": lambda data: (data.decode("utf-8-sig").encode("cp932").replace(b"\n", b"\r\n"), "cp932"),
}


@pytest.mark.parametrize("lang, variant", [("en", "as_exported"), ("ja", "as_exported"), ("en", "crlf_no_bom"),
                                           ("ja", "excel_cp932")])
def test_the_worksheet_gets_grades_and_comments_moodle_reads_and_keeps_the_rest(course_dir, lang, variant):
    original, encoding = VARIANTS[variant]((DATA / f"worksheet_{lang}.csv").read_bytes())
    sheet = course_dir / f"Grades-CS101-{lang}.csv"
    sheet.write_bytes(original)
    done = export(course_dir, "--worksheet", sheet.name)
    assert done.returncode == 0, done.stderr
    written = (course_dir / "graded" / ASSIGNMENT / "export" / sheet.name).read_bytes()

    before, after = moodle_import(original, lang, encoding), moodle_import(written, lang, encoding)
    header = next(csv.reader(io.StringIO(original.decode(encoding).removeprefix("\ufeff"))))
    filled = {header.index(STRINGS[lang]["grade"]), header.index(STRINGS[lang]["comments"])}
    assert set(after) == set(before)
    for participant, (grade, piece) in EXPECTED.items():
        got, comment, row = after[participant]
        assert got == pytest.approx(grade) and 0 <= got <= ACTIVITY_MAX, participant
        assert piece in comment and "\\" not in comment and "<b>" not in comment, comment
        old_row = before[participant][2]
        assert [cell for i, cell in enumerate(row) if i not in filled] == \
               [cell for i, cell in enumerate(old_row) if i not in filled]     # every other cell as it was
    assert "&lt;b&gt;-5%&lt;/b&gt;" in after["1001"][1] and "&#92;" in after["1001"][1]
    assert after["1002"][1] != before["1002"][1]                  # the old comment is replaced

    old, new = records(original), records(written)
    assert len(new) == len(old) and new[0] == old[0]              # header (and BOM) as it was
    assert written.startswith(b"\xef\xbb\xbf") == original.startswith(b"\xef\xbb\xbf")
    identifier = STRINGS[lang]["hiddenuser"].encode(encoding)
    for one, two in zip(old, new):
        assert one[-2:] == two[-2:] if one.endswith(b"\r\n") else one[-1:] == two[-1:]
        if any(one.lstrip(b'"').startswith(identifier + p.encode()) for p in UNTOUCHED):
            assert one == two                                     # left alone, byte for byte
    assert written.count(b"\r\n") == original.count(b"\r\n")

    problems = done.stderr
    assert "1005" in problems and "name shared by several roster students" in problems
    assert "1099" in problems and "on no roster row" in problems
    assert "s008" in problems and "> Maximum Grade" in problems
    assert "s007: submitted, no worksheet row matched" in problems and "x999: submitted, not on the roster" in problems
    assert f"wrote graded/{ASSIGNMENT}/export/{sheet.name}: 5 rows filled (1 not submitted: 0)" in done.stdout


def worksheet_file(tmp_path, rows, header=("Identifier", "Full name", "Grade", "Maximum Grade",
                                           "Last modified (grade)", "Feedback comments")):
    path = tmp_path / "ws.csv"
    path.write_text("\n".join(",".join(row) for row in [header, *rows]) + "\n", encoding="utf-8")
    return moodle.read_worksheet(path)


def test_one_student_on_two_rows_is_reported_and_neither_row_written(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    rows = [("Participant 1001", "山田 太郎", "", "100.00", "-", "")] * 2
    sheet = worksheet_file(tmp_path, rows)
    before = sheet.bytes()
    filled, problems = moodle.fill_worksheet(sheet, grades(), Roster(tmp_path / "roster.csv"))
    assert filled == {} and sheet.bytes() == before
    assert any("s001: on 2 worksheet rows" in problem for problem in problems), problems


def test_a_participant_id_the_roster_gives_to_someone_else_is_not_guessed(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    sheet = worksheet_file(tmp_path, [("Participant 1001", "小林 七", "", "100.00", "-", "")])
    filled, problems = moodle.fill_worksheet(sheet, grades(), Roster(tmp_path / "roster.csv"))
    assert filled == {} and "matches several roster students" in problems[0], problems


@pytest.mark.parametrize("score, maximum, shown", [(2, "100.00", "66.67"), (2, "20.0", "13.3"), (2, "100,00", "66,67"),
                                                   (3, "10", "10"), (1, "100.00", "33.33"), (0.5, "100.00", "16.67")])
def test_grades_are_rounded_as_moodle_shows_the_maximum(score, maximum, shown):
    text, _ = moodle.scaled(FinalGrade("s", score=score, max_score=3), maximum)
    assert text == shown


# ----- the feedback zip -----

def test_feedback_files_are_named_for_moodle_and_show_student_text_as_text(course_dir):
    done = export(course_dir)
    assert done.returncode == 0, done.stderr
    roster = Roster(course_dir / "roster.csv")
    participants = {int(person.participant): student for student, person in roster.people.items()
                    if person.participant}
    with zipfile.ZipFile(course_dir / "graded" / ASSIGNMENT / "export" / "feedback.zip") as archive:
        owners = {}
        for name in archive.namelist():
            participant, plugin, file = moodle_zip_owner(name, participants)
            assert plugin == "assignsubmission_file" and file == f"{ASSIGNMENT}_feedback.html"
            owners[participants[participant]] = archive.read(name).decode("utf-8")
    assert set(owners) == {"s001", "s007"}
    for student in ("s002", "s004", "s005", "s006"):
        assert f"{student}: no participant id in the roster: not in feedback.zip" in done.stderr
    assert "s008: no feedback.md" in done.stderr and "x999: not on the roster: not in feedback.zip" in done.stderr
    page = owners["s001"]
    tags = re.findall(r"<(/?)([a-zA-Z0-9!]+)([^>]*)>", page)
    assert {name.lower() for _, name, _ in tags} <= TAGS | {"!doctype"}, tags       # no script, img, link, iframe
    assert not [attributes for _, _, attributes in tags if re.search(r"\bsrc=|\bon\w+=|javascript:", attributes)]
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in page and "&lt;img src=http://evil/x.png&gt;" in page
    assert "default-src 'none'" in page and "最終得点 / Final grade: 7.5 / 10" in page
    assert "1日遅れ, 1 day late &lt;b&gt;-5%&lt;/b&gt;" in page and "山田 太郎" in page
    assert "<h2>❌ <code>numerical_diff</code> — 0 / 2</h2>" in page


def test_a_full_name_with_underscores_still_parses_to_its_participant():
    name = moodle.file_name("Anne_Marie/..\\O'Neil\u202e", "1234", ASSIGNMENT)
    assert moodle_zip_owner(name, {1234: "s"}) == (1234, "assignsubmission_file", f"{ASSIGNMENT}_feedback.html")
    assert "/" not in name and "\u202e" not in name
    assert moodle_zip_owner(moodle.file_name("..._~", "7", ASSIGNMENT), {7: "s"})[0] == 7


# ----- the plain CSV -----

def test_grades_lms_csv_has_every_student_and_no_formula(course_dir):
    done = export(course_dir)
    assert done.returncode == 0, done.stderr
    data = (course_dir / "graded" / ASSIGNMENT / "export" / "grades_lms.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == moodle.LMS_COLUMNS
    table = {row["student_id"]: row for row in rows}
    assert set(table) == {grade.student for grade in grades()}
    assert table["s006"]["name"] == "'@SUM(1+1) 伊藤"
    assert table["s001"] | {} == {"student_id": "s001", "name": "山田 太郎", "email": "yamada@example.jp",
                                  "score": "7.5", "max_score": "10", "percent": "75", "status": "submitted",
                                  "flags": "late"}
    assert table["s003"]["status"] == "not_submitted" and table["x999"]["status"] == "not_on_roster"


# ----- usage errors -----

@pytest.mark.parametrize("args, named", [
    (["--graded", "nowhere"], "nowhere/grades_final.csv: no such file: run grade/finish first"),
    (["--worksheet", "missing.csv"], "missing.csv: no such file"),
    (["--worksheet", "roster.csv"], "not a Moodle grading worksheet"),
    (["--worksheet", "scale.csv"], "graded on a scale"),
])
def test_usage_errors_exit_2_with_one_line(course_dir, args, named):
    (course_dir / "scale.csv").write_text("Identifier,Grade,Scale,Last modified (grade)\n", encoding="utf-8")
    done = export(course_dir, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and named in done.stderr, done.stderr
    assert not (course_dir / "graded" / ASSIGNMENT / "export").exists()


def test_a_worksheet_needs_a_roster_and_an_unknown_assignment_is_named(course_dir):
    config = course_dir / "course_config.py"
    config.write_text(config.read_text(encoding="utf-8").replace('ROSTER = "roster.csv"', "ROSTER = None"),
                      encoding="utf-8")
    (course_dir / "ws.csv").write_bytes((DATA / "worksheet_en.csv").read_bytes())
    done = export(course_dir, "--worksheet", "ws.csv")
    assert done.returncode == 2 and "set ROSTER in course_config.py or pass --roster" in done.stderr, done.stderr
    done = run_cli("export", "ch99", "--config", "course_config.py", cwd=course_dir)
    assert done.returncode == 2 and "unknown assignment 'ch99'" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
