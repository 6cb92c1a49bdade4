"""The process tree that runs one submission, inside namespaces of its own (where the
kernel allows: see jail.py; without them the same tree runs, with the uid and the
seccomp filters as the walls).

    init (PID 1 of the submission's PID namespace: reaps; ends with the last of its
     │    processes, and takes any that are left with it)
     └─ loader     runs the submission's cells one by one, as the trusted side sends them
         └─ snapshot   forked once loading is done, after every other process the cells
             │         started is killed, as PID 1 of a PID namespace of its own; the
             │         loader (and any thread the student started) exits.
             │         Holds the loaded namespace, forks:
             └─ question   one per question a check asks: calls the student's code
                           through a probe, writes plain data to a pipe, is killed.

Every question starts from the same loaded state, so one check cannot disturb the
next.  A question cannot signal the snapshot (PID 1 of its namespace, and fenced off by
seccomp) nor reach the trusted side (it holds only its own pipe): whatever it does
costs only its own answer.  Time: the trusted side bounds each request; the snapshot
bounds each question's wall time and the whole submission's CPU time.
"""
import builtins
import os
import select
import signal
import sys
import time

if __package__:                     # imported by the trusted side (for error_info)
    from . import codec, jail, probing, seccomp
else:                               # running inside the sandbox, as top-level modules
    import codec
    import jail
    import probing
    import seccomp

SUBMISSION_PREFIX = codec.SUBMISSION_PREFIX
_exit = os._exit
_BUILTINS = dict(builtins.__dict__)  # as they were before any student code ran


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
    info = {"type": _safe_name(exc), "message": _safe_str(exc)}
    if isinstance(exc, SyntaxError) and exc.filename in sources:
        info.update(where=exc.filename, line=exc.lineno or 0, text=(exc.text or "").strip())
    elif student_frame is not None:
        filename = student_frame.tb_frame.f_code.co_filename
        lineno = student_frame.tb_lineno
        lines = sources.get(filename, "").splitlines()
        text = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
        info.update(where=filename, line=lineno, text=text)
    return info


def _safe_name(exc):
    name = type(exc).__name__
    return name[:100] if isinstance(name, str) else "Exception"


def _safe_str(exc):
    try:
        text = str(exc)
    except BaseException:          # a student's __str__ may raise anything
        text = "(message could not be shown)"
    return text[:500] if isinstance(text, str) else "(message could not be shown)"


def new_namespace():
    return {"__name__": "__main__", "__builtins__": builtins, "display": lambda *a, **k: None}


def _fork(child, *args):
    """fork(); the child runs ``child(*args)`` and never returns into the parent's code."""
    pid = os.fork()
    if pid == 0:
        try:
            child(*args)
        finally:
            _exit(0)
    return pid


def _reap():
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


def serve_submission(sock, limits, probes, isolated, loader_uid=None):
    """Entry point of init: fork the loader, reap every orphan, end with the last of them.

    When init ends, so does its PID namespace: nothing of the submission survives it."""
    os.setsid()
    jail.become_subreaper()                       # without a PID namespace, orphans still come here
    _fork(_run_loader, sock, limits, probes, isolated, loader_uid)
    sock.close()
    while True:
        try:
            os.wait()
        except ChildProcessError:
            break
    if not isolated:
        os.killpg(0, signal.SIGKILL)
    _exit(0)


def _run_loader(sock, limits, probes, isolated, uid=None):
    if uid is not None:                       # no namespaces: init keeps its uid, out of reach
        jail.drop_to(uid)
    os.setpgid(0, 0)                          # what the cells fork joins this group (see _clear_cells)
    cells = os.getpgrp()
    namespace = new_namespace()
    sources = {}
    output_limit = int(limits["output_kb"]) * 1024
    while True:
        try:
            request = codec.receive(sock)
        except (EOFError, OSError, codec.ProtocolError):
            return
        if request["op"] == "exec":
            sources[request["filename"]] = request["code"]
            sys.stdout = sys.stderr = CappedWriter(output_limit)
            try:
                exec(compile(request["code"], request["filename"], "exec"), namespace)
                reply = {"ok": True}
            except BaseException as exc:      # SystemExit and KeyboardInterrupt included
                reply = {"error": error_info(exc, sources)}
            sys.stdout = sys.stderr = CappedWriter(0)
            _restore_builtins()
            codec.send(sock, reply)
        elif request["op"] == "snapshot":
            import resource
            used = jail.cpu_seconds_used(resource.getrusage(resource.RUSAGE_SELF))
            budget = float(limits["submission_cpu_seconds"]) - used
            for _ in range(10):               # the cells' processes may hold every process slot
                _clear_cells(isolated, cells)
                try:
                    _fork(_make_snapshot, sock, namespace, sources, limits, probes, budget, isolated, cells)
                    break
                except BlockingIOError:
                    time.sleep(0.01)
            return                            # takes every thread the student started with it


