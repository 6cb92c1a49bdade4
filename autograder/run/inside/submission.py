"""The process tree that runs one submission, inside namespaces of its own (where the
kernel allows: see jail.py; without them the same tree runs, with the uid and the
seccomp filters as the walls).

    init (PID 1 of the submission's PID namespace: reaps; ends with the last of its
     │    processes, and takes any that are left with it)
     └─ loader     runs the submission's cells one by one, as the trusted side sends them
         │         (in batches; a reply after each cell)
         └─ snapshot   forked once loading is done, after every other process the cells
             │         started is killed, as PID 1 of a PID namespace of its own; the
             │         loader (and any thread the student started) exits.
             │         Holds the loaded namespace, forks:
             └─ answerer   calls the student's code through a probe for each question,
                           writes plain data back; serves the next question only if
                           the last one ended with a value and left nothing behind.

Every question starts from the loaded state, or from an answerer that has only
returned values and is exactly as it was forked (same threads, children, timers,
signal handlers, builtins, limits); anything else is discarded and the next question
gets a fresh fork.  A fork costs a few milliseconds, a reused answerer a fraction of
one: that is most of what grading a submission costs.  An answerer cannot signal the
snapshot (PID 1 of its namespace, and fenced off by seccomp) nor reach the trusted side
(it holds only its own socket): whatever it does costs only its own answers.  Time:
the trusted side bounds each request; the snapshot bounds each question's wall time
and the whole submission's CPU time.
"""
import ast
import builtins
import operator
import os
import resource
import select
import signal
import socket
import sys
import time

import codec
import jail
import probing
import seccomp
from errors import error_info, raised_in, safe_str
from timeouts import CellTimedOut, CellTimer, Suspended, TimedOutEarlier, skipped_info, timeout_info

