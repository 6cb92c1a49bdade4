"""import-lms: Moodle and one-folder-per-student zips into nbgrader's grading layout.

The archives are built here byte for byte as the LMS (or Windows' "send to compressed
folder", which writes cp932 names without the UTF-8 flag) writes them.
"""
import csv
import json
import unicodedata
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, run_cli

from autograder import lms
from autograder.submissions import student_folder

CORRECT = (ROOT / "tests" / "data" / "ch04_gradient_correct.py").read_text(encoding="utf-8")
WRONG = CORRECT.replace("(f(x + h) - f(x - h)) / (2 * h)", "(f(x + h) - f(x)) / h")
ASSIGNMENT = "ch04_gradient"


def notebook(source):
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "source": source, "outputs": [], "execution_count": None}]})


class LegacyName(zipfile.ZipInfo):
    """An entry whose name is stored in cp932 without the UTF-8 flag (Japanese Windows)."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("cp932"), self.flag_bits & ~lms.UTF8_FLAG


class Encrypted(zipfile.ZipInfo):
    """An entry whose headers say "encrypted" (flag bit 0x1), as `zip -P` writes them."""

    def _encodeFilenameFlags(self):
        name, flags = super()._encodeFilenameFlags()
        return name, flags | 0x1


def make_zip(path, entries, legacy=False, compression=zipfile.ZIP_STORED):
    """entries: {name: str or bytes}; a name ending in "@link" is stored as a symbolic link,
    one ending in "@encrypted" is flagged encrypted (see ``Encrypted``)."""
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, content in entries.items():
            kind = LegacyName if legacy else Encrypted if name.endswith("@encrypted") else zipfile.ZipInfo
            info = kind(name.removesuffix("@link").removesuffix("@encrypted"), (2024, 6, 1, 9, 30, 0))
            info.compress_type = compression
            if name.endswith("@link"):
                info.external_attr = 0o120777 << 16
            archive.writestr(info, content)
    return path


def source_of(path):
    """The code a notebook written by the import holds."""
    return json.loads(path.read_text(encoding="utf-8"))["cells"][0]["source"]


def summary(out):
    text = (out / ".import" / ASSIGNMENT / "summary.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(text.decode("utf-8-sig").splitlines()))


def by_status(rows):
    table = {}
    for row in rows:
        table.setdefault(row["status"], []).append(row)
    return table


def test_moodle_folders_with_roster_are_graded_and_problems_listed(tmp_path, course):
    nfd_name = unicodedata.normalize("NFD", "佐藤 ガク")                # macOS writes names decomposed
    assert nfd_name != "佐藤 ガク"
    archive = make_zip(tmp_path / "moodle.zip", {
        "山田 太郎_1001_assignsubmission_file_/ch04_gradient.ipynb": notebook(CORRECT),
        "山田 太郎_1001_assignsubmission_file_/メモ.txt": "memo",
        f"{nfd_name}_1002_assignsubmission_file_/課題4.ipynb": notebook(WRONG),
        f"{nfd_name}_1002_assignsubmission_file_/.ipynb_checkpoints/課題4-checkpoint.ipynb": "{}",
        "Unknown Person_1003_assignsubmission_file_/ch04_gradient.ipynb": notebook(CORRECT),
        "鈴木 一郎_1004_assignsubmission_file_/a.ipynb": notebook(CORRECT),
        "鈴木 一郎_1004_assignsubmission_file_/b.ipynb": notebook(WRONG),
        "鈴木 一郎_1004_assignsubmission_onlinetext_/onlinetext.html": "<p>hi</p>",
        "__MACOSX/山田 太郎_1001_assignsubmission_file_/._ch04_gradient.ipynb": "junk",
        "../escaped.ipynb": notebook(CORRECT),
        "/abs.ipynb": notebook(CORRECT),
    })
    roster = tmp_path / "roster.csv"                                   # saved by Excel: cp932
    roster.write_bytes("学籍番号,氏名,メールアドレス\r\ns001,山田 太郎,t@example.jp\r\n"
                       "s002,佐藤　ガク,g@example.jp\r\ns003,鈴木　一郎,i@example.jp\r\n"
                       "s004,高橋 次郎,j@example.jp\r\n".encode("cp932"))
    out = tmp_path / "submitted"
    done = run_cli("import-lms", archive, "--assignment", ASSIGNMENT, "--roster", roster, "--out", out)
    assert done.returncode == 0, done.stderr

    first = out / "s001" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"          # the released notebook's name
    assert (ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    assert source_of(first) == CORRECT
    assert (out / "s002" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").exists()
    assert sorted(p.name for p in out.iterdir()) == [".import", "s001", "s002"]
    assert not (tmp_path / "escaped.ipynb").exists()
    # the zip's time (no zone) is read in the course's zone and written as nbgrader keeps it
    stamp = (out / "s002" / ASSIGNMENT / "timestamp.txt").read_text(encoding="utf-8")
    assert stamp == "2024-06-01 09:30:00+09:00\n"
    from nbgrader.utils import parse_utc
    assert str(parse_utc(stamp.strip())) == "2024-06-01 00:30:00"                   # nbgrader agrees

    rows = by_status(summary(out))
    assert sorted(r["student_id"] for r in rows["imported"]) == ["s001", "s002"]
    s002 = next(r for r in rows["imported"] if r["student_id"] == "s002")
    assert s002["lms_name"] == "佐藤 ガク" and s002["participant"] == "1002"      # NFC
    assert s002["source"].endswith("/課題4.ipynb") and s002["modified"] == "2024-06-01 09:30:00"
    s001 = next(r for r in rows["imported"] if r["student_id"] == "s001")
    assert "メモ.txt" in s001["note"]
    assert [r["lms_name"] for r in rows["unknown"]] == ["Unknown Person"]
    assert [r["student_id"] for r in rows["duplicate"]] == ["s003"]
    assert "a.ipynb" in rows["duplicate"][0]["note"] and "b.ipynb" in rows["duplicate"][0]["note"]
    assert [r["student_id"] for r in rows["missing"]] == ["s004"]
    assert sorted(r["source"] for r in rows["rejected"]) == ["../escaped.ipynb", "/abs.ipynb"]
    for line in ("unknown: Unknown Person", "duplicate: s003", "missing: s004", "rejected: ../escaped.ipynb"):
        assert line in done.stderr
    unplaced = out / ".import" / ASSIGNMENT / "unplaced"
    assert (student_folder(unplaced, "Unknown Person_1003") / "ch04_gradient.ipynb").exists()
    kept = sorted(p.name for p in student_folder(unplaced, "鈴木 一郎_1004").iterdir())
    assert kept == ["a.ipynb", "b.ipynb", "onlinetext"]

    graded = tmp_path / "graded"
    done = run_cli("grade", out, "--assignment", ASSIGNMENT, "--out", graded)
    assert done.returncode == 0, done.stderr
    scores = {p.parent.name: json.loads(p.read_text(encoding="utf-8"))["score"]
              for p in graded.glob("*/results.json")}
    full = course.assignment(ASSIGNMENT).max_score
    assert scores["s001"] == full and scores["s002"] < full and set(scores) == {"s001", "s002"}


def test_moodle_flat_names_same_name_told_apart_by_participant(tmp_path):
    archive = make_zip(tmp_path / "flat.zip", {
        "Taro Yamada_2001_assignsubmission_file_ch04_gradient.ipynb": notebook(CORRECT),
        "Taro Yamada_2002_assignsubmission_file_ch04_gradient.ipynb": notebook(WRONG),
        "Hanako Sato_2003_assignsubmission_file_ch04_gradient.py": CORRECT,
    })
    worksheet = tmp_path / "worksheet.csv"                             # Moodle's grading worksheet headers
    worksheet.write_text("Identifier,Full name,ID number,Email address\n"
                         "Participant 2001,Taro Yamada,A1,a@x.jp\nParticipant 2002,Taro Yamada,A2,b@x.jp\n"
                         "Participant 2003,Hanako Sato,A3,c@x.jp\n", encoding="utf-8-sig")
    out = tmp_path / "with_roster"
    done = run_cli("import-lms", archive, "--assignment", ASSIGNMENT, "--roster", worksheet, "--out", out)
    assert done.returncode == 0, done.stderr
    assert source_of(out / "A1" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb") == CORRECT
    assert source_of(out / "A2" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb") == WRONG
    assert (out / "A3" / ASSIGNMENT / f"{ASSIGNMENT}.py").read_text() == CORRECT
    assert {r["status"] for r in summary(out)} == {"imported"}

    out = tmp_path / "no_roster"                                        # names become ids: a clash is listed
    done = run_cli("import-lms", archive, "--assignment", ASSIGNMENT, "--out", out)
    assert done.returncode == 0
    rows = by_status(summary(out))
    assert [r["student_id"] for r in rows["imported"]] == ["Hanako Sato"]
    assert sorted(r["participant"] for r in rows["duplicate"]) == ["2001", "2002"]
    assert not (out / "Taro Yamada").exists()
    assert done.stderr.count("duplicate: Taro Yamada") == 2


def test_folders_with_cp932_names_a_wrapper_and_a_nested_zip(tmp_path):
    inner = tmp_path / "inner.zip"
    make_zip(inner, {"課題/ch04_gradient.ipynb": notebook(CORRECT)}, legacy=True)
    archive = make_zip(tmp_path / "windows.zip", {
        "提出物/s001/表計算ソフト.ipynb": notebook(CORRECT),     # ソ and 表 hold byte 0x5C in cp932
        "提出物/s002/ch04_gradient.py": CORRECT,
        "提出物/s003/課題.zip": inner.read_bytes(),
        "提出物/taro@example.jp/ch04_gradient.ipynb": notebook(WRONG),
    }, legacy=True)
    with zipfile.ZipFile(archive) as raw:
        assert not any(info.flag_bits & lms.UTF8_FLAG for info in raw.infolist())
        assert "表計算ソフト" not in raw.namelist()[0]                   # zipfile alone gets it wrong
        assert lms.decoded_name(raw.infolist()[0]) == "提出物/s001/表計算ソフト.ipynb"
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,email\ns001,\ns002,\ns003,\ns010,taro@example.jp\n", encoding="utf-8")
    out = tmp_path / "submitted"
    done = run_cli("import-lms", archive, "--assignment", ASSIGNMENT, "--roster", roster, "--out", out,
                   "--format", "folders")
    assert done.returncode == 0, done.stderr
    rows = {r["student_id"]: r for r in summary(out)}
    assert {s: r["status"] for s, r in rows.items()} == dict.fromkeys(["s001", "s002", "s003", "s010"],
                                                                        "imported")
    assert rows["s001"]["source"] == "提出物/s001/表計算ソフト.ipynb"
    assert rows["s003"]["source"] == "提出物/s003/課題.zip/課題/ch04_gradient.ipynb"
    assert (out / "s002" / ASSIGNMENT / f"{ASSIGNMENT}.py").read_text() == CORRECT
    assert source_of(out / "s010" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb") == WRONG


def test_unsafe_entries_are_rejected_and_nothing_lands_outside(tmp_path):
    archive = make_zip(tmp_path / "evil.zip", {
        "s001/ch04_gradient.ipynb": notebook(CORRECT),
        "s002/../../../outside.ipynb": notebook(CORRECT),
        "s003\\..\\..\\outside2.ipynb": notebook(CORRECT),
        "C:/Users/x/outside3.ipynb": notebook(CORRECT),
        "s004/ch04_gradient.ipynb@link": "/etc/shadow",
    })
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "submitted"
    done = run_cli("import-lms", archive, "--assignment", ASSIGNMENT, "--out", out)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before + ["submitted"])
    rows = by_status(summary(out))
    assert [r["student_id"] for r in rows["imported"]] == ["s001"]
    assert len(rows["rejected"]) == 4 and all("rejected" in r["note"] for r in rows["rejected"])
    assert any("symbolic link" in r["note"] for r in rows["rejected"])
    assert not list(out.rglob("outside*"))
    assert "rejected:" in done.stderr


def test_usage_errors_are_one_line(tmp_path):
    not_zip = tmp_path / "x.zip"
    not_zip.write_text("hello")
    done = run_cli("import-lms", not_zip, "--assignment", ASSIGNMENT, "--out", tmp_path / "o")
    assert done.returncode == 2 and "not a readable zip" in done.stderr and len(done.stderr.splitlines()) == 1
    archive = make_zip(tmp_path / "ok.zip", {"s001/ch04_gradient.ipynb": notebook(CORRECT)})
    roster = tmp_path / "r.csv"
    roster.write_text("name\nTaro\n", encoding="utf-8")
    done = run_cli("import-lms", archive, "--assignment", ASSIGNMENT, "--roster", roster)
    assert done.returncode == 2 and "no student id column" in done.stderr
    done = run_cli("import-lms", archive, "--assignment", "nope")
    assert done.returncode == 2 and "unknown assignment" in done.stderr
    empty = make_zip(tmp_path / "empty.zip", {"readme.txt": "nothing to grade"})
    done = run_cli("import-lms", empty, "--assignment", ASSIGNMENT, "--out", tmp_path / "o2",
                   "--format", "moodle")
    assert done.returncode == 1 and "unrecognised: readme.txt" in done.stderr


# ----- one student's hostile upload costs only that student -----

class BadUtf8Name(zipfile.ZipInfo):
    """An entry flagged UTF-8 whose name is not UTF-8: zipfile cannot even list the archive."""

    def _encodeFilenameFlags(self):
        return b"s002/\xff\xfe.ipynb", self.flag_bits | lms.UTF8_FLAG


def zip_bytes(entries, tmp_path, name="inner.zip"):
    """entries: {name: content}; a name ending in "@encrypted" gets the encrypted flag and
    garbage (a real encryption header is 12 random-looking bytes)."""
    path = make_zip(tmp_path / name, entries, compression=zipfile.ZIP_DEFLATED)
    data = path.read_bytes()
    path.unlink()
    return data


def crc_mismatch(tmp_path):
    """A valid zip holding a notebook, one byte of its stored data then changed."""
    path = tmp_path / "corrupt.zip"
    content = notebook(CORRECT).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("ch04_gradient.ipynb", content)
    data = bytearray(path.read_bytes())
    at = data.index(content) + len(content) // 2
    data[at] ^= 0x01
    path.unlink()
    return bytes(data)


BEFORE, HOSTILE, AFTER = "Aoki Aya", "Baba Ben", "Chiba Chie"


def class_zip(path, hostile):
    """A Moodle download: an honest student, ``hostile``'s entries for Baba Ben, another honest one."""
    entries = {f"{BEFORE}_3001_assignsubmission_file_/ch04_gradient.ipynb": notebook(CORRECT)}
    entries |= {f"{HOSTILE}_3002_assignsubmission_file_/{name}": data for name, data in hostile.items()}
    entries[f"{AFTER}_3003_assignsubmission_file_/課題4.ipynb"] = notebook(WRONG)
    return make_zip(path, entries, compression=zipfile.ZIP_DEFLATED)


