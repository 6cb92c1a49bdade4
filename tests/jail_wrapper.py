"""Run a command the way a less capable machine would, for tests/test_write_protection.py.

    python tests/jail_wrapper.py [--user NAME] [--no-userns] [--no-landlock] -- COMMAND...

Started as root.  --user: COMMAND runs as that ordinary user (setpriv), with its HOME;
when that user cannot enter the folder this Python is installed in (a pyenv under
/root, mode 0700), COMMAND gets a mount namespace of its own in which only the
installation is made readable there (nothing on disk changes).  --no-userns: a seccomp
filter makes creating a user namespace fail with EPERM, as on a machine that forbids
unprivileged user namespaces (or in Docker); --no-landlock: Landlock's system calls fail
with ENOSYS, as on a kernel without it.  Both filters stay on COMMAND and everything it
starts, grading workers and sandboxes included.
"""
import argparse
import os
import platform
import pwd
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "autograder" / "run" / "inside"))
import jail  # noqa: E402
import seccomp  # noqa: E402

LANDLOCK_CALLS = (444, 445, 446)


def filter_program(no_userns, no_landlock):
    arch, calls = seccomp._ARCH[platform.machine()]
    body = seccomp._start(arch)
    if no_userns:
        body += [("jeq", calls["unshare"], "flags", None), ("jeq", calls["clone"], "flags", None),
                 ("jeq", calls["clone3"], "enosys", None)]      # glibc falls back to clone
    if no_landlock:
        body += [("jeq", number, "enosys", None) for number in LANDLOCK_CALLS]
    body += [("ret", seccomp._ALLOW), ("label", "flags"), ("ld", seccomp._ARG0),
             ("jset", seccomp.CLONE_NEWUSER, "eperm", None), ("ret", seccomp._ALLOW)]
    return seccomp._assemble(body + seccomp._end())


def readable_python_for(user):
    """A mount namespace in which ``user`` can read this Python installation."""
    paths = sorted({path for prefix in (sys.base_prefix, sys.prefix)          # the venv too
                    for path in (os.path.realpath(prefix), os.path.abspath(prefix))})

    def blocked():
        _drop(user)
        return [jail.blocked_at(path) for path in paths]

    folders = sorted({folder for folder in (jail.trial(blocked) or []) if folder and folder != os.sep})
    if folders and not jail.expose(folders, paths):
        sys.exit("jail_wrapper: cannot make the Python installation readable to " + user.pw_name)


def _drop(user):
    os.setgroups([])
    os.setgid(user.pw_gid)
    os.setuid(user.pw_uid)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--user")
    parser.add_argument("--no-userns", action="store_true")
    parser.add_argument("--no-landlock", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    user = pwd.getpwnam(args.user) if args.user else None
    if user is not None:
        readable_python_for(user)
    if args.no_userns or args.no_landlock:
        jail.no_new_privileges()
        assert seccomp._load(filter_program(args.no_userns, args.no_landlock))
    if user is not None:
        os.environ.update(HOME=user.pw_dir, USER=user.pw_name, LOGNAME=user.pw_name)
        command = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--init-groups", *command]
    os.execvp(command[0], command)


if __name__ == "__main__":
    main()
