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
"""
import csv
import io
import os
import re
import shutil
import stat
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .course import UsageError
from .files import decode_text, csv_text, write_atomic
from .submissions import KINDS, pick_submission, student_folder, student_key

MOODLE = re.compile(r"^(?P<name>[^/]+?)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?"
                    r"(?P<rest>.*)$", re.DOTALL)
UTF8_FLAG = 0x800
MAX_FILE_BYTES = 64 * 1024 * 1024
JUNK = {"__MACOSX", "Thumbs.db", "desktop.ini"}
SUMMARY_FIELDS = ["status", "student_id", "lms_name", "participant", "source", "destination", "modified",
                  "note"]


def _key(text):
    """Matching key: NFKC (full-width spaces and letters), case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def _nfc(text):
    return unicodedata.normalize("NFC", text).strip()


def usable_id(raw):
    """The student key of an id the LMS or the roster gives, or None when there is none."""
    key = student_key(raw)
    return key if key and "\0" not in key else None


# ----- reading the archive -----

@dataclass
class Item:
    """One file of the archive (or of a zip inside it)."""
    path: str                     # decoded, NFC, "/"-separated
    data: object                  # () -> bytes
    modified: str

    @property
    def parts(self):
        return self.path.split("/")


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
        items.append(Item("/".join(parts), lambda info=info: archive.read(info), stamp))
    return items, rejected


def _open_zip(path):
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise UsageError(f"{path}: not a readable zip file ({error})") from None


# ----- the roster -----

COLUMNS = {
    "student_id": ("student_id", "student", "student id", "id number", "idnumber", "学籍番号",
                   "id番号"),
    "name": ("name", "full name", "fullname", "氏名", "名前", "フルネーム"),
    "participant": ("participant", "participant id", "identifier", "識別子"),
    "email": ("email", "e-mail", "email address", "メールアドレス"),
}


class Roster:
    """roster.csv (UTF-8, or Excel's cp932): a ``student_id`` column and any of ``name``,
    ``participant`` (Moodle's "Participant 1234567" or the number), ``email``.
    Moodle's grading worksheet headers (Identifier, Full name, ID number, Email address) work too.
    Names match ignoring case, width (全角/半角) and spacing; a name two students share matches
    neither (give the participant id for them)."""

    def __init__(self, path):
        reader = csv.DictReader(io.StringIO(decode_text(Path(path).read_bytes())))
        columns = {}
        for header in reader.fieldnames or []:
            for kind, aliases in COLUMNS.items():
                if _key(header) in aliases and kind not in columns:
                    columns[kind] = header
        if "student_id" not in columns:
            raise UsageError(f"{path}: no student id column (one of: {', '.join(COLUMNS['student_id'])})")
        self.ids, self.index, ambiguous = [], {}, set()
        for line, row in enumerate(reader, start=2):
            student = usable_id(row.get(columns["student_id"]) or "")
            if student is None:
                raise UsageError(f"{path}, line {line}: missing or unusable student id")
            if student in self.ids:
                raise UsageError(f"{path}, line {line}: student id '{student}' appears twice")
            self.ids.append(student)
            for kind in ("student_id", "name", "participant", "email"):
                value = (row.get(columns[kind]) or "") if kind in columns else ""
                if kind == "participant":
                    value = "".join(re.findall(r"\d+", value))
                key = (kind, _key(value))
                if not key[1]:
                    continue
                if key in self.index and self.index[key] != student:
                    ambiguous.add(key)
                self.index[key] = student
        for key in ambiguous:
            del self.index[key]
        self.ambiguous = {key[1] for key in ambiguous}

    def find(self, *, name=None, participant=None, key=None):
        """The student id for what the LMS says, or None.  ``key`` is tried as every kind."""
        tries = [("participant", participant), ("name", name)]
        if key is not None:
            tries = [(kind, key) for kind in ("student_id", "email", "participant", "name")] + tries
        for kind, value in tries:
            if value and (kind, _key(value)) in self.index:
                return self.index[(kind, _key(value))]
        return None


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


def expand_zips(group):
    """A .zip a student uploaded counts as its files (one level), with the same checks."""
    items, rejected = [], []
    for relative, item in group.items:
        if relative.lower().endswith(".zip"):
            try:
                inner, bad = read_items(zipfile.ZipFile(io.BytesIO(item.data())), prefix=f"{item.path}/")
            except (zipfile.BadZipFile, OSError) as error:
                rejected.append((item.path, f"unreadable zip ({error}) (rejected)"))
                continue
            items += [(f"{relative}/{one.path}", Item(f"{item.path}/{one.path}", one.data, one.modified))
                      for one in inner]
            rejected += bad
        else:
            items.append((relative, item))
    group.items = items
    return rejected


