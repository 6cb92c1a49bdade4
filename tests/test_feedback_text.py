"""What a student reads about a submission: one message per cause, cells quoted rather
than counted, a failure's consequences named as such, and a self-check total that says
it counts the public checks."""
import contextlib
import io
import json

import pytest
from conftest import ROOT, run_cli

from autograder import report
from autograder.judge import load_problems
from autograder.load import defined_names, load, quote
from autograder.notebook import _print
from autograder.results import CheckResult, GradedSubmission, LoadProblem

CORRECT = (ROOT / "tests" / "data" / "ch04_gradient_correct.py").read_text(encoding="utf-8")
FORWARD = ROOT / "tests" / "catalogue" / "ch04_gradient" / "wrong_nd_forward.py"


def notebook(*cells):
    return json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": "# 第4章"}]
                       + [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                           "source": cell} for cell in cells], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


# ----- one message per cause -----

def message(given):
    return f"numerical_diff: {given} に対して … 前方差分になっていませんか。\nnumerical_diff: for {given} … a forward difference."


def graded(**extra):
    checks = [CheckResult(f"numerical_diff::{name}", "numerical_diff", True, 0.0, 1.0, "forward_difference",
                          message(given))
              for name, given in (("central", "x = 2"), ("book", "x = 5"), ("cubic", "x³"), ("random", "x = 1.01"))]
    checks += [CheckResult("numerical_diff::other", "numerical_diff", True, 0.0, 1.0, None, "no cause: x = 7"),
               CheckResult("numerical_diff::another", "numerical_diff", True, 0.0, 1.0, None, "no cause: x = 8"),
               CheckResult("numerical_gradient::ok", "numerical_gradient", True, 2.0, 2.0)]
    return GradedSubmission("tanaka", "ch04_gradient", checks, lang="ja+en", **extra)


def test_a_shared_diagnosis_is_shown_once_with_the_checks_it_explains():
    submission = graded()
    for text in ("\n".join(report.verdict_lines(submission)), report.feedback_markdown(submission)):
        assert text.count("前方差分") == 1 and text.count("forward difference") == 1, text
        assert text.count("2 に対して") == 1 and "5 に対して" not in text   # the first check's facts, once
        assert "7" in text and "8" in text and text.count("no cause") == 2   # no cause named: each its own
    assert "- central, book, cubic, random" in "\n".join(report.verdict_lines(submission))
    assert ("- `numerical_diff::central`, `numerical_diff::book`, `numerical_diff::cubic`, `numerical_diff::random`"
            in report.feedback_markdown(submission))


def test_results_json_keeps_every_checks_own_message():
    tests = graded().to_json()["tests"]
    assert [test["output"] for test in tests[:4]] == [message(g) for g in ("x = 2", "x = 5", "x³", "x = 1.01")]


def test_the_notebooks_check_cell_prints_a_cause_once():
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        score = _print("numerical_diff", [c for c in graded().checks if c.function == "numerical_diff"])
    assert score == 0
    assert printed.getvalue().count("前方差分") == 1 and "central, book, cubic, random" in printed.getvalue()


def test_a_forward_difference_is_explained_once_by_the_grading_command(tmp_path):
    done = run_cli("grade", FORWARD, "--assignment", "ch04_gradient", "--out", tmp_path, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("This looks like a forward difference") == 1, done.stdout
    assert "central_x2_at_2, " in done.stdout
    result = json.loads((tmp_path / "wrong_nd_forward" / "results.json").read_text(encoding="utf-8"))
    forward = [t for t in result["tests"] if t["extra_data"]["diagnosis"] == "forward_difference"]
    assert len(forward) >= 3 and all("forward difference" in t["output"] for t in forward)
    feedback = (tmp_path / "wrong_nd_forward" / "feedback.md").read_text(encoding="utf-8")
    assert feedback.count("forward difference") == 1


# ----- cells quoted, not counted -----

def test_a_cell_is_quoted_by_what_it_defines_or_its_first_line(tmp_path):
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook("import numpy as np", "# data\n\nx = np.arange(0.0, 20.0, 0.1)",
                             "import math\n\n@staticmethod\ndef numerical_diff(f, x):\n    return 0",
                             "class simpleNet:\n    pass", "y = " + "1 + " * 40 + "1"), encoding="utf-8")
    labels = [unit.label for unit in load(path).units]
    assert labels[:4] == ["import numpy as np", "x = np.arange(0.0, 20.0, 0.1)", "def numerical_diff(f, x):",
                          "class simpleNet:"]
    assert len(labels[4]) == 60 and labels[4].endswith("…")
    assert not any(label.startswith("cell ") for label in labels)


