"""The warm worker: imports numpy and the probes once, then forks one process tree per
submission.  It never runs student code itself, and forks before a submission's code
is read, so nothing of one submission is ever in memory where another runs.

Started by autograder.run.sandbox (inside bubblewrap in full isolation), with its
control socket as the file descriptor named in its settings.  Commands, one JSON frame each:
  {"op": "start"} + a socket passed alongside (SCM_RIGHTS) -> {"pid": init pid}
  {"op": "kill", "pid": n}                                   -> {"ok": true}
When the control socket closes, every submission still running is killed and the
zygote exits.

Before it says it is ready, the zygote finds out, once, how it can keep a submission
from writing anything outside its own temporary folder ("protection" in its ready
message): "namespaces" (everything read-only but a private /tmp, see jail.py),
else "landlock" (writing confined to a folder of its own under the trusted side's
scratch folder), else "none", which is refused unless the settings allow it (the
trusted side was told the code is trusted).  It also checks that the submission's uid
can read the Python installation (making it readable first where needed, see
jail.expose): if it cannot, grading fails loudly instead of scoring missing modules
as the student's errors.
"""
import json
import os
import shutil
import signal
import socket
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import numpy  # noqa: E402  (warm: every submission inherits it)
import numpy.fft  # noqa: E402,F401  (numpy loads these lazily; load them while files are readable)
import numpy.linalg  # noqa: E402,F401
import numpy.random  # noqa: E402,F401

import codec  # noqa: E402
import jail  # noqa: E402
import seccomp  # noqa: E402
import stubs  # noqa: E402
import submission  # noqa: E402


def main():
    settings = json.loads(sys.argv[1])
    limits, uid = settings["limits"], settings["uid"]
    sys.path.insert(0, settings["probes_dir"])
    import probes                       # the assignment's questions; imports numpy only
    stubs.install()
    jail.die_with_parent()
    jail.not_dumpable()
    jail.become_subreaper()
    control = socket.socket(fileno=settings["control_fd"])
    jailing = _Jailing(limits, uid, settings["scratch"], _python_paths(settings["probes_dir"]))
    problem = jailing.problem(settings["require_namespaces"], settings["require_protection"])
    if problem:
        codec.send(control, {"ready": False, "error": problem})
        return
    codec.send(control, {"ready": True, "pid": os.getpid(), "isolated": jailing.isolated,
                         "protection": jailing.protection})
    running = {}                        # inits of the submissions not yet killed: their folder
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1 << 16, 1)
            request = json.loads(message[4:].decode()) if message else None
        except (OSError, ValueError):
            request = None
        if request is None:
            break
        if request["op"] == "start":
            pid, folder = _start(socket.socket(fileno=fds[0]), control, jailing, probes)
            if pid > 0:
                running[pid] = folder
            elif folder:
                _remove(folder)
            codec.send(control, {"pid": pid})
        elif request["op"] == "kill":
            codec.send(control, {"ok": True})           # the trusted side goes on meanwhile
            _kill(request["pid"], jailing.isolated, uid, running.pop(request["pid"], None))
    for pid, folder in running.items():
        _kill(pid, jailing.isolated, uid, folder)


def _python_paths(probes_dir):
    """The folders of the Python installation (and virtual environment) the sandbox
    imports from; never the engine's or the graders' own folders."""
    prefixes = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, sys.base_exec_prefix, sys.exec_prefix)}
    prefixes |= {os.path.abspath(p) for p in (sys.base_prefix, sys.prefix, sys.base_exec_prefix, sys.exec_prefix)}
    found = set()
    for path in {os.path.abspath(p) for p in sys.path if p} | prefixes:
        under = any(path == prefix or path.startswith(prefix + os.sep) for prefix in prefixes)
        if under and os.path.isdir(path) and path not in (HERE, os.path.abspath(probes_dir)):
            found.add(path)
    return sorted(found)


def _outermost(paths):
    """``paths`` without those that lie beneath another of them."""
    kept = []
    for path in sorted(paths):
        if not any(path.startswith(parent.rstrip(os.sep) + os.sep) for parent in kept):
            kept.append(path)
    return kept


