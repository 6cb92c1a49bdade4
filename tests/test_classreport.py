"""The instructor report: graded by the real command, opened in the system's headless Chromium.

A small class is graded (a correct script and wrong variants with known diagnoses), then
`python -m autograder report` writes report.html; Chromium (Debian's chromium and
chromium-driver, driven by Selenium, no browser download) opens it with name resolution
switched off, and the test checks what an instructor sees.
"""
import base64
import csv
import io
import re
import statistics
import urllib.parse
import shutil
from pathlib import Path

import pytest

from autograder import escape
from autograder.submissions import student_folder
from conftest import ROOT, run_cli

CORRECT = (ROOT / "tests" / "data" / "ch04_gradient_correct.py").read_text(encoding="utf-8")
CENTRAL = "return (f(x + h) - f(x - h)) / (2 * h)"
DESCENT = "x -= lr * grad"
FORWARD = (CENTRAL, "return (f(x + h) - f(x)) / h")
TODO = "raise NotImplementedError()"
NOTHING = [(CENTRAL, TODO), ("grad = np.zeros_like(x)", TODO), ("x = init_x", TODO),
           ("z = self.predict(x)", TODO), ("y = softmax(np.dot(x, W))", TODO),
           ("return np.max(np.abs(a - b)", TODO + "  # ")]               # every function a TODO
HOSTILE = "=1+1 <i id=hostile>'\"&amp;"                                 # a file name is student text
CLASS = {   # student -> the edits to the correct script; the comment is what the report says
    "s001": [],
    "s002": [FORWARD],                                                  # forward_difference
    "s003": [FORWARD, (DESCENT, "x += lr * grad")],                     # + gradient_ascent
    "s004": [(DESCENT, TODO)],                                          # not_implemented
    "s005": [(CENTRAL, 'raise ValueError("<b id=pwned>x</b>")')],       # crashed
    "s006": [(DESCENT, TODO), (CENTRAL, "raise ValueError()")],         # both: one line
    "s007": NOTHING,                                                    # not started
    "s008": [(CENTRAL, 'return "木村 s008"')],                          # wrong_type, quoting itself
    "山田": [(CENTRAL, "return (f(x + h) - f(x - h)) / h")],            # missing_half
    HOSTILE: [],
}
NOT_JUDGED = {"not_implemented", "missing_function", "crashed", "timeout", "output_limit",
              "memory_limit", "not_gradable"}


