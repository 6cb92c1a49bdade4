"""Student code cannot write outside its own temporary folder, in any mode, and an
interrupted batch leaves nothing running.

The attack of the robustness issue, replayed: a submission (otherwise correct) finds
the graders folder through ``sys.modules`` (the probes module) and by path, and tries to
plant a conftest.py there, a line in the grading user's ~/.bashrc, and files in the
output folder, the repository, a world-writable folder, /var/tmp and /dev/shm, and to
make repository files world-writable and backdate them.  It is
graded by the real command in a batch beside an honest correct submission, on a copy
of the repository, in every mode:

    full                         bubblewrap (as root)
    reduced, root, namespaces    student code as a sandbox uid, everything read-only
    reduced, root, Landlock      user namespaces made unavailable by a seccomp filter
    reduced, user, namespaces    grading as an ordinary user (created here if missing)
    reduced, user, Landlock      the same, without user namespaces
    refused / --trusted-code     neither user namespaces nor Landlock: grading is refused
                                 (exit 1, naming what to install) unless --trusted-code

Each run must leave every target untouched and give both submissions full marks.
tests/jail_wrapper.py takes away user namespaces and Landlock (seccomp) and runs as the
ordinary user (setpriv); these tests need root, which CI has.
"""
import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from conftest import REDUCED_PROTECTION, ROOT, copy_repository
from test_redteam import CORRECT, _processes

ASSIGNMENT = "ch04_gradient"
WRAPPER = ROOT / "tests" / "jail_wrapper.py"
USER = "ag-wp-student"            # the ordinary user the user-mode runs grade as
PLANTED = "planted by a submission"

ATTACK = '''
import os as _os, sys as _sys


def _plant():
    targets = {targets!r}
    probes = _sys.modules.get("probes")                 # the graders, found as the attack found them
    if getattr(probes, "__file__", None):
        targets.append(_os.path.join(_os.path.dirname(probes.__file__), "conftest.py"))
    for path in targets:
        try:
            with open(path, "a") as handle:
                handle.write({line!r} + "\\n")
        except OSError:
            pass
    for path in {touched!r}:                            # metadata: made world-writable, backdated
        for change in (lambda: _os.chmod(path, 0o777), lambda: _os.utime(path, (0, 0))):
            try:
                change()
            except OSError:
                pass


_plant()
'''


def ordinary_user():
    try:
        return pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", USER], check=True)
        return pwd.getpwnam(USER)


class Setup:
    """A copy of the repository, a batch and every target, owned by whoever grades."""

    def __init__(self, user=None):
        self.user = user
        self.base = Path(tempfile.mkdtemp(prefix="ag-wp-"))
        os.chmod(self.base, 0o755)
        self.repo = copy_repository(self.base / "repo")
        self.subs = self.base / "subs"
        self.subs.mkdir()
        self.out = self.base / "out"
        self.out.mkdir()
        self.shared = self.base / "shared"
        self.shared.mkdir()
        home = Path(user.pw_dir) if user else Path(pwd.getpwuid(os.getuid()).pw_dir)
        self.bashrc = home / ".bashrc"
        self.bashrc_before = self.bashrc.read_bytes() if self.bashrc.exists() else None
        marker = uuid.uuid4().hex[:8]
        self.graders = self.repo / "autograder" / "graders" / ASSIGNMENT
        self.targets = [self.graders / "conftest.py", self.bashrc, self.out / "planted.txt",
                        self.repo / "planted.txt", self.repo / "autograder" / "conftest.py",
                        self.shared / "planted.txt", Path(f"/var/tmp/planted-{marker}"),
                        Path(f"/dev/shm/planted-{marker}")]
        self.touched = [self.repo / "course_config.py", self.graders / "probes.py"]
        attack = ATTACK.format(targets=[str(t) for t in self.targets], line=f"# {PLANTED} {marker}",
                               touched=[str(t) for t in self.touched])
        (self.subs / "attack.py").write_text(CORRECT.read_text(encoding="utf-8") + attack, encoding="utf-8")
        shutil.copy(CORRECT, self.subs / "correct.py")
        if user:
            subprocess.run(["chown", "-R", f"{user.pw_uid}:{user.pw_gid}", str(self.base)], check=True)
        os.chmod(self.shared, 0o777)
        self.metadata = [self._metadata(path) for path in self.touched]

    @staticmethod
    def _metadata(path):
        stat = path.stat()
        return stat.st_mode, stat.st_mtime_ns

    def grade(self, *extra, no_userns=False, no_landlock=False, isolation="reduced"):
        command = [sys.executable, "-m", "autograder", "grade", str(self.subs), "--assignment", ASSIGNMENT,
                   "--out", str(self.out), "--jobs", "2", "--isolation", isolation, *extra]
        wrap = (["--user", self.user.pw_name] if self.user else []) + \
            (["--no-userns"] if no_userns else []) + (["--no-landlock"] if no_landlock else [])
        if wrap:
            command = [sys.executable, str(WRAPPER), *wrap, "--", *command]
        return subprocess.run(command, cwd=self.repo, capture_output=True, text=True, timeout=600)

    def results(self):
        return {p.parent.name: json.loads(p.read_text(encoding="utf-8")) for p in self.out.glob("*/results.json")}

    def planted(self):
        """The targets the attack reached."""
        found = [str(t) for t in self.targets if t != self.bashrc and t.exists()]
        now = self.bashrc.read_bytes() if self.bashrc.exists() else None
        if now != self.bashrc_before:
            found.append(str(self.bashrc))
        found += [f"{path} (mode or time)" for path, before in zip(self.touched, self.metadata)
                  if self._metadata(path) != before]
        return found

    def clean(self):
        now = self.bashrc.read_bytes() if self.bashrc.exists() else None
        if now != self.bashrc_before:                   # the attack got through: undo it
            if self.bashrc_before is None:
                self.bashrc.unlink()
            else:
                self.bashrc.write_bytes(self.bashrc_before)
        for target in self.targets[-2:]:
            if target.exists():
                target.unlink()
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture
def setup_for(request):
    made = []

    def make(user=None):
        made.append(Setup(user))
        return made[-1]

    yield make
    for setup in made:
        setup.clean()


