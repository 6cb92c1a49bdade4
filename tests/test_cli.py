"""The grading command's contract: PATH kinds, student ids, outputs, exit codes, bad input."""
import json
import unicodedata
from pathlib import Path

import pytest

from conftest import ROOT, copy_repository, run_cli

from autograder.submissions import student_folder

CORRECT = (ROOT / "tests" / "data" / "ch04_gradient_correct.py").read_text(encoding="utf-8")
FULL = 38.0


def notebook(*cells):
    """A minimal notebook JSON with the given code cells (strings)."""
    return json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                       "cells": [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [],
                                  "execution_count": None} for c in cells]})


def results(out, student):
    return json.loads((student_folder(out, student) / "results.json").read_text(encoding="utf-8"))


def test_single_script_writes_every_output(tmp_path):
    sub = tmp_path / "taro.py"
    sub.write_text(CORRECT, encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("grade", sub, "--assignment", "ch04_gradient", "--out", out)
    assert done.returncode == 0, done.stderr
    result = results(out, "taro")
    assert result["score"] == FULL
    assert set(result) >= {"score", "execution_time", "output", "tests", "extra_data"}
    assert result["extra_data"]["student"] == "taro"
    assert result["extra_data"]["assignment"] == "ch04_gradient"
    assert result["extra_data"]["max_score"] == FULL
    assert result["extra_data"]["isolation"] in ("full", "reduced")
    assert result["extra_data"]["lang"] == "ja+en"
    names = [t["name"] for t in result["tests"]]
    assert "numerical_diff::central_x2_at_2" in names and len(names) == len(set(names))
    for test in result["tests"]:
        assert test["status"] == "passed" and test["score"] == test["max_score"] > 0
        assert test["tags"] in (["numerical_diff"], ["numerical_gradient"], ["gradient_descent"],
                                ["simpleNet.loss"], ["analytic_gradient"], ["relative_error"])
        assert test["visibility"] in ("visible", "after_published")
    csv_bytes = (out / "grades.csv").read_bytes()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")                      # UTF-8 BOM for Excel
    header, row = csv_bytes.decode("utf-8-sig").splitlines()
    assert header.split(",")[:3] == ["student", "score", "max_score"]
    assert header.split(",")[3:] == names
    assert row.startswith("taro,38,38,")
    assert (out / "taro" / "feedback.md").read_text(encoding="utf-8").startswith("# ch04_gradient — taro")
    assert "[PASS] numerical_diff" in done.stdout                     # one submission: verdicts
    assert not list(out.rglob("*.tmp"))


def test_student_option_names_a_single_file(tmp_path):
    sub = tmp_path / "whatever.py"
    sub.write_text(CORRECT, encoding="utf-8")
    done = run_cli("grade", sub, "--assignment", "ch04_gradient", "--out", tmp_path / "o",
                   "--student", "山田")
    assert done.returncode == 0, done.stderr
    assert results(tmp_path / "o", "山田")["extra_data"]["student"] == "山田"


def test_folder_ids_layouts_and_bad_input(tmp_path):
    """One batch: a flat folder with good, broken and foreign files, ids from stems (NFC)."""
    folder = tmp_path / "class"
    folder.mkdir()
    nfd = unicodedata.normalize("NFD", "がくせい")
    (folder / f"{nfd}.py").write_text(CORRECT, encoding="utf-8")
    (folder / "nb_ok.ipynb").write_text(notebook("%matplotlib inline\n!pip install numpy", CORRECT,
                                                 "numerical_diff(lambda x: x, 1.0)\nraise NotImplementedError()",
                                                 "def broken(:\n    pass"), encoding="utf-8")
    (folder / "empty.ipynb").write_text("", encoding="utf-8")
    (folder / "notjson.ipynb").write_text("{ this is not json", encoding="utf-8")
    (folder / "jsonnotnb.ipynb").write_text('{"a": 1}', encoding="utf-8")
    (folder / "nofunctions.py").write_text("x = 1\nprint('hello')\n", encoding="utf-8")
    (folder / "syntaxerror.py").write_text("def numerical_diff(f, x)\n    return 0\n", encoding="utf-8")
    (folder / "notes.txt").write_text("not a submission", encoding="utf-8")
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "nb_ok-checkpoint.ipynb").write_text("{}", encoding="utf-8")
    (folder / ".hidden.py").write_text("raise SystemExit", encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("grade", folder, "--assignment", "ch04_gradient", "--out", out, "--jobs", "2")
    assert done.returncode == 0, done.stderr
    assert "notes.txt" in done.stderr                                   # skipped with a warning
    students = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert students == sorted(["がくせい", "nb_ok", "empty", "notjson", "jsonnotnb", "nofunctions",
                               "syntaxerror"])
    assert results(out, "がくせい")["score"] == FULL
    notebook_result = results(out, "nb_ok")
    assert notebook_result["score"] == FULL                              # failing cells cost nothing
    problems = notebook_result["extra_data"]["load_problems"]
    assert [p["type"] for p in problems] == ["NotImplementedError", "SyntaxError"]
    for student in ("empty", "notjson", "jsonnotnb"):
        result = results(out, student)
        assert result["score"] == 0
        assert {t["extra_data"]["diagnosis"] for t in result["tests"]} == {"not_gradable"}
    assert "not JSON" in results(out, "notjson")["tests"][0]["output"]
    nofunctions = results(out, "nofunctions")
    assert nofunctions["score"] == 0
    assert {t["extra_data"]["diagnosis"] for t in nofunctions["tests"]} == {"missing_function"}
    syntax = results(out, "syntaxerror")
    assert syntax["extra_data"]["load_problems"][0]["type"] == "SyntaxError"
    rows = (out / "grades.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert [r.split(",")[0] for r in rows] == sorted(r.split(",")[0] for r in rows) and len(rows) == 7
    assert "student" in done.stdout and "がくせい" in done.stdout        # many: a table


def test_nbgrader_layout_uses_student_folders(tmp_path):
    submitted = tmp_path / "submitted"
    for student in ("s001", "s002"):
        folder = submitted / student / "ch04_gradient"
        folder.mkdir(parents=True)
        (folder / "ch04_gradient.ipynb").write_text(notebook(CORRECT), encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("grade", submitted, "--assignment", "ch04_gradient", "--out", out)
    assert done.returncode == 0, done.stderr
    assert results(out, "s001")["score"] == results(out, "s002")["score"] == FULL


def test_rerun_replaces_results_and_is_identical(tmp_path):
    sub = tmp_path / "hana.py"
    sub.write_text(CORRECT.replace("(2 * h)", "h"), encoding="utf-8")   # missing half: 2x the slope
    out = tmp_path / "out"
    first = run_cli("grade", sub, "--assignment", "ch04_gradient", "--out", out)
    before = results(out, "hana")
    second = run_cli("grade", sub, "--assignment", "ch04_gradient", "--out", out)
    after = results(out, "hana")
    assert first.returncode == second.returncode == 0
    strip = lambda r: [(t["name"], t["score"], t["output"]) for t in r["tests"]]
    assert strip(before) == strip(after)                                # seeded from content
    assert after["score"] < FULL
    sub.write_text(CORRECT, encoding="utf-8")
    run_cli("grade", sub, "--assignment", "ch04_gradient", "--out", out)
    assert results(out, "hana")["score"] == FULL


@pytest.mark.parametrize("args, fragment", [
    (["grade", "tests/data/ch04_gradient_correct.py", "--assignment", "nope"], "unknown assignment"),
    (["grade", "no/such/file.py", "--assignment", "ch04_gradient"], "no such file"),
    (["grade", "pyproject.toml", "--assignment", "ch04_gradient"], "not a notebook"),
    (["grade", "tests/data/ch04_gradient_correct.py", "--assignment", "ch04_gradient", "--jobs", "0"], "--jobs"),
    (["grade", "tests/data/ch04_gradient_correct.py"], "--assignment"),
    (["frobnicate"], "invalid choice"),
])
def test_usage_errors_are_one_line_exit_2(args, fragment):
    done = run_cli(*args)
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1 and fragment in done.stderr


def test_duplicate_student_ids_are_a_usage_error(tmp_path):
    (tmp_path / "ken.py").write_text(CORRECT, encoding="utf-8")
    (tmp_path / "ken.ipynb").write_text(notebook(CORRECT), encoding="utf-8")
    done = run_cli("grade", tmp_path, "--assignment", "ch04_gradient", "--out", tmp_path / "o")
    assert done.returncode == 2
    assert "ken" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()


def course_config_edited(tmp_path, old, new):
    """A course_config.py beside the submissions, with one edit, and a correct submission."""
    config = (ROOT / "course_config.py").read_text(encoding="utf-8")
    assert old in config
    (tmp_path / "course_config.py").write_text(config.replace(old, new, 1), encoding="utf-8")
    (tmp_path / "aki.py").write_text(CORRECT, encoding="utf-8")
    return run_cli("grade", "aki.py", "--assignment", "ch04_gradient", "--out", "o", "--config", "course_config.py",
                   cwd=tmp_path)


@pytest.mark.parametrize("old, new, named", [
    ('"numerical_diff::central_x2_at_2": 2,', "", "checks without points: numerical_diff::central_x2_at_2"),
    ('"numerical_diff::central_x2_at_2": 2,', '"numerical_diff::central_x2_at_2": 2, "numerical_diff::gone": 1,',
     "points for no check: numerical_diff::gone"),
    ('    "output_kb": 256,', "", "LIMITS['output_kb'] is missing"),
    ('"memory_mb": 1024,', '"memory_mb": 1024, "gpus": 1,', "LIMITS['gpus'] is not a known limit"),
    ('"cell_seconds": 10.0,', '"cell_seconds": -1,', "LIMITS['cell_seconds'] = -1: must be a positive number"),
    ('LANG = "ja+en"', 'LANG = "jp"', "LANG = 'jp': must be one of"),
    ('HIDDEN_VISIBILITY = "after_published"', 'HIDDEN_VISIBILITY = "later"', "HIDDEN_VISIBILITY = 'later'"),
    ('COURSE_ID = "zero-dl-ch04"', 'COURSE_ID = "zero-dl-ch04"\nDEADLINE = 1', "unknown setting DEADLINE"),
    ('"max_percent": 50,', '"max_percent": 150,', "LATE_POLICY['max_percent'] = 150: a percentage is at most 100"),
    ('"grace_minutes": 15,', '"grace_min": 15,', "LATE_POLICY['grace_min'] is not a known key"),
    ('TIME_ZONE = "Asia/Tokyo"', 'TIME_ZONE = "JST"', "TIME_ZONE = 'JST': not a time zone name"),
    ('"written": {"answer_q1": 2,', '"written": {"answer_q1": 0,', "['written']['answer_q1'] = 0: points must be"),
    ('COURSE_ID = "zero-dl-ch04"', "", "COURSE_ID is missing"),
    ('"numerical_diff::function_1_book_values": 1,', '"numerical_diff::function_1_book_values": "1",',
     "['numerical_diff::function_1_book_values'] = '1': points must be a positive number"),
    ('"numerical_diff::function_1_book_values": 1,', '"numerical_diff::function_1_book_values": 0,',
     "points must be a positive number"),
    ('"title": "4.3–4.4', '"deadline": "2026-12-01", "title": "4.3–4.4', "['deadline'] is not a known key"),
    ('"title": "4.3–4.4', '"due": "next friday", "title": "4.3–4.4', "['due'] = 'next friday': a date-time"),
    ('LANG = "ja+en"', "LANG = undefined_name", "cannot be read: NameError"),
])
def test_a_course_config_that_cannot_be_used_stops_before_grading(tmp_path, old, new, named):
    """Exit 2 with one line naming the setting: never a grader fault disguised as students' zeros."""
    done = course_config_edited(tmp_path, old, new)
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and named in done.stderr, done.stderr
    assert not (tmp_path / "o").exists()


def test_points_out_of_sync_stop_a_batch_before_any_worker_starts(tmp_path):
    config = (ROOT / "course_config.py").read_text(encoding="utf-8")
    (tmp_path / "course_config.py").write_text(config.replace('"gradient_descent::random_start": 1,', ""),
                                               encoding="utf-8")
    for name in ("aki", "ben"):
        (tmp_path / f"{name}.py").write_text(CORRECT, encoding="utf-8")
    done = run_cli("grade", ".", "--assignment", "ch04_gradient", "--out", "o", "--jobs", "2",
                   "--config", "course_config.py", cwd=tmp_path)
    assert done.returncode == 2 and "gradient_descent::random_start" in done.stderr, done.stderr
    assert not (tmp_path / "o").exists()


def test_ids_that_differ_only_in_unsafe_characters_get_folders_of_their_own(tmp_path):
    """'tanaka taro' and 'tanaka_taro' are two students: two folders, two rows, two grades."""
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "tanaka taro.py").write_text(CORRECT, encoding="utf-8")
    (folder / "tanaka_taro.py").write_text(CORRECT.replace("(2 * h)", "h"), encoding="utf-8")
    (folder / "grades.csv.py").write_text(CORRECT, encoding="utf-8")
    out = tmp_path / "o"
    done = run_cli("grade", folder, "--assignment", "ch04_gradient", "--out", out)
    assert done.returncode == 0, done.stderr
    rows = {line.split(",")[0]: line.split(",")[1] for line in
            (out / "grades.csv").read_text(encoding="utf-8-sig").splitlines()[1:]}
    assert sorted(rows) == ["grades.csv", "tanaka taro", "tanaka_taro"]
    assert rows["tanaka taro"] == rows["grades.csv"] == "38" and float(rows["tanaka_taro"]) < 38
    for student in rows:
        assert results(out, student)["extra_data"]["student"] == student
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["%67rades.csv", "tanaka%20taro", "tanaka_taro"]
    assert (out / "grades.csv").is_file()


def test_lang_option(tmp_path):
    sub = tmp_path / "emi.py"
    sub.write_text(CORRECT.replace("(f(x + h) - f(x - h)) / (2 * h)", "(f(x + h) - f(x)) / h"), encoding="utf-8")
    for lang, present, absent in (("en", "forward difference", "前方差分"), ("ja", "前方差分", "forward difference")):
        run_cli("grade", sub, "--assignment", "ch04_gradient", "--out", tmp_path / lang, "--lang", lang)
        failed = [t for t in results(tmp_path / lang, "emi")["tests"] if t["status"] == "failed"]
        assert failed and all(t["extra_data"]["diagnosis"] == "forward_difference" for t in failed)
        assert present in failed[0]["output"] and absent not in failed[0]["output"]


def test_overrides_csv_is_applied_on_export(tmp_path):
    (tmp_path / "class").mkdir()
    for name in ("ai", "jun"):
        (tmp_path / "class" / f"{name}.py").write_text(CORRECT, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "overrides.csv").write_text("student,check,points,adjustment,reason\n"
                                       "jun,total,,-5,late submission\n", encoding="utf-8")
    done = run_cli("grade", tmp_path / "class", "--assignment", "ch04_gradient", "--out", out)
    assert done.returncode == 0, done.stderr
    final = (out / "grades_final.csv").read_text(encoding="utf-8-sig")
    assert "late submission" in final
    jun = next(line for line in final.splitlines() if line.startswith("jun,"))
    assert jun.startswith("jun,,submitted,33,38,38,")                         # score, max, autograded
    assert "jun,38," in (out / "grades.csv").read_text(encoding="utf-8-sig")     # grades.csv untouched
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Manual adjustments" in page and "late submission" in page        # shown in the report
    (out / "overrides.csv").write_text("student,check,points,adjustment,reason\nnobody,total,,1,x\n",
                                       encoding="utf-8")
    bad = run_cli("grade", tmp_path / "class", "--assignment", "ch04_gradient", "--out", out)
    assert bad.returncode == 2 and "nobody" in bad.stderr                     # the instructor's file


def test_symbolic_links_in_a_folder_are_not_graded(tmp_path):
    """A link could point at solutions/ or another student's file: it is skipped, with a warning."""
    folder = tmp_path / "class"
    folder.mkdir()
    (folder / "real.py").write_text(CORRECT, encoding="utf-8")
    (folder / "linked.py").symlink_to(ROOT / "tests" / "data" / "ch04_gradient_correct.py")
    done = run_cli("grade", folder, "--assignment", "ch04_gradient", "--out", tmp_path / "o")
    assert done.returncode == 0, done.stderr
    assert "linked.py" in done.stderr and "symbolic link" in done.stderr
    assert sorted(p.name for p in (tmp_path / "o").iterdir() if p.is_dir()) == ["real"]


def test_a_check_file_that_cannot_be_imported_stops_grading_and_the_self_check_with_its_error(tmp_path):
    """Exit 1 with the real error, in the batch and in the self-check: never a silent 8 / 8."""
    repo = copy_repository(tmp_path / "repo")
    checks = repo / "autograder" / "graders" / "ch04_gradient" / "test_gradient_descent.py"
    checks.write_text("import numpy_typo_module\n" + checks.read_text(encoding="utf-8"), encoding="utf-8")
    (repo / "aki.py").write_text(CORRECT, encoding="utf-8")
    error = "the graders of ch04_gradient could not be loaded: ModuleNotFoundError: No module named 'numpy_typo_module'"
    for args in (("grade", "aki.py", "--assignment", "ch04_gradient", "--out", "o"),
                 ("grade", "aki.py", "examples/ch04_gradient", "--assignment", "ch04_gradient", "--out", "o",
                  "--jobs", "2"),
                 ("check", "assignments/ch04_gradient/ch04_gradient.ipynb")):
        done = run_cli(*args, cwd=repo)
        assert done.returncode == 1, done.stdout + done.stderr
        assert error in done.stderr and "INTERNALERROR" not in done.stderr + done.stdout, done.stderr
        assert not (repo / "o" / "aki").exists()


PLANTED = """import pathlib
pathlib.Path({marker!r}).write_text("ran in the grader")
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_nothing_in_the_folder_being_graded_runs_in_the_grader(tmp_path, jobs):
    """Graded from inside a folder of submissions, a student's course_config.py, numpy.py and
    csv.py are submissions like any other: never the course, never a module of the grader."""
    folder = tmp_path / "class"
    folder.mkdir()
    marker = tmp_path / "planted.txt"
    config = (ROOT / "course_config.py").read_text(encoding="utf-8")
    (folder / "course_config.py").write_text(PLANTED.format(marker=str(marker)) + config, encoding="utf-8")
    for name in ("numpy", "csv", "pytest"):
        (folder / f"{name}.py").write_text(PLANTED.format(marker=str(marker)), encoding="utf-8")
    (folder / "emi.py").write_text("# nothing yet\n", encoding="utf-8")
    (folder / "aki.py").write_text(CORRECT, encoding="utf-8")
    done = run_cli("grade", ".", "--assignment", "ch04_gradient", "--out", tmp_path / "o", "--jobs", jobs, cwd=folder)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not marker.exists(), "a file from the graded folder ran in the grader"
    assert results(tmp_path / "o", "emi")["score"] == 0
    assert results(tmp_path / "o", "aki")["score"] == 38
    assert results(tmp_path / "o", "course_config")["extra_data"]["student"] == "course_config"


def test_nbgrader_layout_grades_each_student_on_their_own_assignment_notebook(tmp_path):
    """submitted/<student>/<assignment>/: the first level is the student; another assignment's
    folder, a folder nested inside a submission, a Copy1 next to the notebook and a student
    with two notebooks cost nobody else anything, and nothing stops the class."""
    submitted = tmp_path / "submitted"

    def put(relative, text):
        path = submitted / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    put("ann/ch04_gradient/ch04_gradient.ipynb", notebook(CORRECT))
    put("ann/ch04_gradient/ch04_gradient-Copy1.ipynb", notebook("raise SystemExit"))
    put("ann/ch04_gradient/timestamp.txt", "2026-12-01 10:00:00.000000 JST")
    put("ann/ch04_gradient/carol/ch04_gradient/forged.ipynb", notebook(CORRECT))      # not a student
    put("ann/ch04_loss/ch04_loss.ipynb", notebook(CORRECT))                          # another assignment
    put("ben/ch04_gradient/first try.ipynb", notebook(CORRECT))
    put("ben/ch04_gradient/second try.ipynb", notebook(CORRECT))
    put("dan/ch04_loss/ch04_loss.ipynb", notebook(CORRECT))                          # not this assignment
    put("eve/ch04_gradient/only.py", CORRECT)
    done = run_cli("grade", submitted, "--assignment", "ch04_gradient", "--out", tmp_path / "o")
    assert done.returncode == 0, done.stdout + done.stderr
    graded = {p.parent.name for p in (tmp_path / "o").glob("*/results.json")}
    assert graded == {"ann", "ben", "eve"}
    assert results(tmp_path / "o", "ann")["score"] == results(tmp_path / "o", "eve")["score"] == 38
    ben = results(tmp_path / "o", "ben")
    assert ben["score"] == 0 and {t["extra_data"]["diagnosis"] for t in ben["tests"]} == {"not_gradable"}
    assert "first try.ipynb" in ben["tests"][0]["output"] and "ch04_gradient.ipynb" in ben["tests"][0]["output"]
    assert "carol" in done.stderr                                     # the nested folder: a warning
    assert "dan" not in done.stderr and "ch04_loss" not in done.stderr


def test_ids_that_are_one_student_under_the_key_are_refused_naming_both_files(tmp_path):
    """NFC and NFD spellings of one name (macOS writes NFD) are one student: exit 2 before grading."""
    folder = tmp_path / "class"
    folder.mkdir()
    nfc, nfd = unicodedata.normalize("NFC", "がくせい"), unicodedata.normalize("NFD", "がくせい")
    (folder / f"{nfc}.py").write_text(CORRECT, encoding="utf-8")
    (folder / f"{nfd}.ipynb").write_text(notebook(CORRECT), encoding="utf-8")
    done = run_cli("grade", folder, "--assignment", "ch04_gradient", "--out", tmp_path / "o")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1
    assert f"{nfc}.py" in unicodedata.normalize("NFC", done.stderr) and ".ipynb" in done.stderr
    assert not (tmp_path / "o").exists()


def test_a_path_that_is_a_symbolic_link_is_refused(tmp_path):
    (tmp_path / "real.py").write_text(CORRECT, encoding="utf-8")
    (tmp_path / "link.py").symlink_to(tmp_path / "real.py")
    done = run_cli("grade", tmp_path / "link.py", "--assignment", "ch04_gradient", "--out", tmp_path / "o")
    assert done.returncode == 2 and "symbolic link" in done.stderr
