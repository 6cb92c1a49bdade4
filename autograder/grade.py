"""The pipeline for one worker: each submission is loaded, run isolated, judged, written.

``grade_stream`` is one worker: one warm sandbox, one pytest session, any number of
submissions, each written out as soon as it is graded and handed to ``on_done`` once,
so memory stays flat however large the class.  How a batch is spread over workers
(local processes, a Dask cluster) is executors.py; what happens once a batch is graded
(grades.csv, overrides, the class report) is finish.py.
"""
import time

from . import results
from .judge import judge
from .load import NotGradable, file_digest, load
from .results import GradedSubmission, GraderFailure
from .run import Sandbox, Student, StudentError


class Job:
    """One submission on its way through the pipeline (judge.Job)."""

    def __init__(self, submission, sandbox, limits):
        self.submission, self.sandbox, self.limits = submission, sandbox, limits
        self.digest = ""
        self.started = time.monotonic()

    def open(self):
        self.started = time.monotonic()
        if self.submission.problem:
            raise StudentError("not_gradable", type="NotGradable", message=self.submission.problem)
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
                 on_done=lambda graded: None, public_only=False, sandbox=None):
    """Grade ``submissions`` (an iterable, consumed lazily) in one worker.

    ``on_done`` receives a GradedSubmission for each (or a GraderFailure when a check
    broke); each is written to ``out_dir`` unless it is None.  ``sandbox``: one already
    started (and now ours to close), else one is started here."""
    sandbox = sandbox or Sandbox(assignment.probes, course.limits, mode=isolation, slot=slot)
    try:
        jobs = (Job(submission, sandbox, course.limits) for submission in submissions)

        def on_outcome(job, outcome):
            student = job.submission.student
            if outcome.bugs:
                on_done(GraderFailure(student, tuple(outcome.bugs)))
                return
            graded = GradedSubmission(student, assignment.id, outcome.checks, outcome.load_problems,
                                      isolation=sandbox.mode, write_protection=sandbox.write_protection, lang=lang, seconds=time.monotonic() - job.started,
                                      digest=job.digest, hidden_visibility=course.hidden_visibility,
                                      timestamp=job.submission.timestamp)
            if out_dir is not None:
                results.write(out_dir, graded)
            on_done(graded)

        judge(assignment, jobs, on_outcome, lang=lang, public_only=public_only)
    finally:
        sandbox.close()


def pending(submissions, out_dir, assignment_id):
    """--resume: the submissions whose results are missing or stale (the file changed)."""
    return [s for s in submissions
            if not results.is_current(out_dir, s.student, assignment_id, file_digest(s.path), s.timestamp)]