class _Jailing:
    """How each submission is locked in here: decided once, by trying it in throw-away
    children, then repeated for every submission by ``enclose``."""

    def __init__(self, limits, uid, scratch, python):
        self.limits, self.uid, self.scratch, self.python = limits, uid, scratch, python
        self.hidden = []                # folders to cover so that the uid can read Python (root only)
        if os.getuid() == 0 and uid is not None:
            blocked = jail.trial(lambda: (_drop(uid), [jail.blocked_at(path) for path in python])[1]) or []
            self.hidden = _outermost({folder for folder in blocked if folder and folder != os.sep})
        self.protection, self.unreadable, self.isolated = "none", list(python), False
        usable = []                     # (kind, what of Python its uid cannot read), strongest first
        for kind in ("namespaces", "landlock", "none"):
            folder = None if kind == "namespaces" else self.folder()
            tried = jail.trial(lambda: self._try(kind, folder))
            _remove(folder)
            if tried is not None and tried["ok"]:
                usable.append((kind, tried["unreadable"]))
                if not tried["unreadable"]:
                    break
        # The strongest protection under which the submission can read its Python: a Python
        # under /tmp (a checkout in a temporary folder) is hidden by the namespaces' private /tmp.
        readable = [(kind, unreadable) for kind, unreadable in usable if not unreadable]
        if readable or usable:
            self.protection, self.unreadable = (readable or usable)[0]
        self.isolated = self.protection == "namespaces"

    def _try(self, kind, folder):
        # Python made readable or not, the readability check below says so.
        ok = self.enclose(kind, folder, strict=False) and (kind != "landlock" or jail.restrict_writes(folder))
        if kind != "namespaces":
            _drop(self.uid)                 # as the loader does
        return {"ok": bool(ok), "unreadable": [path for path in self.python if not _readable(path)]}

    def enclose(self, kind, folder, strict=True):
        """In a fresh child of the zygote: make the Python installation readable to the
        submission's uid if needed, and with namespaces, drop to that uid and enter them.
        False when that failed (``strict``: making Python readable too)."""
        if self.hidden and not jail.expose(self.hidden, _outermost(self.python)) and strict:
            return False
        if kind == "namespaces":
            _drop(self.uid)
            jail.dumpable()             # our own /proc/self/uid_map must be writable
            return jail.enter_namespaces(int(self.limits["file_mb"]))
        return True

    def problem(self, require_namespaces, require_protection):
        """Why no submission can be graded here, or None."""
        if require_namespaces and not self.isolated:
            return "user namespaces are not available inside bubblewrap"
        if require_protection and self.protection == "none":
            return ("student code could write outside its temporary folder: neither user namespaces nor "
                    "Landlock can be used here")
        if self.unreadable:
            who = f"uid {self.uid}" if os.getuid() == 0 and self.uid is not None else "this user"
            return (f"student code ({who}) cannot read the Python installation it runs: "
                    f"{', '.join(self.unreadable)}; install Python where every user can read it "
                    f"(e.g. /usr or /opt), or grade with --isolation full (bubblewrap)")
        return None

    def folder(self):
        """The submission's temporary folder, seen from the zygote: None with namespaces
        (a private /tmp), else a new folder of its own (its uid's) under the scratch folder."""
        if self.isolated:
            return None
        folder = tempfile.mkdtemp(dir=self.scratch)
        if os.getuid() == 0 and self.uid is not None:
            os.chown(folder, self.uid, self.uid)
        return folder


def _readable(path):
    try:
        os.listdir(path)
        return True
    except OSError:
        return False


def _remove(folder):
    def unlock(function, path, _):
        try:
            os.chmod(os.path.dirname(path), 0o700)
            os.chmod(path, 0o700)
            function(path)
        except OSError:
            pass
    if folder:
        shutil.rmtree(folder, onerror=unlock)


def _drop(uid):
    if os.getuid() == 0 and uid is not None:
        jail.drop_to(uid)


def _start(sock, control, jailing, probes):
    """Fork the submission's process tree; (the pid of its init (-1 on failure), its
    temporary folder outside namespaces or None).

    With namespaces, everything of the submission runs as its uid, init included (PID 1
    cannot be signalled from inside).  Without, init stays with the zygote's uid and the
    loader drops to the submission's: student code cannot signal init."""
    folder = jailing.folder()
    report_r, report_w = os.pipe()
    first = os.fork()
    if first == 0:
        try:
            control.close()
            os.close(report_r)
            jail.first_to_go()
            if not jailing.enclose(jailing.protection, folder):
                return
            init = os.fork()
            if init == 0:
                os.close(report_w)
                _become_init(sock, jailing, probes, folder)
            os.write(report_w, str(init).encode())
        finally:
            os._exit(0)
    os.close(report_w)
    sock.close()
    text = os.read(report_r, 64).decode() or "-1"
    os.close(report_r)
    os.waitpid(first, 0)
    return int(text), folder


def _become_init(sock, jailing, probes, folder):
    try:
        os.chdir(folder or "/tmp")
        jail.no_new_privileges()
        jail.set_limits(jailing.limits)
        _quiet_stdio(sock.fileno())
        if jailing.protection == "landlock" and not (jail.restrict_writes(folder) and seccomp.fence_metadata()):
            return
        seccomp.install()
        os.environ.clear()
        loader_uid = None if jailing.isolated or os.getuid() != 0 else jailing.uid
        submission.serve_submission(sock, jailing.limits, probes, jailing.isolated, loader_uid)
    finally:
        os._exit(0)


def _quiet_stdio(keep_fd):
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.closerange(3, keep_fd)
    os.closerange(keep_fd + 1, 1 << 16)


def _kill(pid, isolated, uid, folder=None):
    """End a submission.  With its own PID namespace, killing its init ends every process
    in it; without, kill its process group and, where it has a uid of its own, that uid,
    and remove its temporary folder."""
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            pass
    if not isolated and os.getuid() == 0 and uid is not None:
        killer = os.fork()
        if killer == 0:
            try:
                jail.drop_to(uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(killer, 0)
    try:
        os.waitpid(pid, 0)              # a PID namespace is gone once its init is reaped
    except ChildProcessError:
        pass
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass
    _remove(folder)


if __name__ == "__main__":
    main()
    os._exit(0)                         # nothing to flush or finalise: the trusted side waits for this exit
