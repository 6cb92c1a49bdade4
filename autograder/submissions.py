"""Which files are submissions, and whose: the PATH arguments become (student, file) pairs.

Student ids: in nbgrader's ``submitted/<student>/<assignment>/`` layout the student
folder; in a flat folder the file stem; for a single file the stem or --student.
Ids are NFC-normalised.  Hidden files and .ipynb_checkpoints/ are ignored.
"""
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .course import UsageError

KINDS = (".ipynb", ".py")


@dataclass(frozen=True)
class Submission:
    student: str
    path: Path


def _ignored(path, root):
    parts = path.relative_to(root).parts
    return any(part.startswith(".") or part == "__pycache__" for part in parts)


def discover(paths, assignment_id, student=None, warn=None):
    warn = warn or (lambda text: print(f"warning: {text}", file=sys.stderr))
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_file():
            if path.suffix not in KINDS:
                raise UsageError(f"{raw}: not a notebook (.ipynb) or script (.py)")
            found.append((student or path.stem, path))
        elif path.is_dir():
            for file in sorted(path.rglob("*")):
                if _ignored(file, path):
                    continue
                if file.is_symlink():                # could point at solutions/ or another student
                    warn(f"skipped {file} (a symbolic link)")
                    continue
                if not file.is_file():
                    continue
                if file.suffix not in KINDS:
                    warn(f"skipped {file} (not .ipynb or .py)")
                    continue
                owner = file.parent.parent.name if file.parent.name == assignment_id and file.parent != path \
                    else file.stem
                found.append((owner, file))
        else:
            raise UsageError(f"{raw}: no such file or folder")
    if student and len(found) > 1:
        raise UsageError(f"--student names one student but {len(found)} submissions were given")
    submissions, seen = [], {}
    for owner, file in found:
        owner = unicodedata.normalize("NFC", owner)
        if owner in seen:
            raise UsageError(f"two submissions for student '{owner}': {seen[owner]} and {file}")
        seen[owner] = file
        submissions.append(Submission(owner, file))
    if not submissions:
        raise UsageError("no submissions (.ipynb or .py) found in " + ", ".join(map(str, paths)))
    return sorted(submissions, key=lambda s: s.student)
