"""``python -m autograder import-lms ZIP --assignment ID``: an LMS bulk download, unpacked
into nbgrader's grading layout ``DIR/<student>/<assignment>/<assignment>.ipynb``.

Formats (--format, default auto: moodle when an entry carries Moodle's marker):
  moodle   Moodle's "Download all submissions": ``<Full Name>_<participant id>_assignsubmission_file_/<file>``
           (one folder per student, Moodle 3.1+) or flat ``<Full Name>_<id>_assignsubmission_file_<file>``
  folders  one top-level folder per student (or one file ``<student>.ipynb``), named by student id,
           name or e-mail; a single wrapping folder around them is looked through

With --roster, LMS names, participant ids and e-mails become student ids (see ``Roster``).
Each student gets one gradable file: ``<assignment>.ipynb`` if submitted, else their only
notebook, else their only .py; a .zip a student uploaded is looked into (one level).
Nothing is dropped silently: unknown students, roster students without a submission,
duplicates (two files or folders for one student), unsafe entries (absolute paths, ``..``,
links, oversized files) are printed on stderr and listed, with every file's fate, in
``DIR/.import/<assignment>/summary.csv``; files that could not be placed are kept under
``DIR/.import/<assignment>/unplaced/`` (hidden folders are never graded).  Names are NFC;
entry names written without the UTF-8 flag (Windows' Japanese zips: cp932) are decoded.

One student's files never cost another student: everything a student uploaded is data.
Each student (each LMS entry; the unrecognised files together) is imported in one boundary
(``_guarded``): any failure while reading, expanding, choosing or writing their files
(an encrypted or corrupt entry, a file and a folder of one name, a cap exceeded, a name
the file system refuses) becomes that student's summary row, ``rejected`` or ``error``
with the reason, and the import goes on; the summary is always written.  A student's
placement is all or nothing: their one graded file is written atomically, the files kept
under unplaced/ are written to a temporary folder that is renamed into place when all
are there.  The bytes unpacked are capped per file, per student and per import (below).
An outer archive that cannot be listed at all is a usage error (exit 2, one line).
"""
import hashlib
import io
import os
import re
import shutil
import stat
import struct
import sys
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from .course import UsageError
from .escape import one_line, terminal
from .files import csv_text, write_atomic
from .roster import Roster, match_key as _key, usable_id
from .late import format_timestamp
from .submissions import KINDS, TIMESTAMP, folder_name, pick_submission, student_folder

MOODLE = re.compile(r"^(?P<name>[^/]+?)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?"
                    r"(?P<rest>.*)$", re.DOTALL)
UTF8_FLAG = 0x800
ENCRYPTED_FLAG = 0x1

# Caps on what a zip may expand to.  A 4 KB upload can declare (or really hold) hundreds of
# megabytes, so each cap is checked twice: against the sizes the zip declares before
# anything is read, and against the bytes actually decompressed, counted chunk by chunk
# while reading (a zip can lie about its sizes).  Every byte decompressed counts: an
# uploaded .zip's own bytes and then its files'.  Tests lower them via these attributes.
MAX_FILE_BYTES = 64 * 1024 * 1024       # one file: a notebook with all its plots is a few MB
MAX_STUDENT_BYTES = 64 * 1024 * 1024    # all of one student's files: bounds the memory and time one
                                        # student can take (their files are held in memory until placed)
MAX_IMPORT_BYTES = 2 * 1024 * 1024 * 1024   # one import: a class of 500 at 4 MB each, with room;
                                        # bounds the disk and time a whole download can take
MAX_NESTED_ENTRIES = 1000               # entries of a zip a student uploaded: a submission has a handful;
                                        # checked on the zip's end record before zipfile lists them all
CENTRAL_RECORD_BYTES = 1024             # generous size of one central-directory record, for that check
CHUNK_BYTES = 1024 * 1024               # read in pieces of this size, the budget checked after each
MAX_FIELD_CHARS = 2000                  # a summary field (a list of a student's files) is cut here
JUNK = {"__MACOSX", "Thumbs.db", "desktop.ini"}
SUMMARY_FIELDS = ["status", "student_id", "lms_name", "participant", "source", "destination", "modified",
                  "note"]


def _nfc(text):
    return unicodedata.normalize("NFC", text).strip()


# ----- reading the archive -----

class Rejected(Exception):
    """A student's files break a rule (a cap, an encrypted or unreadable entry, two entries of
    one name): the message is their summary row's note."""


