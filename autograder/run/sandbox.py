"""Start the warm worker (the zygote) in the strongest isolation this machine allows.

full     bubblewrap: the worker sees the system libraries, the Python installation and
         its own few files, nothing else (no repository, no graders, no other
         submission, no output folder); no network; its own PID namespace; a cleared
         environment.  As root it runs student code as an unprivileged uid.
reduced  a plain subprocess with the same per-submission limits (and, as root, the
         same unprivileged uid), for machines without bubblewrap: a student's laptop,
         Colab, Gradescope's container.  Student code can read what that user can read.

In both modes each submission also gets namespaces of its own where the kernel allows
(see inside/jail.py).  As root, every worker claims a uid of its own in
61000-61063 for as long as it runs, so that two grading commands on one machine
never share one (a uid's process limit and its clean-up are per uid).

Write protection: in every mode student code may write in its own temporary folder
only.  Full mode and reduced mode with user namespaces mount everything else
read-only; reduced mode without them uses Landlock.  Where neither can be had, grading
is refused (IsolationUnavailable) unless the code is declared trusted
(``--trusted-code``, and the student's self-check on their own machine), which the
resolved mode "trusted" (reduced isolation, protection where available) says.
"""
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .inside import wire        # frames only: starting a sandbox needs no numpy

INSIDE = Path(__file__).parent / "inside"
SANDBOX_UIDS = range(61000, 61064)  # student code runs as one of these when the grader is root
START_SECONDS = 30.0
VENV = "/opt/venv"                 # where a virtual environment is mounted inside the sandbox


class IsolationUnavailable(RuntimeError):
    """Full isolation was asked for and this machine cannot provide it."""


class WorkerFailed(RuntimeError):
    """The zygote itself stopped answering (never a student's fault)."""


@functools.lru_cache(maxsize=None)
def bubblewrap_problem():
    """None when bubblewrap can sandbox here, else a one-line reason why not."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed"
    probe = subprocess.run(
        [bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--proc", "/proc",
         "--dev", "/dev", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return "bubblewrap cannot create namespaces here: " + probe.stderr.strip()[:200]
    return None


@functools.lru_cache(maxsize=None)
def write_protection_problem():
    """None when reduced mode can keep student code from writing outside its temporary
    folder here (user namespaces or Landlock, tried as the sandbox's uid), else why not."""
    if not sys.platform.startswith("linux"):
        return "not Linux"
    from .inside import jail
    uid = SANDBOX_UIDS[0] if os.getuid() == 0 else None

    def namespaces():
        if uid is not None:
            jail.drop_to(uid)
        jail.dumpable()
        return jail.enter_namespaces(1)

    if jail.trial(namespaces):
        return None
    folder = tempfile.mkdtemp(prefix="autograder-probe-")
    try:
        if jail.trial(lambda: jail.restrict_writes(folder)):
            return None
    finally:
        os.rmdir(folder)
    return "neither user namespaces nor Landlock are available to student code here"


TRUSTED_HINT = ("install bubblewrap (apt-get install bubblewrap) for full isolation, or allow unprivileged "
                "user namespaces (sysctl kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0), "
                "or use Linux 5.13+ with Landlock enabled; or pass --trusted-code if the code is trusted")


def resolve_mode(requested, trusted_code=False):
    """'full', 'reduced' or 'auto' -> the mode to use: 'full', 'reduced' or 'trusted'
    (reduced, allowed to run without write protection).  Full that cannot be had is an
    error, and so is reduced without write protection unless ``trusted_code``."""
    if requested == "trusted":                      # already resolved (a worker)
        return "trusted"
    problem = bubblewrap_problem() if sys.platform.startswith("linux") else "not Linux"
    if requested != "reduced" and problem is None:
        return "full"
    if requested == "full":
        raise IsolationUnavailable(f"full isolation is not available: {problem}")
    if trusted_code:
        return "trusted"
    unprotected = write_protection_problem()
    if unprotected:
        reason = problem if requested == "auto" else "reduced isolation was asked for"
        raise IsolationUnavailable(f"refusing to grade: student code could write the instructor's files "
                                   f"({unprotected}; {reason}): {TRUSTED_HINT}")
    return "reduced"


WRITE_PROTECTION = {"namespaces": "namespaces", "landlock": "landlock", "none": "none (trusted)"}


def claim_uid(slot):
    """(uid, lock): the first uid from 61000 + slot on that no other worker holds.  The
    lock is an abstract socket: it leaves no file and dies with this process."""
    for offset in range(len(SANDBOX_UIDS)):
        uid = SANDBOX_UIDS[(slot + offset) % len(SANDBOX_UIDS)]
        lock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            lock.bind(f"\0zero-dl-autograder-uid-{uid}")
            return uid, lock
        except OSError:
            lock.close()
    raise WorkerFailed(f"every sandbox uid ({SANDBOX_UIDS[0]}-{SANDBOX_UIDS[-1]}) is in use")


def _environment():
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):   # numpy needs these where set
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _bind(source, target):
    """bwrap arguments binding ``source`` read-only at ``target``, every folder on the way
    created world-traversable (bwrap would make them 0700: unreadable to the sandbox uid)."""
    args = []
    for parent in reversed(Path(target).parents[:-1]):
        args += ["--dir", str(parent)]
    return args + ["--ro-bind", str(source), str(target)]


