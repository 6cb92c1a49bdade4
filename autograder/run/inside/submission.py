"""The process tree that runs one submission, inside its own namespaces.

    init (PID 1 of the submission's PID namespace: reaps, never runs student code)
     └─ loader     runs the submission's cells one by one, as the trusted side sends them
         └─ snapshot   forked once loading is done; the loader (and any thread the
             │         student started) exits.  Holds the loaded namespace, forks:
             └─ question   one per question a check asks: calls the student's code
                           through a probe, returns plain data, exits.

Every question starts from the same loaded state, so one check cannot disturb the
next, and a question that crashes, hangs or kills its parent costs only itself.
"""
import builtins
import os
import select
import signal
import sys
import time

if __package__:                     # imported by the trusted side (for error_info)
    from . import codec, jail, probing
else:                               # running inside the sandbox, as top-level modules
    import codec
    import jail
    import probing

SUBMISSION_PREFIX = codec.SUBMISSION_PREFIX
_exit = os._exit


class OutputLimitExceeded(BaseException):
    """Raised from print() when a cell has printed more than the course allows."""


class CappedWriter:
    """sys.stdout / sys.stderr for student code: keeps nothing, stops a flood."""

    def __init__(self, limit_bytes):
        self.left = limit_bytes

    def write(self, text):
        self.left -= len(text)
        if self.left < 0:
            raise OutputLimitExceeded("output limit exceeded")
        return len(text)

    def flush(self):
        pass

    def isatty(self):
        return False


def error_info(exc, sources):
    """Type, message and the student's own line where the exception came from."""
    student_frame = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(SUBMISSION_PREFIX):
            student_frame = tb
        tb = tb.tb_next
    info = {"type": type(exc).__name__, "message": _safe_str(exc)}
    if isinstance(exc, SyntaxError) and exc.filename in sources:
        info.update(where=exc.filename, line=exc.lineno or 0, text=(exc.text or "").strip())
    elif student_frame is not None:
        filename = student_frame.tb_frame.f_code.co_filename
        lineno = student_frame.tb_lineno
        lines = sources.get(filename, "").splitlines()
        text = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
        info.update(where=filename, line=lineno, text=text)
    return info


def _safe_str(exc):
    try:
        text = str(exc)
    except BaseException:          # a student's __str__ may raise anything
        text = "(message could not be shown)"
    return text[:500] if isinstance(text, str) else "(message could not be shown)"


def new_namespace():
    return {"__name__": "__main__", "__builtins__": builtins, "display": lambda *a, **k: None}


def serve_submission(sock, limits, probes, in_own_pid_namespace):
    """Entry point of init: fork the loader, then reap until killed."""
    os.setsid()
    loader = os.fork()
    if loader == 0:
        _run_loader(sock, limits, probes, in_own_pid_namespace)
    sock.close()
    while True:                                   # PID 1's duty: reap every orphan
        try:
            os.wait()
        except ChildProcessError:
            if not in_own_pid_namespace:
                _exit(0)
            time.sleep(3600)
        except InterruptedError:
            pass


def _run_loader(sock, limits, probes, in_own_pid_namespace):
    namespace = new_namespace()
    sources = {}
    output_limit = int(limits["output_kb"]) * 1024
    while True:
        try:
            request = codec.receive(sock)
        except (EOFError, OSError, codec.ProtocolError):
            _exit(0)
        if request["op"] == "exec":
            sources[request["filename"]] = request["code"]
            sys.stdout = sys.stderr = CappedWriter(output_limit)
            try:
                exec(compile(request["code"], request["filename"], "exec"), namespace)
                reply = {"ok": True}
            except BaseException as exc:      # SystemExit and KeyboardInterrupt included
                reply = {"error": error_info(exc, sources)}
            sys.stdout = sys.stderr = CappedWriter(0)
            codec.send(sock, reply)
        elif request["op"] == "snapshot":
            if os.fork() == 0:
                _run_snapshot(sock, namespace, sources, limits, probes, in_own_pid_namespace)
            _exit(0)                          # takes every thread the student started with it


def _run_snapshot(sock, namespace, sources, limits, probes, in_own_pid_namespace):
    jail.reset_signals()
    sys.settrace(None)
    sys.setprofile(None)
    import gc
    gc.disable()                              # no student __del__ runs here
    codec.send(sock, {"ok": True})
    while True:
        try:
            request = codec.receive(sock)
        except (EOFError, OSError, codec.ProtocolError):
            _exit(0)
        reply = _answer(request, namespace, sources, limits, probes)
        if isinstance(reply, bytes):
            codec.send_raw(sock, reply)
        else:
            codec.send(sock, reply)
        if in_own_pid_namespace:
            try:
                os.kill(-1, signal.SIGKILL)   # whatever the question left running; spares us and PID 1
            except ProcessLookupError:
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass
        except ChildProcessError:
            pass


def _answer(request, namespace, sources, limits, probes):
    """Fork a question process for one request; relay its reply or say how it ended."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        _run_question(write_end, request, namespace, sources, limits, probes)
    os.close(write_end)
    deadline = time.monotonic() + float(request.get("seconds", limits["check_seconds"]))
    chunks, size, timed_out = [], 0, False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([read_end], [], [], left)
        if not ready:
            continue
        chunk = os.read(read_end, 1 << 16)
        if not chunk:
            break
        size += len(chunk)
        if size > codec.MAX_FRAME:
            break
        chunks.append(chunk)
    os.close(read_end)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if timed_out:
        return {"error": {"type": "timeout", "message": ""}}
    if status == 0 and size <= codec.MAX_FRAME:
        return b"".join(chunks)             # the question's own reply, relayed unread
    if os.WIFSIGNALED(status):
        how = f"killed by signal {signal.Signals(os.WTERMSIG(status)).name}"
    else:
        how = f"exited with status {os.WEXITSTATUS(status)}"
    return {"error": {"type": "process_ended", "message": how}}


def _run_question(write_end, request, namespace, sources, limits, probes):
    sys.stdout = sys.stderr = CappedWriter(int(limits["output_kb"]) * 1024)
    try:
        probe = getattr(probes, request["probe"])
        kwargs = {k: codec.decode(v) for k, v in request["kwargs"].items()}
        reply = {"value": codec.encode(probe(namespace, **kwargs))}
    except probing.Missing as missing:
        reply = {"error": {"type": "missing", "message": str(missing)}}
    except BaseException as exc:
        reply = {"error": error_info(exc, sources)}
    try:
        body = codec.dumps(reply)
    except BaseException as exc:
        body = codec.dumps({"error": {"type": "unsendable", "message": _safe_str(exc)}})
    view = memoryview(body)
    while view:
        written = os.write(write_end, view)
        view = view[written:]
    _exit(0)