def assert_protected(setup, done, isolation, protection):
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    graded = setup.results()
    assert sorted(graded) == ["attack", "correct"], done.stderr[-2000:]
    for student, result in graded.items():
        assert result["score"] == result["extra_data"]["max_score"], (student, result["output"])
        assert result["extra_data"]["isolation"] == isolation
        assert result["extra_data"]["write_protection"] == protection
    assert setup.planted() == []


MODES = {   # id: (as an ordinary user, no user namespaces, isolation, write protection)
    "reduced-root-namespaces": (False, False, "reduced", REDUCED_PROTECTION),
    "reduced-root-landlock": (False, True, "reduced", "landlock"),
    "reduced-user-namespaces": (True, False, "reduced", REDUCED_PROTECTION),
    "reduced-user-landlock": (True, True, "reduced", "landlock"),
}


@pytest.mark.full_isolation
def test_full_mode_keeps_the_instructors_files(setup_for):
    setup = setup_for()
    done = setup.grade(isolation="full")
    assert_protected(setup, done, "full", "namespaces")


@pytest.mark.parametrize("mode", list(MODES))
def test_reduced_mode_keeps_the_instructors_files(setup_for, mode):
    as_user, no_userns, isolation, protection = MODES[mode]
    assert os.geteuid() == 0, "these tests start the ordinary user and the filters as root (CI runs as root)"
    setup = setup_for(ordinary_user() if as_user else None)
    done = setup.grade(no_userns=no_userns)
    assert_protected(setup, done, isolation, protection)


@pytest.mark.parametrize("as_user", [False, True], ids=["root", "user"])
def test_grading_is_refused_without_protection_unless_trusted(setup_for, as_user):
    """Neither user namespaces nor Landlock: refused as full mode without bubblewrap is
    (exit 1, nothing graded, what to install); --trusted-code grades and says so."""
    setup = setup_for(ordinary_user() if as_user else None)
    refused = setup.grade(no_userns=True, no_landlock=True)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "refusing to grade" in refused.stderr and "bubblewrap" in refused.stderr, refused.stderr
    assert "--trusted-code" in refused.stderr and "Landlock" in refused.stderr
    assert setup.results() == {}
    assert setup.planted() == []
    trusted = setup.grade("--trusted-code", no_userns=True, no_landlock=True)
    assert trusted.returncode == 0, trusted.stderr[-3000:]
    graded = setup.results()
    for student in ("attack", "correct"):
        result = graded[student]
        assert result["score"] == result["extra_data"]["max_score"], (student, result["output"])
        assert result["extra_data"]["write_protection"] == "none (trusted)"


def test_grade_help_names_the_trusted_code_flag():
    shown = subprocess.run([sys.executable, "-m", "autograder", "grade", "--help"], cwd=ROOT,
                           capture_output=True, text=True)
    assert "--trusted-code" in shown.stdout


# ----- the Python installation, as the sandbox uid sees it -----

STDLIB = '''
import dataclasses, pathlib, fractions, statistics, decimal, json, csv
'''


