"""Isolation: what student code sees and may do, in full and in reduced mode.

Full mode (bubblewrap) is looked at from inside, with a submission whose top-level
statements report facts as error messages (they arrive as load problems in
results.json).  Reduced mode is simulated with a PATH that has no bwrap: grading still
works and says so, and ``--isolation full`` refuses rather than falls back.  Attacks
that need no file-system wall (tests/redteam/) keep their honest score in reduced mode
too.  Two submissions graded at the same time by different workers do not disturb each
other, even when one of them forks without end.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import REDUCED_PROTECTION, ROOT, run_cli
from test_redteam import CORRECT, REDTEAM, SANDBOX_UIDS, _by_function, honest_spec

ASSIGNMENT = "ch04_gradient"


def grade(folder, out, *extra, env=None, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder), "--assignment", ASSIGNMENT,
                           "--out", str(out), *map(str, extra)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def results(out):
    return {p.parent.name: json.loads(p.read_text(encoding="utf-8")) for p in Path(out).glob("*/results.json")}


# ----- what the sandbox looks like from inside -----

REPORT = '''
import os, socket, sys, resource
def fact(name, value):
    raise RuntimeError(f"{name}={value!r}")
'''
FACTS = {
    "uid": "fact('uid', os.getuid())",
    "env": "fact('env', sorted(os.environ))",
    "root": "fact('root', sorted(os.listdir('/')))",
    "etc": "fact('etc', sorted(os.listdir('/etc')))",
    "proc": "fact('proc', os.listdir('/proc'))",
    "cwd": "fact('cwd', os.getcwd())",
    "repo": f"fact('repo', os.path.exists({str(ROOT)!r}))",
    "net": "fact('net', socket.create_connection(('1.1.1.1', 443), timeout=1) and 'connected')",
    "tmp": "fact('tmp', open('/tmp/big', 'wb').write(b'0' * (64 << 20)))",
    "nproc": "fact('nproc', resource.getrlimit(resource.RLIMIT_NPROC))",
    "stdlib": "import fractions, statistics, decimal, numpy.polynomial; fact('stdlib', 'imported')",
    "numpy": "import numpy as np; fact('numpy', float(np.ones(300 * 2 ** 20 // 8).sum() + np.dot(np.ones((500, 500)), np.ones(500)).sum()))",
    "huge": "import numpy as np; fact('huge', np.ones(20 * 2 ** 30 // 8).size)",
}


@pytest.fixture(scope="module")
def inside(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inside")
    subs = folder / "subs"
    subs.mkdir()
    source = CORRECT.read_text(encoding="utf-8") + REPORT + "\n".join(FACTS.values()) + "\n"
    (subs / "probe.py").write_text(source, encoding="utf-8")
    done = grade(subs, folder / "out", "--isolation", "full")
    assert done.returncode == 0, done.stderr
    result = results(folder / "out")["probe"]
    messages = {}
    for problem in result["extra_data"]["load_problems"]:
        if problem["type"] == "RuntimeError":                  # fact() reported it
            name, _, value = problem["message"].partition("=")
        else:                                                   # the statement itself failed
            name = re.search(r"fact\('(\w+)'", problem.get("text", "")).group(1)
            value = f"{problem['type']}: {problem['message']}"
        messages[name] = value
    return result, messages


@pytest.mark.full_isolation
def test_inside_full_isolation(inside, course):
    result, seen = inside
    assert result["score"] == result["extra_data"]["max_score"]          # the facts cost nothing
    if os.geteuid() == 0:
        assert int(seen["uid"]) in SANDBOX_UIDS                            # never root
    assert seen["env"] == "[]"
    python = {Path(sys.base_prefix).parts[1]}                              # the Python installation
    assert set(eval(seen["root"])) <= {"bin", "dev", "etc", "lib", "lib32", "lib64", "opt", "proc", "sbin",
                                       "tmp", "usr"} | python
    assert set(eval(seen["etc"])) <= {"ld.so.cache", "alternatives", "localtime"}
    assert seen["proc"] == "[]"                                            # no process is visible
    assert seen["cwd"] == "'/tmp'"
    assert seen["repo"] == "False"
    assert seen["net"].startswith("OSError") or "Network is unreachable" in seen["net"], seen["net"]
    assert seen["tmp"].startswith("OSError"), seen["tmp"]                   # /tmp is small and private
    assert eval(seen["nproc"]) == (course.limits["processes"],) * 2
    assert seen["stdlib"] == "'imported'", seen["stdlib"]                  # the Python installation is readable
    assert float(seen["numpy"]) == 300 * 2 ** 20 // 8 + 500 * 500          # 300 MB and BLAS fit in the limit
    assert seen["huge"].startswith("MemoryError"), seen["huge"]            # 20 GB does not


# ----- reduced mode -----

def path_without_bwrap():
    """This PATH without the folders that hold bwrap (python is called by its full path)."""
    kept = [f for f in os.environ["PATH"].split(os.pathsep) if f and not (Path(f) / "bwrap").exists()]
    return os.pathsep.join(kept)


def test_reduced_mode_when_bubblewrap_is_missing(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(CORRECT, subs / "alice.py")
    env = {**os.environ, "PATH": path_without_bwrap()}
    done = grade(subs, tmp_path / "out", env=env)
    assert done.returncode == 0, done.stderr
    result = results(tmp_path / "out")["alice"]
    assert result["extra_data"]["isolation"] == "reduced"
    assert result["score"] == result["extra_data"]["max_score"]
    assert "isolation: reduced" in done.stdout
    refused = grade(subs, tmp_path / "out2", "--isolation", "full", env=env)
    assert refused.returncode == 1
    assert "full isolation is not available" in refused.stderr and "bwrap" in refused.stderr
    assert not (tmp_path / "out2").exists()


def test_reduced_mode_on_request(tmp_path):
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(CORRECT, subs / "alice.py")
    done = grade(subs, tmp_path / "out", "--isolation", "reduced")
    assert done.returncode == 0, done.stderr
    assert results(tmp_path / "out")["alice"]["extra_data"]["isolation"] == "reduced"
    assert "isolation: reduced" in done.stdout


# Attacks that need no file-system wall: their honest score holds in reduced mode too.
REDUCED_SAFE = ["lying_objects", "ndarray_subclass", "forged_reply_frames", "huge_values", "exit_at_top_level",
                "exit_in_functions", "kill_parent_top_level", "kill_parent_in_functions", "threads_at_load",
                "fork_bomb_at_load", "memory_bomb", "output_flood", "hang_after_reply", "rebind_builtins",
                "replace_numpy", "monkeypatch_sandbox", "atexit_and_finalizers", "hard_coded_answers",
                "leave_processes_behind", "frame_inspection", "gc_objects", "later_questions_patched_modules",
                "later_questions_threads", "later_questions_timers_and_tracing", "later_questions_processes",
                "later_questions_namespace"]


# Runs a command the way a machine without user namespaces does (a seccomp filter makes
# creating one fail): Landlock then keeps student code from writing.  (Where mounting is
# impossible too, as in Docker, and the Python installation is in a folder only root
# can enter, grading fails loudly instead: tests/test_write_protection.py.)
WITHOUT_USER_NAMESPACES = [str(ROOT / "tests" / "jail_wrapper.py"), "--no-userns", "--"]


@pytest.mark.parametrize("namespaces", [True, False], ids=["with-namespaces", "without-namespaces"])
def test_reduced_mode_keeps_honest_scores(tmp_path, course, namespaces):
    if os.geteuid() != 0:
        pytest.skip("reduced mode runs student code as a uid of its own only when grading runs as root; "
                    "as the same user, an attack that kills every process (-1) could reach the test itself")
    subs = tmp_path / "subs"
    subs.mkdir()
    for name in REDUCED_SAFE:
        shutil.copy(REDTEAM / f"{name}.py", subs)
    shutil.copy(CORRECT, subs / "correct.py")
    (tmp_path / "course_config.py").write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(ROOT / 'course_config.py')!r}).items() if k.isupper()}})\n"
        "LIMITS = dict(LIMITS, cell_seconds=5.0, check_seconds=2.0, submission_cpu_seconds=20)\n")
    command = [sys.executable, "-m", "autograder", "grade", str(subs), "--assignment", ASSIGNMENT,
               "--out", str(tmp_path / "out"), "--isolation", "reduced", "--jobs", "2",
               "--config", str(tmp_path / "course_config.py")]
    if not namespaces:
        command = [sys.executable, *WITHOUT_USER_NAMESPACES, *command]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})         # this repository's package
    assert done.returncode == 0, done.stderr
    graded = results(tmp_path / "out")
    assert graded["correct"]["score"] == graded["correct"]["extra_data"]["max_score"]
    assert graded["correct"]["extra_data"]["write_protection"] == (REDUCED_PROTECTION if namespaces else "landlock")
    full = course.assignment(ASSIGNMENT).function_points()
    wrong = []
    for name in REDUCED_SAFE:
        scores, public = _by_function(graded[name])
        for function, honest in honest_spec(REDTEAM / f"{name}.py").items():
            want = {"full": full[function], "public": public.get(function, 0.0)}.get(honest, honest)
            if scores.get(function) != want:
                wrong.append(f"{name}: {function} {scores.get(function)} != {want}")
    assert not wrong, "\n".join(wrong)
    strays = [line for line in subprocess.run(["ps", "-eo", "uid=,args="], capture_output=True, text=True).stdout
              .splitlines() if int(line.split()[0]) in SANDBOX_UIDS and "zygote.py" not in line]
    assert not strays


# ----- determinism and neighbours -----

@pytest.mark.full_isolation
def test_regrade_is_identical(tmp_path):
    """Random inputs come from the submission's content: grading twice gives the same
    results, so hard-coding cannot pass and a regrade changes nothing."""
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(REDTEAM / "hard_coded_answers.py", subs)
    shutil.copy(CORRECT, subs / "correct.py")
    (subs / "forward.py").write_text(CORRECT.read_text(encoding="utf-8").replace(
        "return (f(x + h) - f(x - h)) / (2 * h)", "return (f(x + h) - f(x)) / h"), encoding="utf-8")
    runs = []
    for name in ("first", "second"):
        done = grade(subs, tmp_path / name, "--jobs", "2")
        assert done.returncode == 0, done.stderr
        graded = results(tmp_path / name)
        for result in graded.values():
            result.pop("execution_time")
        runs.append(graded)
    assert runs[0] == runs[1]
    assert 0 < runs[0]["forward"]["score"] < runs[0]["correct"]["score"]


@pytest.mark.full_isolation
def test_fork_bomb_does_not_reach_the_submission_beside_it(course):
    """Two workers at once (two slots, two uids): one question forks without end while
    the other submission answers; the bomb stays within its process limit and is
    gone afterwards, the neighbour's answers are right and in time."""
    from autograder.load import Loaded, Unit
    from autograder.run import Sandbox, Student, StudentError
    assignment = course.assignment(ASSIGNMENT)
    limits = dict(course.limits, check_seconds=3.0)
    bomb = Loaded([Unit("import os\ndef numerical_diff(f, x):\n    while True:\n        try:\n"
                        "            os.fork()\n        except OSError:\n            pass\n",
                        "<submission cell 1>", "cell 1")], "bomb")
    honest = Loaded([Unit(CORRECT.read_text(encoding="utf-8"), "<submission cell 1>", "cell 1")], "honest")
    seen = {}
    with Sandbox(assignment.probes, limits, mode="full", slot=0) as first, \
            Sandbox(assignment.probes, limits, mode="full", slot=1) as second:
        assert first.uid != second.uid or first.uid is None

        def explode():
            student = Student(first, bomb, limits)
            student.load()
            try:
                student.ask("diff", f="square", x=2.0)
            except StudentError as error:
                seen["bomb"] = error.code
            student.close()

        thread = threading.Thread(target=explode)
        thread.start()
        time.sleep(1.0)
        if first.uid is not None:
            seen["peak"] = sum(1 for line in subprocess.run(["ps", "-eo", "uid="], capture_output=True, text=True)
                               .stdout.split() if int(line) == first.uid)
        student = Student(second, honest, limits)
        student.load()
        started = time.monotonic()
        answers = [student.ask("diff", f="square", x=2.0) for _ in range(5)]
        seen["neighbour_seconds"] = time.monotonic() - started
        student.close()
        thread.join()
        time.sleep(0.5)
        if first.uid is not None:
            seen["left"] = [line for line in subprocess.run(["ps", "-eo", "uid=,args="], capture_output=True,
                                                            text=True).stdout.splitlines()
                            if int(line.split()[0]) == first.uid and "zygote.py" not in line]
    assert seen["bomb"] == "timeout"
    assert all(abs(answer - 4.0) < 1e-6 for answer in answers)
    if "peak" in seen:
        assert seen["peak"] <= int(limits["processes"])
        assert seen["left"] == []


