"""Seccomp filters for student code: system calls that could reach past the sandbox fail
with EPERM.

``install()``, once before any student code runs (everything forked inherits it):
namespaces and resource limits already confine a submission; this closes what they do
not bound: a new user namespace (where the code would be root again and could mount a
tmpfs that is not counted against its memory), mounting and chroot, shared memory and
memfds (memory outside RLIMIT_AS), ptrace and process_vm_* (reaching into another
process), and kernel interfaces no exercise needs (bpf, io_uring, userfaultfd, perf,
keyrings).

``fence_metadata()``, where Landlock (not read-only mounts) keeps student code from
writing outside its folder: Landlock does not cover changing a file's metadata, so
chmod, chown, timestamps and extended attributes are refused everywhere instead.

``fence_signals(pid)``, in each question process: signals may go to that process and
its own process group only, so a question cannot kill the process that relays its
answer even where there is no PID namespace to hide it.

Linux x86-64 and arm64 only; elsewhere both do nothing and return False.
"""
import ctypes
import platform

CLONE_NEWUSER = 0x10000000
EPERM, ENOSYS = 1, 38

_ARCH = {   # audit arch, then syscall numbers
    "x86_64": (0xC000003E, {
        "clone": 56, "unshare": 272, "clone3": 435, "kill": 62, "tgkill": 234, "tkill": 200,
        "rt_sigqueueinfo": 129, "rt_tgsigqueueinfo": 297, "pidfd_send_signal": 424,
        "refused": [29, 101, 155, 161, 165, 166, 246, 248, 249, 250, 298, 308, 310, 311, 319, 321,
                    323, 425, 428, 429, 430, 431, 432, 433, 442, 447]}),
    "aarch64": (0xC00000B7, {
        "clone": 220, "unshare": 97, "clone3": 435, "kill": 129, "tgkill": 131, "tkill": 130,
        "rt_sigqueueinfo": 138, "rt_tgsigqueueinfo": 240, "pidfd_send_signal": 424,
        "refused": [39, 40, 41, 51, 117, 194, 217, 218, 219, 241, 268, 270, 271, 279, 280, 282,
                    425, 428, 429, 430, 431, 432, 433, 442, 447]}),
}
# File metadata (fence_metadata): chmod, fchmod, chown, fchown, lchown, utime, setxattr, lsetxattr,
# fsetxattr, removexattr, lremovexattr, fremovexattr, utimes, fchownat, futimesat, fchmodat, utimensat
# (x86-64 numbering; arm64 has the *at forms only), fchmodat2, setxattrat, removexattrat.
_METADATA = {"x86_64": [90, 91, 92, 93, 94, 132, 188, 189, 190, 197, 198, 199, 235, 260, 261, 268, 280,
                        452, 463, 466],
             "aarch64": [5, 6, 7, 14, 15, 16, 52, 53, 54, 55, 88, 452, 463, 466]}
# refused: shmget, ptrace, pivot_root, chroot, mount, umount2, kexec_load, add_key,
# request_key, keyctl, perf_event_open, setns, process_vm_readv/writev, memfd_create, bpf,
# userfaultfd, io_uring_setup, open_tree, move_mount, fsopen, fsconfig, fsmount, fspick,
# mount_setattr, memfd_secret

_LD, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
_ALLOW, _ERRNO, _KILL = 0x7FFF0000, 0x00050000, 0x80000000
_NR, _ARCH_AT, _ARG0 = 0, 4, 16          # offsets in struct seccomp_data (arg 0: its low 32 bits)
_X32_BIT = 0x40000000
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2


def _assemble(body):
    """[("ld", offset) | ("ret", value) | (jump, k, if_true, if_false) | ("label", name)]
    -> BPF instructions (code, jt, jf, k); jump targets are label names or None (next)."""
    labels, index = {}, 0
    for item in body:
        if item[0] == "label":
            labels[item[1]] = index
        else:
            index += 1
    code, index = [], 0
    for item in body:
        op = item[0]
        if op == "label":
            continue
        if op in ("ld", "ret"):
            code.append((_LD if op == "ld" else _RET, 0, 0, item[1]))
        else:
            offset = lambda target: 0 if target is None else labels[target] - index - 1
            code.append(({"jeq": _JEQ, "jge": _JGE, "jset": _JSET}[op], offset(item[2]), offset(item[3]), item[1]))
        index += 1
    return code


def _start(arch):
    return [("ld", _ARCH_AT), ("jeq", arch, None, "kill"), ("ld", _NR)]


def _end():
    return [("label", "eperm"), ("ret", _ERRNO | EPERM), ("label", "enosys"), ("ret", _ERRNO | ENOSYS),
            ("label", "kill"), ("ret", _KILL)]


def base_program(machine):
    if machine not in _ARCH:
        return None
    arch, calls = _ARCH[machine]
    body = _start(arch) + [("jge", _X32_BIT, "eperm", None), ("jeq", calls["unshare"], "flags", None),
                           ("jeq", calls["clone"], "flags", None), ("jeq", calls["clone3"], "enosys", None)]
    body += [("jeq", number, "eperm", None) for number in calls["refused"]]
    body += [("ret", _ALLOW), ("label", "flags"), ("ld", _ARG0), ("jset", CLONE_NEWUSER, "eperm", None),
             ("ret", _ALLOW)]
    return _assemble(body + _end())


def metadata_program(machine):
    if machine not in _ARCH:
        return None
    arch, _ = _ARCH[machine]
    body = _start(arch) + [("jeq", number, "eperm", None) for number in _METADATA[machine]]
    return _assemble(body + [("ret", _ALLOW)] + _end())


def signal_program(machine, pid):
    if machine not in _ARCH:
        return None
    arch, calls = _ARCH[machine]
    own_group = (-pid) & 0xFFFFFFFF
    body = _start(arch) + [("jeq", calls["kill"], "kill_target", None)]
    body += [("jeq", calls[name], "own_process", None) for name in ("tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo")]
    body += [("jeq", calls[name], "eperm", None) for name in ("tkill", "pidfd_send_signal")]
    body += [("ret", _ALLOW),
             ("label", "kill_target"), ("ld", _ARG0), ("jeq", pid, "allow", None), ("jeq", 0, "allow", None),
             ("jeq", own_group, "allow", "eperm"),
             ("label", "own_process"), ("ld", _ARG0), ("jeq", pid, "allow", "eperm"),
             ("label", "allow"), ("ret", _ALLOW)]
    return _assemble(body + _end())


class _Instruction(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Instruction))]


def _load(code):
    if code is None:
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    instructions = (_Instruction * len(code))(*[_Instruction(*item) for item in code])
    program = _Program(len(code), instructions)
    return libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) == 0


def install():
    """The base filter, for this process and everything it forks.  True when loaded."""
    return _load(base_program(platform.machine()))


def fence_metadata():
    """No file's mode, owner, timestamps or extended attributes change from here on."""
    return _load(metadata_program(platform.machine()))


def fence_signals(pid):
    """Signals from here on reach ``pid`` and its process group only.  True when loaded."""
    return _load(signal_program(platform.machine(), pid))
