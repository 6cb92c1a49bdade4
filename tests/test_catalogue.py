"""The graders, proven on a catalogue of answers (tests/catalogue/<assignment>/*.py).

Each entry is a student's code as a script, labelled in its header:

    # expect: full                                   every check passes
    # expect: numerical_diff=forward_difference      that function loses points, each of its
                                                     failing checks carries that diagnosis,
                                                     every other function keeps full marks
    # expect: gradient_descent=timeout|null          several diagnoses: each one shows up,
                                                     and no other (null = no known misconception)

The whole catalogue is graded as one batch by the real command; any false pass, false
fail or wrong diagnosis fails the test named after the entry.
"""
import ast
import json
import re
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from test_messages import REQUIRED

from autograder.course import load_course

CATALOGUE = ROOT / "tests" / "catalogue"
ASSIGNMENT = "ch04_gradient"
FOLDER = CATALOGUE / ASSIGNMENT
ENTRIES = sorted(FOLDER.glob("*.py"))
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# A subset graded again in each single language (one per function, a null, a crash).
LANG_SUBSET = ("wrong_nd_precedence", "wrong_ng_perturbs_copy", "wrong_gd_ascent", "wrong_sn_softmax_twice",
               "wrong_nd_hardcoded", "wrong_sn_predict_args", "right_book")


def expectation(path):
    """{function: {diagnosis or None}} from the header; {} for a right answer."""
    lines = [line[len("# expect:"):].strip() for line in path.read_text(encoding="utf-8").splitlines()
             if line.startswith("# expect:")]
    assert len(lines) == 1, f"{path.name}: needs exactly one '# expect:' line"
    if lines[0] == "full":
        return {}
    wanted = {}
    for part in lines[0].split(","):
        function, _, codes = part.strip().partition("=")
        wanted[function.strip()] = {None if code == "null" else code for code in codes.split("|")}
    return wanted


def read(out, student):
    return json.loads((out / student / "results.json").read_text(encoding="utf-8"))


def grade(paths, out, lang):
    done = run_cli("grade", *paths, "--assignment", ASSIGNMENT, "--out", out, "--jobs", "2", "--lang", lang)
    assert done.returncode == 0, done.stdout + done.stderr
    return out


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The whole catalogue, one batch, both languages."""
    return grade([FOLDER], tmp_path_factory.mktemp("catalogue"), "ja+en")


@pytest.fixture(scope="module")
def functions():
    return load_course(ROOT / "course_config.py").assignment(ASSIGNMENT).function_points()


def test_catalogue_is_large_and_covers_every_required_diagnosis():
    right = [p for p in ENTRIES if not expectation(p)]
    wrong = [p for p in ENTRIES if expectation(p)]
    assert len(right) >= 10 and len(wrong) >= 30, (len(right), len(wrong))
    covered = {code for p in wrong for codes in expectation(p).values() for code in codes}
    required = {code for codes in REQUIRED.values() for code in codes}
    assert required <= covered, f"no catalogue entry diagnosed as {sorted(required - covered)}"
    assert None in covered                 # a wrong answer no known misconception explains
    for path in wrong:                     # each wrong answer breaks one function
        assert len(expectation(path)) == 1, path.name


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda p: p.stem)
def test_entry_is_graded_as_labelled(entry, graded, functions):
    wanted = expectation(entry)
    result = read(graded, entry.stem)
    assert set(wanted) <= set(functions), f"unknown function in the label: {set(wanted) - set(functions)}"
    for function, maximum in functions.items():
        tests = [t for t in result["tests"] if t["tags"] == [function]]
        score = sum(t["score"] for t in tests)
        failed = [t for t in tests if t["status"] != "passed"]
        found = {t["extra_data"]["diagnosis"] for t in failed}
        if function not in wanted:
            assert not failed and score == maximum, \
                f"false fail: {function} lost points: " + "; ".join(f"{t['name']}: {t['output']}" for t in failed)
            continue
        assert failed and score < maximum, f"false pass: {function} kept full marks"
        assert found == wanted[function], \
            f"wrong diagnosis for {function}: got {found}, expected {wanted[function]}: " \
            + "; ".join(f"{t['name']}={t['extra_data']['diagnosis']}" for t in failed)
        for test in failed:
            assert test["score"] == 0 and test["output"].strip(), test["name"]
            explains(test, entry)


def split_languages(output):
    """(ja, en) of a ja+en message: ja ends with the last line holding Japanese (a value such
    as a 2-D array may take several lines)."""
    lines = output.split("\n")
    last = max(i for i, line in enumerate(lines) if JAPANESE.search(line))
    return "\n".join(lines[:last + 1]), "\n".join(lines[last + 1:])


def explains(test, entry):
    """A failing check's message, in both languages, says what a student needs to act on."""
    ja, en = split_languages(test["output"])
    assert ja.strip() and en.strip() and not JAPANESE.search(en), test["output"]
    code = test["extra_data"]["diagnosis"]
    assert not re.search(r"(^|[\s(])\?($|[\s,.)])", en), f"an unfilled fact in: {en}"
    if code is None:                       # still: which input, which value, which expectation
        assert re.search(r"for .+ it returned .+; expected .+", en, re.S), en
    elif code == "crashed":                # the exception's type and the student's own line
        found = re.search(r"raised (\w+(Error|Exception)): .*\(line (\d+): (.+)\)$", en)
        assert found, en
        own = entry.read_text(encoding="utf-8").splitlines()[int(found.group(3)) - 1].strip()
        assert found.group(4) == own, (found.group(4), own)
    elif code == "timeout":
        assert "Time limit exceeded" in en and "time limit" in ja, test["output"]


