"""Lock one submission's process tree in: its own user, namespaces, /tmp and limits.

Runs in a freshly forked child of the zygote, before any byte of the submission is
read.  Linux only; on other systems (a student's laptop) only the limits apply.

Namespaces are made in two steps.  The outer user namespace mounts what the
submission sees in place of the machine's: an empty read-only /proc, a small private
/tmp, and every other mount of the machine remounted read-only (checked afterwards:
any mount that can still be reached and written makes the attempt fail).  The inner
one (with its own PID, mount, IPC and network namespaces) then receives those mounts
*locked*: code inside cannot unmount them to look underneath or remount them writable.
So the private /tmp is the one place a submission can write.

Where user namespaces are not available, ``restrict_writes`` (Landlock, Linux 5.13+)
confines writing to the submission's own temporary folder (and /dev/null) instead;
reading stays allowed everywhere, so that Python and numpy load.

``expose`` (as root, before dropping to the submission's uid) makes the Python
installation readable to that uid when it lives in a folder the uid cannot enter (a
pyenv under /root, mode 0700): in a mount namespace of its own, that folder is covered
by an empty world-readable tmpfs into which only the installation is bind-mounted,
read-only, at its own path.  Nothing on disk changes and nothing else under the folder
becomes visible.
"""
import ctypes
import json
import math
import os
import platform
import resource
import signal

CLONE_NEWNS, CLONE_NEWIPC, CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = (
    0x00020000, 0x08000000, 0x10000000, 0x20000000, 0x40000000)
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 8, 32, 4096, 16384
MS_NOATIME, MS_NODIRATIME, MS_PRIVATE, MS_RELATIME, MS_STRICTATIME = 1024, 2048, 1 << 18, 1 << 21, 1 << 24
MOUNT_OPTIONS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC, "noatime": MS_NOATIME,
                 "nodiratime": MS_NODIRATIME, "relatime": MS_RELATIME, "strictatime": MS_STRICTATIME}
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


def _mounts(proc):
    """[(mount point, per-mount options)] of this mount namespace, from mountinfo."""
    fd = os.open("self/mountinfo", os.O_RDONLY, dir_fd=proc)
    with os.fdopen(fd, "rb") as handle:
        lines = handle.read().decode(errors="surrogateescape").splitlines()
    found = []
    for line in lines:
        fields = line.split(" ")
        if len(fields) > 5:
            point = fields[4]
            for code in ("\\040", "\\011", "\\012", "\\134"):   # mountinfo's octal escapes
                point = point.replace(code, chr(int(code[1:], 8)))
            found.append((point, fields[5].split(",")))
    return found


def _read_only_everywhere(proc, writable):
    """Remount every mount read-only but ``writable``; True when no mount that can be
    reached by path is left writable.  A mount that cannot be reached (under a
    folder this uid cannot enter, or hidden beneath another mount) is skipped: code
    of this uid cannot reach it either."""
    for point, options in _mounts(proc):
        if point == writable or "ro" in options:
            continue
        flags = MS_BIND | MS_REMOUNT | MS_RDONLY             # the flags it has stay (locked ones must)
        for option in options:
            flags |= MOUNT_OPTIONS.get(option, 0)
        _call("mount", None, point.encode(errors="surrogateescape"), None, flags, None)
    for point, _ in _mounts(proc):
        if point == writable:
            continue
        try:
            if not os.statvfs(point).f_flag & os.ST_RDONLY:
                return False
        except OSError:                                     # not reachable from here
            continue
    return True


