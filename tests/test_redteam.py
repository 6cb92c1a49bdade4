"""Red team: hostile submissions graded by the real command, beside honest ones.

Every file in tests/redteam/ is a ch04_gradient submission carrying one attack.  Its
header states the attack and the score its honest part earns, per graded function:

    # attack: the graded functions kill their parent, init, every process (-1) ...
    # honest: numerical_diff=full, numerical_gradient=full, gradient_descent=0, simpleNet.loss=0

(``full`` = all of that function's points, ``public`` = the points of its public checks,
a number = exactly that many.)  The attacks are graded in three batches with
``python -m autograder grade ... --jobs 2 --isolation full`` (the slow ones together),
each beside a correct submission, another student's submission and a sentinel file
outside the output folder.  Per batch: every attack gets exactly its honest score, the
correct and the other student's submissions get full marks, the sentinel and the other
submission are untouched, no conftest.py appeared, and nothing is left behind: no
process of the run, no process or file of a sandbox uid, no temporary file in the
output folder.  Limits are shortened (a course_config.py beside the batch) so that
timeouts cost 2 s, not 10.
"""
import csv
import hashlib
import html.parser
import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import urllib.parse

import pytest

from conftest import ROOT

from autograder.submissions import student_folder, student_key

REDTEAM = ROOT / "tests" / "redteam"
CORRECT = REDTEAM / "honest" / "correct.py"
SANDBOX_UIDS = range(61000, 61064)
HEADER = re.compile(r"^# honest: (.+)$", re.M)


def honest_spec(path):
    """{function: 'full' | 'public' | number} from the file's '# honest:' line (a generated
    file's is in GENERATED)."""
    if path.name in GENERATED_SPECS:
        return GENERATED_SPECS[path.name]
    match = HEADER.search(path.read_text(encoding="utf-8"))
    assert match, f"{path.name} has no '# honest:' header"
    spec = {}
    for item in match.group(1).split(","):
        function, value = item.strip().split("=")
        spec[function] = value if value in ("full", "public") else float(value)
    return spec


def attacks():
    return sorted(REDTEAM.glob("*.py"))


def batches():
    """Four batches: the slow attacks (marked '# slow') together, the rest in two, and the
    generated files (GENERATED) in one."""
    slow = [p for p in attacks() if "\n# slow\n" in p.read_text(encoding="utf-8")]
    fast = [p for p in attacks() if p not in slow]
    return {"slow": slow, "fast1": fast[0::2], "fast2": fast[1::2], "files": "generated"}


# ----- hostile files, made by the test: too large, too deep or too oddly named to commit -----

HONEST_PART = CORRECT.read_text(encoding="utf-8").split("def gradient_descent")[0]   # diff and gradient
TWO_FUNCTIONS = {"numerical_diff": "full", "numerical_gradient": "full", "gradient_descent": 0.0,
                 "simpleNet.loss": 0.0}
ALL_FULL = dict.fromkeys(TWO_FUNCTIONS, "full")
NOTHING = dict.fromkeys(TWO_FUNCTIONS, 0.0)