def _make_snapshot(sock, namespace, sources, limits, probes, cpu_left, isolated, cells):
    """A single-threaded copy of the loader: kill whatever the cells left running (and
    undo what their threads did to the builtins), then start the snapshot as PID 1 of a
    PID namespace of its own."""
    _clear_cells(isolated, cells)
    if isolated and not jail.new_pid_namespace():
        return
    _restore_builtins()
    _fork(_run_snapshot, sock, namespace, sources, limits, probes, cpu_left, isolated)


def _restore_builtins():
    """Undo what a cell did to the builtins module (``builtins.abs = ...``): the code
    that talks to the trusted side uses them.  Names a cell binds itself stay its own."""
    table = builtins.__dict__
    table.update(_BUILTINS)
    for name in [name for name in table if name not in _BUILTINS]:
        del table[name]


def _clear_cells(isolated, cells):
    """Kill every process the cells started (the loader's own threads end with it).  In our
    own PID namespace: all but init and us, by kill(-1).  Without one: the loader's
    process group ``cells``, after stepping out of it into init's.  Repeated until none is
    left: a process forked meanwhile is caught by the next round; we reap our children,
    init the rest."""
    if not isolated and os.getpgrp() == cells:
        os.setpgid(0, os.getpgid(os.getppid()))
    for _ in range(2000):
        try:
            if isolated:
                os.kill(-1, signal.SIGKILL)
            else:
                os.killpg(cells, signal.SIGKILL)
        except ProcessLookupError:
            return
        _reap()
        time.sleep(0.0005)


def _run_snapshot(sock, namespace, sources, limits, probes, cpu_left, isolated):
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
            return
        if cpu_left <= 0:
            codec.send(sock, {"error": {"type": "timeout", "message": "used up its CPU time"}})
        else:
            cpu_left -= _answer(request, sock, namespace, sources, limits, probes, cpu_left, isolated)


def _answer(request, sock, namespace, sources, limits, probes, cpu_left, isolated):
    """Fork a question process for one request, send its reply (its own frame, relayed
    unread, or how it failed), clean up after it; return the CPU seconds it used."""
    read_end, write_end = os.pipe()
    pid = _fork(_question, read_end, write_end, sock, request, namespace, sources, limits, probes, cpu_left)
    os.close(write_end)
    seconds = float(request.get("seconds", limits["check_seconds"]))
    body, problem = _read_frame(read_end, time.monotonic() + seconds)
    os.close(read_end)
    if body is not None:
        codec.send_raw(sock, body)            # answer first: the clean-up overlaps the checking
    if body is not None or problem is not None:
        os.kill(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    _clear(pid, isolated)
    cpu = jail.cpu_seconds_used(usage)
    if body is None:
        codec.send(sock, {"error": problem or _how_it_ended(status, cpu, cpu_left)})
    return cpu


def _question(read_end, write_end, sock, request, namespace, sources, limits, probes, cpu_left):
    os.close(read_end)
    sock.close()                                      # the question speaks through its pipe only
    os.setpgid(0, 0)
    seccomp.fence_signals(os.getpid())                # it may signal itself and its own group only
    jail.limit_cpu(min(cpu_left, float(request.get("seconds", limits["check_seconds"])) + 1))
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
    if len(body) > codec.MAX_FRAME:
        body = codec.dumps({"error": {"type": "too_large", "message": f"{len(body)} bytes"}})
    frame = memoryview(codec.frame(body))
    while frame:
        frame = frame[os.write(write_end, frame):]


def _read_frame(fd, deadline):
    """(body, None) for one complete frame; (None, error) when too slow or too large;
    (None, None) when the writer ended first."""
    data = bytearray()
    need = 4
    while len(data) < need:
        left = deadline - time.monotonic()
        if left <= 0:
            return None, {"type": "timeout", "message": ""}
        if not select.select([fd], [], [], left)[0]:
            continue
        chunk = os.read(fd, min(need - len(data), 1 << 20))
        if not chunk:
            return None, None
        data += chunk
        if need == 4 and len(data) == 4:
            need += int.from_bytes(data, "big")
            if need - 4 > codec.MAX_FRAME:
                return None, {"type": "too_large", "message": f"{need - 4} bytes"}
    return bytes(data[4:]), None


def _how_it_ended(status, cpu, cpu_left):
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= cpu_left):
            return {"type": "timeout", "message": "used up its CPU time"}
        return {"type": "process_ended", "message": f"killed by signal {signal.Signals(sig).name}"}
    return {"type": "process_ended", "message": f"ended the process (exit status {os.WEXITSTATUS(status)})"}


def _clear(pid, isolated):
    """Kill whatever the question left running, and reap it.  We are PID 1 of the
    question's namespace, so nothing can hide; without namespaces, its process group."""
    if not isolated:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        _reap()
        return
    while True:
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            return
