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
import io
import json
import os
import stat
import sys
import tomllib
import zipfile
from pathlib import Path

from .course import GRADERS, PACKAGE, UsageError, load_course
from .messages import pick
from .files import engine_files, write_atomic
from .submissions import Submission, pick_submission

LEFT_OUT = {"kit.py", "classreport.py", "overrides.py", "finish.py", "authoring.py"}   # instructor tools
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
    return course.config_text(f"Course settings for the Gradescope autograder of {assignment.id} (generated).",
                              {assignment.id: assignment.points})


def archive_files(course, assignment):
    """[(name in the archive, bytes, mode)]: scripts, settings, the engine, this assignment's graders."""
    files = [("setup.sh", SETUP_SH.encode(), 0o755), ("run_autograder", RUN_AUTOGRADER.encode(), 0o755),
             ("requirements.txt", requirements().encode(), 0o644),
             ("course_config.py", course_config(course, assignment).encode(), 0o644)]
    files += [("autograder/" + relative.as_posix(), path.read_bytes(), 0o644)
              for relative, path in engine_files(LEFT_OUT)]
    graders = [GRADERS / "__init__.py", *sorted(p for p in assignment.graders.rglob("*") if p.is_file()
                                                 and "__pycache__" not in p.parts)]
    files += [("autograder/" + path.relative_to(PACKAGE).as_posix(), path.read_bytes(), 0o600)
              for path in graders]
    return files


def build_archive(course, assignment, output):
    files = archive_files(course, assignment)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, mode in files:
            info = zipfile.ZipInfo(name, STAMP)
            info.create_system = 3                                  # Unix: unzip keeps the modes
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    write_atomic(output, buffer.getvalue())
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
    """The file to grade in Gradescope's submission folder (never a link, nor a file reached
    through a linked folder: it could point at a file only root may read)."""
    inside = folder.resolve()
    names = sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")
                   if path.is_file() and not path.is_symlink() and path.resolve().is_relative_to(inside)
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
        _write_results(results, _message_result(assignment, course.lang, NOTHING_TO_GRADE,
                                                expected=f"{assignment.id}.ipynb", why=why))
        return 0
    from .executors import grade_batch          # pytest and numpy: only where grading happens
    from .run.sandbox import resolve_mode
    graded, failures = [], []
    try:
        # Gradescope grades every submission in a fresh container, as root: student code runs
        # as another uid, which cannot write the root-only graders, and nothing it writes
        # outlives the run.  Write protection still applies wherever the container allows it.
        isolation = resolve_mode(os.environ.get("AUTOGRADER_ISOLATION", "auto"), trusted_code=True)
        failures = grade_batch(course, assignment, [Submission(STUDENT, submission)], out_dir=None, jobs=1,
                               isolation=isolation, lang=course.lang, on_done=graded.append)
    except Exception as error:                  # the grader failed: say so, never a silent 0
        failures.append(f"{type(error).__name__}: {error}")
    if graded and not failures:
        _write_results(results, graded[0].to_json())
        return 0
    print("autograder: " + "; ".join(map(str, failures)), file=sys.stderr)
    _write_results(results, _message_result(assignment, course.lang, GRADER_FAILED,
                                            error="; ".join(map(str, failures))[:1000]))
    return 1


def _write_results(path, data):
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1), mode=0o644)


if __name__ == "__main__":
    sys.exit(run())