def test_a_scripts_statement_is_quoted_with_its_line(tmp_path):
    path = tmp_path / "s.py"
    path.write_text("import numpy as np\n\n\nx = 1 / 0\n", encoding="utf-8")
    unit = load(path).units[1]
    assert (unit.label, unit.line) == ("x = 1 / 0", 4)
    [problem] = load_problems([(unit.label, {"type": "ZeroDivisionError", "message": "division by zero"})], [unit])
    assert problem.note("ja").startswith("4 行目 `x = 1 / 0` は") and problem.note("en").startswith("line 4 `x = 1 / 0`")


def test_quote_and_defined_names():
    assert quote("\n# only\n@decorator\ndef f(x):\n    return x") == "def f(x):"
    assert quote("s = '`'") == "s = '''"
    assert quote("try:\n    print(numerical_diff(f, 4.0))\nexcept NotImplementedError:\n    pass") == \
        "print(numerical_diff(f, 4.0))"                      # a guarded demo cell: not `try:`
    assert quote("try:  # why\n    pass\nfinally:\n    x = 1") == "pass"
    assert defined_names("import numpy as np\nfrom a import b as c\nfor i in range(3):\n    t = i\n"
                         "def f():\n    inner = 1\n[k for k in ()]\nclass C: pass\nwith open('f') as h: pass") == \
        {"np", "c", "i", "t", "f", "C", "h"}
    assert defined_names("def broken(:") == set()


# ----- a failure's consequences -----

def units_of(tmp_path, *cells):
    path = tmp_path / "nb.ipynb"
    path.write_text(notebook(*cells), encoding="utf-8")
    return load(path).units


def test_the_traceback_file_name_never_stands_for_the_cell(tmp_path):
    """An error raised in a function another cell defined carries that cell's file name
    (``where``): the problem is still the failing cell's, in results.json too."""
    from autograder.results import GradedSubmission
    units = units_of(tmp_path, "def f():\n    return 1 / 0", "y = f()")
    info = {"type": "ZeroDivisionError", "message": "division by zero", "where": units[0].filename, "line": 2}
    [problem] = load_problems([(units[1].label, info)], units)
    assert problem.label == "y = f()" and "where" not in problem.info
    graded = GradedSubmission("s", "ch04_gradient", [], [problem])
    assert graded.to_json()["extra_data"]["load_problems"][0]["where"] == "y = f()"


def test_an_error_type_the_engine_names_is_translated():
    """A problem's type is matched by its name (``match``), and shown as the words."""
    from autograder import messages
    assert messages.engine_text("process_ended") == messages.Text("プロセスの終了", "the process ended")
    assert messages.engine_text("skipped") == messages.Text("打ち切り", "stopped")
    assert messages.engine_text("ZeroDivisionError") == "ZeroDivisionError"


def test_a_name_an_earlier_failed_cell_defines_is_its_consequence(tmp_path):
    units = units_of(tmp_path, "import numpy as np", "for i in range(10**12):\n    pass\nt = np.arange(3)",
                     "y = t * 2", "z = y + 1", "print(undefined)")
    problems = [(units[1].label, {"type": "timeout", "message": "did not finish in 10 s"}),
                (units[2].label, {"type": "NameError", "message": "name 't' is not defined"}),
                (units[3].label, {"type": "NameError", "message": "name 'y' is not defined"}),
                (units[4].label, {"type": "NameError", "message": "name 'undefined' is not defined"})]
    first, second, third, fourth = load_problems(problems, units)
    assert "after" not in first.info and "after" not in fourth.info       # a mistake of its own
    assert second.info["after"] == third.info["after"] == units[1].label   # both go back to the loop
    submission = GradedSubmission("s", "ch04_gradient", [], [first, second, third, fourth], lang="ja+en")
    notes = submission.notes()
    assert sum("did not finish" in note or "秒以内に終わりませんでした" in note for note in notes) == 2  # ja, en
    assert "セル `y = t * 2` は、前のセルが失敗したため実行できませんでした" in notes[2]
    assert "because an earlier cell failed: `t` was to be defined by the cell `for i in range(10**12):`" in notes[3]
    assert not any("NameError" in note for note in notes[2:6])              # not a second mistake
    assert "NameError: name 'undefined' is not defined" in notes[7]


def test_consequences_survive_results_json():
    problem = LoadProblem("y = t * 2", {"type": "NameError", "message": "name 't' is not defined",
                                        "after": "t = 1 / 0", "name": "t"})
    submission = GradedSubmission("s", "ch04_gradient", [], [problem], lang="en")
    again = GradedSubmission.from_json(json.loads(json.dumps(submission.to_json())))
    assert again.notes() == submission.notes() and "because an earlier cell failed" in again.notes()[0]


