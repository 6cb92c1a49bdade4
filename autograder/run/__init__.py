"""Stage 2 — run: the submission's code runs isolated; checks ask it questions.

``Student`` is what a check sees: ``student.ask("diff", f="square", x=2.0)`` runs the
probe ``diff`` against the loaded submission, in its sandbox, and returns plain data.
When the student's code does not answer, ``ask`` raises ``StudentError`` whose
``code`` is the diagnosis (not_implemented, crashed, timeout, ...).

``InProcessStudent`` has the same interface for code already running in a notebook
kernel (the notebook's own self-check and nbgrader's test cells).
"""
from .sandbox import Ended, Sandbox, TimedOut  # noqa: F401

_STUDENT = {"Student", "StudentError", "InProcessStudent", "student_error", "encode_kwargs",
            "import_probes", "FORGED", "INSIDE", "_ERROR_CODES"}


def __getattr__(name):
    """``Student`` and the rest of run/student.py need numpy, so they load on first use:
    ``Sandbox`` can then start the sandbox while numpy and pytest are still loading
    (most of the self-check's start-up)."""
    if name in _STUDENT:
        from . import student
        return getattr(student, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
