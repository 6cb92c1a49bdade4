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



# A notebook: the looping answer, then cells that call numerical_gradient directly, through
# gradient_descent and through a method, and a cell that does not call it at all.
LATER_CELLS = [
    "g = numerical_gradient(lambda x: np.sum(x ** 2), np.array([3.0, 4.0]))",
    "path = gradient_descent(lambda x: np.sum(x ** 2), np.array([3.0, 4.0]))",
    "class Probe:\n    def gradient(self):\n        return numerical_gradient(lambda w: 0.0, np.zeros(2))\n\n"
    "before = 1\nProbe().gradient()\nafter = 2",
    "untouched = 42",
]


def test_a_looping_cell_costs_one_cell_limit_and_later_calls_stop_at_once(course, tmp_path, monkeypatch):
    """The first cell that runs into the loop is stopped from inside, before the trusted
    side's limit, naming the function it was stuck in (numerical_gradient, not the f it
    keeps calling); every later cell that calls numerical_gradient stops at once with that
    reason, and the cell that does not runs.  Nothing is killed or loaded again; the checks
    still ask the real numerical_gradient (its timeout, not the stand-in's)."""
    import nbformat
    from autograder.grade import grade_stream
    from autograder.run import Sandbox, Student
    from autograder.submissions import Submission
    assignment = course.assignment(ASSIGNMENT)
    limits = dict(course.limits, cell_seconds=4.0, check_seconds=1.0)
    first_call = "first = numerical_gradient(lambda x: np.sum(x ** 2), np.array([3.0, 4.0]))"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)
                                               for code in [LOOPING, first_call, *LATER_CELLS]])
    path = tmp_path / "looping.ipynb"
    nbformat.write(notebook, str(path))
    loads = []
    real_reload = Student._reload
    monkeypatch.setattr(Student, "_reload", lambda self: loads.append(1) or real_reload(self))
    graded = []
    grade_stream(replace(course, limits=limits), assignment, [Submission("looping", path)], out_dir=None,
                 isolation="auto", lang="ja+en", on_done=graded.append,
                 sandbox=Sandbox(assignment.probes, limits, trusted_code=True))
    [result] = graded
    problems = [(p.label, p.info["type"], p.info["message"]) for p in result.load_problems]
    assert problems == [
        (first_call[:59] + "…", "timeout", f"did not finish in 4 s (still running {LOOPING_FUNCTION})"),
        (LATER_CELLS[0][:59] + "…", "skipped", f"calls {LOOPING_FUNCTION}, which timed out in an earlier cell"),
        (LATER_CELLS[1][:59] + "…", "skipped", f"calls {LOOPING_FUNCTION}, which timed out in an earlier cell"),
        ("class Probe:", "skipped", f"calls {LOOPING_FUNCTION}, which timed out in an earlier cell"),
    ], problems
    assert result.load_problems[0].info["text"].endswith("= f(x)")        # the line it was stuck on
    assert loads == [1]
    assert_only_the_loop_costs(result.checks, "1", "ja+en")
    ja = "\n".join(problem.note("ja") for problem in result.load_problems)
    assert "numerical_gradient を実行中でした" in ja and "時間切れになった `numerical_gradient` を呼んだところで打ち切りました" in ja
    assert "skipped" not in ja and "stopped" not in ja, ja


def test_the_cell_timer_finds_the_loop_and_suspends_only_it():
    """In process: the stuck frame is the loop's, not that of the function it keeps
    calling; its names (a function and a method) get a stand-in until restored."""
    from autograder.run.inside.timeouts import CellTimedOut, CellTimer, Suspended, TimedOutEarlier
    namespace = {}
    code = ("def f(x):\n    return x * x\n\n"
            "def spin(g):\n    while True:\n        g(1)\n\n"
            "class Net:\n    def step(self):\n        return spin(f)\n")
    exec(compile(code, "<submission cell 1>", "exec"), namespace)
    handler = signal.getsignal(signal.SIGALRM)
    with pytest.raises(CellTimedOut) as stopped:
        with CellTimer(0.7):
            exec(compile("Net().step()", "<submission cell 2>", "exec"), namespace)
    assert stopped.value.frame.f_code.co_name == "spin"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0) and signal.getsignal(signal.SIGALRM) != handler
    signal.signal(signal.SIGALRM, handler)
    suspended = Suspended()
    spin, step = namespace["spin"], namespace["Net"].step
    suspended.suspend(namespace, stopped.value.frame)
    assert namespace["f"](3) == 9 and namespace["Net"].step is step
    with pytest.raises(TimedOutEarlier, match="spin"):
        namespace["Net"]().step()
    suspended.restore()
    assert namespace["spin"] is spin

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
