"""An endless loop costs one time limit per function, not one per check: in the grading
command's sandbox, in the self-check (which has a short limit of its own), and in the
notebook's check cells, which run in the student's kernel.  Nothing here measures time:
the tests count how often the looping function is entered or asked, and read the limit
back from the message."""
import queue
import signal
import time
from dataclasses import replace

import pytest

from conftest import ROOT, run_cli
from test_redteam import CORRECT

ASSIGNMENT = "ch04_gradient"
LOOPING_FUNCTION = "numerical_gradient"
FORGOTTEN = "        it.iternext()\n"

# The correct answer with the book's nditer loop missing its it.iternext(): it never ends.
# ``entered`` counts the calls of numerical_gradient (read in process and in the kernel).
LOOPING = (CORRECT.read_text(encoding="utf-8")
           .replace(FORGOTTEN, "        pass  # it.iternext() forgotten\n")
           .replace("def numerical_gradient(f, x):\n",
                    "entered = 0\n\ndef numerical_gradient(f, x):\n    global entered\n    entered += 1\n"))


def test_the_looping_answer_is_what_it_says():
    assert FORGOTTEN in CORRECT.read_text(encoding="utf-8") and FORGOTTEN not in LOOPING
    assert "entered += 1" in LOOPING


def flat(text):
    """Printed text without the indentation verdicts give messages."""
    return "\n".join(line.strip() for line in text.splitlines())


def timeout_message(seconds, lang="ja+en"):
    from autograder import messages
    return messages.pick(messages.render("timeout", {"function": LOOPING_FUNCTION, "seconds": seconds}), lang)


def config_with(folder, **limits):
    """A course_config.py in ``folder``: this repository's, with ``limits`` changed."""
    path = folder / "course_config.py"
    path.write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(ROOT / 'course_config.py')!r}).items() "
        "if k.isupper()})\n"
        f"LIMITS = dict(LIMITS, **{limits!r})\n", encoding="utf-8")
    return path


def assert_only_the_loop_costs(checks, seconds, lang):
    """Every check of the looping function scores 0 with the timeout message naming ``seconds``;
    every other check scores in full."""
    looping = [c for c in checks if c.function == LOOPING_FUNCTION]
    assert len(looping) >= 2
    for check in looping:
        assert (check.score, check.diagnosis, check.output) == (0.0, "timeout", timeout_message(seconds, lang)), check
    others = [c for c in checks if c.function != LOOPING_FUNCTION]
    assert others and all(c.passed for c in others), [c for c in others if not c.passed]


# ----- the grading command: the sandbox -----

def test_a_looping_function_is_asked_once_and_costs_only_its_points(course, tmp_path, monkeypatch):
    """Graded in the sandbox as the command grades (check_seconds 1 s): of the six
    numerical_gradient checks only the first asks the student's process; the other five
    get its timeout without a question, and the other functions score in full."""
    from autograder.grade import grade_stream
    from autograder.results import GradedSubmission
    from autograder.run import Sandbox, Student, StudentError
    from autograder.submissions import Submission
    assignment = course.assignment(ASSIGNMENT)
    limits = dict(course.limits, check_seconds=1.0)
    path = tmp_path / "looping.py"
    path.write_text(LOOPING, encoding="utf-8")
    asked = []                                  # (probe, diagnosis code or None)
    real_ask = Student.ask

    def counting_ask(self, probe, **kwargs):
        try:
            value = real_ask(self, probe, **kwargs)
        except StudentError as error:
            asked.append((probe, error.code))
            raise
        asked.append((probe, None))
        return value

    monkeypatch.setattr(Student, "ask", counting_ask)
    graded = []
    grade_stream(replace(course, limits=limits), assignment, [Submission("looping", path)], out_dir=None,
                 isolation="auto", lang="ja+en", on_done=graded.append,
                 sandbox=Sandbox(assignment.probes, limits, trusted_code=True))
    [result] = graded
    assert isinstance(result, GradedSubmission), result
    assert [code for _, code in asked if code == "timeout"] == ["timeout"], asked
    assert_only_the_loop_costs(result.checks, "1", "ja+en")


def test_the_judge_enters_a_looping_function_once(course):
    """The rule is the judge's, whatever answers: in process (the notebook's and Windows'
    way), the looping numerical_gradient is entered once for its six checks."""
    from autograder.judge import judge
    from autograder.run import InProcessStudent
    assignment = course.assignment(ASSIGNMENT)
    namespace = {"__name__": "student"}
    exec(compile(LOOPING, "looping.py", "exec"), namespace)
    handler = signal.getsignal(signal.SIGALRM)

    class Job:
        digest = "looping"

        def open(self):
            return InProcessStudent(namespace, assignment.probes, seconds=0.2)

    outcomes = []
    judge(assignment, [Job()], lambda job, outcome: outcomes.append(outcome), lang="en")
    assert namespace["entered"] == 1
    assert_only_the_loop_costs(outcomes[0].checks, "0.2", "en")
    assert signal.getsignal(signal.SIGALRM) is handler and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


# ----- the self-check command -----

def test_the_self_check_uses_its_own_short_limit(tmp_path):
    """`check` asks each question with selfcheck_check_seconds (0.5 s here), not the
    grading command's check_seconds (10 s): its message names 0.5 s."""
    script = tmp_path / f"{ASSIGNMENT}.py"
    script.write_text(LOOPING, encoding="utf-8")
    config = config_with(tmp_path, selfcheck_check_seconds=0.5)
    done = run_cli("check", script, "--config", config, "--lang", "ja+en")
    assert done.returncode not in (1, 2), done.stderr          # 1: the grader failed, 2: usage
    for text in timeout_message("0.5").splitlines():
        assert text in done.stdout, done.stdout
    assert done.stdout.count(f"[FAIL] {LOOPING_FUNCTION}") == 1
    assert "[PASS] numerical_diff" in done.stdout and "[PASS] gradient_descent" in done.stdout
    assert "10 s" not in done.stdout and "10 秒" not in done.stdout


