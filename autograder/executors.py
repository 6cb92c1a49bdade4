"""How a batch is spread over workers: in this process, in local worker processes, or on
the workers of a Dask cluster.  Each worker is ``grade.grade_stream`` with a warm sandbox
of its own; every graded submission comes back here as a GradedSubmission (the full
results are already on disk) and goes to ``on_done``.

Local workers are ``python -m autograder.executors SETTINGS``: they read one submission
per JSON line on stdin and answer one JSON line each on stdout:
    {"graded": <results.json>} | {"failure": {"student": ..., "bugs": [...]}} | {"fatal": "..."}
However a batch ends (Ctrl-C included), its workers are stopped: SIGTERM, which a worker
turns into KeyboardInterrupt so that its sandbox is closed (and every submission in it
killed), then SIGKILL after a second.  A worker whose parent dies gets SIGTERM too.
"""
import json
import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

from .grade import grade_stream
from .course import PACKAGE
from .errors import ConfigError, GraderBug
from .results import GradedSubmission, GraderFailure
from .run.sandbox import WorkerFailed
from .submissions import Submission

DASK_CHUNK = 25           # submissions per Dask task: pytest collects once per task
STOPS_A_WORKER = (GraderBug, WorkerFailed)
STOP_SECONDS = 1.0        # a worker told to stop gets this long to close its sandbox, then SIGKILL


def grade_batch(course, assignment, submissions, *, out_dir, jobs, isolation, lang, on_done,
                executor="local", scheduler=None):
    """Grade a batch; ``on_done`` gets each GradedSubmission.  Returns what went wrong with
    the grader (GraderFailure and messages), empty when all went well."""
    failures = []

    def done(graded):
        (failures.append if isinstance(graded, GraderFailure) else on_done)(graded)

    if not submissions:
        return failures
    if executor == "dask":
        return failures + _with_dask(course, assignment, submissions, out_dir, isolation, lang, scheduler, done)
    if jobs <= 1 or len(submissions) <= 1:
        try:
            grade_stream(course, assignment, submissions, out_dir=out_dir, isolation=isolation,
                         lang=lang, on_done=done)
        except STOPS_A_WORKER as error:
            failures.append(str(error))
        return failures
    return failures + _in_processes(course, assignment, submissions, out_dir, jobs, isolation, lang, done)


def _message(graded):
    """A worker's answer line for one graded submission."""
    if isinstance(graded, GraderFailure):
        return {"failure": {"student": graded.student, "bugs": list(graded.bugs)}}
    return {"graded": graded.to_json()}


def _from_message(message):
    if "failure" in message:
        failure = message["failure"]
        return GraderFailure(failure["student"], tuple(map(tuple, failure["bugs"])))
    return GradedSubmission.from_json(message["graded"])


# ----- local worker processes -----

def _in_processes(course, assignment, submissions, out_dir, jobs, isolation, lang, done):
    processes = []
    try:
        return _run_workers(course, assignment, submissions, out_dir, jobs, isolation, lang, done, processes)
    finally:
        _stop(processes)


def _stop(processes):
    """End the workers still running (an interrupted batch): SIGTERM, then SIGKILL."""
    running = [process for process in processes if process.poll() is None]
    for process in running:
        process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in running:
        try:
            process.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for process in processes:
        for pipe in (process.stdin, process.stdout):
            try:
                pipe.close()
            except OSError:
                pass


