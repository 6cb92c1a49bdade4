"""``python -m autograder gradescope ID --output ID.zip``: a Gradescope autograder for one assignment.

The archive, which Gradescope unpacks into /autograder/source/:
    setup.sh          run once, as root, when Gradescope builds the image: Python 3.11+ (the
                      image's own, or deadsnakes' 3.11 on an older Ubuntu), a virtual environment
                      /opt/autograder-venv with requirements.txt, and bubblewrap when available
    run_autograder    run for every submission: grades /autograder/submission/ into
                      /autograder/results/results.json (``run`` below)
    requirements.txt  the engine's dependencies, from pyproject.toml
    course_config.py  this assignment only, every check with its points
    autograder/       the engine, and this assignment's graders (hidden checks included)

Isolation: full where bubblewrap can run in the container, else reduced: student code runs
as an unprivileged uid (the grading runs as root), and the graders are made root-only
(0700) before grading, so student code cannot read them.  AUTOGRADER_ROOT (default
/autograder), AUTOGRADER_PYTHON and AUTOGRADER_ISOLATION (auto|full|reduced) let the
archive run anywhere, e.g. in a test.
"""
import json
import os
import stat
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

from .course import PACKAGE, UsageError, load_course
from .lms import pick_submission
from .messages import pick
from .report import student_folder, write_atomic

LEFT_OUT = {"kit.py", "classreport.py", "overrides.py"}      # instructor tools the grading never needs
STAMP = (2024, 1, 1, 0, 0, 0)                                # fixed: the same course gives the same zip
STUDENT = "submission"

SETUP_SH = r"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu 20.04-24.04).
# It installs Python 3.11 or newer (the image's own when new enough, else 3.11 from the
# deadsnakes PPA), a virtual environment /opt/autograder-venv with requirements.txt (pip),
# and bubblewrap: grading uses full isolation where the container allows it, else reduced
# isolation (student code as an unprivileged user, the graders readable by root only).
set -euo pipefail
cd "${AUTOGRADER_ROOT:-/autograder}/source"
export DEBIAN_FRONTEND=noninteractive
VENV=/opt/autograder-venv

apt-get update
PYTHON=""
for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        PYTHON=$(command -v "$candidate")
        break
    fi
done
if [ -z "$PYTHON" ]; then
    apt-get install -y software-properties-common
    add-apt-repository -y ppa:deadsnakes/ppa
    apt-get update
    apt-get install -y python3.11 python3.11-venv
    PYTHON=/usr/bin/python3.11
fi
VERSION=$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
apt-get install -y "python$VERSION-venv" || true      # "python -m venv" needs it on Debian/Ubuntu
apt-get install -y bubblewrap || true                 # optional: full isolation where namespaces work

"$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --no-cache-dir --upgrade pip
"$VENV/bin/python" -m pip install --no-cache-dir -r requirements.txt

chown -R root:root autograder/graders                 # run_autograder checks this again
chmod -R go-rwx autograder/graders
"$VENV/bin/python" -c 'import numpy, pytest; print("autograder ready: numpy", numpy.__version__)'
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this, as root, for every submission: it grades /autograder/submission/ into
# /autograder/results/results.json.  Elsewhere, set AUTOGRADER_ROOT (a folder laid out like
# /autograder), AUTOGRADER_PYTHON and, if wanted, AUTOGRADER_ISOLATION (auto|full|reduced).
set -euo pipefail
export AUTOGRADER_ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-/opt/autograder-venv/bin/python}"
cd "$AUTOGRADER_ROOT/source"
exec "$PYTHON" -m autograder.gradescope
"""

NOTHING_TO_GRADE = {
    "ja": "採点できるファイルがありません: {expected} を提出してください。({why})",
    "en": "Nothing to grade: please submit {expected}. ({why})",
}
GRADER_FAILED = {
    "ja": "自動採点そのものが失敗しました(提出物の問題ではありません)。"
          "教員に連絡してください。",
    "en": "The autograder itself failed (not a problem with your submission); please tell your instructor.",
}


# ----- building the archive -----

def requirements():
    pyproject = PACKAGE.parent / "pyproject.toml"
    if pyproject.is_file():
        with open(pyproject, "rb") as handle:
            return "\n".join(tomllib.load(handle)["project"]["dependencies"]) + "\n"
    return "numpy\npytest\n"


def course_config(course, assignment):
    spec = {assignment.id: {"title": assignment.title, "points": assignment.points}}
    return (f'"""Course settings for the Gradescope autograder of {assignment.id} (generated)."""\n\n'
            f"COURSE_ID = {course.id!r}\nLANG = {course.lang!r}\n"
            f"HIDDEN_VISIBILITY = {course.hidden_visibility!r}\n"
            f"LIMITS = {course.limits!r}\n\nASSIGNMENTS = {spec!r}\n")


def archive_files(course, assignment):
    """[(name in the archive, bytes, mode)]: scripts, settings, the engine, this assignment's graders."""
    files = [("setup.sh", SETUP_SH.encode(), 0o755), ("run_autograder", RUN_AUTOGRADER.encode(), 0o755),
             ("requirements.txt", requirements().encode(), 0o644),
             ("course_config.py", course_config(course, assignment).encode(), 0o644)]
    for path in sorted(PACKAGE.rglob("*")):
        parts = path.relative_to(PACKAGE).parts
        if (path.is_dir() or path.name in LEFT_OUT or parts[0] == "kit_files"
                or any(part == "__pycache__" or part.startswith(".") for part in parts)
                or (parts[0] == "graders" and len(parts) > 2 and parts[1] != assignment.id)):
            continue
        mode = 0o600 if parts[0] == "graders" else 0o644
        files.append(("autograder/" + "/".join(parts), path.read_bytes(), mode))
    return files