def assert_only_the_hostile_student_lost(tmp_path, out, before):
    """The honest students before and after the hostile one are imported as usual, the summary
    is written, every field is one line, nothing lands outside ``out``; returns the hostile rows."""
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before + [out.name])
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".import", student_folder(out, BEFORE).name, student_folder(out, AFTER).name])
    assert source_of(student_folder(out, BEFORE) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb") == CORRECT
    assert source_of(student_folder(out, AFTER) / ASSIGNMENT / f"{ASSIGNMENT}.ipynb") == WRONG
    assert not list(out.rglob(".staging*"))
    rows = summary(out)
    imported = {r["student_id"]: r for r in rows if r["status"] == "imported"}
    assert set(imported) == {BEFORE, AFTER}
    assert imported[BEFORE]["note"] == imported[AFTER]["note"] == ""
    assert imported[AFTER]["source"].endswith("/課題4.ipynb")
    for row in rows:
        assert not any(unicodedata.category(ch) in ("Cc", "Cf") for value in row.values() for ch in value), row
    hostile = [r for r in rows if r["lms_name"] == HOSTILE]
    assert hostile and all(r["status"] in ("rejected", "error") for r in hostile)
    return hostile


HOSTILE_UPLOADS = {
    "encrypted entry in an uploaded zip": (
        lambda tmp: {"提出.zip": zip_bytes({"ch04_gradient.ipynb@encrypted": b"\x8f" * 40}, tmp)}, "encrypted"),
    "encrypted entry in the LMS zip": (
        lambda tmp: {"ch04_gradient.ipynb@encrypted": b"\x8f" * 40}, "encrypted"),
    "CRC mismatch in an uploaded zip": (lambda tmp: {"提出.zip": crc_mismatch(tmp)}, "CRC"),
    "a file and a folder of one name": (
        lambda tmp: {"提出.zip": zip_bytes({"a.ipynb": notebook(CORRECT), "a.ipynb/b.ipynb": notebook(WRONG),
                                           "evil\n\x1b[2J\u202e.ipynb": notebook(WRONG)}, tmp)},
        "a.ipynb/b.ipynb"),
}


@pytest.mark.parametrize("case", list(HOSTILE_UPLOADS))
def test_a_hostile_upload_costs_only_its_student(tmp_path, case):
    make, reason = HOSTILE_UPLOADS[case]
    archive = class_zip(tmp_path / "moodle.zip", make(tmp_path))
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "submitted"
    done = run_cli("import-lms", archive, "--assignment", ASSIGNMENT, "--out", out)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    hostile = assert_only_the_hostile_student_lost(tmp_path, out, before)
    assert any(reason in r["note"] for r in hostile), hostile
    told = [line for line in done.stderr.splitlines() if HOSTILE in line]
    assert told and any(reason in line for line in told), done.stderr
    assert "imported 2 submissions" in done.stdout


def import_in_process(monkeypatch, capsys, *args):
    """The command run in this process (so a test can lower the caps): (exit status, stderr)."""
    from autograder.cli import main
    monkeypatch.chdir(ROOT)
    status = main(["import-lms", *map(str, args)])
    return status, capsys.readouterr().err


ZEROS = b"0" * (3 << 20)                       # 3 MiB that deflate to about 3 KB


@pytest.mark.parametrize("case", ["one entry", "many entries", "nested zip", "many nested entries"])
def test_a_zip_bomb_is_capped_per_student(tmp_path, monkeypatch, capsys, case):
    monkeypatch.setattr(lms, "MAX_STUDENT_BYTES", 1 << 20)
    monkeypatch.setattr(lms, "MAX_NESTED_ENTRIES", 20)
    hostile = {
        "one entry": lambda: {"ch04_gradient.ipynb": ZEROS},
        "many entries": lambda: {f"part{i}.txt": ZEROS[:300_000] for i in range(5)},
        "nested zip": lambda: {"bomb.zip": zip_bytes({"ch04_gradient.ipynb": ZEROS}, tmp_path)},
        "many nested entries": lambda: {"bomb.zip": zip_bytes({f"{i}.txt": "" for i in range(21)}, tmp_path)},
    }[case]()
    archive = class_zip(tmp_path / "moodle.zip", hostile)
    assert archive.stat().st_size < 100_000
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "submitted"
    status, err = import_in_process(monkeypatch, capsys, archive, "--assignment", ASSIGNMENT, "--out", out)
    assert status == 0, err
    hostile_rows = assert_only_the_hostile_student_lost(tmp_path, out, before)
    assert [r["status"] for r in hostile_rows] == ["rejected"]
    expected = "entries" if case == "many nested entries" else "1 MiB"
    assert expected in hostile_rows[0]["note"], hostile_rows


def test_the_import_total_is_capped(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(lms, "MAX_IMPORT_BYTES", 1 << 20)
    big = notebook(CORRECT + "\n# " + "x" * 400_000)               # about 400 KB each
    archive = make_zip(tmp_path / "moodle.zip", {
        f"Student {n}_{4000 + n}_assignsubmission_file_/ch04_gradient.ipynb": big for n in range(1, 5)})
    out = tmp_path / "submitted"
    status, err = import_in_process(monkeypatch, capsys, archive, "--assignment", ASSIGNMENT, "--out", out)
    assert status == 0, err
    rows = {r["student_id"]: r for r in summary(out)}
    assert {s: r["status"] for s, r in rows.items()} == {"Student 1": "imported", "Student 2": "imported",
                                                         "Student 3": "rejected", "Student 4": "rejected"}
    assert "one import" in rows["Student 3"]["note"]
    assert not student_folder(out, "Student 3").exists()


def test_an_unlistable_archive_is_a_usage_error(tmp_path):
    archive = tmp_path / "bad_name.zip"
    with zipfile.ZipFile(archive, "w") as raw:
        raw.writestr("s001/ch04_gradient.ipynb", notebook(CORRECT))
        raw.writestr(BadUtf8Name("placeholder"), notebook(CORRECT))
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(archive.read_bytes()[:-30])
    for path in (archive, truncated):
        done = run_cli("import-lms", path, "--assignment", ASSIGNMENT, "--out", tmp_path / "o")
        assert done.returncode == 2, done.stderr
        assert len(done.stderr.splitlines()) == 1 and "not a readable zip" in done.stderr
    assert not (tmp_path / "o").exists()


def test_student_ids_differing_only_in_case_never_share_a_folder(tmp_path):
    archive = make_zip(tmp_path / "folders.zip", {
        "s001/ch04_gradient.ipynb": notebook(CORRECT),
        "Taro/ch04_gradient.ipynb": notebook(CORRECT),
        "taro/ch04_gradient.ipynb": notebook(WRONG),
    })
    out = tmp_path / "submitted"
    done = run_cli("import-lms", archive, "--assignment", ASSIGNMENT, "--out", out, "--format", "folders")
    assert done.returncode == 0, done.stderr
    rows = by_status(summary(out))
    assert [r["student_id"] for r in rows["imported"]] == ["s001"]
    assert sorted(r["student_id"] for r in rows["duplicate"]) == ["Taro", "taro"]
    assert all("case" in r["note"] for r in rows["duplicate"])
    assert sorted(p.name for p in out.iterdir()) == [".import", "s001"]


def test_control_characters_in_names_are_escaped_on_disk_and_in_the_summary(tmp_path):
    evil = "evil\n\x1b[2J\u202egnp.ipynb"
    archive = class_zip(tmp_path / "moodle.zip", {evil: notebook(CORRECT), "b.ipynb": notebook(WRONG)})
    before = sorted(p.name for p in tmp_path.iterdir())
    out = tmp_path / "submitted"
    done = run_cli("import-lms", archive, "--assignment", ASSIGNMENT, "--out", out)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(before + ["submitted"])
    rows = by_status(summary(out))
    assert sorted(r["student_id"] for r in rows["imported"]) == [BEFORE, AFTER]
    [row] = rows["duplicate"]
    assert row["student_id"] == HOSTILE and "evil ⏎ \\x1b[2J\\u202egnp.ipynb" in row["note"]
    kept = student_folder(out / ".import" / ASSIGNMENT / "unplaced", f"{HOSTILE}_3002")
    assert sorted(p.name for p in kept.iterdir()) == ["b.ipynb", "evil%0A%1B[2J%E2%80%AEgnp.ipynb"]
    told = [line for line in done.stderr.splitlines() if line.startswith("duplicate:")]
    assert len(told) == 1 and HOSTILE in told[0]
    assert len(done.stderr.splitlines()) == 1
