"""Which files are submissions, and whose: the PATH arguments become (student, file) pairs.

Student ids: in nbgrader's ``submitted/<student>/<assignment>/`` layout the student
folder; in a flat folder the file stem; for a single file the stem or --student.
Hidden files, .ipynb_checkpoints/ and symbolic links are never graded.

One rule makes a student's key (``student_key``) and one the folder of their results
(``student_folder``): every part of the engine (discovery, results, import-lms,
Gradescope, overrides) goes through these two, so two ids the key keeps apart never
share a folder, and two that it merges are refused as duplicates before grading.
"""
import hashlib
import re
import sys
import unicodedata
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from .course import UsageError
from .escape import plain, terminal

KINDS = (".ipynb", ".py")


# Files the engine writes at the top of an output folder: no student's folder may take these names.
OUTPUT_NAMES = {"grades.csv", "grades_final.csv", "overrides.csv", "report.html", "report_anonymous.html",
                "written", "export"}
_KEPT = set("-_.@")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
LONGEST_NAME = 120                   # characters of a folder name (file systems allow 255 bytes)                  # besides letters and digits (any script), kept as they are


def student_key(raw):
    """The id a student is known by: NFC-normalised (macOS writes file names as NFD), no
    surrounding spaces.  Two ids with the same key are the same student.  A file name that
    is not UTF-8 (``unzip`` of a Japanese Windows zip writes cp932 bytes) is read as cp932."""
    text = str(raw)
    if _SURROGATE.search(text):
        try:
            text = text.encode("utf-8", "surrogateescape").decode("cp932")
        except (UnicodeEncodeError, UnicodeDecodeError):
            text = plain(text)
    return unicodedata.normalize("NFC", text).strip()


def folder_name(key):
    """A folder name for a student key, injective: every character that is not a letter, a
    digit or one of - _ . @ is written %XX (its UTF-8 bytes), and so is '%' itself, a leading
    dot and the first letter of a name the output folder uses (grades.csv), so the name
    reads back to exactly one key.  A very long key is cut and ends in '~' and its hash."""
    def escape(ch):
        return "".join(f"%{byte:02X}" for byte in ch.encode("utf-8", "surrogatepass"))

    name = "".join(ch if ch.isalnum() or ch in _KEPT else escape(ch) for ch in key) or "%00"
    if name.startswith(".") or name.casefold() in OUTPUT_NAMES:
        name = escape(name[0]) + name[1:]
    if len(name) > LONGEST_NAME:              # '~' is escaped in every other name: no collision
        name = name[:LONGEST_NAME - 17] + "~" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
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
    problem: str = ""            # why no file of this student can be graded ("" when one can)
    timestamp: str = ""          # the submission time as timestamp.txt beside it says ("" none)


TIMESTAMP = "timestamp.txt"      # nbgrader's (and import-lms's) record of when it was submitted
TIMESTAMP_BYTES = 200            # it is one short line; a larger file is not one


def read_timestamp(folder):
    """The first line of ``folder/timestamp.txt``, or "" (missing, a link, not text)."""
    path = Path(folder) / TIMESTAMP
    try:
        if path.is_symlink() or not path.is_file():
            return ""
        with open(path, "rb") as handle:
            raw = handle.read(TIMESTAMP_BYTES + 1)
        if len(raw) > TIMESTAMP_BYTES:
            return ""
        lines = raw.decode("utf-8").strip().splitlines()
        return plain(lines[0].strip()) if lines else ""
    except (OSError, UnicodeDecodeError):
        return ""


def pick_submission(names, assignment_id):
    """(index into ``names`` or None, why not): which of a student's files is the submission.
    ``<assignment>.ipynb`` (nbgrader's name), else the only notebook; the same for .py.
    Discovery, import-lms and the Gradescope runner all ask this one rule."""
    for kind in KINDS:
        found = [i for i, name in enumerate(names) if name.lower().endswith(kind)]
        exact = [i for i in found if Path(names[i]).name.lower() == f"{assignment_id}{kind}".lower()]
        if len(exact) == 1 or len(found) == 1:
            return (exact or found)[0], ""
        if found:
            return None, (f"several files, which one is the submission? {', '.join(names[i] for i in found)} "
                          f"(name it {assignment_id}{kind})")
    return None, f"no notebook (.ipynb) or .py; found: {', '.join(names) or 'nothing'}"