def submission(student):
    text = CORRECT
    for before, after in CLASS[student]:
        assert before in text
        text = text.replace(before, after)
    return text


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """A graded folder with report.html, written by the real commands."""
    subs = tmp_path_factory.mktemp("subs")
    for student in CLASS:
        (subs / f"{student}.py").write_text(submission(student), encoding="utf-8")
    out = tmp_path_factory.mktemp("graded")
    done = run_cli("grade", subs, "--assignment", "ch04_gradient", "--out", out, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    done = run_cli("report", out)
    assert done.returncode == 0, done.stderr
    assert "missing from" not in done.stderr          # a Japanese glyph drawn as a box
    assert str(out / "report.html") in done.stdout
    return out


# What the finish stage would write: names (some Japanese), a non-submitter, late work with and
# without an extension, a pending written part, a submitter not on the roster.
FINAL_MAX = 33                                          # 29 autograded + 4 written
FINAL = [   # student, name, status, final score, flags
    ("s001", "青木 一郎", "submitted", 29.7, ["late"]),
    ("s002", "Brigitte Okonkwo", "submitted", 30, []),
    ("s003", "井上 真央", "submitted", 20, ["written_pending"]),
    ("s004", "Zhang Weiming", "submitted", 12.5, ["late", "extension"]),
    ("s005", "佐々木 希", "submitted", 25, []),
    ("s006", "Hugo Lindqvist", "submitted", 8, []),
    ("s007", "松本 潤一", "submitted", 0, []),
    ("s008", "木村 拓也", "submitted", 15, ["time_unknown"]),
    ("山田", "山田 太郎", "submitted", 28, []),
    (HOSTILE, "<s>名無し</s>", "not_on_roster", 33, ["not_on_roster"]),
    ("s009", "佐藤 花子", "not_submitted", 0, ["not_submitted"]),
]
SUBMITTED = [score for _, _, status, score, _ in FINAL if status != "not_submitted"]


@pytest.fixture(scope="module")
def final(graded, tmp_path_factory):
    """The graded folder with grades_final.csv, then report.html and report --anonymous."""
    from autograder.classreport import write_report
    from autograder.course import load_course
    from autograder.final import FinalGrade, final_csv

    out = shutil.copytree(graded, tmp_path_factory.mktemp("final") / "graded")
    auto = scores(graded)
    grades = [FinalGrade(student, name, status, score, FINAL_MAX, auto.get(student), flags=flags,
                         written_pending=4 if "written_pending" in flags else 0,
                         notes=["late: -10% (33 -> 29.7)"] if student == "s001" else [])
              for student, name, status, score, flags in FINAL]
    (out / "grades_final.csv").write_text(final_csv(grades, []), encoding="utf-8")
    assignment = load_course(ROOT / "course_config.py").assignment("ch04_gradient")
    write_report(out, assignment)                               # what finish calls
    write_report(out, assignment, anonymous=True)               # what `report --anonymous` calls after finish
    return out


def scores(out):
    """grades.csv's student -> score (an id a spreadsheet would run is written with a "'")."""
    with open(out / "grades.csv", encoding="utf-8-sig", newline="") as handle:
        return {re.sub(r"^'(?=[=+\-@])", "", row["student"]): float(row["score"])
                for row in csv.DictReader(handle)}


def test_page_is_self_contained_with_path_glyphs(graded):
    page = (graded / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "url(http" not in page and "@import" not in page
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert len(images) == 2
    for data in images:
        svg = base64.b64decode(data).decode("utf-8")
        assert "<path" in svg and "<text" not in svg   # svg.fonttype = path: no font needed
    assert "<b id=pwned>" not in page and "<i id=hostile>" not in page
    assert escape.html(HOSTILE) in page
    assert not list(graded.glob(".*.tmp"))


def ranked(page):
    """{(code, function): (count, [student] or None)} of the ranked list, most frequent first."""
    section = page.split("What the class misunderstood")[1].split("</ol>")[0]
    items = re.findall(r"<li><h3><code>(\w+)</code> — <code>([\w.]+)</code>.*?"
                       r'<span class="count">(\d+) 人.*?</p>(?:<p class="who">([^<]*)</p>)?</li>', section, re.S)
    return {(code, function): (int(n), who.split(", ") if who else None) for code, function, n, who in items}


def not_judged(page):
    """The lines of the list of what could not be judged, as text."""
    section = page.split('<ul class="not-judged">')[1].split("</ul>")[0]
    return [re.sub(r"<[^>]+>", "", item) for item in re.findall(r"<li>(.*?)</li>", section)]


def test_diagnoses_are_counted_per_student(graded):
    found = ranked((graded / "report.html").read_text(encoding="utf-8"))
    assert next(iter(found)) == ("forward_difference", "numerical_diff")   # most frequent first
    assert found[("forward_difference", "numerical_diff")] == (2, ["s002", "s003"])
    assert found[("gradient_ascent", "gradient_descent")] == (1, ["s003"])
    assert found[("missing_half", "numerical_diff")] == (1, ["山田"])
    assert found[("wrong_type", "numerical_diff")] == (1, ["s008"])


def test_what_was_not_judged_is_ranked_apart_once_per_student(graded):
    page = (graded / "report.html").read_text(encoding="utf-8")
    assert not {code for code, _ in ranked(page)} & NOT_JUDGED
    lines = not_judged(page)
    assert len(lines) == 4                                     # s004, s005, s006, s007: once each
    by_student = {line.split(": ", 1)[0]: line.split(": ", 1)[1] for line in lines}
    assert by_student == {
        "s004": "未実装 / not implemented — gradient_descent",
        "s005": "実行時エラー / crashed — numerical_diff",
        "s006": "実行時エラー / crashed — numerical_diff; 未実装 / not implemented — gradient_descent",
        "s007": "未着手 / not started — numerical_diff, numerical_gradient, gradient_descent, simpleNet.loss, "
                 "analytic_gradient, relative_error",
    }


def test_unreadable_and_foreign_results_are_skipped_and_said(graded, tmp_path, course):
    from autograder.classreport import write_report

    copy = shutil.copytree(graded, tmp_path / "copy")
    (copy / "broken").mkdir()
    (copy / "broken" / "results.json").write_text("{", encoding="utf-8")
    page = write_report(copy, course.assignment("ch04_gradient")).read_text(encoding="utf-8")
    assert "1 results.json skipped" in page
    assert f"<dt>提出 / Submitted</dt><dd>{len(CLASS)} 人 / students</dd>" in page


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_missing_or_empty_folder_is_a_usage_error(tmp_path, make):
    folder = tmp_path / "graded"
    if make == "empty":
        folder.mkdir()
    done = run_cli("report", folder)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and str(folder) in done.stderr
    assert not (folder / "report.html").exists()


def table(driver):
    """(student, score) as the rows are shown (the score column found by its heading)."""
    headings = [th.text for th in driver.find_elements("css selector", "#students thead th")]
    score = next(i for i, text in enumerate(headings) if text.startswith("得点 / Score"))
    cells = [row.find_elements("tag name", "td")
             for row in driver.find_elements("css selector", "#students tbody tr")]
    return [(row[0].text, float(row[score].text)) for row in cells]


def test_report_in_chromium(graded, browser, tmp_path):
    browser.get((graded / "report.html").as_uri())
    assert "クラスレポート / Class report" in browser.find_element("tag name", "h1").text
    browser.save_screenshot(str(tmp_path / "report.png"))          # for a person to look at
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]

    fetched = browser.execute_script(
        "return performance.getEntriesByType('resource').map(r => r.name)")
    assert all(name.startswith("data:") for name in fetched), fetched
    fonts = browser.execute_async_script(
        "const done = arguments[0]; document.fonts.ready.then(() =>"
        " done([...document.fonts].map(f => [f.family.replace(/\"/g, ''), f.status])))")
    assert ["ReportJa", "loaded"] in fonts                          # embedded Japanese font works

    plots = browser.execute_script(
        "return [...document.images].map(i => [i.complete, i.naturalWidth,"
        " i.getBoundingClientRect().width, i.getBoundingClientRect().height])")
    assert len(plots) == 2
    for complete, natural, width, height in plots:
        assert complete and natural > 0 and width > 100 and height > 100

    section = browser.find_element("css selector", "ol.diagnoses").text
    first = section.splitlines()[0]
    assert "forward_difference" in first and "2 人" in first
    assert "s002, s003" in section and "山田" in section
    assert not browser.find_elements("id", "pwned")                 # student text stays text

    expected = scores(graded)
    shown = table(browser)
    assert dict(shown) == expected
    assert [s for s, _ in shown] == sorted(expected)                # initial order: by student
    header = browser.find_element("xpath", "//th[contains(., '得点 / Score')]//button")
    header.click()
    assert [score for _, score in table(browser)] == sorted(expected.values())
    assert dict(table(browser)) == expected                         # rows moved whole
    header.click()
    assert [score for _, score in table(browser)] == sorted(expected.values(), reverse=True)
    assert header.find_element("xpath", "..").get_attribute("aria-sort") == "descending"


# ----- final scores, links, the anonymous page -------------------------------------------

def facts(page):
    """The summary's <dt>: <dd> pairs."""
    summary = page.split('<dl class="summary">')[1].split("</dl>")[0]
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", summary))


def test_statistics_use_final_scores_and_leave_out_non_submitters(final, graded, tmp_path):
    shown = facts((final / "report.html").read_text(encoding="utf-8"))
    assert shown["得点 / Scores"].endswith("final scores (after late penalties, overrides, written marks)")
    # by hand: 29.7 + 30 + 20 + 12.5 + 25 + 8 + 0 + 15 + 28 + 33 = 201.2 over 10 submitted;
    # with the non-submitter's 0 it would be 18.3 over 11, median 20
    assert shown["平均 / Mean"] == "20.1 / 33"
    assert shown["中央値 / Median"] == "22.5"
    assert shown["最低–最高 / Min–max"] == "0 – 33"
    assert shown["満点 / Full marks"] == "1 人 / students"
    assert shown["提出 / Submitted"] == "10 人 / students"
    assert shown["未提出 / Not submitted"] == "1 人 / students"
    assert shown["遅延 / Late"].startswith("2 人、うち期限延長 1 人")
    assert shown["記述採点待ち / Written answers pending"] == "1 人 / students"
    assert shown["名簿にない提出者 / submitter not on the roster"] == "1 人 / students"

    assert facts((graded / "report.html").read_text(encoding="utf-8"))["得点 / Scores"].startswith("最終得点")
    autograded_only = shutil.copytree(graded, tmp_path / "autograded_only")     # results.json alone
    (autograded_only / "grades_final.csv").unlink()
    from autograder.classreport import write_report
    from autograder.course import load_course
    write_report(autograded_only, load_course(ROOT / "course_config.py").assignment("ch04_gradient"))
    auto = facts((autograded_only / "report.html").read_text(encoding="utf-8"))
    assert auto["得点 / Scores"].startswith("自動採点のみ")
    assert auto["平均 / Mean"] == f"{statistics.fmean(scores(graded).values()):.1f} / 38"


def links(page):
    return re.findall(r'<a href="([^"]*)">([^<]*)</a>', page)


def test_each_student_links_to_their_feedback(final):
    import html

    found = links((final / "report.html").read_text(encoding="utf-8"))
    assert sorted(html.unescape(text) for _, text in found) == sorted(CLASS)   # not the non-submitter
    for href, text in found:
        target = final / urllib.parse.unquote(html.unescape(href))
        assert target == student_folder(final, html.unescape(text)) / "feedback.md"
        assert target.is_file()


def decoded(page):
    """The page's text with every data: URL decoded: SVG as text, the font's tables
    uncompressed (WOFF compresses each table: its base64 holds no readable string)."""
    from fontTools.ttLib import TTFont

    parts = [re.sub(r"data:[^;]+;base64,[A-Za-z0-9+/=]+", "", page)]
    for kind, data in re.findall(r"data:([^;]+);base64,([A-Za-z0-9+/=]+)", page):
        raw = base64.b64decode(data)
        if kind == "font/woff":
            font = TTFont(io.BytesIO(raw))
            raw = b"".join(font.reader[tag] for tag in font.reader.keys())
            parts += [record.toUnicode() for record in font["name"].names]
        parts += [raw.decode("utf-8", "replace"), raw.decode("utf-16-be", "replace")]
    return parts, page.count("data:")


def secrets(out):
    """Every string that names a student: ids, folder names, names and their parts."""
    named = {text for student, name, *_ in FINAL for text in (student, name, *name.split())}
    return named | {student_folder(out, student).name for student, *_ in FINAL}


def test_anonymous_page_holds_no_student(final):
    page = (final / "report_anonymous.html").read_text(encoding="utf-8")
    parts, data_urls = decoded(page)
    assert data_urls == 3                                       # two plots and the font: all decoded
    for secret in secrets(final):
        for part in parts:
            assert secret not in part and escape.html(secret) not in part, secret
    assert "<a " not in page and "<table" not in page and "<script" not in page
    assert 'class="who"' not in page
    assert "example left out: it quotes a student" in page    # s008's wrong_type message quotes it

    found = ranked(page)                                        # counts stay, students go
    assert found[("forward_difference", "numerical_diff")] == (2, None)
    assert not {code for code, _ in found} & NOT_JUDGED
    assert sorted(not_judged(page)) == sorted([
        "実行時エラー / crashed — numerical_diff: 2 人 / students",
        "未実装 / not implemented — gradient_descent: 2 人 / students",
        "未着手 / not started: 1 人 / students"])
    assert facts(page)["未提出 / Not submitted"] == "1 人 / students"
    assert (final / "report.html").is_file() and links((final / "report.html").read_text(encoding="utf-8"))


def opened(browser, path):
    """Open a page; assert it loaded nothing but data: URLs, its font, and logged no error."""
    browser.get(path.as_uri())
    assert not [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(r => r.name)")
    assert all(name.startswith("data:") for name in fetched), fetched
    fonts = browser.execute_async_script(
        "const done = arguments[0]; document.fonts.ready.then(() =>"
        " done([...document.fonts].map(f => [f.family.replace(/\"/g, ''), f.status])))")
    assert ["ReportJa", "loaded"] in fonts
    plots = browser.execute_script(
        "return [...document.images].map(i => [i.complete, i.naturalWidth, i.getBoundingClientRect().width])")
    assert len(plots) == 2 and all(complete and natural > 0 and width > 100 for complete, natural, width in plots)


def test_anonymous_page_in_chromium(final, browser, tmp_path):
    from browser import page_source

    opened(browser, final / "report_anonymous.html")
    browser.save_screenshot(str(tmp_path / "anonymous.png"))
    assert "Class report (anonymous)" in browser.find_element("tag name", "h1").text
    assert not browser.find_elements("tag name", "a") and not browser.find_elements("tag name", "table")
    shown = browser.find_element("tag name", "body").text
    assert "forward_difference" in shown and "未提出 / Not submitted" in shown
    source = re.sub(r"data:[^;]+;base64,[A-Za-z0-9+/=]+", "", page_source(browser))   # decoded above
    for secret in secrets(final):
        assert secret not in shown and secret not in source, secret


def test_final_report_in_chromium_shows_student_text_as_text(final, browser, tmp_path):
    opened(browser, final / "report.html")
    browser.save_screenshot(str(tmp_path / "final.png"))
    rows = {row.find_elements("tag name", "td")[0].text: [cell.text for cell in row.find_elements("tag name", "td")]
            for row in browser.find_elements("css selector", "#students tbody tr")}
    assert set(rows) == set(CLASS) | {"s009"}
    assert rows[HOSTILE][1:3] == ["<s>名無し</s>", "33"]        # id and name stay text
    assert rows["s009"][2] == "–" and "未提出" in rows["s009"][-2]
    assert rows["s001"][2] == "29.7" and "遅延提出" in rows["s001"][-2]
    assert not browser.find_elements("css selector", "#hostile, #pwned, #students s")
    for link in browser.find_elements("css selector", "#students a"):
        target = Path(urllib.parse.unquote(urllib.parse.urlparse(link.get_attribute("href")).path))
        assert target.is_file() and target.parent == student_folder(final, link.text)
    assert "late: -10% (33 -&gt; 29.7)" in (final / "report.html").read_text(encoding="utf-8")