def test_the_grading_command_names_the_consequence(tmp_path):
    path = tmp_path / "hana.ipynb"
    path.write_text(notebook(CORRECT, "t = 1 / 0", "print(t)"), encoding="utf-8")
    done = run_cli("grade", path, "--assignment", "ch04_gradient", "--out", tmp_path / "out", "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "the cell `t = 1 / 0` could not run and was skipped: ZeroDivisionError: division by zero" in done.stdout
    assert ("the cell `print(t)` could not run because an earlier cell failed: `t` was to be defined by "
            "the cell `t = 1 / 0`") in done.stdout
    assert done.stdout.count("ZeroDivisionError") == 1 and "NameError" not in done.stdout


def test_a_cell_that_calls_a_stub_names_the_stub(tmp_path):
    """An unguarded demo cell of an older release calls gradient_descent, still a stub: the
    note names the stub, not an empty "NotImplementedError: "; an exception with no
    message ends the note with its type."""
    stub = CORRECT.replace("def gradient_descent(f, init_x, lr=0.01, step_num=100):\n",
                           "def gradient_descent(f, init_x, lr=0.01, step_num=100):\n    raise NotImplementedError()\n")
    path = tmp_path / "hana.ipynb"
    path.write_text(notebook(stub, "print(gradient_descent(lambda x: x @ x, np.ones(2)))", "raise ValueError()"),
                    encoding="utf-8")
    done = run_cli("grade", path, "--assignment", "ch04_gradient", "--out", tmp_path / "out", "--lang", "ja+en")
    assert done.returncode == 0, done.stderr
    assert ("セル `print(gradient_descent(lambda x: x @ x, np.ones(2)))` は、まだ実装されていない `gradient_descent` "
            "を呼んだところで止まりました(NotImplementedError)。") in done.stdout
    assert ("the cell `print(gradient_descent(lambda x: x @ x, np.ones(2)))` stopped where it calls "
            "`gradient_descent`, which is not implemented yet (NotImplementedError).") in done.stdout
    assert "the cell `raise ValueError()` could not run and was skipped: ValueError\n" in done.stdout
    assert ": \n" not in done.stdout and not any(line.endswith(": ") for line in done.stdout.splitlines())


# ----- the public total -----

def test_the_self_check_total_says_it_counts_public_checks(tmp_path):
    path = tmp_path / "ch04_gradient.ipynb"
    path.write_text(notebook(CORRECT), encoding="utf-8")
    done = run_cli("check", path)
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[0]
    from autograder.course import load_course
    from autograder.judge import collect_checks
    assignment = load_course().assignment("ch04_gradient")
    public = sum(assignment.points[check.id] for check in collect_checks(assignment) if check.public)
    assert 0 < public < assignment.max_score
    assert first.endswith(f": 公開チェック / public checks: {public:g} / {public:g}"), first
    assert done.stdout.count("public checks") == 1 and done.stdout.count("公開チェック:") == 0


@pytest.mark.parametrize("lang, said", [("ja", "公開チェック: 2 / 2"), ("en", "public checks: 2 / 2")])
def test_the_public_total_in_one_language(lang, said):
    submission = GradedSubmission("s", "a", [CheckResult("f::x", "f", True, 2.0, 2.0)], lang=lang)
    assert report.verdict_lines(submission, public_only=True)[0] == f"s: {said}"
    assert report.verdict_lines(submission)[0] == "s: 2 / 2"                   # grading: every check


# ----- student text is still escaped, wherever it is shown -----

def test_student_text_in_labels_and_grouped_messages_is_escaped():
    hostile = "x = '\x1b[2J# *bold* <b>'"
    problem = LoadProblem(hostile, {"type": "ValueError", "message": "\x1b[31mred"})
    consequence = LoadProblem("print(x)", {"type": "NameError", "message": "name 'x' is not defined",
                                           "after": hostile, "name": "x"})
    output = "numerical_diff: \x1b[2J returned `# heading`"
    checks = [CheckResult(f"numerical_diff::c{i}", "numerical_diff", True, 0.0, 1.0, "forward_difference", output)
              for i in range(2)]
    submission = GradedSubmission("s", "ch04_gradient", checks, [problem, consequence], lang="en")
    terminal = "\n".join(report.verdict_lines(submission))
    assert "\x1b" not in terminal and terminal.count("\\x1b[2J") == 3          # label twice, message once
    markdown = report.feedback_markdown(submission)
    assert "\x1b" not in markdown and "\\# heading" in markdown and "\\*bold\\*" in markdown
    assert "<b>" not in markdown