def _notebook(*sources):
    return json.dumps({"cells": [{"cell_type": "code", "source": source, "metadata": {}, "outputs": []}
                                 for source in sources], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


GENERATED = {          # file name (str, or bytes for a name that is not UTF-8) -> (content, honest score)
    "deep_nesting.ipynb": ("[" * 100_000 + "]" * 100_000, NOTHING),
    "source_list_of_lists.ipynb": (_notebook(HONEST_PART.splitlines(keepends=True), [["import os"], 1, None],
                                             {"source": "x"}), TWO_FUNCTIONS),
    "one_huge_expression.py": (HONEST_PART + "\nx = " + "1 + " * 20_000 + "1\n", TWO_FUNCTIONS),
    "forty_thousand_statements.py": (HONEST_PART + "\n" + "a = 1\n" * 40_000, TWO_FUNCTIONS),
    "課題_田中".encode("cp932") + b".py": (CORRECT.read_text(encoding="utf-8"), ALL_FULL),
    "=cmd|' -C calc'!A0.py": (CORRECT.read_text(encoding="utf-8"), ALL_FULL),
    "\x1b]0;pwned\x07\x1b[31mred\u202e.py": (CORRECT.read_text(encoding="utf-8"), ALL_FULL),
}
GENERATED_SPECS = {os.fsdecode(name) if isinstance(name, bytes) else name: spec
                   for name, (_, spec) in GENERATED.items()}


def write_generated(folder):
    paths = []
    for name, (content, _) in GENERATED.items():
        path = os.path.join(os.fsencode(folder), name if isinstance(name, bytes) else name.encode())
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(content)
        paths.append(Path(os.fsdecode(path)))
    return paths


def test_enough_distinct_attacks():
    texts = {p.name: p.read_text(encoding="utf-8") for p in attacks()}
    assert len(texts) >= 30
    described = {re.search(r"^# attack: (.+)$", text, re.M).group(1) for text in texts.values()}
    assert len(described) == len(texts), "every attack states what it does, each differently"
    for path in attacks():
        honest_spec(path)


# ----- one batch, graded by the real command -----

CONFIG = """import runpy
globals().update({{k: v for k, v in runpy.run_path({real!r}).items() if k.isupper()}})
LIMITS = dict(LIMITS, cell_seconds={marker}, check_seconds=2.0, submission_seconds=60.0,
              submission_cpu_seconds=20)
"""


def _fingerprint(path):
    stat = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_mtime_ns, stat.st_mode


def _processes():
    """[(pid, uid, cmdline)] of every process on the machine."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            uid = entry.stat().st_uid
        except OSError:
            continue
        found.append((int(entry.name), uid, cmdline))
    return found


def _sandbox_files():
    """Files owned by a sandbox uid in the machine's shared temporary folders."""
    found = []
    for top in ("/tmp", "/var/tmp", "/dev/shm", "/run/lock"):
        for folder, dirs, files in os.walk(top):
            depth = folder.count("/") - top.count("/")
            if depth >= 2:
                dirs[:] = []
            for name in dirs + files:
                path = os.path.join(folder, name)
                try:
                    if os.lstat(path).st_uid in SANDBOX_UIDS:
                        found.append(path)
                except OSError:
                    pass
    return found


@pytest.fixture(scope="module", params=list(batches()))
def graded(request, tmp_path_factory, course):
    """Grade one batch; everything the checks below need to know about the run."""
    folder = tmp_path_factory.mktemp(f"redteam-{request.param}")
    # The batch's own sandboxes are told apart from any other grading on this machine by a
    # cell time limit of 5 s and a few nanoseconds, unique to the run: it is on their command line.
    marker = json.dumps(5.0 + (uuid.uuid4().int % 10**6 + 1) / 10**9)
    (folder / "course_config.py").write_text(CONFIG.format(real=str(ROOT / "course_config.py"), marker=marker))
    subs = folder / "submissions"
    subs.mkdir()
    members = batches()[request.param]
    if members == "generated":
        members = write_generated(subs)
    else:
        for path in members:
            (subs / path.name).write_bytes(path.read_bytes())
    (subs / "correct.py").write_bytes(CORRECT.read_bytes())
    other = subs / "zz_other_student.py"
    other.write_bytes(CORRECT.read_bytes().replace(b"h = 1e-4", b"h = 0.0001"))
    sentinel = folder / "sentinel.txt"
    sentinel.write_text(f"sentinel {marker}\n")
    before = {"sentinel": _fingerprint(sentinel), "other": _fingerprint(other),
              "conftests": _conftests(folder)}
    out = folder / "out"
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", str(subs), "--assignment", "ch04_gradient",
                          "--out", str(out), "--jobs", "2", "--isolation", "full",
                          "--config", str(folder / "course_config.py")],
                         cwd=folder, capture_output=True, text=True, timeout=600)
    return {"run": run, "out": out, "members": members, "marker": marker, "sentinel": sentinel,
            "other": other, "before": before, "folder": folder, "course": course,
            "processes": _processes(), "sandbox_files": _sandbox_files()}


def _conftests(folder):
    places = [folder, ROOT, ROOT / "autograder"]
    return sorted({str(p) for place in places for p in place.rglob("conftest.py")
                   if ".venv" not in p.parts})


def _result(graded, stem):
    path = student_folder(graded["out"], student_key(stem)) / "results.json"
    student = stem
    assert path.is_file(), f"{student} was not graded:\n{graded['run'].stderr[-2000:]}"
    return json.loads(path.read_text(encoding="utf-8"))


def _by_function(result):
    scores, public = {}, {}
    for test in result["tests"]:
        function = test["tags"][0]
        scores[function] = scores.get(function, 0.0) + test["score"]
        if test["extra_data"]["public"]:
            public[function] = public.get(function, 0.0) + test["max_score"]
    return scores, public


@pytest.mark.full_isolation
def test_batch_completes(graded):
    run = graded["run"]
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "isolation: reduced" not in run.stdout