def solution_statements():
    """The reference solution's statements (whitespace removed), to find them in messages."""
    tree = ast.parse((FOLDER / "right_book.py").read_text(encoding="utf-8"))
    graded = {"numerical_diff", "numerical_gradient", "gradient_descent", "loss"}
    statements = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name in graded:
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Assign, ast.AugAssign, ast.Return)):
                    text = re.sub(r"\s+", "", ast.unparse(inner))
                    if len(text) >= 12:
                        statements.add(text)
    return statements


def test_no_message_gives_away_solution_code(graded):
    statements = solution_statements()
    assert len(statements) >= 8
    for entry in ENTRIES:
        for test in read(graded, entry.stem)["tests"]:
            text = test["output"]
            if test["extra_data"]["diagnosis"] == "crashed":     # quotes the student's own line
                text = re.sub(r"\(line \d+: .*\)", "", text)
            flat = re.sub(r"\s+", "", text)
            leaked = [s for s in statements if s in flat]
            assert not leaked, f"{entry.stem} {test['name']} shows solution code {leaked}"
            assert "Traceback" not in text and "graders/" not in text and "assert " not in text


def test_failing_demo_code_is_reported_and_costs_nothing(graded):
    """Cells that fail while loading (a stub's demo call, a syntax error, get_ipython) are
    named in the results, and the functions still earn full marks."""
    for name, expected in (("right_demo_cells_fail", {"TypeError", "NameError"}),
                           ("right_notebook_export", {"NotImplementedError", "SyntaxError"})):
        result = read(graded, name)
        assert result["score"] == result["extra_data"]["max_score"]
        assert {p["type"] for p in result["extra_data"]["load_problems"]} == expected, result["extra_data"]


def test_random_inputs_depend_on_the_submission(graded):
    """Seeded from each file's content: two students do not share the random inputs (a
    hard-coded answer passed around cannot pass), and a regrade reuses them (the ja/en runs)."""
    shown = set()
    for name in ("wrong_nd_forward", "wrong_nd_backward", "wrong_nd_sign"):
        [test] = [t for t in read(graded, name)["tests"] if t["name"] == "numerical_diff::random_polynomial"]
        shown.add(split_languages(test["output"])[1].split(" it returned")[0])
    assert len(shown) == 3, shown


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_language_option(lang, graded, tmp_path):
    out = grade([FOLDER / f"{name}.py" for name in LANG_SUBSET], tmp_path, lang)
    for name in LANG_SUBSET:
        result, both = read(out, name), read(graded, name)
        assert result["extra_data"]["lang"] == lang
        assert ("点" in result["output"]) == (lang == "ja")
        for test, twin in zip(result["tests"], both["tests"], strict=True):
            assert (test["name"], test["score"]) == (twin["name"], twin["score"]), (name, test, twin)
            assert test["extra_data"]["diagnosis"] == twin["extra_data"]["diagnosis"]
            if test["status"] == "passed":
                continue
            assert bool(JAPANESE.search(test["output"])) == (lang == "ja"), test["output"]
            assert test["output"] == split_languages(twin["output"])[0 if lang == "ja" else 1]
