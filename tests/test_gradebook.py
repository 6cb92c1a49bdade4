"""The course gradebook: a small term written as grades_final.csv files, read by the real command.

Eight students on the roster and one submitter who is not, over three weighted assignments,
one of them not graded yet; the CSV is checked against totals computed by hand, and the
page is opened in the system's headless Chromium (tests/browser.py).
"""
import base64
import csv
import re

import pytest

from autograder.course import load_course
from autograder.final import NOT_ON_ROSTER, NOT_SUBMITTED, FinalGrade, final_csv
from conftest import ROOT, run_cli

XSS = "<img src=x onerror=alert(1)>"
FORMULA = "=cmd|' /C calc'!A0"
ROSTER = [("s01", "山田 太郎"), ("s02", "佐藤 花子"), ("s03", "Ann Lee"), ("s04", "鈴木 一郎"),
          ("s05", "Bo Chen"), ("s06", "高橋 健"), ("s07", XSS), ("s08", FORMULA)]
GUEST = "guest01"                     # submitted, not on the roster
GUEST_NAME = "<b id=pwned>guest</b>"

# ch04_gradient: weight 2, out of 10.  ch04_activation: weight 1, out of 16 + 4 written = 20.
# ch04_loss: weight 3, not graded yet (no grades_final.csv): left out of the total.
GRADIENT = {  # student -> (score, status, flags)
    "s01": (10, "submitted", []), "s02": (8, "submitted", ["late"]), "s03": (6, "submitted", []),
    "s04": (0, NOT_SUBMITTED, [NOT_SUBMITTED]), "s05": (9, "submitted", []),
    "s06": (7, "submitted", ["extension"]), "s07": (5, "submitted", []), "s08": (4, "submitted", []),
    GUEST: (8, NOT_ON_ROSTER, [NOT_ON_ROSTER]),
}
ACTIVATION = {  # the guest is not listed: did not submit it
    "s01": (18, "submitted", []), "s02": (14, "submitted", []), "s03": (12, "submitted", ["written_pending"]),
    "s04": (16, "submitted", []), "s05": (20, "submitted", []), "s06": (0, NOT_SUBMITTED, [NOT_SUBMITTED]),
    "s07": (10, "submitted", ["late"]), "s08": (0, "submitted", ["late", "not_accepted"]),
}
# (2 * gradient / 10 + 1 * activation / 20) / 3 * 100, by hand; (late, pending) counts
EXPECTED = {"s01": ("96.7", 0, 0), "s02": ("76.7", 1, 0), "s03": ("60.0", 0, 1), "s04": ("26.7", 0, 0),
            "s05": ("93.3", 0, 0), "s06": ("46.7", 0, 0), "s07": ("50.0", 1, 0), "s08": ("26.7", 1, 0),
            GUEST: ("53.3", 0, 0)}


def config_text(roster):
    course = load_course(ROOT / "course_config.py")
    assignments = {
        "ch04_gradient": {"title": "数値微分 / Gradients", "weight": 2, "points": {"f::a": 6, "f::b": 4}},
        "ch04_activation": {"title": "活性化関数 / Activation", "points": {"g::a": 16}, "written": {"q1": 4}},
        "ch04_loss": {"title": "損失関数 / Loss", "weight": 3, "points": {"h::a": 10}},
    }
    return (f"COURSE_ID = 'term-test'\nLANG = 'ja+en'\nLIMITS = {course.limits!r}\n"
            f"ROSTER = {roster!r}\nASSIGNMENTS = {assignments!r}\n")


