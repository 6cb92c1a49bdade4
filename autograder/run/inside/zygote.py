"""The warm worker: imports numpy and the probes once, then forks one process tree per
submission.  It never runs student code itself, and forks before a submission's code
is read, so nothing of one submission is ever in memory where another runs.

Started by autograder.run.sandbox (inside bubblewrap in full isolation), with its
control socket as the file descriptor named in its settings.  Commands, one JSON frame each:
  {"op": "start"} + a socket passed alongside (SCM_RIGHTS) -> {"pid": init pid}
  {"op": "kill", "pid": n}                                   -> {"ok": true}
When the control socket closes, every submission still running is killed and the
zygote exits.
"""
import json
import os
import signal
import socket
import sys

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
    isolated = _namespaces_work(limits, uid)
    if settings["require_namespaces"] and not isolated:
        codec.send(control, {"ready": False, "error": "user namespaces are not available inside bubblewrap"})
        return
    codec.send(control, {"ready": True, "pid": os.getpid(), "isolated": isolated})
    running = set()                     # inits of the submissions not yet killed
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1 << 16, 1)
            request = json.loads(message[4:].decode()) if message else None
        except (OSError, ValueError):
            request = None
        if request is None:
            break
        if request["op"] == "start":
            pid = _start(socket.socket(fileno=fds[0]), control, limits, uid, probes, isolated)
            if pid > 0:
                running.add(pid)
            codec.send(control, {"pid": pid})
        elif request["op"] == "kill":
            codec.send(control, {"ok": True})           # the trusted side goes on meanwhile
            running.discard(request["pid"])
            _kill(request["pid"], isolated, uid)
    for pid in running:
        _kill(pid, isolated, uid)


def _namespaces_work(limits, uid):
    """Can a submission get namespaces of its own here?  Tried once, in a throw-away child."""
    child = os.fork()
    if child == 0:
        try:
            _drop(uid)
            jail.dumpable()
            os._exit(0 if jail.enter_namespaces(int(limits["file_mb"])) else 1)
        finally:
            os._exit(1)
    return os.waitpid(child, 0)[1] == 0


def _drop(uid):
    if os.getuid() == 0 and uid is not None:
        jail.drop_to(uid)


def _start(sock, control, limits, uid, probes, isolated):
    """Fork the submission's process tree; return the pid of its init (-1 on failure).

    With namespaces, everything of the submission runs as its uid, init included (PID 1
    cannot be signalled from inside).  Without, init stays with the zygote's uid and the
    loader drops to the submission's: student code cannot signal init."""
    report_r, report_w = os.pipe()
    first = os.fork()
    if first == 0:
        try:
            control.close()
            os.close(report_r)
            jail.first_to_go()
            if isolated:
                _drop(uid)
                jail.dumpable()             # our own /proc/self/uid_map must be writable
                if not jail.enter_namespaces(int(limits["file_mb"])):
                    return
            init = os.fork()
            if init == 0:
                os.close(report_w)
                _become_init(sock, limits, probes, isolated, None if isolated else uid)
            os.write(report_w, str(init).encode())
        finally:
            os._exit(0)
    os.close(report_w)
    sock.close()
    text = os.read(report_r, 64).decode() or "-1"
    os.close(report_r)
    os.waitpid(first, 0)
    return int(text)


def _become_init(sock, limits, probes, isolated, loader_uid):
    try:
        os.chdir("/tmp")
        jail.no_new_privileges()
        jail.set_limits(limits)
        seccomp.install()
        _quiet_stdio(sock.fileno())
        os.environ.clear()
        if os.getuid() != 0:
            loader_uid = None
        submission.serve_submission(sock, limits, probes, isolated, loader_uid)
    finally:
        os._exit(0)


def _quiet_stdio(keep_fd):
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.closerange(3, keep_fd)
    os.closerange(keep_fd + 1, 1 << 16)


def _kill(pid, isolated, uid):
    """End a submission.  With its own PID namespace, killing its init ends every process
    in it; without, kill its process group and, where it has a uid of its own, that uid."""
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


if __name__ == "__main__":
    main()
    os._exit(0)                         # nothing to flush or finalise: the trusted side waits for this exit
