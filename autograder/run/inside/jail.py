"""Lock one submission's process tree in: its own user, namespaces, /tmp and limits.

Runs in a freshly forked child of the zygote, before any byte of the submission is
read.  Linux only; on other systems (a student's laptop) only the limits apply.

Namespaces are made in two steps.  The outer user namespace mounts what the
submission sees in place of the machine's: an empty read-only /proc, a small private
/tmp, and read-only /var/tmp, /dev/shm and /run/lock.  The inner one (with its own PID,
mount, IPC and network namespaces) then receives those mounts *locked*: code inside
cannot unmount them to look underneath or remount them writable.
"""
import ctypes
import math
import os
import resource
import signal

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = (
    0x00020000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 8, 32, 4096, 16384
PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS, PR_SET_CHILD_SUBREAPER, PR_SET_PDEATHSIG = 4, 38, 36, 1

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


def _new_user_namespace(flags, proc):
    """unshare() with a new user namespace in which we keep our uid; ``proc`` is a
    directory fd of /proc (so that this works after /proc is covered)."""
    uid, gid = os.getuid(), os.getgid()
    if not _call("unshare", CLONE_NEWUSER | flags):
        return False
    for name, text in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
        fd = os.open(f"self/{name}", os.O_WRONLY, dir_fd=proc)
        try:
            os.write(fd, text.encode())
        finally:
            os.close(fd)
    return True


def _mount_tmpfs(path, options, read_only=False):
    flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | (MS_RDONLY if read_only else 0)
    return os.path.isdir(path) and _call("mount", b"tmpfs", path.encode(), b"tmpfs", flags, options.encode())


def _read_only(path):
    """``path`` stays visible but cannot be written (nothing written there outlives the run)."""
    source = path.encode()
    return os.path.isdir(path) and _call("mount", source, source, None, MS_BIND | MS_REC, None) \
        and _call("mount", None, source, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV, None)


def enter_namespaces(tmp_megabytes):
    """Own user, mount, PID, IPC and network namespaces, with the mounts described above.

    Returns True when it all worked: this process's next child is then PID 1 of a PID
    namespace that holds nothing but this submission.  False leaves limits only."""
    try:
        proc = os.open("/proc", os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        if not _new_user_namespace(CLONE_NEWNS, proc):
            return False
        if not (_mount_tmpfs("/proc", "size=4k,mode=0555", read_only=True)
                and _mount_tmpfs("/tmp", f"size={int(tmp_megabytes)}m,mode=0700")):
            return False
        for path in ("/var/tmp", "/dev/shm", "/run/lock"):
            _read_only(path)
        return _new_user_namespace(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET, proc)
    finally:
        os.close(proc)


def new_pid_namespace():
    """The next child becomes PID 1 of a new PID namespace (nothing inside can signal it)."""
    return _call("unshare", CLONE_NEWPID)


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
        _set(which, value)


def limit_cpu(seconds):
    """At most ``seconds`` more CPU time for this process in all: then SIGKILL."""
    hard = max(1, math.ceil(cpu_used() + seconds))
    _set(resource.RLIMIT_CPU, hard, hard)


def warn_cpu(seconds):
    """SIGXCPU (which ends the process) after ``seconds`` more CPU time, within the hard limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    _set(resource.RLIMIT_CPU, max(1, math.ceil(cpu_used() + seconds)), hard)


def cpu_used():
    """CPU seconds this process has used so far."""
    return cpu_seconds_used(resource.getrusage(resource.RUSAGE_SELF))


def _set(which, soft, hard=None):
    hard = soft if hard is None else hard
    _, current = resource.getrlimit(which)
    if current != resource.RLIM_INFINITY:
        soft, hard = min(soft, current), min(hard, current)
    try:
        resource.setrlimit(which, (soft, hard))
    except (ValueError, OSError):
        pass


def cpu_seconds_used(rusage):
    return rusage.ru_utime + rusage.ru_stime


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


def die_with_parent():
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def first_to_go():
    """When the machine runs out of memory, the kernel kills student code first."""
    try:
        with open("/proc/self/oom_score_adj", "w") as handle:
            handle.write("1000")
    except OSError:
        pass


_STARTUP_HANDLERS = {}                # Python's own handlers (SIGPIPE, SIGXFSZ ignored...)
for _sig in signal.valid_signals():
    try:
        _STARTUP_HANDLERS[_sig] = signal.getsignal(_sig)
    except (OSError, ValueError):
        pass


def reset_signals():
    """Undo whatever handlers student code installed (used in the clean snapshot)."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for sig, handler in _STARTUP_HANDLERS.items():
        if sig in (signal.SIGKILL, signal.SIGSTOP) or handler is None:
            continue
        try:
            signal.signal(sig, handler)
        except (OSError, ValueError, RuntimeError, TypeError):
            pass