def build_archive(course, assignment, output):
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    files = archive_files(course, assignment)
    fd, temporary = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    os.close(fd)
    with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, mode in files:
            info = zipfile.ZipInfo(name, STAMP)
            info.create_system = 3                                  # Unix: unzip keeps the modes
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    os.replace(temporary, output)
    return files


def package_command(course, args):
    assignment = course.assignment(args.assignment)
    if not args.output.endswith(".zip"):
        raise UsageError("--output must name a .zip file")
    files = build_archive(course, assignment, args.output)
    graders = sum(name.startswith(f"autograder/graders/{assignment.id}/") for name, _, _ in files)
    print(f"Gradescope autograder for {assignment.id} -> {args.output} "
          f"({len(files)} files, {graders} of them graders)")
    print("Upload it under Configure Autograder (zip file upload; the newest Ubuntu base image offered); "
          f"total points {assignment.max_score:g}.")
    return 0


# ----- grading on Gradescope -----

def secure_graders(graders):
    """The graders become root's only (0700/0600), so student code, run as another uid, cannot read them."""
    if os.geteuid() != 0:
        print("autograder: not root: student code runs as this user and could read the graders",
              file=sys.stderr)
        return False
    for path in [graders, *graders.rglob("*")]:
        os.chown(path, 0, 0, follow_symlinks=False)
        if not path.is_symlink():
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return True


def _message_result(assignment, lang, text, **facts):
    return {"score": 0.0, "output": pick({k: v.format(**facts) for k, v in text.items()}, lang),
            "output_format": "text", "visibility": "visible", "stdout_visibility": "hidden", "tests": [],
            "extra_data": {"assignment": assignment.id, **facts}}


def find_submission(folder, assignment_id):
    names = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()
                   and not any(part.startswith(".") or part == "__pycache__"
                               for part in path.relative_to(folder).parts))
    index, why = pick_submission(names, assignment_id)
    return (None, why) if index is None else (folder / names[index], "")


def run(root=None):
    """Grade ROOT/submission/ into ROOT/results/results.json; the exit status of run_autograder."""
    root = Path(root or os.environ.get("AUTOGRADER_ROOT", "/autograder")).resolve()
    source, results = root / "source", root / "results" / "results.json"
    if PACKAGE.resolve() != source / "autograder":
        print(f"autograder: run_autograder must run the archive's own package in {source}", file=sys.stderr)
        return 2
    course = load_course(source / "course_config.py")
    (assignment,) = course.assignments.values()
    secure_graders(PACKAGE / "graders")
    submission, why = find_submission(root / "submission", assignment.id)
    if submission is None:
        result = _message_result(assignment, course.lang, NOTHING_TO_GRADE,
                                 expected=f"{assignment.id}.ipynb", why=why)
        _write_results(results, _json(result))
        return 0
    isolation = os.environ.get("AUTOGRADER_ISOLATION", "auto")
    with tempfile.TemporaryDirectory(prefix="autograder-") as out:
        done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission), "--assignment",
                               assignment.id, "--student", STUDENT, "--out", out, "--isolation", isolation],
                              cwd=source)
        produced = student_folder(out, STUDENT) / "results.json"
        if done.returncode == 0 and produced.is_file():
            _write_results(results, produced.read_text(encoding="utf-8"))
            return 0
    _write_results(results, _json(_message_result(assignment, course.lang, GRADER_FAILED,
                                                  error=f"grading exited with status {done.returncode}")))
    return 1


def _write_results(path, text):
    write_atomic(path, text)
    path.chmod(0o644)


def _json(data):
    return json.dumps(data, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    sys.exit(run())