def test_reduced_mode_as_root_reads_the_python_installation(setup_for):
    """As root, student code runs as a sandbox uid: the Python installation must be
    readable to it even where it lives in a folder only root may enter (a pyenv under
    /root, as on this repository's machines)."""
    setup = setup_for()
    for path in setup.subs.iterdir():
        path.write_text(path.read_text(encoding="utf-8") + STDLIB, encoding="utf-8")
    shutil.copy(ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", setup.subs / "notebook.ipynb")
    done = setup.grade()
    assert done.returncode == 0, done.stderr[-3000:]
    for student, result in setup.results().items():
        problems = [p for p in result["extra_data"]["load_problems"] if "autograder" not in p["message"]]
        assert problems == [], (student, problems)
        assert result["score"] == result["extra_data"]["max_score"], student


def test_a_python_the_sandbox_cannot_read_fails_loudly(setup_for):
    """When the sandbox uid cannot read the Python installation and it cannot be made
    readable (here: no mounting, as in a container without CAP_SYS_ADMIN), grading
    fails (exit 1, naming the folder), rather than scoring missing modules as the
    student's errors.  Where this Python is readable to every user anyway, the same
    run grades normally."""
    setup = setup_for()
    hidden = _hidden_from_sandbox(sys.base_prefix)
    command = [sys.executable, "-c", NO_MOUNTS, sys.executable, "-m", "autograder", "grade", str(setup.subs),
               "--assignment", ASSIGNMENT, "--out", str(setup.out), "--isolation", "reduced"]
    done = subprocess.run(command, cwd=setup.repo, capture_output=True, text=True, timeout=600)
    if hidden:
        assert done.returncode == 1, done.stdout + done.stderr
        assert "cannot read the Python installation" in done.stderr and os.path.realpath(sys.base_prefix) in done.stderr
        assert setup.results() == {}
    else:
        assert done.returncode == 0, done.stderr
        assert all(r["score"] == r["extra_data"]["max_score"] for r in setup.results().values())


NO_MOUNTS = """import os, platform, sys
sys.path.insert(0, {inside!r})
import jail, seccomp
arch, calls = seccomp._ARCH[platform.machine()]
mount, unshare = {{"x86_64": (165, 272), "aarch64": (40, 97)}}[platform.machine()]
body = seccomp._start(arch) + [("jeq", mount, "eperm", None), ("jeq", unshare, "eperm", None), ("ret", seccomp._ALLOW)]
jail.no_new_privileges()
assert seccomp._load(seccomp._assemble(body + seccomp._end()))
os.execv(sys.argv[1], sys.argv[1:])
""".format(inside=str(ROOT / "autograder" / "run" / "inside"))


def _hidden_from_sandbox(path):
    """Can the first sandbox uid not enter ``path``?"""
    sys.path.insert(0, str(ROOT / "autograder" / "run" / "inside"))
    try:
        import jail
    finally:
        sys.path.pop(0)

    def blocked():
        jail.drop_to(61000)
        return jail.blocked_at(os.path.realpath(path))

    return jail.trial(blocked) is not None


# ----- Ctrl-C on a batch -----

CONFIG = """import runpy
globals().update({{k: v for k, v in runpy.run_path({real!r}).items() if k.isupper()}})
LIMITS = dict(LIMITS, cell_seconds={marker}, check_seconds=20.0, submission_seconds=120.0)
"""
SLOW = """
import time as _time
_diff = numerical_diff
def numerical_diff(f, x):          # each question about it takes 15 s (of the 20 s allowed)
    _time.sleep(15)
    return _diff(f, x)
"""


@pytest.mark.parametrize("isolation", ["full", "reduced"])
def test_ctrl_c_stops_workers_and_sandboxes(tmp_path, isolation):
    """A batch of --jobs 2 interrupted (SIGINT) after its first result: within 3 s no
    worker and no sandbox of it is left (they are told apart by a cell time limit
    unique to this run, on the sandboxes' command line, and the batch's folder, on the
    workers')."""
    marker = json.dumps(5.0 + (uuid.uuid4().int % 10**6 + 1) / 10**9)
    (tmp_path / "course_config.py").write_text(CONFIG.format(real=str(ROOT / "course_config.py"), marker=marker))
    subs = tmp_path / "subs"
    subs.mkdir()
    shutil.copy(CORRECT, subs / "a_correct.py")
    for number in range(6):
        (subs / f"slow{number}.py").write_text(CORRECT.read_text(encoding="utf-8") + SLOW, encoding="utf-8")
    out = tmp_path / "out"
    batch = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(subs), "--assignment", ASSIGNMENT,
                              "--out", str(out), "--jobs", "2", "--isolation", isolation,
                              "--config", str(tmp_path / "course_config.py")], cwd=tmp_path,
                             env={**os.environ, "PYTHONPATH": str(ROOT)},     # this repository's package
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not list(out.glob("*/results.json")) and time.monotonic() < deadline and batch.poll() is None:
            time.sleep(0.05)
        assert list(out.glob("*/results.json")), "no result came"
        ours = [p for p in _processes() if marker in p[2]]
        assert ours, "the sandboxes of the batch are not running: nothing to interrupt"
        batch.send_signal(signal.SIGINT)
        _, stderr = batch.communicate(timeout=10)
        time.sleep(3.0)
        left = [p for p in _processes() if marker in p[2] or (str(tmp_path) in p[2] and p[0] != os.getpid())]
        assert not left, f"still running 3 s after Ctrl-C: {left}"
        assert batch.returncode == 130, stderr[-2000:]
        assert "interrupted" in stderr
        assert len(list(out.glob("*/results.json"))) < 7          # it did stop early
    finally:
        if batch.poll() is None:
            batch.kill()
        batch.communicate()