def _run_workers(course, assignment, submissions, out_dir, jobs, isolation, lang, done, processes):
    failures = []
    queue = iter(submissions)
    selector = selectors.DefaultSelector()
    for slot in range(min(jobs, len(submissions))):
        settings = {"config": os.path.abspath(course.path), "assignment": assignment.id,
                    "out": os.path.abspath(out_dir), "isolation": isolation, "lang": lang, "slot": slot,
                    "parent": os.getpid()}
        # Started from the package's own folder: ``-m`` puts the working folder first on the
        # import path, and the caller's may be the folder being graded.
        process = subprocess.Popen([sys.executable, "-m", "autograder.executors", json.dumps(settings)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                   encoding="utf-8", bufsize=1, cwd=PACKAGE.parent)
        processes.append(process)
        worker = {"process": process, "busy": []}
        selector.register(process.stdout, selectors.EVENT_READ, worker)
        for _ in range(2):                      # one being graded, one waiting: no idle gap
            _feed(worker, queue)
    while selector.get_map():
        for key, _ in selector.select():
            worker = key.data
            line = worker["process"].stdout.readline()
            if not line:
                selector.unregister(key.fileobj)
                worker["process"].wait()
                if worker["busy"] or worker["process"].returncode:
                    failures.append(f"a grading worker failed (exit {worker['process'].returncode}); "
                                    f"not graded: {', '.join(s.student for s in worker['busy']) or 'none'}")
                continue
            message = json.loads(line)
            if "fatal" in message:
                failures.append(message["fatal"])
                continue
            graded = _from_message(message)
            worker["busy"] = [s for s in worker["busy"] if s.student != graded.student]
            done(graded)
            _feed(worker, queue)
    return failures


def _feed(worker, queue):
    stdin = worker["process"].stdin
    if stdin.closed:
        return
    submission = next(queue, None)
    if submission is None:
        stdin.close()
        return
    worker["busy"].append(submission)
    stdin.write(json.dumps({"student": submission.student, "path": os.path.abspath(submission.path),
                            "problem": submission.problem, "timestamp": submission.timestamp}) + "\n")
    stdin.flush()


def worker_main(argv):
    """A local worker process: submissions in on stdin, answers out on stdout."""
    from .course import load_course
    from .run.inside import jail
    settings = json.loads(argv[1])
    signal.signal(signal.SIGTERM, _interrupt)
    jail.prctl(jail.PR_SET_PDEATHSIG, signal.SIGTERM)          # the batch ended without us: stop
    if os.getppid() != settings.get("parent", os.getppid()):   # it already had
        return 130
    course = load_course(settings["config"])
    assignment = course.assignment(settings["assignment"])
    out = sys.stdout
    sys.stdout = sys.stderr              # nothing else may write on the answer channel

    def submissions():
        for line in sys.stdin:
            item = json.loads(line)
            yield Submission(item["student"], Path(item["path"]), item.get("problem", ""), item.get("timestamp", ""))

    def answer(graded):
        out.write(json.dumps(_message(graded), ensure_ascii=False) + "\n")
        out.flush()

    try:
        grade_stream(course, assignment, submissions(), out_dir=Path(settings["out"]),
                     isolation=settings["isolation"], lang=settings["lang"], slot=settings["slot"],
                     on_done=answer)
    except KeyboardInterrupt:           # the sandbox is closed: nothing of it is left
        return 130
    except (*STOPS_A_WORKER, ConfigError) as error:
        try:
            out.write(json.dumps({"fatal": str(error)}) + "\n")
            out.flush()
        except OSError:                 # the batch has gone
            pass
        return 1
    return 0


def _interrupt(signum, frame):
    raise KeyboardInterrupt


# ----- a Dask cluster -----

def grade_chunk(config, assignment_id, items, out_dir, isolation, lang):
    """A Dask task: grade a few submissions with one sandbox on this worker; return the
    answer lines.  The worker needs the repository at the same path and the submissions
    and output folder on a shared filesystem."""
    sys.path[:] = [entry for entry in sys.path if entry not in ("", os.getcwd())]
    from .course import load_course
    course = load_course(config)
    assignment = course.assignment(assignment_id)
    try:
        from dask.distributed import get_worker
        name = get_worker().name
        slot = int(name) % 64 if str(name).isdigit() else abs(hash(name)) % 64
    except (ImportError, ValueError):
        slot = os.getpid() % 64
    answers = []
    submissions = [Submission(student, Path(path), problem, stamp) for student, path, problem, stamp in items]
    grade_stream(course, assignment, submissions, out_dir=Path(out_dir), isolation=isolation,
                 lang=lang, slot=slot, on_done=lambda graded: answers.append(_message(graded)))
    return answers


def _with_dask(course, assignment, submissions, out_dir, isolation, lang, scheduler, done):
    from dask.distributed import Client, as_completed
    failures = []
    with Client(scheduler) as client:
        futures, chunks = [], {}
        for start in range(0, len(submissions), DASK_CHUNK):
            items = [(s.student, os.path.abspath(s.path), s.problem, s.timestamp)
                     for s in submissions[start:start + DASK_CHUNK]]
            future = client.submit(grade_chunk, os.path.abspath(course.path), assignment.id, items,
                                   os.path.abspath(out_dir), isolation, lang, pure=False)
            futures.append(future)
            chunks[future.key] = items
        for future in as_completed(futures):
            try:
                answers = future.result()
            except Exception as error:         # the task or its worker failed: these were not graded
                students = ", ".join(student for student, _, _ in chunks[future.key])
                failures.append(f"a Dask task failed ({type(error).__name__}: {error}); not graded: {students}")
                continue
            for answer in answers:
                done(_from_message(answer))
    return failures


if __name__ == "__main__":
    sys.path[:] = [entry for entry in sys.path if entry not in ("", os.getcwd())]
    sys.exit(worker_main(sys.argv))
