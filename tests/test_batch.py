"""Batches: parallel workers, --resume after an interruption, and a Dask cluster on loopback."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

CORRECT = (ROOT / "tests" / "data" / "ch04_gradient_correct.py").read_text(encoding="utf-8")
WRONG = CORRECT.replace("x -= lr * grad", "x += lr * grad")          # gradient ascent


def make_class(folder, n):
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"s{i:04d}.py").write_text(CORRECT if i % 3 else WRONG, encoding="utf-8")
    return folder


def scores(out):
    table = {}
    for path in sorted(Path(out).glob("*/results.json")):
        result = json.loads(path.read_text(encoding="utf-8"))
        table[result["extra_data"]["student"]] = [(t["name"], t["score"], t["output"]) for t in result["tests"]]
    return table


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The class graded once, in one uninterrupted local run at --jobs 2."""
    base = tmp_path_factory.mktemp("batch")
    folder = make_class(base / "class", 30)
    done = run_cli("grade", folder, "--assignment", "ch04_gradient", "--out", base / "ref", "--jobs", "2")
    assert done.returncode == 0, done.stderr
    return folder, scores(base / "ref")


def test_parallel_run_grades_everyone_once(reference):
    folder, table = reference
    assert len(table) == 30
    assert sum(1 for rows in table.values() if sum(s for _, s, _ in rows) == 38) == 20


def test_interrupted_batch_resumes_without_loss(reference, tmp_path):
    folder, table = reference
    out = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(folder), "--assignment",
                                "ch04_gradient", "--out", str(out), "--jobs", "2"], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(list(out.glob("*/results.json"))) < 5 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)                                 # Ctrl-C on the whole batch
    process.wait(timeout=60)
    partial = len(list(out.glob("*/results.json")))
    assert 5 <= partial
    (folder / "s0001.py").touch()                                        # unchanged content: stays done
    done = run_cli("grade", folder, "--assignment", "ch04_gradient", "--out", out, "--jobs", "2", "--resume")
    assert done.returncode == 0, done.stderr
    assert f"{partial} of 30 already graded" in done.stderr or partial == 30
    assert scores(out) == table
    assert not [p for p in out.rglob("*") if p.name.startswith(".") or p.suffix == ".tmp"]
    rows = (out / "grades.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) == 31


def test_resume_regrades_a_changed_submission(tmp_path):
    folder = make_class(tmp_path / "class", 3)
    out = tmp_path / "out"
    assert run_cli("grade", folder, "--assignment", "ch04_gradient", "--out", out).returncode == 0
    (folder / "s0000.py").write_text(CORRECT, encoding="utf-8")           # was wrong, now fixed
    done = run_cli("grade", folder, "--assignment", "ch04_gradient", "--out", out, "--resume")
    assert "2 of 3 already graded, 1 to go" in done.stderr
    assert all(sum(s for _, s, _ in rows) == 38 for rows in scores(out).values())


def test_dask_cluster_gives_the_same_grades(reference, tmp_path):
    import dask.distributed as distributed
    folder, table = reference
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        done = run_cli("grade", folder, "--assignment", "ch04_gradient", "--out", tmp_path / "dask",
                       "--executor", "dask", "--scheduler", cluster.scheduler_address)
    assert done.returncode == 0, done.stderr
    assert scores(tmp_path / "dask") == table


def test_progress_lines_when_not_a_terminal(reference, tmp_path):
    folder, _ = reference
    done = run_cli("grade", folder, "--assignment", "ch04_gradient", "--out", tmp_path / "p", "--jobs", "2")
    lines = [line for line in done.stderr.splitlines() if line.startswith("[")]
    assert len(lines) == 30 and lines[-1].startswith("[30/30]")
