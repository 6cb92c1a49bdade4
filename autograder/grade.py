"""The pipeline, end to end: submissions are loaded, run isolated, checked, reported.

``grade_stream`` is one worker: one warm sandbox, one pytest session, any number of
submissions, each written out as soon as it is graded.  ``grade`` spreads a batch
over workers: ``jobs`` local processes (each with its own sandbox and uid), or the
workers of a Dask cluster.  Nothing accumulates: each result is written to disk and
passed to ``on_done`` once, so memory stays flat however large the class.
"""
import json
import os
import selectors
import subprocess
import sys
import time
from pathlib import Path

from . import report
from .check import GraderBug, run_checks
from .load import NotGradable, file_digest, load
from .run import Sandbox, Student, StudentError
from .run.sandbox import WorkerFailed
from .submissions import Submission

DASK_CHUNK = 25           # submissions per Dask task: pytest collects once per task


class Job:
    """One submission on its way through the pipeline."""

    def __init__(self, submission, sandbox, limits):
        self.submission, self.sandbox, self.limits = submission, sandbox, limits
        self.digest = ""
        self.started = time.monotonic()

    def open(self):
        self.started = time.monotonic()
        try:
            loaded = load(self.submission.path)
        except NotGradable as reason:
            self.digest = file_digest(self.submission.path)
            raise StudentError("not_gradable", type="NotGradable", message=str(reason)) from None
        self.digest = loaded.digest
        student = Student(self.sandbox, loaded, self.limits)
        try:
            student.load()
        except StudentError:
            student.close()
            raise
        return student


def grade_stream(course, assignment, submissions, *, out_dir, isolation, lang, slot=0,
                 on_done=lambda result: None, public_only=False, sandbox=None):
    """Grade ``submissions`` (an iterable, consumed lazily) in one worker.

    ``on_done`` receives each result dict (or {"student":..., "bugs": [...]} when a
    grader broke); results are written to ``out_dir`` unless it is None.  ``sandbox``:
    one already started (and now ours to close), else one is started here."""
    sandbox = sandbox or Sandbox(assignment.probes, course.limits, mode=isolation, slot=slot)
    try:
        jobs = (Job(submission, sandbox, course.limits) for submission in submissions)

        def on_result(job, outcome):
            student = job.submission.student
            if outcome.bugs:
                on_done({"student": student, "bugs": outcome.bugs})
                return
            result = report.results(student, assignment, outcome, isolation=sandbox.mode, lang=lang,
                                    hidden_visibility=course.hidden_visibility,
                                    seconds=time.monotonic() - job.started, digest=job.digest)
            if out_dir is not None:
                report.write_submission(out_dir, result)
            on_done(result)

        run_checks(assignment.graders, assignment.points, jobs, on_result, public_only=public_only)
    finally:
        sandbox.close()


def pending(submissions, out_dir, assignment_id):
    """--resume: the submissions whose results are missing or stale (the file changed)."""
    return [s for s in submissions
            if not report.is_current(out_dir, s.student, assignment_id, file_digest(s.path))]


def grade(course, assignment, submissions, *, out_dir, jobs, isolation, lang, on_done,
          executor="local", scheduler=None):
    """Grade a batch; returns the grader failures (empty when all went well)."""
    failures = []
    if not submissions:
        return failures

    def done(result):
        if "bugs" in result:
            failures.append(f"{result['student']}: grader failed: "
                            + "; ".join(f"{cid}: {text}" for cid, text in result["bugs"]))
        else:
            on_done(result)

    if executor == "dask":
        return failures + _grade_with_dask(course, assignment, submissions, out_dir, isolation, lang,
                                           scheduler, done)
    if jobs <= 1 or len(submissions) <= 1:
        try:
            grade_stream(course, assignment, submissions, out_dir=out_dir, isolation=isolation,
                         lang=lang, on_done=done)
        except (GraderBug, WorkerFailed) as error:
            failures.append(str(error))
        return failures
    return failures + _grade_in_workers(course, assignment, submissions, out_dir, jobs, isolation, lang, done)


# ----- local worker processes -----

def _grade_in_workers(course, assignment, submissions, out_dir, jobs, isolation, lang, done):
    """Each worker reads submissions one JSON line at a time and answers one line each."""
    failures = []
    queue = iter(submissions)
    selector = selectors.DefaultSelector()
    for slot in range(min(jobs, len(submissions))):
        settings = {"config": str(course.path), "assignment": assignment.id, "out": str(out_dir),
                    "isolation": isolation, "lang": lang, "slot": slot}
        process = subprocess.Popen([sys.executable, "-m", "autograder.worker", json.dumps(settings)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                   encoding="utf-8", bufsize=1)
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
            worker["busy"] = [s for s in worker["busy"] if s.student != message["student"]]
            done(message)
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
    stdin.write(json.dumps({"student": submission.student, "path": os.fspath(submission.path)}) + "\n")
    stdin.flush()


def brief(result):
    """What a worker sends back for a graded submission (the full result is on disk)."""
    if "bugs" in result:
        return {"student": result["student"], "bugs": result["bugs"]}
    return {"student": result["extra_data"]["student"], "score": result["score"],
            "extra_data": result["extra_data"], "tests": result["tests"], "output": result["output"]}


# ----- a Dask cluster -----

def grade_chunk(config, assignment_id, items, out_dir, isolation, lang):
    """A Dask task: grade a few submissions with one sandbox on this worker; return briefs.
    The worker needs the repository at the same path and the submissions and output
    folder on a shared filesystem."""
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
    submissions = [Submission(student, Path(path)) for student, path in items]
    grade_stream(course, assignment, submissions, out_dir=Path(out_dir), isolation=isolation,
                 lang=lang, slot=slot, on_done=lambda result: answers.append(brief(result)))
    return answers


def _grade_with_dask(course, assignment, submissions, out_dir, isolation, lang, scheduler, done):
    from dask.distributed import Client, as_completed
    failures = []
    with Client(scheduler) as client:
        futures = []
        for start in range(0, len(submissions), DASK_CHUNK):
            items = [(s.student, os.path.abspath(s.path)) for s in submissions[start:start + DASK_CHUNK]]
            futures.append(client.submit(grade_chunk, str(course.path), assignment.id, items,
                                         os.path.abspath(out_dir), isolation, lang, pure=False))
        for future in as_completed(futures):
            try:
                answers = future.result()
            except (GraderBug, WorkerFailed) as error:
                failures.append(str(error))
                continue
            for answer in answers:
                done(answer)
    return failures
