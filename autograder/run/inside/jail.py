"""Lock one submission's process tree in: its own user, namespaces, /tmp and limits.

Runs in a freshly forked child of the zygote, before any byte of the submission is
read.  Linux only; on other systems (a student's laptop) only the limits apply.
"""
import ctypes
import os
import resource
import signal

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = (
    0x00020000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)
MS_NOSUID, MS_NODEV, MS_NOEXEC = 2, 4, 8
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER = 1, 4, 38, 36

try:
    _libc = ctypes.CDLL(None, use_errno=True)
except OSError:                                   # Windows
    _libc = None


def _call(name, *args):
    if _libc is None or not hasattr(_libc, name):
        return False
    return getattr(_libc, name)(*args) == 0


def prctl(option, value):
    return _call("prctl", option, ctypes.c_ulong(value), 0, 0, 0)


def drop_to(uid):
    """Become an unprivileged user (root is exempt from process limits)."""
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def unshare_all():
    """New user, mount, PID, IPC and network namespaces for what this process forks next.

    Returns True when they were made; the caller's next child is then PID 1 of a PID
    namespace that holds nothing but this submission.
    """
    uid, gid = os.getuid(), os.getgid()
    if not _call("unshare", CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET):
        return False
    for path, text in (("/proc/self/setgroups", "deny"),
                       ("/proc/self/uid_map", f"{uid} {uid} 1"),
                       ("/proc/self/gid_map", f"{gid} {gid} 1")):
        with open(path, "w") as handle:
            handle.write(text)
    return True


def private_mounts(tmp_megabytes):
    """A fresh size-limited /tmp, and a /proc that shows this submission's processes only."""
    flags = MS_NOSUID | MS_NODEV
    tmp_ok = _call("mount", b"tmpfs", b"/tmp", b"tmpfs", flags,
                   f"size={tmp_megabytes}m,mode=0700".encode())
    if not _call("mount", b"proc", b"/proc", b"proc", flags | MS_NOEXEC, None):
        _call("mount", b"tmpfs", b"/proc", b"tmpfs", flags | MS_NOEXEC, b"size=1k,mode=0555")
    return tmp_ok


def set_limits(limits):
    """Resource limits for the submission: CPU, memory, processes, file size, open files."""
    mb = 1024 * 1024
    wanted = {
        resource.RLIMIT_CPU: int(limits["submission_cpu_seconds"]),
        resource.RLIMIT_AS: int(limits["memory_mb"]) * mb,
        resource.RLIMIT_NPROC: int(limits["processes"]),
        resource.RLIMIT_FSIZE: int(limits["file_mb"]) * mb,
        resource.RLIMIT_NOFILE: 64,
        resource.RLIMIT_CORE: 0,
    }
    for which, value in wanted.items():
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))


def no_new_privileges():
    prctl(PR_SET_NO_NEW_PRIVS, 1)


def dumpable():
    prctl(PR_SET_DUMPABLE, 1)


def not_dumpable():
    """Nobody of the same uid may ptrace this process or read its memory."""
    prctl(PR_SET_DUMPABLE, 0)


def become_subreaper():
    """Orphans of our children are re-parented to us, so we can reap and kill them."""
    prctl(PR_SET_CHILD_SUBREAPER, 1)


def reset_signals():
    """Undo whatever handlers student code installed (used in the clean snapshot)."""
    for sig in signal.valid_signals():
        if sig in (signal.SIGKILL, signal.SIGSTOP):
            continue
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError, RuntimeError):
            pass
