"""What every assignment's catalogue test asserts of one graded entry: the labelled
function loses points with exactly the labelled diagnoses, every other function keeps
full marks, and each failing message explains itself in both languages.  And how an
assignment's catalogue, solution, release and examples are graded: as one batch."""
import json
import re
import shutil

from conftest import run_cli

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def grade_batch(base, assignment, catalogue, examples, solution, release):
    """Catalogue, solution, release and examples graded as ONE batch by the real command,
    both languages; the output folder (the notebooks' student ids: solution, release)."""
    shutil.copy(solution, base / "solution.ipynb")
    shutil.copy(release, base / "release.ipynb")
    out = base / "out"
    done = run_cli("grade", catalogue, examples, base / "solution.ipynb", base / "release.ipynb",
                   "--assignment", assignment, "--out", out, "--jobs", "2", "--lang", "ja+en")
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def assert_catalogue_covers(labels, required, functions):
    """``labels``: {entry name: its expectation}.  At least 8 right and 20 wrong entries;
    every required diagnosis, an unexplained wrong value, a stub and a crash among them;
    each wrong entry breaks exactly one function, and every function is broken by one."""
    right = [name for name, wanted in labels.items() if not wanted]
    wrong = [wanted for wanted in labels.values() if wanted]
    assert len(right) >= 8 and len(wrong) >= 20, (len(right), len(wrong))
    covered = {code for wanted in wrong for codes in wanted.values() for code in codes}
    assert required <= covered, f"no catalogue entry diagnosed as {sorted(required - covered)}"
    assert None in covered and "not_implemented" in covered and "crashed" in covered
    assert all(len(wanted) == 1 for wanted in wrong)          # each breaks one function
    assert {f for wanted in wrong for f in wanted} == set(functions)


def assert_entry(out, entry, wanted, functions):
    """One catalogue entry, graded in ``out``, is graded as its label ``wanted`` says."""
    assert set(wanted) <= set(functions), f"unknown function in the label: {set(wanted) - set(functions)}"
    assert_graded(result_of(out, entry.stem), wanted, functions, entry.read_text(encoding="utf-8"))


def result_of(out, student):
    return json.loads((out / student / "results.json").read_text(encoding="utf-8"))


def verdicts(result, functions):
    """{function: (score, max, {diagnoses of failing checks}, [failing tests])}."""
    table = {}
    for function, maximum in functions.items():
        tests = [t for t in result["tests"] if t["tags"] == [function]]
        failed = [t for t in tests if t["status"] != "passed"]
        table[function] = (sum(t["score"] for t in tests), maximum,
                           {t["extra_data"]["diagnosis"] for t in failed}, failed)
    return table


def assert_graded(result, wanted, functions, entry_text=""):
    for function, (score, maximum, found, failed) in verdicts(result, functions).items():
        if function not in wanted:
            assert not failed and score == maximum, \
                f"false fail: {function} lost points: " + "; ".join(f"{t['name']}: {t['output']}" for t in failed)
            continue
        assert failed and score < maximum, f"false pass: {function} kept full marks"
        assert found == wanted[function], f"wrong diagnosis for {function}: got {found}, expected {wanted[function]}: " \
            + "; ".join(f"{t['name']}={t['extra_data']['diagnosis']}" for t in failed)
        for test in failed:
            assert test["score"] == 0
            explains(test, entry_text)


def explains(test, entry_text):
    """The message, in both languages, says what the student needs to act on."""
    text, code = test["output"], test["extra_data"]["diagnosis"]
    assert JAPANESE.search(text) and re.search(r"[a-z]{3,} [a-z]{3,}", text), text
    assert not re.search(r"[(\s]\?[)\s,.]", text), f"an unfilled fact in: {text}"
    if code is None:                       # still: which input, which value, which expectation
        assert re.search(r"for .+ it returned .+; expected .+", text, re.S), text
    elif code == "crashed":                # the exception's type and the student's own line
        found = re.search(r"raised (\w+Error): .*\(line (\d+): (.+)\)", text)
        assert found, text
        assert found.group(3).strip() == entry_text.splitlines()[int(found.group(2)) - 1].strip()