@pytest.mark.full_isolation
def test_attacks_get_their_honest_score(graded):
    assignment = graded["course"].assignment("ch04_gradient")
    full = assignment.function_points()
    wrong = []
    for path in graded["members"]:
        result = _result(graded, path.stem)
        scores, public = _by_function(result)
        for function, honest in honest_spec(path).items():
            want = {"full": full[function], "public": public.get(function, 0.0)}.get(honest, honest)
            if scores.get(function) != want:
                reasons = sorted({t["output"].splitlines()[-1][:160] for t in result["tests"]
                                  if t["tags"][0] == function and t["status"] != "passed"})
                wrong.append(f"{path.stem}: {function} {scores.get(function)} != honest {want} {reasons}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.full_isolation
def test_what_attacks_send_back_stays_small(graded):
    """Huge values, floods and forged answers do not bloat what students and LMS read."""
    sizes = {p.parent.name: p.stat().st_size for p in graded["out"].glob("*/results.json")}
    assert max(sizes.values()) < 100_000, sorted(sizes.items(), key=lambda item: -item[1])[:3]


@pytest.mark.full_isolation
def test_honest_submissions_beside_them_get_full_marks(graded):
    for student in ("correct", "zz_other_student"):
        result = _result(graded, student)
        assert result["score"] == result["extra_data"]["max_score"], (student, result["output"])
        assert result["extra_data"]["isolation"] == "full"


@pytest.mark.full_isolation
def test_nothing_outside_the_sandbox_changed(graded):
    assert _fingerprint(graded["sentinel"]) == graded["before"]["sentinel"]
    assert _fingerprint(graded["other"]) == graded["before"]["other"]
    assert _conftests(graded["folder"]) == graded["before"]["conftests"]
    planted = [name for name in ("zz_stash.py", "vandal.txt", "conftest.py", "results.json")
               if (graded["folder"] / name).exists() or (ROOT / name).exists()]
    assert not planted


@pytest.mark.full_isolation
def test_nothing_left_behind(graded):
    marker = graded["marker"]
    ours = [p for p in graded["processes"] if marker in p[2]]
    strays = [p for p in graded["processes"] if p[1] in SANDBOX_UIDS and "zygote.py" not in p[2]]
    assert not ours, f"processes of the run still alive after it ended: {ours}"
    assert not strays, f"processes of a sandbox uid that are not a grading worker: {strays}"
    assert not graded["sandbox_files"], f"files left by sandboxed code: {graded['sandbox_files']}"
    for folder in graded["out"].iterdir():
        if folder.is_dir():
            assert sorted(p.name for p in folder.iterdir()) == ["feedback.md", "results.json"], folder
    assert not [p for p in graded["out"].iterdir() if p.name.endswith(".tmp")]


# ----- student text is inert wherever it is shown -----

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.full_isolation
def test_the_terminal_shows_student_text_as_text(graded):
    """No escape sequence, carriage return, bell or bidi override reaches the terminal."""
    for stream in (graded["run"].stdout, graded["run"].stderr):
        assert not CONTROL.findall(stream), sorted(set(CONTROL.findall(stream)))


class Elements(html.parser.HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.tags, self.attributes, self.links = [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attributes += [name for name, _ in attrs]
        self.links += [value for name, value in attrs if tag == "a" and name == "href"]


@pytest.mark.full_isolation
def test_feedback_markdown_renders_only_the_graders_own_elements(graded):
    """Rendered by a real Markdown renderer, feedback.md has one heading for the student,
    one per function, the bold score and code for names and check ids: nothing that
    student text (file names, exception messages) could have added."""
    import mistune
    functions = graded["course"].assignment("ch04_gradient").function_points()
    for path in graded["out"].glob("*/feedback.md"):
        page = Elements(mistune.html(path.read_text(encoding="utf-8")))
        assert page.tags.count("h1") == 1 and page.tags.count("h2") == len(functions), (path, page.tags)
        assert page.tags.count("strong") == 1, (path, page.tags)
        assert set(page.tags) <= {"h1", "h2", "p", "strong", "code", "ul", "li", "blockquote"}, (path, page.tags)
        assert not page.attributes, (path, page.attributes)


@pytest.mark.full_isolation
def test_csv_cells_are_never_formulas(graded):
    with open(graded["out"] / "grades.csv", newline="", encoding="utf-8-sig") as handle:
        for row in csv.reader(handle):
            for cell in row:
                if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                    float(cell)                   # only a number may start so


@pytest.mark.full_isolation
def test_report_html_shows_student_text_as_text(graded):
    page = Elements((graded["out"] / "report.html").read_text(encoding="utf-8"))
    assert page.tags.count("script") == 1                   # the page's own table sorter
    assert not [name for name in page.attributes if name.startswith("on")]
    folders = {path.parent.name for path in graded["out"].glob("*/feedback.md")}
    assert page.tags.count("a") == len(page.links) == len(folders)          # the feedback links, nothing else
    assert sorted(urllib.parse.unquote(link) for link in page.links) == sorted(f"{f}/feedback.md" for f in folders)
