"""What a check talks to: a submission loaded in its sandbox (``Student``), or functions
living in this process (``InProcessStudent``, for notebook kernels).  See run/__init__.py."""
import collections
import contextlib
import importlib.util
import json
import signal
import sys
import threading
import time
from pathlib import Path

from ..escape import plain
from . import forgery
from .inside import codec
from .sandbox import Ended, TimedOut

INSIDE = Path(__file__).parent / "inside"


class StudentError(Exception):
    """The student's code gave no answer.  ``code`` is a diagnosis code, ``detail`` plain data."""

    def __init__(self, code, **detail):
        super().__init__(code, detail)
        self.code, self.detail = code, detail


_ERROR_CODES = {
    "missing": "missing_function",
    "NotImplementedError": "not_implemented",
    "timeout": "timeout",
    "OutputLimitExceeded": "output_limit",
    "MemoryError": "memory_limit",
}


# What an error report from the student's process may say, and how long each text may be.
ERROR_FIELDS = {"type": 100, "message": 500, "where": 200, "text": 300, "function": 200}


def student_error(info):
    """The StudentError for an error report coming back from the student's process: only
    the fields an error report has, as plain text (it may be forged: it is data)."""
    if not isinstance(info, dict):
        return StudentError("crashed", type="protocol", message="answered out of turn")
    detail = {key: plain(info[key])[:size] for key, size in ERROR_FIELDS.items()
              if isinstance(info.get(key), (str, int, float))}
    line = info.get("line")
    if isinstance(line, int) and not isinstance(line, bool):
        detail["line"] = line
    return StudentError(_ERROR_CODES.get(detail.get("type"), "crashed"), **detail)


def encode_kwargs(kwargs):
    return {name: codec.encode(value) for name, value in kwargs.items()}


def _parse(body):
    """A reply frame's body -> dict, or None when it is not a message."""
    try:
        message = codec.decode_message(body)
    except Exception:                # ProtocolError, or any other way a forged frame can be wrong
        return None
    return message if isinstance(message, dict) else None


FORGED = StudentError("crashed", type="TamperedReply",
                      message="the answer did not come from the question asked")


# The loader stops a cell itself at cell_seconds and says where it was stuck (see
# inside/timeouts.py); only a cell that outlasts that by this much is killed from here.
KILL_MARGIN_SECONDS = 2.0


class Student:
    """A submission loaded in its sandbox, ready to be asked questions.

    Time is bounded per cell (cell_seconds), per question (check_seconds) and for the
    whole submission (submission_seconds, loading included): once it is used up, every
    further question fails at once with a timeout."""

    def __init__(self, sandbox, loaded, limits):
        self.sandbox, self.loaded, self.limits = sandbox, loaded, limits
        self.unit_problems = {}          # unit index -> error info (reported once)
        self.fatal = set()               # units skipped on reload: they ended the process
        self.process = None
        self.deadline = time.monotonic() + float(limits["submission_seconds"])
        self.asked = collections.deque(maxlen=8)   # (probe, kwargs, value): see forged()
        self.cells = {unit.filename: unit.cell for unit in loaded.units if unit.cell}

    def _seconds(self, limit):
        left = min(float(limit), self.deadline - time.monotonic())
        if left <= 0:
            raise StudentError("timeout", type="timeout", message="the submission used up its time",
                               seconds=float(self.limits["submission_seconds"]))
        return left

    # ----- loading -----
    def load(self):
        """Run the cells; a cell that ends the process is skipped on the next attempt."""
        while True:
            skipped = len(self.fatal)
            if self._reload():
                return
            if len(self.fatal) == skipped:       # nothing left to skip: it dies after loading
                raise StudentError("crashed", type="process_ended",
                                   message="the submission kept ending its own process")

    def _reload(self):
        self.process = self.sandbox.open()
        units = [(index, unit) for index, unit in enumerate(self.loaded.units) if index not in self.fatal]
        for batch in _batches(units):
            cells = [{"code": unit.code, "filename": unit.filename, "line": unit.line} for _, unit in batch]
            try:
                self.process.send({"op": "exec", "cells": cells}, self._seconds(self.limits["cell_seconds"]))
            except (TimedOut, Ended):
                return self._unit_failed(batch[0][0], {"type": "process_ended", "message": "ended the process"})
            for index, _ in batch:            # each cell has cell_seconds from the reply before
                limit = float(self.limits["cell_seconds"])
                seconds = self._seconds(limit + KILL_MARGIN_SECONDS)
                try:
                    body = self.process.receive(seconds)
                except TimedOut:
                    shown = min(seconds, limit)
                    return self._unit_failed(index, {"type": "timeout", "message": f"did not finish in {shown:g} s"})
                except Ended:
                    return self._unit_failed(index, {"type": "process_ended", "message": "ended the process"})
                reply = _parse(body)
                if reply is None:
                    return self._unit_failed(index, {"type": "protocol", "message": "answered out of turn"})
                if "error" in reply:
                    self.unit_problems.setdefault(index, student_error(reply["error"]).detail)
        try:
            body = self.process.request({"op": "snapshot"}, self._seconds(self.limits["cell_seconds"]))
        except (TimedOut, Ended):
            return False
        if _parse(body) != {"ok": True}:
            self.process.kill()
            return False
        return True

    def _unit_failed(self, index, info):
        self.process.kill()
        self.fatal.add(index)
        self.unit_problems.setdefault(index, info)
        return False

    def problems(self):
        """[(label, error info)] for every cell or statement that did not run cleanly."""
        return [(self.loaded.units[i].label, info) for i, info in sorted(self.unit_problems.items())]

    # ----- questions -----
    def ask(self, probe, *, seconds=None, **kwargs):
        seconds = self._seconds(seconds or self.limits["check_seconds"])
        if self.process is None or not self.process.alive:
            if not self._reload():
                raise StudentError("crashed", type="process_ended", message="could not be reloaded")
            seconds = self._seconds(seconds)
        sent = encode_kwargs(kwargs)
        request = {"op": "ask", "probe": probe, "kwargs": sent, "seconds": seconds}
        try:
            body = self.process.request(request, seconds + 5.0)
        except TimedOut:
            raise StudentError("timeout", type="timeout", message=f"no answer in {seconds:g} s",
                               seconds=seconds) from None
        except Ended as ended:
            raise StudentError("crashed", type="process_ended", message=str(ended)) from None
        try:
            value = self._answer(body)
        except StudentError as error:
            if error.code == "timeout":            # the message names the limit it ran into
                error.detail["seconds"] = seconds
            raise
        except Exception as error:          # reading a reply is pure data handling: any failure is theirs
            raise StudentError("crashed", type="protocol", message=plain(f"{type(error).__name__}: {error}")[:200]) \
                from None
        self.asked.append((probe, sent, value))
        return value

    def _answer(self, body):
        """The value a reply frame holds, or its StudentError."""
        reply = _parse(body)
        if reply is None or len(reply) != 1 or not ("value" in reply or "error" in reply):
            raise StudentError("crashed", type="protocol", message="answered with something that is not an answer")
        if "error" in reply:
            error = student_error(reply["error"])
            cell = self.cells.get(error.detail.get("where"))
            if cell:
                error.detail["cell"] = cell
            raise error
        return codec.decode(reply["value"])

    def forged(self):
        """FORGED when a recent answer has a shape its probe could not have given (so a
        check that broke on it was tricked, not wrong), else None."""
        probes = import_probes(self.sandbox.probes_file)
        asked = [(p, {k: codec.decode(v) for k, v in kw.items()}, value) for p, kw, value in self.asked]
        return FORGED if forgery.forged(probes, asked) else None

    def close(self):
        if self.process is not None and self.process.alive:
            self.process.kill()