def test_questions_share_an_answerer_only_while_it_stays_as_forked(course):
    """Questions go to one answering process while it stays exactly as it was forked
    (that is where grading's speed comes from); one that leaves a thread behind still
    gets its answer, and the next question goes to a fresh process."""
    from autograder.load import Loaded, Unit
    from autograder.run import Sandbox, Student
    assignment = course.assignment(ASSIGNMENT)
    code = ("import os, threading, time\n"
            "def numerical_diff(f, x):\n"
            "    if x < 0:\n"
            "        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
            "    return float(os.getpid())\n")
    loaded = Loaded([Unit(code, "<submission cell 1>", "cell 1")], "pids")
    with Sandbox(assignment.probes, course.limits) as sandbox:
        student = Student(sandbox, loaded, course.limits)
        student.load()
        pids = [student.ask("diff", f="square", x=x) for x in (1.0, 2.0, 3.0, -1.0, 4.0, 5.0)]
        student.close()
    assert pids[0] == pids[1] == pids[2] == pids[3], pids
    assert pids[4] == pids[5] != pids[3], pids


# ----- time budgets -----

BUDGET = """import runpy
globals().update({{k: v for k, v in runpy.run_path({real!r}).items() if k.isupper()}})
LIMITS = dict(LIMITS, check_seconds=2.0, submission_seconds={wall}, submission_cpu_seconds={cpu})
"""
HANG = """
import numpy as np, time
def numerical_diff(*args, **kwargs):
    {body}
numerical_gradient = gradient_descent = numerical_diff
class simpleNet:
    def __init__(self):
        self.W = np.zeros((2, 3))
    def loss(self, x, t):
        {body}
"""


@pytest.mark.full_isolation
@pytest.mark.parametrize("body, wall, cpu", [
    ("while True: pass", 120.0, 5),          # CPU: 5 s in all
    ("time.sleep(600)", 5.0, 60),            # wall time: 5 s in all
])
def test_submission_budget_stops_a_submission_that_hangs_everywhere(tmp_path, body, wall, cpu):
    """Every function hangs: each question costs its 2 s until the submission's CPU (or
    wall) budget is spent; the remaining checks then fail at once, with the reason."""
    (tmp_path / "course_config.py").write_text(BUDGET.format(real=str(ROOT / "course_config.py"), wall=wall, cpu=cpu))
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "hang.py").write_text(HANG.format(body=body), encoding="utf-8")
    done = grade(subs, tmp_path / "out", "--config", tmp_path / "course_config.py", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = results(tmp_path / "out")["hang"]
    assert result["score"] == 0
    assert result["execution_time"] < 15                      # not 18 checks x 2 s
    assert all(t["extra_data"]["diagnosis"] == "timeout" and t["output"] for t in result["tests"]), \
        [(t["name"], t["extra_data"]["diagnosis"], t["output"][:80]) for t in result["tests"]]