def _bwrap_command(python, settings_json, probes_file, as_root):
    command = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
               "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv",
               "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]     # before the binds: /tmp may hold the venv
    for name, value in _environment().items():
        command += ["--setenv", name, value]
    command += ["--dir", "/etc"]
    for path in ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/ld.so.cache",
                 "/etc/alternatives", "/etc/localtime"):
        command += ["--ro-bind-try", path, path]
    command += _bind(sys.base_prefix, sys.base_prefix)
    if sys.prefix != sys.base_prefix:               # a virtual environment: seen at /opt/venv, so
        command += _bind(sys.prefix, VENV)          # that the private /tmp never hides it
        python = os.path.join(VENV, os.path.relpath(python, sys.prefix))
    command += _bind(INSIDE, "/opt/ag") + _bind(probes_file, "/opt/ag-probes/probes.py")
    command += ["--chdir", "/tmp"]
    if as_root:
        command += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_KILL"]
    return command + [python, "-E", "-s", "-B", "/opt/ag/zygote.py", settings_json]


class Sandbox:
    """One warm worker.  ``open()`` gives a fresh, isolated process tree for one submission."""

    def __init__(self, probes_file, limits, mode="auto", slot=0, trusted_code=False):
        resolved = resolve_mode(mode, trusted_code)
        self.mode = "full" if resolved == "full" else "reduced"
        self.write_protection = None        # known once the worker is ready (WRITE_PROTECTION)
        self.limits = limits
        self.probes_file = Path(probes_file).resolve()
        as_root = hasattr(os, "getuid") and os.getuid() == 0
        self.uid, self._uid_lock = claim_uid(slot) if as_root else (None, None)
        # Submissions' temporary folders where there are no namespaces (a private /tmp in full mode).
        self.scratch = None if self.mode == "full" else tempfile.mkdtemp(prefix="autograder-")
        if self.scratch:
            os.chmod(self.scratch, 0o711)   # the sandbox uid reaches its own folder, lists nothing
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        settings = {"limits": limits, "uid": self.uid, "control_fd": theirs.fileno(),
                    "require_namespaces": self.mode == "full", "require_protection": resolved != "trusted",
                    "scratch": self.scratch or "/tmp",
                    "probes_dir": "/opt/ag-probes" if self.mode == "full" else str(self.probes_file.parent)}
        if self.mode == "full":
            command = _bwrap_command(sys.executable, json.dumps(settings), self.probes_file, as_root)
            env = None
        else:
            command = [sys.executable, "-E", "-s", "-B", str(INSIDE / "zygote.py"), json.dumps(settings)]
            env = _environment()
        self.process = subprocess.Popen(command, pass_fds=(theirs.fileno(),), env=env,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, start_new_session=True)
        theirs.close()
        self.control = ours
        self.ready = False           # awaited at the first open(): start-up overlaps collecting the checks

    def _await_ready(self):
        if self.ready:
            return
        self.control.settimeout(START_SECONDS)
        try:
            ready = wire.receive(self.control)
            if not ready.get("ready"):
                raise OSError(ready.get("error", "not ready"))
        except (EOFError, OSError, wire.ProtocolError) as error:
            self.control.close()
            detail = self._stop().strip().splitlines()[-1:] or [""]
            self._release()
            raise WorkerFailed(f"the grading worker did not start ({error}) {detail[0]}".strip()) from None
        self.control.settimeout(None)
        self.write_protection = WRITE_PROTECTION.get(ready.get("protection"), "none (trusted)")
        self.ready = True

    def _command(self, message, fds=()):
        frame = wire.frame(wire.dumps(message))
        try:
            if fds:
                socket.send_fds(self.control, [frame], list(fds))
            else:
                self.control.sendall(frame)
            self.control.settimeout(START_SECONDS)
            return wire.receive(self.control)
        except (EOFError, OSError, wire.ProtocolError) as error:
            raise WorkerFailed(f"the grading worker stopped answering: {error}") from None
        finally:
            self.control.settimeout(None)

    def open(self):
        self._await_ready()
        for attempt in range(2):     # a fork can fail once under memory pressure; twice is an error
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                reply = self._command({"op": "start"}, fds=[theirs.fileno()])
            finally:
                theirs.close()
            if reply.get("pid", -1) > 0:
                break
            ours.close()
        if reply.get("pid", -1) <= 0:
            ours.close()
            raise WorkerFailed("the grading worker could not isolate a submission "
                               "(user namespaces unavailable inside the sandbox)")
        return Process(self, reply["pid"], ours)

    def kill(self, pid):
        self._command({"op": "kill", "pid": pid})

    def _stop(self):
        """Wait for the zygote to end (it does once the control socket is closed); its stderr."""
        try:
            _, err = self.process.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err.decode(errors="replace")

    def _release(self):
        if self._uid_lock is not None:
            self._uid_lock.close()
        if self.scratch:
            shutil.rmtree(self.scratch, ignore_errors=True)

    def close(self):
        try:
            self.control.close()
            self._stop()
        finally:
            self._release()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Ended(Exception):
    """The submission's process tree ended or broke the protocol."""