@dataclass
class Item:
    """One file of the archive (or of a zip inside it); read only through ``read``."""
    path: str                     # decoded, NFC, "/"-separated
    archive: zipfile.ZipFile
    info: zipfile.ZipInfo
    modified: str

    @property
    def parts(self):
        return self.path.split("/")

    def read(self, budget):
        """The file's bytes, decompressed chunk by chunk, each chunk charged to ``budget``."""
        if self.info.flag_bits & ENCRYPTED_FLAG:
            raise Rejected(f"{self.path}: encrypted (password-protected) zip entry, cannot be read; "
                           "暗号化された zip は読めません (rejected)")
        chunks, size = [], 0
        try:
            with self.archive.open(self.info) as handle:
                while chunk := handle.read(CHUNK_BYTES):
                    size += len(chunk)
                    if size > MAX_FILE_BYTES:
                        raise Rejected(f"{self.path}: unpacks to more than {_mib(MAX_FILE_BYTES)} (rejected)")
                    budget.take(len(chunk), self.path)
                    chunks.append(chunk)
        except Rejected:
            raise
        except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError,
                zlib.error) as error:          # what zipfile and its decompressors raise on bad data
            raise Rejected(f"{self.path}: corrupt or unsupported zip entry ({type(error).__name__}: {error}); "
                           "壊れた zip です (rejected)") from error
        return b"".join(chunks)


def _mib(size):
    return f"{size / (1 << 20):g} MiB"


class Budget:
    """The bytes still allowed to be unpacked: by this import, and by the current student."""

    def __init__(self):
        self.total = MAX_IMPORT_BYTES
        self.student = MAX_STUDENT_BYTES

    def next_student(self):
        self.student = MAX_STUDENT_BYTES

    def expect(self, size, what):
        """Refuse before reading when the declared sizes already exceed what is left."""
        self._check(size, what, "declare")

    def take(self, size, what):
        self._check(size, what, "unpack to")
        self.student -= size
        self.total -= size

    def _check(self, size, what, verb):
        if size > self.student:
            raise Rejected(f"{what}: the files {verb} more than the {_mib(MAX_STUDENT_BYTES)} one student's "
                           "files may take; 提出ファイルが大きすぎます (rejected)")
        if size > self.total:
            raise Rejected(f"{what}: the files {verb} more than what is left of the {_mib(MAX_IMPORT_BYTES)} "
                           "one import may unpack; import the rest from another zip (rejected)")


def decoded_name(info):
    """The entry's name: UTF-8 when flagged, else UTF-8 if valid, else cp932 (Japanese Windows)."""
    name = info.filename
    if not info.flag_bits & UTF8_FLAG:
        raw = name.encode("cp437")               # zipfile decoded the raw bytes as cp437
        for encoding in ("utf-8", "cp932"):
            try:
                name = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                pass
    return unicodedata.normalize("NFC", name.replace("\\", "/"))


