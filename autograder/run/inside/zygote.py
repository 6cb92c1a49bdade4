"""The warm worker: imports numpy and the probes once, then forks one process tree per
submission.  It never runs student code itself, and forks before a submission's code
is read, so nothing of one submission is ever in memory where another runs.

Started by autograder.run.sandbox (inside bubblewrap in full isolation), with its
control socket as the file descriptor named in its settings.  Commands, one JSON frame each:
  {"op": "start"} + a socket passed alongside (SCM_RIGHTS) -> {"pid": init pid}
  {"op": "kill", "pid": n}                                   -> {"ok": true}
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
import stubs  # noqa: E402
import submission  # noqa: E402



def main():
    settings = json.loads(sys.argv[1])
    limits, uid = settings["limits"], settings["uid"]
    sys.path.insert(0, settings["probes_dir"])
    import probes                       # the assignment's questions; imports numpy only
    stubs.install()
    jail.not_dumpable()
    jail.become_subreaper()
    control = socket.socket(fileno=settings["control_fd"])
    codec.send(control, {"ready": True, "pid": os.getpid()})
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1 << 16, 1)
        except OSError:
            break
        if not message:
            break
        request = json.loads(message[4:].decode())
        if request["op"] == "start":
            pid = _start(socket.socket(fileno=fds[0]), control, limits, uid, probes, settings)
            codec.send(control, {"pid": pid})
        elif request["op"] == "kill":
            _kill(request["pid"], uid)
            codec.send(control, {"ok": True})


def _start(sock, control, limits, uid, probes, settings):
    """Fork the submission's process tree; return the pid of its init."""
    report_r, report_w = os.pipe()
    first = os.fork()
    if first == 0:
        control.close()
        os.close(report_r)
        own_pid_ns = False
        try:
            if os.getuid() == 0 and uid is not None:
                jail.drop_to(uid)
            jail.dumpable()             # our own /proc/self/uid_map must be writable
            own_pid_ns = jail.unshare_all()
            if settings["require_namespaces"] and not own_pid_ns:
                os.write(report_w, b"-1")
                os._exit(1)
            init = os.fork()
            if init == 0:
                os.close(report_w)
                if own_pid_ns:
                    jail.private_mounts(int(limits["file_mb"]))
                os.chdir("/tmp")
                jail.no_new_privileges()
                jail.set_limits(limits)
                _quiet_stdio(sock.fileno())
                os.environ.clear()
                submission.serve_submission(sock, limits, probes, own_pid_ns)
            os.write(report_w, str(init).encode())
        finally:
            os._exit(0)
    os.close(report_w)
    sock.close()
    text = os.read(report_r, 32).decode() or "-1"
    os.close(report_r)
    os.waitpid(first, 0)
    return int(text)


def _quiet_stdio(keep_fd):
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    os.closerange(3, keep_fd)
    os.closerange(keep_fd + 1, 1 << 16)


def _kill(pid, uid):
    """End a submission: its init (and with it its PID namespace), its process group,
    and, where the submission has its own uid, every process of that uid."""
    for target in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            target()
        except (ProcessLookupError, PermissionError):
            pass
    if os.getuid() == 0 and uid is not None:
        killer = os.fork()
        if killer == 0:
            try:
                jail.drop_to(uid)
                os.kill(-1, signal.SIGKILL)
            finally:
                os._exit(0)
        os.waitpid(killer, 0)
    try:
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass
    except ChildProcessError:
        pass


if __name__ == "__main__":
    main()