class TimedOut(Exception):
    """The submission did not answer in time."""


class _DeadlineSocket:
    """A socket whose every recv shares one deadline."""

    def __init__(self, sock, deadline):
        self.sock, self.deadline = sock, deadline

    def recv(self, n):
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise socket.timeout()
        self.sock.settimeout(left)
        return self.sock.recv(n)


class Process:
    """One submission's process tree, seen from the trusted side."""

    def __init__(self, sandbox, pid, sock):
        self.sandbox, self.pid, self.sock = sandbox, pid, sock
        self.alive = True

    def request(self, message, seconds):
        """Send one request; the body of the one frame that answers it (bytes, unread),
        within ``seconds``.  Anything else ends the process: TimedOut or Ended."""
        self.send(message, seconds)
        return self.receive(seconds)

    def send(self, message, seconds):
        if not self.alive:
            raise Ended("process already ended")
        try:
            self.sock.settimeout(seconds)
            wire.send(self.sock, message)
        except socket.timeout:
            self.kill()
            raise TimedOut() from None
        except OSError as error:
            self.kill()
            raise Ended(str(error)) from None

    def receive(self, seconds):
        """The body of the next frame (bytes, unread), within ``seconds``."""
        if not self.alive:
            raise Ended("process already ended")
        try:
            return wire.receive_frame(_DeadlineSocket(self.sock, time.monotonic() + seconds))
        except socket.timeout:
            self.kill()
            raise TimedOut() from None
        except (EOFError, OSError, wire.ProtocolError) as error:
            self.kill()
            raise Ended(str(error)) from None

    def kill(self):
        if self.alive:
            self.alive = False
            self.sock.close()
            self.sandbox.kill(self.pid)
