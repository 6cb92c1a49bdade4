"""The instructor report: graded by the real command, opened in the system's headless Chromium.

A small class is graded (a correct script and wrong variants with known diagnoses), then
`python -m autograder report` writes report.html; Chromium (Debian's chromium and
chromium-driver, driven by Selenium, no browser download) opens it with name resolution
switched off, and the test checks what an instructor sees.
"""
import base64
import csv
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

CORRECT = (ROOT / "tests" / "data" / "ch04_gradient_correct.py").read_text(encoding="utf-8")
CENTRAL = "return (f(x + h) - f(x - h)) / (2 * h)"
DESCENT = "x -= lr * grad"
FORWARD = (CENTRAL, "return (f(x + h) - f(x)) / h")
CLASS = {   # student -> the edits to the correct script; the comment is the diagnosis expected
    "alice": [],
    "bob": [FORWARD],                                                   # forward_difference
    "carol": [FORWARD, (DESCENT, "x += lr * grad")],                    # + gradient_ascent
    "dave": [(DESCENT, "raise NotImplementedError()")],                 # not_implemented
    "eve": [(CENTRAL, 'raise ValueError("<b id=pwned>x</b>")')],        # crashed
    "山田": [(CENTRAL, "return (f(x + h) - f(x - h)) / h")],            # missing_half
}


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


def scores(out):
    with open(out / "grades.csv", encoding="utf-8-sig", newline="") as handle:
        return {row["student"]: float(row["score"]) for row in csv.DictReader(handle)}


def test_page_is_self_contained_with_path_glyphs(graded):
    page = (graded / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "url(http" not in page and "@import" not in page
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert len(images) == 2
    for data in images:
        svg = base64.b64decode(data).decode("utf-8")
        assert "<path" in svg and "<text" not in svg   # svg.fonttype = path: no font needed
    assert "<b id=pwned>" not in page and "&lt;b id=pwned&gt;" in page
    assert not list(graded.glob(".*.tmp"))


def test_diagnoses_are_counted_per_student(graded):
    page = (graded / "report.html").read_text(encoding="utf-8")
    section = page.split("What the class misunderstood")[1].split("</ol>")[0]
    items = re.findall(r"<li><h3><code>(\w+)</code> — <code>([\w.]+)</code>.*?"
                       r'<span class="count">(\d+) 人.*?<p class="who">([^<]*)</p>', section, re.S)
    found = {(code, function): (int(n), who.split(", ")) for code, function, n, who in items}
    assert items[0][:3] == ("forward_difference", "numerical_diff", "2")   # most frequent first
    assert found[("forward_difference", "numerical_diff")] == (2, ["bob", "carol"])
    assert found[("gradient_ascent", "gradient_descent")] == (1, ["carol"])
    assert found[("not_implemented", "gradient_descent")] == (1, ["dave"])
    assert found[("crashed", "numerical_diff")] == (1, ["eve"])
    assert found[("missing_half", "numerical_diff")] == (1, ["山田"])


def test_unreadable_and_foreign_results_are_skipped_and_said(graded, tmp_path, course):
    from autograder.classreport import write_report

    copy = shutil.copytree(graded, tmp_path / "copy")
    (copy / "broken").mkdir()
    (copy / "broken" / "results.json").write_text("{", encoding="utf-8")
    page = write_report(copy, course.assignment("ch04_gradient")).read_text(encoding="utf-8")
    assert "1 results.json skipped" in page
    assert "<dt>学生数 / Students</dt><dd>6</dd>" in page


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
    """(student, score) as the rows are shown."""
    cells = [row.find_elements("tag name", "td")
             for row in driver.find_elements("css selector", "#students tbody tr")]
    return [(student.text, float(score.text)) for student, score, *_ in cells]


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
    assert "bob, carol" in section and "山田" in section
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
