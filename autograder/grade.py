"""The pipeline, end to end: submissions are loaded, run isolated, checked, reported.

``grade_stream`` is one worker: one warm sandbox, one pytest session, any number of
submissions, each written out as soon as it is graded.  ``grade`` spreads a batch
over ``jobs`` such workers (separate processes, each with its own sandbox and uid).
"""
import json
import os
import selectors
import subprocess
import sys
import time

from . import report
from .check import GraderBug, run_checks
from .load import NotGradable, load
from .run import Sandbox, Student, StudentError
from .run.sandbox import WorkerFailed


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
            self.digest = str(reason)
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
                 on_done=lambda result: None, public_only=False):
    """Grade ``submissions`` (an iterable, consumed lazily) in one worker.

    ``on_done`` receives each result dict (or {"student":..., "bugs": [...]} when a
    grader broke); results are written to ``out_dir`` unless it is None."""
    sandbox = Sandbox(assignment.probes, course.limits, mode=isolation, slot=slot)
    try:
        jobs = (Job(submission, sandbox, course.limits) for submission in submissions)

        def on_result(job, outcome):
            student = job.submission.student
            if outcome.bugs:
                on_done({"student": student, "bugs": outcome.bugs})
                return
            result = report.results(student, assignment, outcome, isolation=sandbox.mode, lang=lang,
                                    hidden_visibility=course.hidden_visibility,
                                    seconds=time.monotonic() - job.started)
            if out_dir is not None:
                report.write_submission(out_dir, result)
            on_done(result)

        run_checks(assignment.graders, assignment.points, jobs, on_result, public_only=public_only)
    finally:
        sandbox.close()


def grade(course, assignment, submissions, *, out_dir, jobs, isolation, lang, on_done):
    """Grade a batch with ``jobs`` workers; returns the grader failures (empty when all went well)."""
    failures = []

    def done(result):
        if "bugs" in result:
            failures.append(f"{result['student']}: grader failed: "
                            + "; ".join(f"{cid}: {text}" for cid, text in result["bugs"]))
        else:
            on_done(result)

    if jobs <= 1 or len(submissions) <= 1:
        try:
            grade_stream(course, assignment, submissions, out_dir=out_dir, isolation=isolation,
                         lang=lang, on_done=done)
        except (GraderBug, WorkerFailed) as error:
            failures.append(str(error))
        return failures
    return failures + _grade_in_workers(course, assignment, submissions, out_dir, jobs, isolation, lang, done)


def _grade_in_workers(course, assignment, submissions, out_dir, jobs, isolation, lang, done):
    """Each worker reads submissions one JSON line at a time and answers one line each."""
    failures = []
    queue = iter(submissions)
    selector = selectors.DefaultSelector()
    workers = []
    for slot in range(min(jobs, len(submissions))):
        settings = {"config": str(course.path), "assignment": assignment.id, "out": str(out_dir),
                    "isolation": isolation, "lang": lang, "slot": slot}
        process = subprocess.Popen([sys.executable, "-m", "autograder.worker", json.dumps(settings)],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                   encoding="utf-8", bufsize=1)
        worker = {"process": process, "busy": []}
        workers.append(worker)
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
