"""Benchmark: the grading command against nbgrader on the same notebooks, then at scale.

    .venv/bin/python bench/bench_grading.py                 # 40 vs nbgrader, then 100/1,000/10,000
    .venv/bin/python bench/bench_grading.py --sizes 100,1000 --compare 20
    .venv/bin/python bench/bench_grading.py --compare 0 --sizes '' --warm 100   # one warm worker only
    .venv/bin/python bench/bench_grading.py --compare 0 --sizes '' --warm 0 --looping 20   # 1 of 20 loops

Part 1 builds ``--compare`` ch04_gradient notebooks (correct, partly wrong, stubs, a few
hostile), grades them with ``nbgrader autograde`` and with ``python -m autograder grade
--jobs 2 --isolation full``, checks that both give the same scores on the honest ones,
and prints seconds per submission and the ratio.  Part 2 grades N notebooks with the
command alone and prints throughput and the peak memory of the whole process tree.
Part 3 (``--warm``) times one warm worker, submission after submission, and splits the
time into loading (the submission's cells, its own computation included), answering
questions, and checking plus writing results.  ``--looping N`` grades a class of N
notebooks of which 5% have an endless loop (numerical_gradient without ``it.iternext()``)
with both, as part 1 does.
A benchmark, not a test: it prints figures measured in one run on this machine.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "solutions" / "ch04_gradient" / "ch04_gradient.ipynb"
VENV_BIN = Path(sys.executable).parent

# A mistake per kind: (old, new) replaced in the solution code.
WRONG = {
    "forward": ("(f(x + h) - f(x - h)) / (2 * h)", "(f(x + h) - f(x)) / h"),
    "ascent": ("x -= lr * grad", "x += lr * grad"),
}
# The book's nditer loop with it.iternext() forgotten: numerical_gradient never ends, nor
# does any cell or check that calls it.
LOOP = ("    for idx in np.ndindex(x.shape):\n",
        "    it = np.nditer(x, flags=['multi_index'])\n    while not it.finished:\n        idx = it.multi_index\n")
HOSTILE = {   # nbgrader runs these in the grading kernel; our command must not be fooled
    "rebind_abs": "import builtins\nbuiltins.abs = lambda v: 0\n",
    "exit": "import os\nos._exit(0)\n",
    "read_source": "print(open('../../../source/ch04_gradient/ch04_gradient.ipynb').read()[:100])\n",
}


def solved_cells():
    """The source notebook as a student would submit it: solutions kept, hidden tests gone."""
    notebook = json.loads(SOURCE.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        kept, hidden = [], False
        for line in text.splitlines():
            if "### BEGIN HIDDEN TESTS" in line:
                hidden = True
            elif "### END HIDDEN TESTS" in line:
                hidden = False
            elif not hidden and "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line:
                kept.append(line)
        cell["source"] = "\n".join(kept)
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return notebook


def variant(kind):
    notebook = solved_cells()
    if kind == "stub":
        return json.loads((ROOT / "assignments" / "ch04_gradient" / "ch04_gradient.ipynb").read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        if kind in WRONG and WRONG[kind][0] in cell["source"]:
            cell["source"] = cell["source"].replace(*WRONG[kind])
        if kind == "loop" and LOOP[0] in cell["source"]:
            cell["source"] = cell["source"].replace(*LOOP)
    if kind in HOSTILE:
        code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        code[1]["source"] = HOSTILE[kind] + code[1]["source"]
    return notebook


def kinds(n, hostile=True):
    base = ["correct", "forward", "ascent", "stub", "correct"]
    out = [base[i % len(base)] for i in range(n)]
    if hostile:
        for i, kind in enumerate(HOSTILE):
            if i * 7 + 3 < n:
                out[i * 7 + 3] = kind
    return out


def looping_kinds(n):
    """The usual mix, with an endless loop in 5% of the notebooks (at least one), spread out."""
    out = kinds(n, hostile=False)
    loops = max(1, round(n * 0.05))
    for i in range(loops):
        out[(2 * i + 1) * n // (2 * loops)] = "loop"
    return out


def write_class(folder, n, hostile=True, labels=None):
    """nbgrader's layout: folder/<student>/ch04_gradient/ch04_gradient.ipynb."""
    cache = {}
    labels = labels or kinds(n, hostile)
    for i, kind in enumerate(labels):
        if kind not in cache:
            cache[kind] = json.dumps(variant(kind), ensure_ascii=False)
        target = folder / f"s{i:05d}" / "ch04_gradient"
        target.mkdir(parents=True, exist_ok=True)
        (target / "ch04_gradient.ipynb").write_text(cache[kind], encoding="utf-8")
    return labels