def _problem(name, info):
    parts = name.split("/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in parts:
        return "absolute path or '..' (rejected)"
    if stat.S_ISLNK(info.external_attr >> 16):
        return "symbolic link (rejected)"
    if info.file_size > MAX_FILE_BYTES:
        return f"larger than {MAX_FILE_BYTES >> 20} MB (rejected)"
    return None


def read_items(archive, prefix=""):
    """(items, rejected): the archive's files; junk (__MACOSX, dot files) skipped."""
    items, rejected = [], []
    for info in archive.infolist():
        name = decoded_name(info)
        if info.is_dir():
            continue
        problem = _problem(name, info)
        if problem:
            rejected.append((prefix + name, problem))
            continue
        parts = [part for part in name.split("/") if part]
        if not parts or any(part in JUNK or part.startswith(".") for part in parts):
            continue
        stamp = "%04d-%02d-%02d %02d:%02d:%02d" % info.date_time
        items.append(Item("/".join(parts), archive, info, stamp))
    return items, rejected


def _open_zip(path):
    """The outer archive and its items; one that cannot be listed is a usage error."""
    try:
        archive = zipfile.ZipFile(path)
    except Exception as error:           # BadZipFile, OSError, a UTF-8-flagged name that is not UTF-8...
        raise UsageError(f"{path}: not a readable zip file ({type(error).__name__}: {_clean(error)})") from None
    try:
        return archive, read_items(archive)
    except Exception as error:
        archive.close()
        raise UsageError(f"{path}: not a readable zip file ({type(error).__name__}: {_clean(error)})") from None


def _entry_count(data):
    """(entries, central directory bytes) an in-memory zip's end record declares, or None.
    zipfile lists every record of the central directory, so these bound its work."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or len(data) < at + 22:
        return None
    _, _, _, _, entries, size, _, _ = struct.unpack("<4s4H2LH", data[at:at + 22])
    return entries, size


def _nested_zip(data, path):
    """A zip a student uploaded, opened in memory after its entry count is checked."""
    declared = _entry_count(data)
    limit = f"more than {MAX_NESTED_ENTRIES} entries (rejected)"
    if declared and (declared[0] > MAX_NESTED_ENTRIES or declared[1] > MAX_NESTED_ENTRIES * CENTRAL_RECORD_BYTES):
        raise Rejected(f"{path}: {limit}")
    archive = zipfile.ZipFile(io.BytesIO(data))
    if len(archive.infolist()) > MAX_NESTED_ENTRIES:
        raise Rejected(f"{path}: {limit}")
    return archive


# ----- grouping files by student -----

@dataclass
class Group:
    """The files the LMS attributes to one person."""
    label: str                    # folder name / "<name> (<participant>)"
    name: str | None = None
    participant: str | None = None
    items: list = field(default_factory=list)     # (path relative to the group, Item)


def group_moodle(items):
    groups, unrecognised = {}, []
    for item in items:
        match = MOODLE.match(item.path)
        if not match:
            unrecognised.append(item)
            continue
        name, participant = _nfc(match["name"]), match["participant"]
        group = groups.setdefault(participant, Group(f"{name}_{participant}", name, participant))
        rest = match["rest"].lstrip("/")
        if match["plugin"] != "file":                  # onlinetext, comments...: kept, never graded
            rest = f"{match['plugin']}/{rest}"
        group.items.append((rest, item))
    return list(groups.values()), unrecognised


def group_folders(items, roster=None):
    tops = {item.parts[0] for item in items}
    skip = int(len(tops) == 1 and all(len(item.parts) >= 3 for item in items)
               and (roster is None or roster.find(key=next(iter(tops))) is None))   # a wrapping folder
    groups = {}
    for item in items:
        parts = item.parts[skip:]
        top = parts[0] if len(parts) > 1 else os.path.splitext(parts[0])[0]
        group = groups.setdefault(top, Group(top))
        group.items.append(("/".join(parts[1:]) or parts[0], item))
    return list(groups.values()), []


def expand_zips(group, budget):
    """A .zip a student uploaded counts as its files (one level), with the same checks.
    The group's declared sizes are checked against ``budget`` before anything is read.
    Returns the rejected entries; a zip that cannot be listed is one of them."""
    budget.expect(sum(item.info.file_size for _, item in group.items), group.label)
    items, rejected = [], []
    for relative, item in group.items:
        if not relative.lower().endswith(".zip"):
            items.append((relative, item))
            continue
        data = item.read(budget)
        try:
            inner, bad = read_items(_nested_zip(data, item.path), prefix=f"{item.path}/")
        except Rejected:
            raise
        except Exception as error:           # BadZipFile, a name flagged UTF-8 that is not...
            rejected.append((item.path, f"unreadable zip ({type(error).__name__}: {error}) (rejected)"))
            continue
        budget.expect(sum(one.info.file_size for one in inner), item.path)
        items += [(f"{relative}/{one.path}", replace(one, path=f"{item.path}/{one.path}")) for one in inner]
        rejected += bad
    group.items = items
    return rejected


def choose(group, assignment_id):
    """(chosen (relative, Item) or None, why not): the one gradable file of a group."""
    index, note = pick_submission([relative for relative, _ in group.items], assignment_id)
    return (None, note) if index is None else (group.items[index], "")


# ----- the import -----

def _safe_part(part):
    """One path part of a kept file: control and format characters as %XX, at most ~220 bytes."""
    part = "".join("".join(f"%{byte:02X}" for byte in ch.encode("utf-8", "surrogatepass"))
                   if unicodedata.category(ch) in ("Cc", "Cf") else ch for ch in part)
    if len(part.encode("utf-8", "surrogatepass")) > 220:
        stem, ext = os.path.splitext(part)
        part = f"{stem[:50]}~{hashlib.sha256(part.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}{ext[:20]}"
    return part


def _keep_unplaced(base, group, rows_note, budget):
    """Copy a group's files under .import/<assignment>/unplaced/<label>/ so nothing is lost.
    All or nothing: written into a temporary folder that is renamed into place once every
    file is there.  Two entries of one name (a file and a folder, names equal once
    normalised) are refused, never one written over the other."""
    if not group.items:
        return rows_note
    folder = student_folder(base / "unplaced", group.label)
    if os.path.lexists(folder):
        raise Rejected(f"{folder.name}: two LMS entries would be kept in one folder (rejected)")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder.parent))
    try:
        for relative, item in group.items:
            parts = [_safe_part(part) for part in relative.split("/") if part not in ("", ".", "..")]
            target = staging.joinpath(*parts) if parts else staging / "_"
            if staging not in target.parents:            # parts hold no "/" or "..": never true
                raise Rejected(f"{relative}: would be written outside its folder (rejected)")
            data = item.read(budget)
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                clash = os.path.lexists(target)
            except (FileExistsError, NotADirectoryError):
                clash = True
            if clash:
                raise Rejected(f"{relative}: another of the student's entries has the same name (a file and a "
                               "folder, or names equal once normalised); 同じ名前のファイルがあります (rejected)")
            write_atomic(target, data)
        staging.chmod(folder.parent.stat().st_mode & 0o777)      # mkdtemp makes 0700
        os.rename(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return f"{rows_note}; kept in {folder}"


def _guarded(work, **who):
    """The one boundary around a student's import: ``work()``'s rows, or else one row saying
    why it failed.  Whatever their files hold, the other students are imported."""
    try:
        return work()
    except Rejected as error:
        return [_row("rejected", note=str(error), **who)]
    except Exception as error:
        return [_row("error", note=f"could not be imported ({type(error).__name__}: {error})", **who)]


def import_zip(archive_path, assignment_id, out_dir, roster=None, fmt="auto", zone=None):
    """Unpack ``archive_path``; returns the summary rows (dicts with SUMMARY_FIELDS)."""
    out_dir = Path(out_dir)
    base = out_dir / ".import" / assignment_id
    archive, (items, rejected) = _open_zip(archive_path)
    with archive:
        if fmt == "auto":
            fmt = "moodle" if any(MOODLE.match(item.path) for item in items) else "folders"
        groups, unrecognised = group_moodle(items) if fmt == "moodle" else group_folders(items, roster)
        shutil.rmtree(base, ignore_errors=True)
        budget = Budget()
        rows = [_row("rejected", source=name, note=why) for name, why in rejected]
        stray = Group("_unrecognised", items=[(item.path, item) for item in unrecognised])
        note = "not in Moodle's naming"
        budget.next_student()
        [kept] = _guarded(lambda: [_row("kept", note=_keep_unplaced(base, stray, note, budget))])
        note = kept["note"] if kept["status"] == "kept" else f"{note}; not kept: {kept['note']}"
        rows += [_row("unrecognised", source=item.path, note=note) for item in unrecognised]
        owners = {}
        for group in groups:
            if roster is not None:
                student = roster.find(name=group.name, participant=group.participant,
                                      key=None if fmt == "moodle" else group.label)
            else:
                student = usable_id(group.name or group.label)
            owners.setdefault(student, []).append(group)
        folded = {}                                 # folders one on a case-insensitive file system
        for student in owners:
            if student is not None:
                folded.setdefault(folder_name(student).casefold(), []).append(student)
        for student, owned in owners.items():
            clash = folded.get(folder_name(student).casefold(), []) if student is not None else []
            for group in owned:
                who = {"student_id": student or "", "lms_name": group.name or group.label,
                       "participant": group.participant or "",
                       "source": ", ".join(item.path for _, item in group.items)}
                rows += _guarded(lambda: _import_group(group, student, owned, clash, roster, base, out_dir, zone,
                                                       assignment_id, budget), **who)
    if roster is not None:
        placed = {row["student_id"] for row in rows if row["student_id"]}
        rows += [_row("missing", student_id=s, note="on the roster, no submission") for s in roster.ids
                 if s not in placed]
    order = {"imported": 0}
    rows.sort(key=lambda r: (order.get(r["status"], 1), r["status"], r["student_id"], r["source"]))
    _write_summary(base / "summary.csv", rows)
    return rows


def _row(status, **fields):
    return {name: fields.get(name, "") for name in SUMMARY_FIELDS} | {"status": status}


def _import_group(group, student, owned, clash, roster, base, out_dir, zone, assignment_id, budget):
    """The rows of one LMS entry: the entries rejected in its uploaded zips, then its fate."""
    budget.next_student()
    rows = [_row("rejected", source=name, note=why) for name, why in expand_zips(group, budget)]
    return rows + [_place(group, student, owned, clash, roster, base, out_dir, zone, assignment_id, budget)]


def _place(group, student, owned, clash, roster, base, out_dir, zone, assignment_id, budget):
    who = {"lms_name": group.name or group.label, "participant": group.participant or ""}
    sources = ", ".join(item.path for _, item in group.items)

    def keep(status, note, **more):
        return _row(status, source=sources, note=_keep_unplaced(base, group, note, budget), **who, **more)

    if student is None:
        why = "not on the roster" if roster is not None else "not usable as a student id"
        if roster is not None and group.name and _key(group.name) in roster.ambiguous:
            why = "name shared by several roster students; add the participant id to the roster"
        return keep("unknown", why)
    if len(owned) > 1:
        return keep("duplicate", "one student, several LMS entries: " + "; ".join(g.label for g in owned),
                    student_id=student)
    if len(clash) > 1:
        return keep("duplicate", f"student ids differing only in case ({', '.join(clash)}) would share a "
                    "folder on macOS and Windows; give them distinct ids in a roster", student_id=student)
    chosen, note = choose(group, assignment_id)
    if chosen is None:
        return keep("duplicate" if note.startswith("several") else "no_submission_file", note, student_id=student)
    relative, item = chosen
    data = item.read(budget)
    folder = student_folder(out_dir, student) / assignment_id
    target = folder / f"{assignment_id}{os.path.splitext(relative)[1].lower()}"
    write_atomic(target, data)
    _write_timestamp(folder, item.modified, zone)
    for kind in KINDS:                                   # the other kind, from an earlier import
        if folder / f"{assignment_id}{kind}" != target:
            (folder / f"{assignment_id}{kind}").unlink(missing_ok=True)
    ignored = [rel for rel, other in group.items if other is not item]
    note = ("also submitted (not graded): " + ", ".join(ignored)) if ignored else ""
    return _row("imported", student_id=student, source=item.path, destination=str(target),
                modified=item.modified, note=note, **who)


def _write_timestamp(folder, modified, zone):
    """timestamp.txt as nbgrader keeps it: the zip's time of the file (it carries no zone, so it
    is read in the course's), written with its offset so nbgrader and the late policy agree."""
    try:
        moment = datetime.fromisoformat(modified)
    except ValueError:
        (folder / TIMESTAMP).unlink(missing_ok=True)     # no time: "time unknown", never a stale one
        return
    if zone is not None:
        moment = moment.replace(tzinfo=zone)
    write_atomic(folder / TIMESTAMP, format_timestamp(moment) + "\n")


def _clean(value):
    """A field or message as one line, escaped for the terminal (escape.py), cut at MAX_FIELD_CHARS."""
    text = terminal(one_line(value))
    return text if len(text) <= MAX_FIELD_CHARS else text[:MAX_FIELD_CHARS - 1] + "…"


def _write_summary(path, rows):
    write_atomic(path, csv_text(SUMMARY_FIELDS, ([_clean(row[name]) for name in SUMMARY_FIELDS] for row in rows)))


def import_command(course, args):
    assignment = course.assignment(args.assignment)
    if not Path(args.archive).is_file():
        raise UsageError(f"{args.archive}: no such file")
    roster = Roster(args.roster) if args.roster else course.roster()
    out_dir = Path(args.out or "submitted")
    rows = import_zip(args.archive, assignment.id, out_dir, roster, args.format, zone=course.time_zone)
    counts = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
        if row["status"] != "imported":
            who = row["student_id"] or row["lms_name"] or row["source"]
            print(_clean(f"{row['status']}: {who}: {row['note']}"), file=sys.stderr)
    print(", ".join(f"{status} {n}" for status, n in counts.items()) or "the archive holds no files")
    print(f"imported {counts.get('imported', 0)} submissions -> {out_dir}/ "
          f"(summary: {out_dir / '.import' / assignment.id / 'summary.csv'})")
    print(f"next: autograder grade {out_dir} --assignment {assignment.id}")
    return 0 if counts.get("imported") else 1