def enter_namespaces(tmp_megabytes):
    """Own user, mount, PID, IPC and network namespaces, with the mounts described above
    (everything read-only but the private /tmp).

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
                and _mount_tmpfs("/tmp", f"size={int(tmp_megabytes)}m,mode=0700")
                and _read_only_everywhere(proc, "/tmp")):
            return False
        return _new_user_namespace(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET, proc)
    finally:
        os.close(proc)


def blocked_at(path):
    """The folder that keeps this process from entering ``path`` (an ancestor it cannot
    search), or None when it can."""
    parts = os.path.abspath(path).split(os.sep)[1:]
    folder = os.sep
    for part in parts:
        try:
            os.stat(os.path.join(folder, part))
        except PermissionError:
            return folder
        except OSError:
            return None
        folder = os.path.join(folder, part)
    return None


def expose(folders, paths):
    """As root: a mount namespace of this process's own in which each of ``folders`` is
    an empty, world-readable, read-only tmpfs holding only those of ``paths`` that lie
    beneath it, bind-mounted read-only at their own place.  True when done."""
    if not (_call("unshare", CLONE_NEWNS) and _call("mount", None, b"/", None, MS_REC | MS_PRIVATE, None)):
        return False
    for folder in folders:
        inside = [path for path in paths if path.startswith(folder.rstrip(os.sep) + os.sep)]
        fds = [os.open(path, os.O_PATH | os.O_DIRECTORY) for path in inside]
        try:
            if not _call("mount", b"tmpfs", folder.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, b"size=64k,mode=0755"):
                return False
            for path, fd in zip(inside, fds):
                os.makedirs(path, mode=0o755, exist_ok=True)
                target = path.encode()
                if not (_call("mount", f"/proc/self/fd/{fd}".encode(), target, None, MS_BIND | MS_REC, None)
                        and _call("mount", None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY, None)):
                    return False
            if not _call("mount", None, folder.encode(), None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV,
                         None):
                return False
        finally:
            for fd in fds:
                os.close(fd)
    return True


# ----- Landlock (Linux 5.13+): writing confined to one folder, without namespaces -----

_LANDLOCK_CALLS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}
LANDLOCK_CREATE_RULESET_VERSION, LANDLOCK_RULE_PATH_BENEATH = 1, 1
FS_WRITE_FILE, FS_REMOVE_DIR, FS_REMOVE_FILE, FS_MAKE_CHAR, FS_MAKE_DIR, FS_MAKE_REG = 2, 16, 32, 64, 128, 256
FS_MAKE_SOCK, FS_MAKE_FIFO, FS_MAKE_BLOCK, FS_MAKE_SYM, FS_REFER, FS_TRUNCATE = 512, 1024, 2048, 4096, 8192, 16384


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64)]


class _PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def _syscall(number, *args):
    if _libc is None:
        return -1
    return _libc.syscall(ctypes.c_long(number), *args)


def landlock_abi():
    """Landlock's ABI version here (0: none)."""
    calls = _LANDLOCK_CALLS.get(platform.machine())
    if calls is None or _libc is None:
        return 0
    version = _syscall(calls[0], None, ctypes.c_size_t(0), ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    return max(version, 0)


def restrict_writes(folder):
    """From now on this process and all it starts may create, change, rename or delete
    files beneath ``folder`` only (and write to /dev/null); reading is not restricted.
    True when Landlock enforces it."""
    abi = landlock_abi()
    if abi < 1:
        return False
    create, add_rule, restrict_self = _LANDLOCK_CALLS[platform.machine()]
    handled = (FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_CHAR | FS_MAKE_DIR | FS_MAKE_REG
               | FS_MAKE_SOCK | FS_MAKE_FIFO | FS_MAKE_BLOCK | FS_MAKE_SYM)
    if abi >= 2:
        handled |= FS_REFER
    if abi >= 3:
        handled |= FS_TRUNCATE
    attr = _RulesetAttr(handled)
    ruleset = _syscall(create, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)), ctypes.c_uint32(0))
    if ruleset < 0:
        return False
    try:
        rules = [(folder, os.O_PATH | os.O_DIRECTORY, handled),
                 (os.devnull, os.O_PATH, handled & (FS_WRITE_FILE | FS_TRUNCATE))]
        for path, mode, allowed in rules:
            fd = os.open(path, mode | os.O_CLOEXEC)
            try:
                rule = _PathBeneath(allowed, fd)
                if _syscall(add_rule, ctypes.c_int(ruleset), ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH),
                            ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                    return False
            finally:
                os.close(fd)
        no_new_privileges()
        return _syscall(restrict_self, ctypes.c_int(ruleset), ctypes.c_uint32(0)) == 0
    finally:
        os.close(ruleset)


def trial(work):
    """``work()`` run in a throw-away child (whatever it changes in its process stays
    there); what it returned (JSON-able), or None if the child died first."""
    read, write = os.pipe()
    child = os.fork()
    if child == 0:
        try:
            os.close(read)
            os.write(write, json.dumps(work()).encode())
        finally:
            os._exit(0)
    os.close(write)
    data = b""
    while True:
        chunk = os.read(read, 1 << 16)
        if not chunk:
            break
        data += chunk
    os.close(read)
    os.waitpid(child, 0)
    try:
        return json.loads(data)
    except ValueError:
        return None


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
