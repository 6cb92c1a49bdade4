"""Stage 2 — run: the submission's code runs isolated; checks ask it questions.

``Student`` is what a check sees: ``student.ask("diff", f="square", x=2.0)`` runs the
probe ``diff`` against the loaded submission, in its sandbox, and returns plain data.
When the student's code does not answer, ``ask`` raises ``StudentError`` whose
``code`` is the diagnosis (not_implemented, crashed, timeout, ...).

``InProcessStudent`` has the same interface for code already running in a notebook
kernel (the notebook's own self-check and nbgrader's test cells).
"""
import importlib.util
import json
import sys
import time
from pathlib import Path

from .inside import codec
from .sandbox import Ended, Sandbox, TimedOut  # noqa: F401  (re-exported)

INSIDE = Path(__file__).parent / "inside"
MAX_RESTARTS = 8          # a submission that keeps ending its own process stops being retried


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


def student_error(info):
    """The StudentError for an error report coming back from the student's process."""
    code = _ERROR_CODES.get(info.get("type"), "crashed")
    return StudentError(code, **info)


def encode_kwargs(kwargs):
    return {name: codec.encode(value) for name, value in kwargs.items()}


class Student:
    """A submission loaded in its sandbox, ready to be asked questions."""

    def __init__(self, sandbox, loaded, limits):
        self.sandbox, self.loaded, self.limits = sandbox, loaded, limits
        self.unit_problems = {}          # unit index -> error info (reported once)
        self.fatal = set()               # units skipped on reload: they ended the process
        self.process = None
        self.restarts = 0
        self.deadline = time.monotonic() + float(limits["submission_seconds"])

    # ----- loading -----
    def load(self):
        while self.restarts <= MAX_RESTARTS:
            self.process = self.sandbox.open()
            if self._run_units():
                return
            self.restarts += 1
        raise StudentError("crashed", type="restarts", message="the submission kept ending its own process")

    def _run_units(self):
        seconds = float(self.limits["cell_seconds"])
        for index, unit in enumerate(self.loaded.units):
            if index in self.fatal:
                continue
            try:
                reply = self.process.request(
                    {"op": "exec", "code": unit.code, "filename": unit.filename}, seconds)
            except TimedOut:
                self._unit_failed(index, {"type": "timeout", "message": f"did not finish in {seconds:g} s"})
                return False
            except Ended:
                self._unit_failed(index, {"type": "process_ended", "message": "ended the process"})
                return False
            if "error" in reply:
                self.unit_problems.setdefault(index, reply["error"])
        try:
            self.process.request({"op": "snapshot"}, seconds)
        except (TimedOut, Ended):
            return False
        return True

    def _unit_failed(self, index, info):
        self.fatal.add(index)
        self.unit_problems.setdefault(index, info)

    def problems(self):
        """[(label, error info)] for every cell or statement that did not run cleanly."""
        return [(self.loaded.units[i].label, info) for i, info in sorted(self.unit_problems.items())]

    # ----- questions -----
    def ask(self, probe, *, seconds=None, **kwargs):
        seconds = float(seconds or self.limits["check_seconds"])
        if time.monotonic() > self.deadline:
            raise StudentError("timeout", type="timeout", message="the submission used up its time")
        if self.process is None or not self.process.alive:
            self.restarts += 1
            if self.restarts > MAX_RESTARTS:
                raise StudentError("crashed", type="restarts", message="the submission kept ending its own process")
            self.process = self.sandbox.open()
            if not self._run_units():
                raise StudentError("crashed", type="process_ended", message="could not be reloaded")
        request = {"op": "ask", "probe": probe, "kwargs": encode_kwargs(kwargs), "seconds": seconds}
        try:
            reply = self.process.request(request, seconds + 5.0)
        except TimedOut:
            raise StudentError("timeout", type="timeout", message=f"no answer in {seconds:g} s") from None
        except Ended as ended:
            raise StudentError("crashed", type="process_ended", message=str(ended)) from None
        if not isinstance(reply, dict) or not ("value" in reply or "error" in reply):
            raise StudentError("crashed", type="protocol", message="answered out of turn")
        if "error" in reply:
            raise student_error(reply["error"])
        try:
            return codec.decode(reply["value"])
        except (codec.ProtocolError, ValueError, TypeError) as error:
            raise StudentError("crashed", type="protocol", message=str(error)) from None

    def close(self):
        if self.process is not None and self.process.alive:
            self.process.kill()


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


class InProcessStudent:
    """The same questions, asked of functions living in this process (a notebook kernel).

    Not isolated: this is what the notebook's self-check and nbgrader's test cells use,
    where the student's code already runs in the kernel.  Values still make the round
    trip through the codec, so the checks see exactly what they see from a sandbox.
    """

    def __init__(self, namespace, probes_file):
        self.namespace = namespace
        self.probes = import_probes(probes_file)

    def problems(self):
        return []

    def ask(self, probe, *, seconds=None, **kwargs):
        import probing
        from .inside.submission import error_info
        kwargs = {k: codec.decode(json.loads(json.dumps(v))) for k, v in encode_kwargs(kwargs).items()}
        try:
            value = getattr(self.probes, probe)(self.namespace, **kwargs)
        except probing.Missing as missing:
            raise StudentError("missing_function", type="missing", message=str(missing)) from None
        except Exception as exc:
            raise student_error(error_info(exc, {})) from None
        return codec.decode(json.loads(codec.dumps(codec.encode(value))))

    def close(self):
        pass
