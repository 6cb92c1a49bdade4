"""A whole term, end to end, as README's "A term" walks through it, in a temporary folder.

A roster of 30 with Japanese names; ch04_gradient collected from a Moodle zip with
import-lms, ch04_activation collected in nbgrader's layout with nbgrader's timestamp.txt;
one student late with an extension, one late without, two who never submit, one
submitter not on the roster; written answers marked both ways (marks.csv from the
`written` pages, and nbgrader's gradebook after a real `nbgrader autograde`); overrides;
`finish`, `gradebook`, `export` against a worksheet in Moodle's own format, the feedback
zip; the pages opened in headless Chromium.  Every command is the real command line.
"""
import csv
import io
import json
import re
import zipfile

import pytest

from browser import page_source
from conftest import ROOT, run_cli
from nbgrader_course import answered, cell_with_id, make_course, nbgrader, read, solution_bodies, write

pytestmark = pytest.mark.nbgrader

FAMILY = ["山田", "鈴木", "佐藤", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤"]
GIVEN = ["太郎", "花子", "一郎"]
ROSTER = [(f"s{n:02d}", f"{FAMILY[(n - 1) % 10]} {GIVEN[(n - 1) // 10]}", str(5000 + n), f"s{n:02d}@uni.example.jp")
          for n in range(1, 31)]
NAMES = {sid: name for sid, name, _, _ in ROSTER}
NEVER = {"s29", "s30"}                          # never submit anything
GRADIENT_EXAMPLES = sorted((ROOT / "examples" / "ch04_gradient").glob("*.ipynb"))
CONFIG_EDITS = [
    ("ROSTER = None", 'ROSTER = "roster.csv"'),
    ("EXTENSIONS = None", 'EXTENSIONS = "extensions.csv"'),
    ('"title": "4.3–4.4', '"due": "2026-10-20 23:59", "title": "4.3–4.4'),
    ('"written": {"answer_q1": 2, "answer_q2": 2},', '"written": {"answer_q1": 2, "answer_q2": 2}, '
                                                     '"due": "2026-11-10 23:59", "weight": 2,'),
]


def cli(term, *args):
    done = run_cli(*args, "--config", term / "course_config.py", cwd=term)
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done


def final_rows(path):
    return {row["student"]: row for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")))}


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    term = tmp_path_factory.mktemp("term")
    config = (ROOT / "course_config.py").read_text(encoding="utf-8")
    for old, new in CONFIG_EDITS:
        assert old in config
        config = config.replace(old, new, 1)
    (term / "course_config.py").write_text(config, encoding="utf-8")
    (term / "roster.csv").write_bytes(("学籍番号,氏名,participant,email\r\n" + "".join(
        ",".join(row) + "\r\n" for row in ROSTER)).encode("cp932"))                  # saved by Excel
    (term / "extensions.csv").write_text("student,assignment,due,reason\n"
                                         "s03,ch04_gradient,2026-10-25 23:59,合理的配慮\n", encoding="utf-8")

    # ch04_gradient: Moodle's "Download all submissions" (times in the zip carry no zone)
    with zipfile.ZipFile(term / "moodle.zip", "w") as archive:
        for n, (sid, name, participant, _) in enumerate(ROSTER):
            if sid in NEVER:
                continue
            when = {"s03": (2026, 10, 22, 10, 0, 0), "s04": (2026, 10, 22, 10, 0, 0)}.get(sid, (2026, 10, 20, 21, 0, 0))
            info = zipfile.ZipInfo(f"{name}_{participant}_assignsubmission_file_/ch04_gradient.ipynb", when)
            archive.writestr(info, GRADIENT_EXAMPLES[n % len(GRADIENT_EXAMPLES)].read_bytes())
        archive.writestr(zipfile.ZipInfo("謎の 人物_9999_assignsubmission_file_/ch04_gradient.ipynb",
                                         (2026, 10, 20, 21, 0, 0)), GRADIENT_EXAMPLES[0].read_bytes())
    done = cli(term, "import-lms", "moodle.zip", "--assignment", "ch04_gradient", "--out", "submitted")
    assert "unknown: 謎の 人物" in done.stderr and "missing: s29" in done.stderr

    # ch04_activation: nbgrader's layout, nbgrader's timestamp.txt (UTC)
    source = read(ROOT / "solutions" / "ch04_activation" / "ch04_activation.ipynb")
    release = read(ROOT / "assignments" / "ch04_activation" / "ch04_activation.ipynb")
    solved = answered(release, solution_bodies(source))
    for sid, _, _, _ in [*ROSTER, ("x99", "", "", "")]:
        if sid in NEVER:
            continue
        notebook = solved if sid != "s10" else release                           # s10 hands in the stubs
        notebook = json.loads(json.dumps(notebook))
        cell_with_id(notebook, "answer_q1")["source"] = "線形の合成は線形なので1層と同じ"
        cell_with_id(notebook, "answer_q2")["source"] = "0.25 の10乗で勾配が消える"
        folder = term / "submitted" / sid / "ch04_activation"
        write(folder / "ch04_activation.ipynb", notebook)
        stamp = "2026-11-11 06:00:00.000000 UTC" if sid == "s05" else "2026-11-10 14:00:00.000000 UTC"
        (folder / "timestamp.txt").write_text(stamp + "\n", encoding="utf-8")

    for assignment in ("ch04_gradient", "ch04_activation"):
        cli(term, "grade", "submitted", "--assignment", assignment, "--jobs", "2")
    return term


def test_import_recorded_the_time_in_the_courses_zone(term):
    assert (term / "submitted" / "s03" / "ch04_gradient" / "timestamp.txt").read_text() == "2026-10-22 10:00:00+09:00\n"
    results = json.loads((term / "graded" / "ch04_gradient" / "s04" / "results.json").read_text(encoding="utf-8"))
    assert results["extra_data"]["timestamp"] == "2026-10-22 10:00:00+09:00"


def test_late_work_extensions_and_non_submitters(term):
    final = final_rows(term / "graded" / "ch04_gradient" / "grades_final.csv")
    raw = final_rows(term / "graded" / "ch04_gradient" / "grades.csv")
    assert list(final) == [sid for sid, *_ in ROSTER]                   # every roster student, in order
    assert set(raw) == {sid for sid, *_ in ROSTER} - NEVER              # grades.csv: the autograded only
    for sid in NEVER:
        assert (final[sid]["status"], final[sid]["score"], final[sid]["flags"]) == ("not_submitted", "0",
                                                                                   "not_submitted")
    assert final["s03"]["flags"] == "extension" and final["s03"]["score"] == raw["s03"]["score"]
    s04 = final["s04"]                                                   # 1 day 10 h late: 2 days, 20 %
    assert (s04["late_days"], s04["flags"]) == ("2", "late")
    assert float(s04["score"]) == pytest.approx(float(raw["s04"]["score"]) * 0.8)
    assert "2 day(s) late: -20%" in s04["adjustments"] and raw["s04"]["score"] == final["s04"]["autograded_score"]
    assert final["s01"]["name"] == "山田 太郎" and not final["s01"]["flags"]
    feedback = (term / "graded" / "ch04_gradient" / "s04" / "feedback.md").read_text(encoding="utf-8")
    assert "最終成績 / Final grade" in feedback and "20%" in feedback


@pytest.fixture(scope="module")
def marked(term):
    """Written answers marked both ways, overrides, then finish."""
    graded = term / "graded" / "ch04_activation"
    done = cli(term, "written", "ch04_activation", "submitted")
    assert "answer_q1: 29 answered" in done.stdout
    page = (graded / "written" / "answer_q1.html").read_text(encoding="utf-8")
    assert not re.search(r"\b(s\d\d|x99)\b", page)                        # blind marking
    assert not any(name in page for name in NAMES.values())
    rows = list(csv.DictReader(io.StringIO((graded / "written" / "marks.csv").read_text(encoding="utf-8-sig"))))
    assert not any(re.fullmatch(r"s\d\d|x99", row["student"]) for row in rows)
    codes_of = {row["student"]: row["code"] for row in csv.DictReader(io.StringIO(
        (graded / "written" / ".codes.csv").read_text(encoding="utf-8-sig")))}
    by_nbgrader = {"s01", "s02"}                 # marked in formgrader: left blank here
    pending = "s12"                              # nobody has marked s12's answers yet
    for row in rows:
        student = next(s for s, code in codes_of.items() if code == row["student"])
        if student not in by_nbgrader | {pending}:
            row["points"] = "1.5" if student == "s07" and row["question"] == "answer_q2" else "2"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["student", "question", "points", "comment"])
    writer.writeheader()
    writer.writerows(rows)
    (graded / "written" / "marks.csv").write_text(buffer.getvalue(), encoding="utf-8-sig")

    # formgrader's marks for s01 and s02, in a gradebook made by a real `nbgrader autograde`
    from nbgrader.api import Gradebook
    (term / "nbgrader_course").mkdir()
    course = make_course(term / "nbgrader_course")
    nbgrader(course, "generate_assignment", "ch04_activation")
    for sid in sorted(by_nbgrader):
        target = course / "nbgrader_work" / "submitted" / sid / "ch04_activation"
        target.mkdir(parents=True)
        (target / "ch04_activation.ipynb").write_bytes(
            (term / "submitted" / sid / "ch04_activation" / "ch04_activation.ipynb").read_bytes())
    nbgrader(course, "autograde", "ch04_activation")
    database = course / "nbgrader_work" / "gradebook.db"
    with Gradebook(f"sqlite:///{database}", course_id="zero-dl-ch04") as gradebook:
        for sid in sorted(by_nbgrader):
            for part in ("answer_q1", "answer_q2"):
                gradebook.find_grade(part, "ch04_activation", "ch04_activation", sid).manual_score = 1.0
                gradebook.find_comment(part, "ch04_activation", "ch04_activation", sid).manual_comment = "理由が不足"
        gradebook.db.commit()
    cli(term, "written", "ch04_activation", "--from-gradebook", database)

    (term / "graded" / "ch04_gradient" / "overrides.csv").write_text(
        "student,check,points,adjustment,reason,extra_credit\n"
        "s07,total,,+1,発表点 / presented in class,\n", encoding="utf-8")
    for assignment in ("ch04_gradient", "ch04_activation"):
        cli(term, "finish", f"graded/{assignment}")
    return term


def test_written_marks_from_both_ways_reach_the_final_grade(marked):
    final = final_rows(marked / "graded" / "ch04_activation" / "grades_final.csv")
    raw = final_rows(marked / "graded" / "ch04_activation" / "grades.csv")
    assert raw["s03"]["max_score"] == "29"                               # grades.csv: autograded only
    assert final["s03"]["max_score"] == "33" and final["s03"]["score"] == "33"
    assert (final["s01"]["written_score"], final["s01"]["score"]) == ("2", "31")         # from nbgrader
    assert final["s07"]["written_score"] == "3.5"
    assert final["s12"]["written_pending"] == "4" and "written_pending" in final["s12"]["flags"]
    assert final["s05"]["late_days"] == "1" and float(final["s05"]["score"]) == pytest.approx(33 * 0.9)
    assert (final["x99"]["status"], final["x99"]["flags"]) == ("not_on_roster", "not_on_roster")
    feedback = (marked / "graded" / "ch04_activation" / "s12" / "feedback.md").read_text(encoding="utf-8")
    assert "written answers: pending (4 points)" in feedback and "/ 33" in feedback
    gradient = final_rows(marked / "graded" / "ch04_gradient" / "grades_final.csv")
    assert "発表点" in gradient["s07"]["adjustments"] and gradient["s07"]["score"] == "22"


def test_course_gradebook(marked):
    cli(marked, "gradebook")
    rows = final_rows(marked / "graded" / "gradebook.csv")
    assert [sid for sid in rows if sid.startswith("s")] == [sid for sid, *_ in ROSTER]
    assert "x99" in rows                                                 # listed, never dropped
    s29 = rows["s29"]
    assert float(s29["term_percent"]) == 0.0
    # weights 1 and 2: (g/38 + 2 * a/33) / 3 * 100
    gradient = final_rows(marked / "graded" / "ch04_gradient" / "grades_final.csv")["s04"]
    activation = final_rows(marked / "graded" / "ch04_activation" / "grades_final.csv")["s04"]
    expected = (float(gradient["score"]) / 38 + 2 * float(activation["score"]) / 33) / 3 * 100
    assert float(rows["s04"]["term_percent"]) == pytest.approx(expected, abs=0.05)
    assert rows["s04"]["late_count"] == "1" and rows["s12"]["pending_count"] == "1"


def test_moodle_worksheet_and_feedback_zip(marked):
    header = ('Identifier,"Full name","Email address",Status,Grade,"Maximum Grade","Grade can be changed",'
              '"Last modified (submission)","Last modified (grade)","Feedback comments"')
    lines = [header] + [f'"Participant {participant}","{name}",{email},"Submitted for grading",,100.00,Yes,'
                        f'"Tuesday, 20 October 2026, 9:00 PM",-,' for _, name, participant, email in ROSTER]
    lines.append('"Participant 7777","退学 済",gone@uni.example.jp,"No submission",,100.00,Yes,-,-,')
    worksheet = marked / "Grades-zero-dl-ch04-ch04_gradient-42.csv"
    worksheet.write_bytes(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    done = cli(marked, "export", "ch04_gradient", "--worksheet", worksheet.name)
    assert "Participant 7777" in done.stderr                             # matches nobody: reported
    out = marked / "graded" / "ch04_gradient" / "export"
    filled = list(csv.DictReader(io.StringIO((out / worksheet.name).read_bytes().decode("utf-8-sig"))))
    final = final_rows(marked / "graded" / "ch04_gradient" / "grades_final.csv")
    by_participant = {participant: sid for sid, _, participant, _ in ROSTER}
    for row in filled[:-1]:
        sid = by_participant[row["Identifier"].removeprefix("Participant ")]
        assert float(row["Grade"]) == pytest.approx(float(final[sid]["score"]) / 38 * 100, abs=0.005)
    assert filled[-1]["Grade"] == "" and list(filled[0]) == next(csv.reader([header]))
    with zipfile.ZipFile(out / "feedback.zip") as archive:
        names = archive.namelist()
    assert "山田 太郎_5001_assignsubmission_file_feedback.html" in [name.split("/")[-1] for name in names] or \
        any(name.startswith("山田 太郎_5001_assignsubmission_file_") for name in names)
    assert not any("_5029_" in name for name in names)                  # nothing to send a non-submitter


def test_pages_in_chromium(marked, browser):
    cli(marked, "report", "graded/ch04_gradient", "--anonymous")
    anonymous = marked / "graded" / "ch04_gradient" / "report_anonymous.html"
    browser.get(anonymous.as_uri())
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    for text in (page_source(browser), anonymous.read_text(encoding="utf-8")):
        assert not re.search(r"\bs\d\d\b", text)                         # no id, no name, no link
        assert not any(name in text for name in NAMES.values())
        assert not any(family in text for family in FAMILY)
        assert "feedback.md" not in text
    assert "未提出" in browser.find_element("tag name", "body").text

    browser.get((marked / "graded" / "ch04_gradient" / "report.html").as_uri())
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert "山田 太郎" in browser.find_element("id", "students").text
    browser.get((marked / "graded" / "gradebook.html").as_uri())
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert "s30" in browser.find_element("tag name", "body").text
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert all(name.startswith("data:") for name in fetched), fetched