def _hidden(path):
    return path.name.startswith(".") or path.name == "__pycache__"


def _visible(folder, warn):
    """The entries of ``folder`` that can be read as what they are: no hidden ones, no links."""
    entries = []
    try:
        listed = sorted(folder.iterdir())
    except OSError as error:
        warn(f"skipped {folder} ({error.strerror})")
        return entries
    for entry in listed:
        if _hidden(entry):
            continue
        if entry.is_symlink():                   # could point at solutions/ or another student
            warn(f"skipped {entry} (a symbolic link)")
            continue
        entries.append(entry)
    return entries


def _student_folder(folder, assignment_id, warn):
    """One student in nbgrader's layout: ``folder`` is ``<student>/<assignment>/``."""
    files = []
    for entry in _visible(folder, warn):
        if entry.is_dir():
            warn(f"ignored {entry} (a folder inside a submission is not graded)")
        elif entry.suffix.lower() in KINDS:
            files.append(entry)
    student = key_of_folder(folder.parent.name)
    index, why = pick_submission([f.name for f in files], assignment_id)
    if index is None:
        return Submission(student, folder, why, read_timestamp(folder))
    return Submission(student, files[index], timestamp=read_timestamp(folder))


def _folder(root, assignment_id, warn):
    """The submissions in a folder.  Its top level is read in two layouts at once:
    flat       <student>.ipynb / <student>.py            (the student is the file's stem)
    nbgrader   <student>/<assignment>/<assignment>.ipynb  (the student is the first folder)
    Other assignments' folders are skipped; anything else is skipped with a warning."""
    found = []
    for entry in _visible(root, warn):
        if entry.is_file():
            if entry.suffix.lower() in KINDS:
                found.append(Submission(student_key(entry.stem), entry))
            elif entry.name != TIMESTAMP:
                warn(f"skipped {entry} (not .ipynb or .py)")
        elif entry.is_dir():
            mine = entry / assignment_id
            if mine.is_dir() and not mine.is_symlink():
                found.append(_student_folder(mine, assignment_id, warn))
            elif not any(child.is_dir() for child in _visible(entry, warn)):
                warn(f"ignored {entry} (neither a submission nor <student>/{assignment_id}/)")
    return found


def discover(paths, assignment_id, student=None, warn=None):
    """[Submission] of the PATH arguments, sorted by student.  A usage error (exit 2) only
    for what the instructor typed: a missing or linked PATH, two files for one student."""
    warn = warn or (lambda text: print(f"warning: {terminal(text)}", file=sys.stderr))
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_symlink():
            raise UsageError(f"{raw}: a symbolic link (give the file or folder itself)")
        if path.is_file():
            if path.suffix.lower() not in KINDS:
                raise UsageError(f"{raw}: not a notebook (.ipynb) or script (.py)")
            stamp = read_timestamp(path.parent) if path.parent.name == assignment_id else ""
            found.append(Submission(student_key(student or path.stem), path, timestamp=stamp))
        elif path.is_dir():
            found += _folder(path, assignment_id, warn)
        else:
            raise UsageError(f"{raw}: no such file or folder")
    if student and len(found) > 1:
        raise UsageError(f"--student names one student but {len(found)} submissions were given")
    seen = {}
    for submission in found:
        if submission.student in seen:
            raise UsageError(f"two submissions for student '{submission.student}': "
                             f"{seen[submission.student]} and {submission.path}")
        seen[submission.student] = submission.path
    if not found:
        raise UsageError("no submissions (.ipynb or .py) found in " + ", ".join(map(str, paths)))
    return sorted(found, key=lambda s: s.student)
