"""Start the warm worker (the zygote) in the strongest isolation this machine allows.

full     bubblewrap: the worker sees the system libraries, the Python installation and
         its own few files, nothing else (no repository, no graders, no other
         submission, no output folder); no network; its own PID namespace; a cleared
         environment.  As root it runs student code as an unprivileged uid.
reduced  a plain subprocess with the same per-submission limits (and, as root, the
         same unprivileged uid), for machines without bubblewrap: a student's laptop,
         Colab, Gradescope's container.  Student code can read what that user can read.
"""
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

from .inside import codec

INSIDE = Path(__file__).parent / "inside"
SANDBOX_UID_BASE = 61000         # worker slot n runs student code as uid 61000 + n (when root)
START_SECONDS = 30.0
VENV = "/opt/venv"               # where a virtual environment is mounted inside the sandbox


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


def resolve_mode(requested):
    """'full', 'reduced' or 'auto' -> the mode to use; full that cannot be had is an error."""
    problem = bubblewrap_problem() if sys.platform.startswith("linux") else "not Linux"
    if requested == "reduced":
        return "reduced"
    if problem is None:
        return "full"
    if requested == "full":
        raise IsolationUnavailable(f"full isolation is not available: {problem}")
    return "reduced"


def _environment():
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):   # numpy needs these where set
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def _bwrap_command(python, settings_json, probes_file, control_fd, as_root):
    command = ["bwrap", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
               "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--clearenv",
               "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]     # before the binds: /tmp may hold the venv
    for name, value in _environment().items():
        command += ["--setenv", name, value]
    for path in ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/ld.so.cache",
                 "/etc/alternatives", "/etc/localtime"):
        command += ["--ro-bind-try", path, path]
    command += ["--ro-bind", sys.base_prefix, sys.base_prefix]
    if sys.prefix != sys.base_prefix:               # a virtual environment: seen at /opt/venv, so
        command += ["--ro-bind", sys.prefix, VENV]  # that the private /tmp never hides it
        python = os.path.join(VENV, os.path.relpath(python, sys.prefix))
    command += ["--ro-bind", str(INSIDE), "/opt/ag",
                "--ro-bind", str(probes_file), "/opt/ag-probes/probes.py",
                "--chdir", "/tmp"]
    if as_root:
        command += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_KILL"]
    return command + [python, "-E", "-s", "-B", "/opt/ag/zygote.py", settings_json]


class Sandbox:
    """One warm worker.  ``open()`` gives a fresh, isolated process tree for one submission."""

    def __init__(self, probes_file, limits, mode="auto", slot=0):
        self.mode = resolve_mode(mode)
        self.limits = limits
        as_root = hasattr(os, "getuid") and os.getuid() == 0
        self.uid = SANDBOX_UID_BASE + slot if as_root else None
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        probes_file = Path(probes_file).resolve()
        settings = {"limits": limits, "uid": self.uid, "control_fd": theirs.fileno(),
                    "require_namespaces": self.mode == "full",
                    "probes_dir": "/opt/ag-probes" if self.mode == "full" else str(probes_file.parent)}
        python = sys.executable
        if self.mode == "full":
            command = _bwrap_command(python, json.dumps(settings), probes_file, theirs.fileno(), as_root)
            env = None
        else:
            command = [python, "-E", "-s", "-B", str(INSIDE / "zygote.py"), json.dumps(settings)]
            env = _environment()
        self.process = subprocess.Popen(command, pass_fds=(theirs.fileno(),), env=env,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, start_new_session=True)
        theirs.close()
        self.control = ours
        self.control.settimeout(START_SECONDS)
        try:
            codec.receive(self.control)
        except (EOFError, OSError) as error:
            self.control.close()
            try:
                _, err = self.process.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                _, err = self.process.communicate()
            detail = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
            detail = detail[0]
            raise WorkerFailed(f"the grading worker did not start ({error}) {detail}".strip()) from None
        self.control.settimeout(None)

    def _command(self, message, fds=()):
        body = codec.dumps(message)
        frame = len(body).to_bytes(4, "big") + body
        try:
            if fds:
                socket.send_fds(self.control, [frame], list(fds))
            else:
                self.control.sendall(frame)
            self.control.settimeout(START_SECONDS)
            return codec.receive(self.control)
        except (EOFError, OSError, codec.ProtocolError) as error:
            raise WorkerFailed(f"the grading worker stopped answering: {error}") from None
        finally:
            self.control.settimeout(None)

    def open(self):
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            reply = self._command({"op": "start"}, fds=[theirs.fileno()])
        finally:
            theirs.close()
        if reply.get("pid", -1) <= 0:
            ours.close()
            raise WorkerFailed("the grading worker could not isolate a submission "
                               "(user namespaces unavailable inside the sandbox)")
        return Process(self, reply["pid"], ours)

    def kill(self, pid):
        self._command({"op": "kill", "pid": pid})

    def close(self):
        try:
            self.control.close()
        finally:
            if self.process.poll() is None:
                try:
                    self.process.wait(timeout=2)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait()
            self.process.stderr.close()

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
        """Send one request, wait at most ``seconds`` for the reply (plain data)."""
        if not self.alive:
            raise Ended("process already ended")
        try:
            self.sock.settimeout(seconds)
            codec.send(self.sock, message)
            return codec.receive(_DeadlineSocket(self.sock, time.monotonic() + seconds))
        except socket.timeout:
            self.kill()
            raise TimedOut() from None
        except (EOFError, OSError, codec.ProtocolError, ValueError) as error:
            self.kill()
            raise Ended(str(error)) from None

    def kill(self):
        if self.alive:
            self.alive = False
            self.sock.close()
            self.sandbox.kill(self.pid)