def write_final(path, table, maximum, names=None):
    grades = []
    for student, (score, status, flags) in table.items():
        grades.append(FinalGrade(student, name=(names or {}).get(student, ""), status=status, score=score,
                                 max_score=maximum, flags=list(flags), late_days=1 if "late" in flags else 0,
                                 written_pending=4 if "written_pending" in flags else 0.0))
    path.mkdir(parents=True, exist_ok=True)
    (path / "grades_final.csv").write_text(final_csv(grades, []), encoding="utf-8")


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """A course folder: course_config.py with ROSTER, roster.csv, two graded assignments
    (one in the default graded/<ID>/, one elsewhere, passed with --graded), the gradebook
    written by the real command."""
    folder = tmp_path_factory.mktemp("term")
    (folder / "course_config.py").write_text(config_text("roster.csv"), encoding="utf-8")
    with open(folder / "roster.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("student_id", "name"), *ROSTER])
    names = dict(ROSTER) | {GUEST: GUEST_NAME}
    write_final(folder / "graded" / "ch04_gradient", GRADIENT, 10, names)
    write_final(folder / "elsewhere", ACTIVATION, 20, names)
    done = run_cli("gradebook", "--config", "course_config.py", "--graded", "ch04_activation=elsewhere", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert "missing from" not in done.stderr                 # a Japanese glyph drawn as a box
    return folder, done.stdout


def rows(folder):
    with open(folder / "graded" / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_csv_totals_match_the_hand_computed_ones(term):
    folder, stdout = term
    found = rows(folder)
    assert [row["student"] for row in found] == [s for s, _ in ROSTER] + [GUEST]   # roster order, guest last
    assert {row["student"]: (row["term_percent"], int(row["late_count"]), int(row["pending_count"]))
            for row in found} == EXPECTED
    by = {row["student"]: row for row in found}
    assert by["s04"]["ch04_gradient_score"] == "0" and by["s04"]["ch04_gradient_flags"] == NOT_SUBMITTED
    assert by["s02"]["ch04_gradient_flags"] == "late" and by["s06"]["ch04_gradient_flags"] == "extension"
    assert by["s03"]["ch04_activation_flags"] == "written_pending"
    assert by["s01"]["ch04_activation_max_score"] == "20" and by["s01"]["ch04_gradient_max_score"] == "10"
    assert by[GUEST]["on_roster"] == "no" and by["s01"]["on_roster"] == "yes"
    assert by[GUEST]["ch04_activation_flags"] == NOT_SUBMITTED                       # not listed there
    assert {(row["ch04_loss_score"], row["ch04_loss_flags"]) for row in found} == {("", "not_graded_yet")}
    assert {row["term_assignments"] for row in found} == {"ch04_gradient:2;ch04_activation:1"}
    assert by["s07"]["name"] == XSS and by["s08"]["name"] == "'" + FORMULA        # no formula runs
    assert "ch04_loss: not graded yet" in stdout and "1 not on the roster" in stdout
    assert not list((folder / "graded").glob(".*.tmp"))


def test_page_is_self_contained_and_says_what_it_leaves_out(term):
    folder, _ = term
    page = (folder / "graded" / "gradebook.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "url(http" not in page and "@import" not in page
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert len(images) == 3                                # term total + two graded assignments
    for data in images:
        svg = base64.b64decode(data).decode("utf-8")
        assert "<path" in svg and "<text" not in svg       # glyphs drawn as paths
    assert "not graded yet: left out of the term total" in page
    assert "Personal data" in page and "個人情報" in page
    assert XSS not in page and escape_html(XSS) in page
    assert GUEST_NAME not in page


def escape_html(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def shown(driver, table, column):
    """The text of one column of a table as the rows are shown."""
    return [row.find_elements("tag name", "td")[column].text
            for row in driver.find_elements("css selector", f"#{table} tbody tr")]


def heading(driver, table, text):
    return driver.find_element("xpath", f"//table[@id='{table}']//th[contains(., '{text}')]")


def test_gradebook_in_chromium(term, browser, tmp_path):
    folder, _ = term
    browser.get((folder / "graded" / "gradebook.html").as_uri())
    assert "成績一覧 / Gradebook" in browser.find_element("tag name", "h1").text
    browser.save_screenshot(str(tmp_path / "gradebook.png"))        # for a person to look at
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert all(name.startswith("data:") for name in fetched), fetched
    fonts = browser.execute_async_script(
        "const done = arguments[0]; document.fonts.ready.then(() =>"
        " done([...document.fonts].map(f => [f.family.replace(/\"/g, ''), f.status])))")
    assert ["ReportJa", "loaded"] in fonts                          # Japanese labels render

    plots = browser.execute_script(
        "return [...document.images].map(i => [i.complete, i.naturalWidth,"
        " i.getBoundingClientRect().width, i.getBoundingClientRect().height])")
    assert len(plots) == 3                                          # no image the student's name added
    for complete, natural, width, height in plots:
        assert complete and natural > 0 and width > 100 and height > 50
    assert not browser.find_elements("css selector", "[onerror], #pwned")
    assert XSS in shown(browser, "students", 1) and GUEST_NAME in shown(browser, "others", 1)

    assert shown(browser, "students", 0) == [s for s, _ in ROSTER]
    score = heading(browser, "students", "ch04_gradient 得点")
    score.find_element("tag name", "button").click()
    ascending = [float(text.split(" / ")[0]) for text in shown(browser, "students", 2)]
    assert ascending == sorted(GRADIENT[s][0] for s, _ in ROSTER)  # 0, 4, 5, ..., 10: as numbers
    assert score.get_attribute("aria-sort") == "ascending"
    score.find_element("tag name", "button").click()
    assert [float(text.split(" / ")[0]) for text in shown(browser, "students", 2)] == ascending[::-1]
    assert score.get_attribute("aria-sort") == "descending"

    total = heading(browser, "students", "Term total")
    total.find_element("tag name", "button").click()
    totals = [float(text) for text in shown(browser, "students", 6)]
    assert totals == sorted(float(EXPECTED[s][0]) for s, _ in ROSTER)
    assert score.get_attribute("aria-sort") is None and total.get_attribute("aria-sort") == "ascending"

    student = heading(browser, "students", "Student ID")
    student.find_element("tag name", "button").click()
    student.find_element("tag name", "button").click()
    assert shown(browser, "students", 0) == sorted((s for s, _ in ROSTER), reverse=True)


def test_without_a_roster_everyone_seen_is_listed(tmp_path):
    (tmp_path / "course_config.py").write_text(config_text(None), encoding="utf-8")
    write_final(tmp_path / "graded" / "ch04_gradient", GRADIENT, 10)
    write_final(tmp_path / "graded" / "ch04_activation", ACTIVATION, 20)
    done = run_cli("gradebook", "--config", "course_config.py", "--out", "book", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    with open(tmp_path / "book" / "gradebook.csv", encoding="utf-8-sig", newline="") as handle:
        found = list(csv.DictReader(handle))
    assert [row["student"] for row in found] == sorted(ACTIVATION) + [GUEST]     # by id; not_on_roster last
    assert {row["student"]: row["term_percent"] for row in found} == {s: e[0] for s, e in EXPECTED.items()}
    assert {row["on_roster"] for row in found} == {""}
    assert (tmp_path / "book" / "gradebook.html").is_file()


@pytest.mark.parametrize("graded, named", [
    (["ch04_nope=elsewhere"], "unknown assignment 'ch04_nope'"),
    (["ch04_gradient"], "expected ID=DIR"),
    (["=elsewhere"], "expected ID=DIR"),
    (["ch04_gradient=elsewhere", "ch04_gradient=elsewhere"], "given twice"),
    (["ch04_gradient=missing"], "missing is not a folder"),
])
def test_usage_errors_are_one_line(tmp_path, graded, named):
    (tmp_path / "course_config.py").write_text(config_text("roster.csv"), encoding="utf-8")
    (tmp_path / "roster.csv").write_text("student_id,name\ns01,A\n", encoding="utf-8")
    write_final(tmp_path / "elsewhere", GRADIENT, 10)
    args = [arg for spec in graded for arg in ("--graded", spec)]
    done = run_cli("gradebook", "--config", "course_config.py", *args, "--out", "book", cwd=tmp_path)
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and named in done.stderr, done.stderr
    assert not (tmp_path / "book").exists()


def test_nothing_graded_yet_is_a_usage_error(tmp_path):
    (tmp_path / "course_config.py").write_text(config_text(None), encoding="utf-8")
    done = run_cli("gradebook", "--config", "course_config.py", cwd=tmp_path)
    assert done.returncode == 2 and "grade first" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "graded").exists()


def test_an_unreadable_grades_final_is_a_usage_error_naming_it(tmp_path):
    (tmp_path / "course_config.py").write_text(config_text(None), encoding="utf-8")
    folder = tmp_path / "graded" / "ch04_gradient"
    folder.mkdir(parents=True)
    (folder / "grades_final.csv").write_text("who,score\ns01,ten\n", encoding="utf-8")
    done = run_cli("gradebook", "--config", "course_config.py", cwd=tmp_path)
    assert done.returncode == 2 and "grades_final.csv cannot be read" in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