class PeakMemory:
    """Peak resident memory of a process and all its descendants, sampled every 50 ms."""

    def __init__(self, pid):
        self.pid, self.peak, self.running = pid, 0, True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _tree(self):
        children = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    ppid = int(open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry))
        stack, found = [self.pid], []
        while stack:
            pid = stack.pop()
            found.append(pid)
            stack.extend(children.get(pid, []))
        return found

    def _sample(self):
        while self.running:
            total = 0
            for pid in self._tree():
                try:
                    for line in open(f"/proc/{pid}/status"):
                        if line.startswith("VmRSS:"):
                            total += int(line.split()[1]) * 1024
                except OSError:
                    pass
            self.peak = max(self.peak, total)
            time.sleep(0.05)

    def stop(self):
        self.running = False
        self.thread.join()
        return self.peak


def run_command(args, cwd, env=None, allowed=(0,)):
    started = time.monotonic()
    process = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    memory = PeakMemory(process.pid)
    out, err = process.communicate()
    seconds = time.monotonic() - started
    peak = memory.stop()
    if process.returncode not in allowed:
        print(err[-2000:], file=sys.stderr)
        raise SystemExit(f"command failed ({process.returncode}): {' '.join(map(str, args))}")
    return seconds, peak


def our_scores(out):
    table = {}
    for path in Path(out).glob("*/results.json"):
        result = json.loads(path.read_text(encoding="utf-8"))
        table[result["extra_data"]["student"]] = result["score"]
    return table


def compare_with_nbgrader(n, work, labels=None):
    """Grade n notebooks (``labels``: their kinds; default the usual mix with hostile ones)
    with nbgrader autograde and with the command; print both and whether they agree."""
    course = work / "course"
    course.mkdir()
    for name in ("nbgrader_config.py", "course_config.py"):
        shutil.copy2(ROOT / name, course / name)
    shutil.copytree(ROOT / "solutions", course / "solutions")
    env = dict(os.environ, PATH=f"{VENV_BIN}:{os.environ['PATH']}")
    subprocess.run([VENV_BIN / "nbgrader", "generate_assignment", "ch04_gradient", "--force"], cwd=course, env=env,
                   check=True, capture_output=True)
    submitted = course / "nbgrader_work" / "submitted"       # nbgrader_config.py's layout
    labels = write_class(submitted, n, labels=labels)
    # nbgrader exits 1 when a hostile notebook kills its kernel; the others are graded all the same
    nb_seconds, _ = run_command([VENV_BIN / "nbgrader", "autograde", "ch04_gradient", "--force"], course, env,
                                allowed=(0, 1))
    subprocess.run([VENV_BIN / "nbgrader", "export"], cwd=course, env=env, check=True, capture_output=True)
    with open(course / "nbgrader_work" / "grades.csv", newline="", encoding="utf-8") as handle:
        nbgrader = {row["student_id"]: float(row["raw_score"] or 0) for row in csv.DictReader(handle)}
    ours_seconds, _ = run_command([sys.executable, "-m", "autograder", "grade", str(submitted),
                                   "--assignment", "ch04_gradient", "--out", str(work / "ours"), "--jobs", "2",
                                   "--isolation", "full"], ROOT)
    ours = our_scores(work / "ours")
    honest = [f"s{i:05d}" for i, kind in enumerate(labels) if kind not in HOSTILE]
    disagree = [s for s in honest if abs(nbgrader.get(s, -1) - ours.get(s, -2)) > 1e-9]
    looping = [f"s{i:05d}" for i, kind in enumerate(labels) if kind == "loop"]
    print(f"\n== {n} notebooks of ch04_gradient ({len(honest)} honest, {n - len(honest)} hostile"
          + (f"; {len(looping)} with an endless loop" if looping else "") + ") ==")
    print(f"nbgrader autograde:                  {nb_seconds:7.2f} s  = {nb_seconds / n:.3f} s/submission")
    print(f"autograder grade --jobs 2 (full):    {ours_seconds:7.2f} s  = {ours_seconds / n:.3f} s/submission")
    print(f"ratio (throughput, ours / nbgrader): {nb_seconds / ours_seconds:7.1f}x")
    print(f"scores agree on honest submissions:  {len(honest) - len(disagree)}/{len(honest)}"
          + (f"  DISAGREE: {disagree[:5]}" if disagree else ""))
    for s in looping:
        spent = json.loads((work / "ours" / s / "results.json").read_text(encoding="utf-8"))["execution_time"]
        print(f"  endless loop {s}: nbgrader {nbgrader.get(s, 0):5g}   ours {ours.get(s, 0):5g}   "
              f"(ours: {spent:.1f} s of one worker)")
    for kind in HOSTILE:
        students = [f"s{i:05d}" for i, k in enumerate(labels) if k == kind]
        if students:
            s = students[0]
            print(f"  hostile {kind:<12} nbgrader {nbgrader.get(s, 0):5g}   ours {ours.get(s, 0):5g}")
    return not disagree


