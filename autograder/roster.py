"""The course roster: who is enrolled, and how the LMS names them.

roster.csv (UTF-8, or Excel's cp932) has a student id column and any of name, Moodle
participant id and e-mail.  Its path is ``ROSTER`` in course_config.py (``import-lms
--roster`` takes one too).  Headers are recognised in English and Japanese, so Moodle's
participant export and its grading worksheet (Identifier, Full name, ID number, Email
address) work as they are:

    学籍番号,氏名,participant,email
    s001,山田 太郎,1234567,yamada@example.jp

Names match ignoring case, width (全角/半角) and spacing; a name two students share matches
neither (give the participant id or e-mail for them).  The roster is personal data: its
default path is git-ignored.
"""
import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError
from .files import decode_text
from .submissions import student_key

COLUMNS = {
    "student_id": ("student_id", "student", "student id", "id number", "idnumber", "学籍番号",
                   "id番号"),
    "name": ("name", "full name", "fullname", "氏名", "名前", "フルネーム"),
    "participant": ("participant", "participant id", "identifier", "識別子"),
    "email": ("email", "e-mail", "email address", "メールアドレス"),
}
KINDS = tuple(COLUMNS)


def match_key(text):
    """Matching key: NFKC (full-width spaces and letters), case-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", str(text)).casefold().split())


def usable_id(raw):
    """The student key of an id the LMS or the roster gives, or None when there is none."""
    found = student_key(raw)
    return found if found and "\0" not in found else None


def participant_number(text):
    """Moodle's "Participant 1234567" / "参加者 1234567" / "1234567" -> "1234567"."""
    return "".join(re.findall(r"\d+", str(text or "")))


@dataclass(frozen=True)
class Person:
    student_id: str
    name: str = ""
    participant: str = ""
    email: str = ""


class Roster:
    """``ids`` in the file's order, ``people[id]`` -> Person, ``find(...)`` -> id or None."""

    def __init__(self, path):
        self.path = Path(path)
        if not self.path.is_file():
            raise UsageError(f"{path}: no such roster file")
        reader = csv.DictReader(io.StringIO(decode_text(self.path.read_bytes())))
        columns = {}
        for header in reader.fieldnames or []:
            for kind, aliases in COLUMNS.items():
                if match_key(header or "") in aliases and kind not in columns:
                    columns[kind] = header
        if "student_id" not in columns:
            raise UsageError(f"{path}: no student id column (one of: {', '.join(COLUMNS['student_id'])})")
        self.ids, self.people, self.index, ambiguous = [], {}, {}, set()
        for line, row in enumerate(reader, start=2):
            values = {kind: str(row.get(columns[kind]) or "").strip() if kind in columns else ""
                      for kind in KINDS}
            if not any(values.values()):
                continue
            student = usable_id(values["student_id"])
            if student is None:
                raise UsageError(f"{path}, line {line}: missing or unusable student id")
            if student in self.people:
                raise UsageError(f"{path}, line {line}: student id '{student}' appears twice")
            values["participant"] = participant_number(values["participant"])
            self.ids.append(student)
            self.people[student] = Person(student, unicodedata.normalize("NFC", values["name"]),
                                          values["participant"], values["email"])
            for kind in KINDS:
                entry = (kind, match_key(values[kind]))
                if not entry[1]:
                    continue
                if entry in self.index and self.index[entry] != student:
                    ambiguous.add(entry)
                self.index[entry] = student
        for entry in ambiguous:
            del self.index[entry]
        self.ambiguous = {entry[1] for entry in ambiguous}

    def __contains__(self, student):
        return student_key(student) in self.people

    def find(self, *, name=None, participant=None, email=None, key=None):
        """The student id for what the LMS says, or None.  ``key`` is tried as every kind."""
        tries = [("participant", participant_number(participant) if participant else None),
                 ("email", email), ("name", name)]
        if key is not None:
            tries = [(kind, key) for kind in ("student_id", "email", "participant", "name")] + tries
        for kind, value in tries:
            if value and (kind, match_key(value)) in self.index:
                return self.index[(kind, match_key(value))]
        return None

    def name(self, student):
        person = self.people.get(student_key(student))
        return person.name if person else ""