def choose(group, assignment_id):
    """(chosen (relative, Item) or None, why not): the one gradable file of a group."""
    index, note = pick_submission([relative for relative, _ in group.items], assignment_id)
    return (None, note) if index is None else (group.items[index], "")


# ----- the import -----

def _keep_unplaced(base, group, rows_note):
    """Copy a group's files under .import/<assignment>/unplaced/<label>/ so nothing is lost."""
    folder = student_folder(base / "unplaced", group.label)
    for relative, item in group.items:
        parts = [part for part in relative.split("/") if part not in ("", ".", "..")]
        target = folder.joinpath(*parts) if parts else folder / "_"
        if base.resolve() not in target.resolve().parents:
            continue
        write_atomic(target, item.data())
    return f"{rows_note}; kept in {folder}" if group.items else rows_note


def import_zip(archive_path, assignment_id, out_dir, roster=None, fmt="auto"):
    """Unpack ``archive_path``; returns the summary rows (dicts with SUMMARY_FIELDS)."""
    out_dir = Path(out_dir)
    base = out_dir / ".import" / assignment_id
    with _open_zip(archive_path) as archive:
        items, rejected = read_items(archive)
        if fmt == "auto":
            fmt = "moodle" if any(MOODLE.match(item.path) for item in items) else "folders"
        groups, unrecognised = group_moodle(items) if fmt == "moodle" else group_folders(items, roster)
        for group in groups:
            rejected += expand_zips(group)
        shutil.rmtree(base, ignore_errors=True)
        rows = [_row("rejected", source=name, note=why) for name, why in rejected]
        stray = Group("_unrecognised", items=[(item.path, item) for item in unrecognised])
        note = _keep_unplaced(base, stray, "not in Moodle's naming")
        rows += [_row("unrecognised", source=item.path, note=note) for item in unrecognised]
        owners = {}
        for group in groups:
            if roster is not None:
                student = roster.find(name=group.name, participant=group.participant,
                                      key=None if fmt == "moodle" else group.label)
            else:
                student = usable_id(group.name or group.label)
            owners.setdefault(student, []).append(group)
        for student, owned in owners.items():
            for group in owned:
                rows.append(_place(group, student, owned, roster, base, out_dir, assignment_id))
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


def _place(group, student, owned, roster, base, out_dir, assignment_id):
    who = {"lms_name": group.name or group.label, "participant": group.participant or ""}
    sources = ", ".join(item.path for _, item in group.items)
    if student is None:
        why = "not on the roster" if roster is not None else "not usable as a student id"
        if roster is not None and group.name and _key(group.name) in roster.ambiguous:
            why = "name shared by several roster students; add the participant id to the roster"
        return _row("unknown", source=sources, note=_keep_unplaced(base, group, why), **who)
    if len(owned) > 1:
        others = "; ".join(g.label for g in owned)
        return _row("duplicate", student_id=student, source=sources,
                    note=_keep_unplaced(base, group, f"one student, several LMS entries: {others}"), **who)
    chosen, note = choose(group, assignment_id)
    if chosen is None:
        status = "duplicate" if note.startswith("several") else "no_submission_file"
        return _row(status, student_id=student, source=sources, note=_keep_unplaced(base, group, note), **who)
    relative, item = chosen
    folder = student_folder(out_dir, student) / assignment_id
    for kind in KINDS:
        (folder / f"{assignment_id}{kind}").unlink(missing_ok=True)
    target = folder / f"{assignment_id}{os.path.splitext(relative)[1].lower()}"
    write_atomic(target, item.data())
    ignored = [rel for rel, other in group.items if other is not item]
    note = ("also submitted (not graded): " + ", ".join(ignored)) if ignored else ""
    return _row("imported", student_id=student, source=item.path, destination=str(target),
                modified=item.modified, note=note, **who)


def _write_summary(path, rows):
    write_atomic(path, csv_text(SUMMARY_FIELDS, ([row[name] for name in SUMMARY_FIELDS] for row in rows)))


def import_command(course, args):
    assignment = course.assignment(args.assignment)
    if not Path(args.archive).is_file():
        raise UsageError(f"{args.archive}: no such file")
    roster = Roster(args.roster) if args.roster else None
    out_dir = Path(args.out or "submitted")
    rows = import_zip(args.archive, assignment.id, out_dir, roster, args.format)
    counts = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
        if row["status"] != "imported":
            who = row["student_id"] or row["lms_name"] or row["source"]
            print(f"{row['status']}: {who}: {row['note']}", file=sys.stderr)
    print(", ".join(f"{status} {n}" for status, n in counts.items()) or "the archive holds no files")
    print(f"imported {counts.get('imported', 0)} submissions -> {out_dir}/ "
          f"(summary: {out_dir / '.import' / assignment.id / 'summary.csv'})")
    print(f"next: python -m autograder grade {out_dir} --assignment {assignment.id}")
    return 0 if counts.get("imported") else 1
