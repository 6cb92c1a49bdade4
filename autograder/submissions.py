"""Which files are submissions, and whose: the PATH arguments become (student, file) pairs.

Student ids: in nbgrader's ``submitted/<student>/<assignment>/`` layout the student
folder; in a flat folder the file stem; for a single file the stem or --student.
Hidden files and .ipynb_checkpoints/ are ignored.

One rule makes a student's key (``student_key``) and one the folder of their results
(``student_folder``): every part of the engine (discovery, results, import-lms,
Gradescope, overrides) goes through these two, so two ids the key keeps apart never
share a folder, and two that it merges are refused as duplicates before grading.
"""
import sys
import unicodedata
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from .course import UsageError

KINDS = (".ipynb", ".py")


# Files the engine writes at the top of an output folder: no student's folder may take these names.
OUTPUT_NAMES = {"grades.csv", "grades_final.csv", "overrides.csv", "report.html"}
_KEPT = set("-_.@")                  # besides letters and digits (any script), kept as they are


def student_key(raw):
    """The id a student is known by: NFC-normalised (macOS writes file names as NFD), no
    surrounding spaces.  Two ids with the same key are the same student."""
    return unicodedata.normalize("NFC", str(raw)).strip()


def folder_name(key):
    """A folder name for a student key, injective: every character that is not a letter, a
    digit or one of - _ . @ is written %XX (its UTF-8 bytes), and so is '%' itself, a leading
    dot and the first letter of a name the output folder uses (grades.csv), so the name
    reads back to exactly one key."""
    def escape(ch):
        return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8", "surrogatepass"))

    name = "".join(ch if ch.isalnum() or ch in _KEPT else escape(ch) for ch in key) or "%00"
    if name.startswith(".") or name.casefold() in OUTPUT_NAMES:
        name = escape(name[0]) + name[1:]
    return name


def key_of_folder(name):
    """The student key a folder named by ``folder_name`` stands for (other names: themselves)."""
    try:
        return student_key(urllib.parse.unquote(name, errors="strict"))
    except UnicodeDecodeError:
        return student_key(name)


def student_folder(out_dir, key):
    """DIR/<student>/: where one student's results.json and feedback.md live."""
    return Path(out_dir) / folder_name(key)


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
                owner = key_of_folder(file.parent.parent.name) \
                    if file.parent.name == assignment_id and file.parent != path else file.stem
                found.append((owner, file))
        else:
            raise UsageError(f"{raw}: no such file or folder")
    if student and len(found) > 1:
        raise UsageError(f"--student names one student but {len(found)} submissions were given")
    submissions, seen = [], {}
    for owner, file in found:
        owner = student_key(owner)
        if owner in seen:
            raise UsageError(f"two submissions for student '{owner}': {seen[owner]} and {file}")
        seen[owner] = file
        submissions.append(Submission(owner, file))
    if not submissions:
        raise UsageError("no submissions (.ipynb or .py) found in " + ", ".join(map(str, paths)))
    return sorted(submissions, key=lambda s: s.student)
