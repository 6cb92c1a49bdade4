"""What every assignment's catalogue test asserts of one graded entry: the labelled
function loses points with exactly the labelled diagnoses, every other function keeps
full marks, and each failing message explains itself in both languages."""
import json
import re

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


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