def test_the_kit_carries_the_self_check_limit(course, tmp_path):
    import runpy
    from autograder.course import LIMITS
    assert "selfcheck_check_seconds" in LIMITS
    assert course.selfcheck_limits()["check_seconds"] == course.limits["selfcheck_check_seconds"]
    assert course.selfcheck_limits()["check_seconds"] < course.limits["check_seconds"]
    (tmp_path / "course_config.py").write_text(course.config_text("kit"), encoding="utf-8")
    assert runpy.run_path(str(tmp_path / "course_config.py"))["LIMITS"] == course.limits


# ----- the notebook's check cells, in a real Jupyter kernel -----

class Kernel:
    """A Jupyter kernel whose folder holds the engine and a course_config.py with ``limits``,
    as a student's kit folder does."""

    def __init__(self, folder, **limits):
        from jupyter_client.manager import start_new_kernel
        (folder / "autograder").symlink_to(ROOT / "autograder", target_is_directory=True)
        config_with(folder, **limits)
        self.folder = folder
        self.manager, self.client = start_new_kernel(kernel_name="python3", cwd=str(folder))
        setup = self.run(f"import signal, sys\nsys.path.insert(0, {str(folder)!r})\n"
                         "from autograder.notebook import check, grade\n"
                         "alarm_before = signal.getsignal(signal.SIGALRM)\n")
        assert not setup["errors"], setup

    def run(self, code, interrupt_once_exists=None, timeout=120):
        """Run a cell; {"text": what it printed, "errors": [(ename, traceback lines)]}.
        ``interrupt_once_exists``: interrupt the kernel as soon as that file exists."""
        msg_id = self.client.execute(code)
        text, errors, interrupted = [], [], False
        deadline = time.monotonic() + timeout          # only so that a hang fails instead of blocking
        while time.monotonic() < deadline:
            if interrupt_once_exists and not interrupted and (self.folder / interrupt_once_exists).exists():
                self.manager.interrupt_kernel()
                interrupted = True
            try:
                message = self.client.get_iopub_msg(timeout=0.1)
            except queue.Empty:
                continue
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                text.append(content["text"])
            elif kind == "error":
                errors.append((content["ename"], content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                return {"text": "".join(text), "errors": errors}
        raise AssertionError(f"the cell did not end: {''.join(text)}")

    def close(self):
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


def start_kernel(folder, **limits):
    folder.mkdir()
    return Kernel(folder, **limits)


# Afterwards no timer is armed and SIGALRM has the kernel's own handler back.
SIGNAL_STATE = "print(signal.getsignal(signal.SIGALRM) == alarm_before, signal.getitimer(signal.ITIMER_REAL))"


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="in-kernel time limits need SIGALRM")
def test_check_cells_time_out_with_the_commands_message(tmp_path):
    """check() in the kernel stops the endless loop after selfcheck_check_seconds and grade()
    (nbgrader's hidden tests) after check_seconds, each with the command's bilingual
    message, entering the function once per call however many checks it has."""
    kernel = start_kernel(tmp_path / "kit", selfcheck_check_seconds=0.5, check_seconds=0.7)
    try:
        assert not kernel.run(LOOPING)["errors"]
        checked = kernel.run(f'check("{LOOPING_FUNCTION}", globals())\nprint("entered", entered)')
        assert not checked["errors"], checked
        assert flat(timeout_message("0.5")) in flat(checked["text"])
        assert checked["text"].endswith("entered 1\n"), checked["text"]
        graded = kernel.run(f'print("points", grade("{LOOPING_FUNCTION}", globals()))\nprint("entered", entered)')
        assert not graded["errors"], graded
        assert flat(timeout_message("0.7")) in flat(graded["text"])
        assert graded["text"].endswith("points 0.0\nentered 2\n"), graded["text"]
        assert kernel.run('check("numerical_diff", globals())')["text"].startswith("[PASS] numerical_diff")
        assert kernel.run(SIGNAL_STATE)["text"] == "True (0.0, 0.0)\n"
    finally:
        kernel.close()


def test_interrupting_a_check_cell_ends_it_with_one_line(tmp_path):
    """Interrupt (the kernel's SIGINT) while the student's loop runs inside check(): the
    cell ends with "中断しました / interrupted", not a GraderBug, and the kernel goes on."""
    kernel = start_kernel(tmp_path / "kit", selfcheck_check_seconds=600.0)
    try:
        marked = LOOPING.replace("    entered += 1\n", "    entered += 1\n    open('entered', 'w').close()\n")
        assert not kernel.run(marked)["errors"]
        stopped = kernel.run(f'check("{LOOPING_FUNCTION}", globals())', interrupt_once_exists="entered")
        assert stopped["errors"] == [("Interrupted", ["中断しました / interrupted"])], stopped
        assert "GraderBug" not in stopped["text"]
        assert kernel.run("print(entered)")["text"] == "1\n"
        assert kernel.run(SIGNAL_STATE)["text"] == "True (0.0, 0.0)\n"
    finally:
        kernel.close()


def test_a_config_without_the_self_check_limit_is_refused(tmp_path):
    from autograder.course import load_course
    from autograder.errors import ConfigError
    text = (ROOT / "course_config.py").read_text(encoding="utf-8")
    line = next(line for line in text.splitlines() if '"selfcheck_check_seconds"' in line)
    (tmp_path / "course_config.py").write_text(text.replace(line, ""), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"LIMITS\['selfcheck_check_seconds'\] is missing \(wall time"):
        load_course(tmp_path / "course_config.py")