BATCH_BYTES = 1 << 20      # cells sent to the loader at once: one round trip per batch, not per cell


def _batches(units):
    """[(index, unit)] cut into runs of at most BATCH_BYTES of code (a larger unit alone)."""
    batch, size = [], 0
    for item in units:
        if batch and size + len(item[1].code) > BATCH_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(item)
        size += len(item[1].code)
    if batch:
        yield batch


def import_probes(probes_file):
    """The assignment's probes module, imported in this process (for in-kernel use)."""
    if str(INSIDE) not in sys.path:
        sys.path.insert(0, str(INSIDE))
    name = "_autograder_probes_" + Path(probes_file).parent.name
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, probes_file)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module
    return sys.modules[name]


class OutOfTime(BaseException):
    """Raised into the student's code when its time is up: not an Exception, so that the
    student's own ``except Exception`` cannot swallow it."""


AGAIN_SECONDS = 0.05     # the timer fires again this often, should the student's code swallow one


@contextlib.contextmanager
def time_limit(seconds):
    """Raise OutOfTime in this thread once ``seconds`` of wall time have passed.

    A SIGALRM timer, so it needs signal.setitimer and the main thread, which is where
    Jupyter kernels run cells.  Where there is neither (Windows; a thread) the block runs
    without a limit: the student can still interrupt the kernel.  The signal handler is
    restored afterwards."""
    if not seconds or not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise OutOfTime

    def disarm():
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

    previous = signal.signal(signal.SIGALRM, expire)
    try:
        signal.setitimer(signal.ITIMER_REAL, float(seconds), AGAIN_SECONDS)
        yield
    finally:
        try:
            disarm()
        except OutOfTime:            # it fired on the way out: the next firing is AGAIN_SECONDS away
            disarm()
            raise


class InProcessStudent:
    """The same questions, asked of functions living in this process (a notebook kernel).

    Not isolated: this is what the notebook's self-check and nbgrader's test cells use,
    where the student's code already runs in the kernel.  Values still make the round
    trip through the codec, so the checks see exactly what they see from a sandbox.
    Each question has ``seconds`` (see time_limit; None: no limit).
    """

    def __init__(self, namespace, probes_file, seconds=None):
        self.namespace, self.seconds = namespace, seconds
        self.probes = import_probes(probes_file)

    def problems(self):
        return []

    def ask(self, probe, *, seconds=None, **kwargs):
        import probing
        from .inside.errors import error_info
        kwargs = {k: codec.decode(json.loads(json.dumps(v))) for k, v in encode_kwargs(kwargs).items()}
        seconds = seconds or self.seconds
        try:
            with time_limit(seconds):
                try:
                    value = getattr(self.probes, probe)(self.namespace, **kwargs)
                except probing.Missing as missing:
                    raise StudentError("missing_function", type="missing", message=str(missing)) from None
                except Exception as exc:
                    raise student_error(error_info(exc, {})) from None
        except OutOfTime:
            raise StudentError("timeout", type="timeout", message=f"no answer in {seconds:g} s",
                               seconds=float(seconds)) from None
        return codec.decode(json.loads(codec.dumps(codec.encode(value))))

    def close(self):
        pass
