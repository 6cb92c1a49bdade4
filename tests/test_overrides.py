"""overrides.csv: manual adjustments applied on export, each with its reason, never silently."""
import csv

import pytest

from autograder.overrides import OverrideError, apply_overrides, finalize, read_overrides

CHECKS = {"numerical_diff::a": 2, "numerical_diff::b": 1}
GRADES = ("\ufeffstudent,score,max_score,numerical_diff::a,numerical_diff::b\r\n"
          "s001,1,3,0,1\r\ns002,3,3,2,1\r\ns003,0,3,0,0\r\n")


def write(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_checks_then_totals_with_reasons(tmp_path):
    write(tmp_path / "grades.csv", GRADES)
    write(tmp_path / "overrides.csv",                                    # Excel in Japan saves cp932
          "student,check,points,adjustment,reason\r\n"
          "s002,total,,-3,提出遅れ 2日 / late by two days\r\n"
          "s001,numerical_diff::a,2,,h=1e-3 accepted\r\n"
          "s002,total,,-1,copied a cell\r\n"
          "s003,total,,-5,late\r\n", encoding="cp932")
    lines = finalize(tmp_path, CHECKS)
    assert lines[0].startswith("overrides: 4 applied")
    assert "  s001  numerical_diff::a: 0 -> 2  (h=1e-3 accepted)" in lines
    text = (tmp_path / "grades_final.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    rows = {r["student"]: r for r in csv.DictReader(text.decode("utf-8-sig").splitlines())}
    assert list(rows["s001"]) == ["student", "score", "max_score", "numerical_diff::a", "numerical_diff::b",
                                  "original_score", "overrides"]
    s001, s002 = rows["s001"], rows["s002"]
    assert (s001["score"], s001["numerical_diff::a"], s001["original_score"]) == ("3", "2", "1")
    assert (s002["score"], s002["original_score"]) == ("0", "3")                        # 3 - 3 - 1, floored
    assert rows["s002"]["overrides"] == "total: 提出遅れ 2日 / late by two days; total: copied a cell"
    assert rows["s003"]["score"] == "0"
    assert (tmp_path / "grades.csv").read_bytes() == GRADES.encode()                    # the original is kept


def test_total_set_and_no_overrides_file(tmp_path):
    write(tmp_path / "grades.csv", GRADES)
    assert finalize(tmp_path, CHECKS) is None and not (tmp_path / "grades_final.csv").exists()
    rows = list(csv.DictReader(GRADES[1:].splitlines()))
    overrides = read_overrides(write(tmp_path / "o.csv", "student,check,points,adjustment,reason\n"
                                                         "s003,total,2.5,,oral exam\ns003,total,,+1,bonus\n"))
    final, applied = apply_overrides(rows, overrides, CHECKS)
    assert final[2]["score"] == "3.5" and [a["after"] for a in applied] == [2.5, 3.5]
    assert final[0] == rows[0]


@pytest.mark.parametrize("line, message", [
    ("s009,total,1,,x", "no student 's009'"),
    ("s001,numerical_diff::zzz,1,,x", "no check 'numerical_diff::zzz'"),
    ("s001,numerical_diff::a,3,,x", "outside 0..2"),
    ("s001,numerical_diff::b,,-2,x", "outside 0..1"),
    ("s001,total,1,-1,x", "exactly one"),
    ("s001,total,,,x", "exactly one"),
    ("s001,total,1,,", "reason is required"),
    ("s001,total,one,,x", "not a number"),
    ("s001,total,1,,x\ns001,total,2,,y", "a second 'points'"),
])
def test_mistakes_are_errors_naming_the_row(tmp_path, line, message):
    write(tmp_path / "grades.csv", GRADES)
    write(tmp_path / "overrides.csv", "student,check,points,adjustment,reason\n" + line + "\n")
    with pytest.raises(OverrideError, match=message) as error:
        finalize(tmp_path, CHECKS)
    assert "line" in str(error.value)
    assert not (tmp_path / "grades_final.csv").exists()