def scale(sizes, work):
    print("\n== the grading command alone (--jobs 2, full isolation) ==")
    print(f"{'N':>7} {'seconds':>9} {'s/submission':>13} {'submissions/s':>14} {'peak memory':>12}")
    for n in sizes:
        folder = work / f"class{n}"
        write_class(folder, n, hostile=False)
        seconds, peak = run_command([sys.executable, "-m", "autograder", "grade", str(folder), "--assignment",
                                     "ch04_gradient", "--out", str(work / f"out{n}"), "--jobs", "2",
                                     "--isolation", "full"], ROOT)
        print(f"{n:>7} {seconds:>9.1f} {seconds / n:>13.4f} {n / seconds:>14.1f} {peak / 2**20:>9.0f} MiB")
        shutil.rmtree(folder)
        shutil.rmtree(work / f"out{n}")


def warm_worker(n, work):
    """One worker, as a grading command runs it: per-submission milliseconds after the first."""
    sys.path.insert(0, str(ROOT))
    import autograder.run as run
    from autograder.course import load_course
    from autograder.grade import grade_stream
    from autograder.run.inside import stubs
    from autograder.submissions import Submission
    course = load_course(ROOT / "course_config.py")
    assignment = course.assignment("ch04_gradient")
    notebook = json.dumps(variant("correct"), ensure_ascii=False)
    script = (ROOT / "tests" / "redteam" / "honest" / "correct.py").read_text(encoding="utf-8")
    spent = {"load": 0.0, "ask": 0.0}

    def timed(name, method):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started
        return wrapper

    print(f"\n== one warm worker, full isolation: milliseconds per submission (mean of {n - 1}, after the first) ==")
    print(f"{'':34} {'total':>7} {'loading':>8} {'questions':>10} {'checks+results':>15} {'own code':>9}")
    load, ask = run.Student.load, run.Student.ask
    run.Student.load, run.Student.ask = timed("load", load), timed("ask", ask)
    try:
        cells = sum(cell["cell_type"] == "code" and bool(cell["source"].strip()) for cell in json.loads(notebook)["cells"])
        functions = len(assignment.function_points())
        for label, suffix, text in ((f"notebook (solution, {cells} cells)", ".ipynb", notebook),
                                    (f"script (the {functions} functions)", ".py", script)):
            folder = work / f"warm{suffix}"
            folder.mkdir()
            for i in range(n):
                (folder / f"s{i:04d}{suffix}").write_text(text, encoding="utf-8")
            stamps = []

            def done(result):
                stamps.append(time.perf_counter())
                if len(stamps) == 1:
                    spent.update(load=0.0, ask=0.0)
            subs = [Submission(p.stem, p) for p in sorted(folder.iterdir())]
            grade_stream(course, assignment, subs, out_dir=work / f"warm-out{suffix}", isolation="full",
                         lang=course.lang, on_done=done)
            per = lambda seconds: seconds / (n - 1) * 1000
            total = per(stamps[-1] - stamps[0])
            own = per(own_code_seconds(folder / f"s0000{suffix}", stubs) * (n - 1))
            print(f"{label:34} {total:7.1f} {per(spent['load']):8.1f} {per(spent['ask']):10.1f} "
                  f"{total - per(spent['load']) - per(spent['ask']):15.1f} {own:9.1f}")
    finally:
        run.Student.load, run.Student.ask = load, ask
    print("loading: a fresh process tree, the cells, the snapshot; own code: the same cells run in one "
          "plain process (what any grader must spend)")


def own_code_seconds(path, stubs):
    """Seconds the submission's own cells take in a plain process (best of 5)."""
    import contextlib
    import io
    from autograder.load import load
    stubs.install()
    units = load(path).units
    best = float("inf")
    sys.modules["autograder.notebook"] = None      # as in the sandbox: the notebook's check cells find no engine
    for _ in range(5):
        namespace = {"__name__": "__main__"}
        started = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            for unit in units:
                try:
                    exec(compile(unit.code, unit.filename, "exec"), namespace)
                except Exception:
                    pass
        best = min(best, time.perf_counter() - started)
    del sys.modules["autograder.notebook"]
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=int, default=40, help="notebooks graded by both (0 to skip)")
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--warm", type=int, default=100, help="submissions for the warm-worker timing (0 to skip)")
    parser.add_argument("--looping", type=int, default=0,
                        help="a class of this many notebooks, 5%% with an endless loop, graded by both (0 to skip)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-") as temporary:
        work = Path(temporary)
        agree = compare_with_nbgrader(args.compare, work) if args.compare else True
        if args.looping:
            (work / "looping").mkdir()
            agree = compare_with_nbgrader(args.looping, work / "looping", looping_kinds(args.looping)) and agree
        scale([int(n) for n in args.sizes.split(",") if n], work)
        if args.warm > 1:
            warm_worker(args.warm, work)
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