_exit = os._exit
VERDICT_SECONDS = 1.0                # an answerer that takes longer to look at itself is not reused
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
    """Entry point of init: fork the loader, reap every orphan, end with the last of them,
    or at once when the trusted side hangs up (its end of ``sock`` closed: it ended
    the submission, or it died, as on Ctrl-C), taking every process of the
    submission with it.

    When init ends, so does its PID namespace: nothing of the submission survives it."""
    os.setsid()
    jail.become_subreaper()                       # without a PID namespace, orphans still come here
    loader = _fork(_run_loader, sock, limits, probes, isolated, loader_uid)
    wake_r, wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_w)                  # a child's end wakes the poll below
    signal.signal(signal.SIGCHLD, lambda *_: None)
    watch = select.poll()
    watch.register(sock, select.POLLRDHUP)        # never POLLIN: the loader reads the frames
    watch.register(wake_r, select.POLLIN)
    while _children_left():
        events = dict(watch.poll())
        if events.get(sock.fileno(), 0) & (select.POLLRDHUP | select.POLLHUP | select.POLLERR):
            break
        try:
            while os.read(wake_r, 256):
                pass
        except BlockingIOError:
            pass
    if not isolated:                              # a PID namespace ends with its init; else:
        if loader_uid is not None:                # every process of the submission's own uid
            os.waitpid(_fork(_kill_uid, loader_uid), 0)
        for group in (loader, 0):
            try:
                os.killpg(group, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
    _exit(0)


def _children_left():
    """Reap what has ended; False once no child is left."""
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
        return True
    except ChildProcessError:
        return False


def _kill_uid(uid):
    jail.drop_to(uid)
    os.kill(-1, signal.SIGKILL)


def _run_loader(sock, limits, probes, isolated, uid=None):
    if uid is not None:                       # no namespaces: init keeps its uid, out of reach
        jail.drop_to(uid)
    os.setpgid(0, 0)                          # what the cells fork joins this group (see _clear_cells)
    cells = os.getpgrp()
    namespace = new_namespace()
    sources = {}
    output_limit = int(limits["output_kb"]) * 1024
    suspended = Suspended()                   # functions that timed out: see timeouts.py
    while True:
        try:
            request = codec.receive(sock)
        except (EOFError, OSError, codec.ProtocolError):
            return
        if request["op"] == "exec":           # cells in order, a reply after each
            for cell in request["cells"]:
                first = int(cell.get("line", 1))
                sources[cell["filename"]] = (first, cell["code"])
                sys.stdout = sys.stderr = CappedWriter(output_limit)
                try:
                    with CellTimer(limits["cell_seconds"]):
                        exec(compile_at(cell["code"], cell["filename"], first), namespace)
                    reply = {"ok": True}
                except CellTimedOut as timed_out:
                    reply = {"error": timeout_info(timed_out, limits["cell_seconds"], sources)}
                    suspended.suspend(namespace, timed_out.frame)
                except TimedOutEarlier as exc:
                    reply = {"error": skipped_info(exc, sources)}
                except BaseException as exc:  # SystemExit and KeyboardInterrupt included
                    reply = {"error": error_info(exc, sources)}
                    stub = raised_in(exc) if isinstance(exc, NotImplementedError) else None
                    if stub:
                        reply["error"]["function"] = stub      # the cell calls a function not written yet
                sys.stdout = sys.stderr = CappedWriter(0)
                _restore_builtins()
                codec.send(sock, reply)
        elif request["op"] == "snapshot":
            suspended.restore()               # the checks ask the real functions
            budget = float(limits["submission_cpu_seconds"]) - jail.cpu_used()
            for _ in range(10):               # the cells' processes may hold every process slot
                _clear_cells(isolated, cells)
                try:
                    _fork(_make_snapshot, sock, namespace, sources, limits, probes, budget, isolated, cells)
                    break
                except BlockingIOError:
                    time.sleep(0.01)
            return                            # takes every thread the student started with it


def compile_at(code, filename, first):
    """``code`` compiled with its line numbers counted from ``first`` (a script's statement
    keeps the file's line numbers, without padding it with empty lines)."""
    try:
        tree = ast.parse(code, filename)
    except SyntaxError as error:
        if error.lineno:
            error.lineno += first - 1
        raise
    ast.increment_lineno(tree, first - 1)
    return compile(tree, filename, "exec")


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
    state = _Questions(namespace, sources, limits, probes, cpu_left, isolated, sock)
    try:
        while True:
            try:
                request = codec.receive(sock)
            except (EOFError, OSError, codec.ProtocolError):
                return
            if state.cpu_left <= 0:
                codec.send(sock, {"error": {"type": "timeout", "message": "used up its CPU time"}})
            else:
                state.answer(request)
    finally:
        state.drop()


class _Questions:
    """The snapshot's side of the questions: one answerer at a time, forked on demand.

    An answerer serves question after question for as long as each ends with a value
    and leaves its process as it found it (see _Untouched).  Any other ending discards
    it, and the next question goes to a fresh fork.  A question that a *used* answerer
    fails to answer with a value (it raised, or the process ended) is asked again of a
    fresh one, whose answer stands: so a question never fails because of what an
    earlier one left behind.  Running out of time is the exception: not asked twice."""

    def __init__(self, namespace, sources, limits, probes, cpu_left, isolated, sock):
        self.namespace, self.sources, self.limits, self.probes = namespace, sources, limits, probes
        self.cpu_left, self.isolated, self.sock = cpu_left, isolated, sock
        self.answerer = None                  # (pid, socket, cpu budget it was given)

    def answer(self, request):
        seconds = float(request.get("seconds", self.limits["check_seconds"]))
        deadline = time.monotonic() + seconds
        while True:
            fresh = self.answerer is None
            if fresh:
                self._spawn()
            body, kind, problem = self._ask(request, deadline)
            if not fresh and (kind == b"e" or (body is None and problem is None)):
                self.drop()                   # raised or ended where it had answered before
                continue
            break
        if body is not None:
            codec.send_raw(self.sock, body)   # answer first: the rest overlaps the checking
        if kind == b"v" and self._still_as_forked():
            return
        status, cpu, budget = self.drop()
        if body is None:
            codec.send(self.sock, {"error": problem or _how_it_ended(status, cpu, budget)})

    def _still_as_forked(self):
        """The answerer's verdict on itself after a value (b"k": unchanged), sent once the
        answer is on its way; nothing else may follow it."""
        channel = self.answerer[1]
        verdict, _ = _read_bytes(channel.fileno(), 1, time.monotonic() + VERDICT_SECONDS)
        return verdict == b"k" and not _pending(channel)

    def _spawn(self):
        ours, theirs = socket.socketpair()
        budget = self.cpu_left
        pid = _fork(_serve_questions, theirs, ours, self.sock, self.namespace, self.sources,
                    self.limits, self.probes, budget)
        theirs.close()
        self.answerer = (pid, ours, budget)

    def _ask(self, request, deadline):
        """(body, kind, problem): the reply frame's body and the byte after it (b"v" a value,
        b"e" an error), or why none came."""
        _, channel, _ = self.answerer
        try:
            codec.send(channel, request)
        except OSError:
            return None, None, None           # it has ended
        body, problem = _read_frame(channel.fileno(), deadline)
        if body is None:
            return None, None, problem
        flag, _ = _read_bytes(channel.fileno(), 1, deadline)
        return body, flag, None

    def drop(self):
        """End the answerer and whatever it started: (wait status, CPU seconds it used,
        CPU seconds it was allowed)."""
        if self.answerer is None:
            return 0, 0.0, self.cpu_left
        pid, channel, budget = self.answerer
        self.answerer = None
        channel.close()
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        _, status, usage = os.wait4(pid, 0)
        _clear(pid, self.isolated)
        cpu = jail.cpu_seconds_used(usage)
        self.cpu_left -= cpu
        return status, cpu, budget


def _serve_questions(channel, other_end, sock, namespace, sources, limits, probes, cpu_budget):
    """The answerer: a question in; out, the reply frame and b"v" (a value) or b"e" (an
    error, and the answerer is done); after a value, once it is on its way, b"k" (still
    as forked: ready for the next question) or b"x" (changed: done)."""
    other_end.close()
    sock.close()                                      # it speaks through its own socket only
    os.setpgid(0, 0)
    jail.become_subreaper()                           # what its code starts stays its child
    seccomp.fence_signals(os.getpid())                # it may signal itself and its own group only
    jail.limit_cpu(cpu_budget + 1)
    output = sys.stdout = sys.stderr = CappedWriter(0)      # one writer: sys stays as it is
    untouched = _Untouched(channel, namespace)
    while True:
        try:
            request = codec.receive(channel)
        except (EOFError, OSError, codec.ProtocolError):
            return
        seconds = float(request.get("seconds", limits["check_seconds"]))
        jail.warn_cpu(min(cpu_budget, seconds + 1))
        output.left = int(limits["output_kb"]) * 1024
        reply = _reply(request, namespace, sources, probes)
        output.left = 0
        value = "value" in reply
        channel.sendall(codec.frame(_frame_body(reply)) + (b"v" if value else b"e"))
        if not value:
            return
        still = untouched.still()
        channel.sendall(b"k" if still else b"x")
        if not still:
            return


def _reply(request, namespace, sources, probes):
    try:
        probe = getattr(probes, request["probe"])
        kwargs = {k: codec.decode(v) for k, v in request["kwargs"].items()}
        return {"value": codec.encode(probe(namespace, **kwargs))}
    except probing.Missing as missing:
        return {"error": {"type": "missing", "message": str(missing)}}
    except BaseException as exc:
        return {"error": error_info(exc, sources)}


def _frame_body(reply):
    try:
        body = codec.dumps(reply)
    except BaseException as exc:
        body = codec.dumps({"error": {"type": "unsendable", "message": safe_str(exc)}})
    if len(body) > codec.MAX_FRAME:
        body = codec.dumps({"error": {"type": "too_large", "message": f"{len(body)} bytes"}})
    return body


class _Untouched:
    """What a question could leave behind that would change a later question's answer.

    Taken when the answerer starts; ``still()`` after each question that returned a
    value.  Compared: other threads, child processes (the answerer is their subreaper,
    so orphans count), timers, signal handlers and mask, tracing, the recursion limit,
    resource limits other than CPU, the working folder, the answer socket, which module
    each name in sys.modules is, every name the submission defined (and the attributes
    of its classes), and every name in the modules the probes and the usual student code
    rely on to compute values (builtins, numpy, math...; what the answerer itself relies
    on, like os, fails loudly when patched, and a question that fails on a used answerer
    is asked again of a fresh one).  Objects are compared by identity, never with their
    own ``==``; what changes inside an object (a list a function appends to) is state
    the submission keeps on purpose, as it would for any caller."""

    WATCHED = ("builtins", "math", "numpy", "numpy.linalg", "numpy.random",
               "probing", "codec", "errors", "probes")

    def __init__(self, channel, namespace):
        self.channel = channel
        self.modules = (list(sys.modules), list(sys.modules.values()))
        tables = [vars(module) for module in map(sys.modules.get, self.WATCHED) if module is not None]
        tables.append(namespace)
        tables += [vars(value) for value in list(namespace.values()) if isinstance(value, type)]
        self.tables = [(table, list(table), list(table.values())) for table in tables]
        self.process = self._process()

    def _process(self):
        try:
            children = os.waitpid(-1, os.WNOHANG)[0] or "running"
        except ChildProcessError:
            children = None
        try:
            folder = os.getcwd()
        except OSError:
            folder = None
        answers = os.fstat(self.channel.fileno())
        return (len(sys._current_frames()), children, list(map(signal.getitimer, _TIMERS)),
                list(map(signal.getsignal, _SIGNALS)), signal.pthread_sigmask(signal.SIG_BLOCK, []),
                sys.gettrace(), sys.getprofile(), sys.getrecursionlimit(),
                list(map(resource.getrlimit, _RLIMITS)), folder, (answers.st_dev, answers.st_ino))

    def still(self):
        try:
            if self._process() != self.process:
                return False
        except Exception:                       # a limit, a folder or the socket is gone
            return False
        names, modules = self.modules
        if not all(map(_is, map(sys.modules.get, names), modules)):
            return False
        return all(len(table) == len(names) and all(map(_is, map(table.get, names), values))
                   for table, names, values in self.tables)


_is = operator.is_
_TIMERS = (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF)
_SIGNALS = sorted(sig for sig in signal.valid_signals() if sig not in (signal.SIGKILL, signal.SIGSTOP))
_RLIMITS = [resource.RLIMIT_AS, resource.RLIMIT_NPROC, resource.RLIMIT_FSIZE, resource.RLIMIT_NOFILE]


def _pending(channel):
    """Bytes after the flag: a reply nobody asked for (desynchronised): not to be reused."""
    return bool(select.select([channel], [], [], 0)[0])


def _read_frame(fd, deadline):
    """(body, None) for one complete frame; (None, error) when too slow or too large;
    (None, None) when the writer ended first."""
    header, problem = _read_bytes(fd, 4, deadline)
    if header is None:
        return None, problem
    size = int.from_bytes(header, "big")
    if size > codec.MAX_FRAME:
        return None, {"type": "too_large", "message": f"{size} bytes"}
    return _read_bytes(fd, size, deadline)


def _read_bytes(fd, size, deadline):
    """(exactly ``size`` bytes, None); (None, timeout error); (None, None) at the end."""
    data = bytearray()
    while len(data) < size:
        left = deadline - time.monotonic()
        if left <= 0:
            return None, {"type": "timeout", "message": ""}
        if not select.select([fd], [], [], left)[0]:
            continue
        chunk = os.read(fd, min(size - len(data), 1 << 20))
        if not chunk:
            return None, None
        data += chunk
    return bytes(data), None


def _how_it_ended(status, cpu, cpu_budget):
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        if sig == signal.SIGXCPU or (sig == signal.SIGKILL and cpu >= cpu_budget):
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
