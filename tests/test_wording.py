"""Every message reads in one language: no English in the Japanese text, no Japanese in
the English.

Every template of every messages.toml (the engine's diagnoses, notes and texts, and each
assignment's) is rendered in ja and en with sample facts: numbers, arrays, shapes, code,
and every text the code can put into a fact (each ``Text(...)`` written in autograder/,
every engine text, where an exception was raised).  Facts that are words must be Texts:
a scan of the graders finds any that is written in one language only."""
import ast
import tomllib

import numpy as np
import pytest
from conftest import ROOT

from autograder import messages
from autograder.course import GRADERS
from autograder.expect import show, tolerance, where_raised, difference
from autograder.messages import LANGS, Text
from autograder.results import LoadProblem
from autograder.run.inside.codec import Unrecognised
from wording import stray_english, stray_japanese

AUTOGRADER = ROOT / "autograder"
MESSAGE_FILES = [AUTOGRADER / "messages.toml", *sorted(GRADERS.glob("*/messages.toml"))]

# Text that comes from Python or the operating system, shown as it is (students search
# for it): removed before a Japanese text is checked.
RAW = ["division by zero", "Permission denied", "Expecting value: line 1 column 1 (char 0)"]


def both(which, **facts):
    return Text(*(messages.note(which, lang, **facts) for lang in LANGS))


def sample(node):
    """A str constant or f-string as a sample string (each value it formats as "3")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "3" for part in node.values)
    return None


def written_texts():
    """Every Text(ja, en) written with literal text anywhere in autograder/, as a sample."""
    found = []
    for path in sorted(AUTOGRADER.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Text" and len(node.args) == 2:
                ja, en = map(sample, node.args)
                if ja is not None and en is not None:
                    found.append(Text(ja, en))
    return found


# The values of the engine texts' placeholders (what the engine matches in its English).
TEXT_VALUES = {"seconds": "10", "status": "1", "signal": "SIGKILL", "size": "123456", "reason": RAW[1],
               "error": RAW[2], "files": "a.ipynb, b.ipynb", "name": "ch04_gradient.ipynb",
               "function": "numerical_gradient"}


def engine_texts():
    """Every [text.*] of the engine, rendered as engine_text would (placeholders sampled)."""
    texts = []
    for name, entry in messages.engine_texts().items():
        unknown = messages.placeholders(entry["en"]) - TEXT_VALUES.keys()
        assert not unknown, f"[text.{name}]: no sample for {unknown}: add one to this test"
        texts.append(Text(*(entry[lang].format(**TEXT_VALUES) for lang in LANGS)))
    return texts


def samples():
    texts = written_texts()
    values = ["4.0001000000078335", "[-2.9999999406, 1.0]", "(2, 3)", "None", "nan", "{}", "W1, b1",
              show(Unrecognised("MyArray")), *texts]
    engine = engine_texts()
    cells = ["def numerical_gradient(f, x):", "x = np.arange(0.0, 20.0, 0.1)"]
    units = [both("unit_cell", label=cells[0]), both("unit_line", label=cells[1], line=12)]
    return {
        "given": ["f(x) = x², x = 2", "x = [1.0, 2.0]", "TwoLayerNet(3, 4, 2), x = [[0.5, -1.0]]", *texts],
        "got": values, "expected": values,
        "tolerance": ["1e-06", tolerance(1e-7, 1e-7)],
        "type": ["ZeroDivisionError", "NameError", *engine],
        "message": [RAW[0], *engine],
        "where": ["", where_raised({"where": "<submission cell 3>", "line": 3, "text": "return 1 / 0", "cell": cells[0]}),
                  where_raised({"where": "<submission.py:7>", "line": 7, "text": "return 1 / 0"})],
        "label": cells, "cell": cells, "line": ["12"], "text": ["return (f(x + h) - f(x)) / h"],
        "cause": units, "count": ["3"], "seconds": ["3", "0.5"],
        "difference": [difference(np.array(got), np.array(expected), 1e-6) for got, expected in
                       (([-1.0, 2.0], [1.0, -2.0]), ([2.0, 4.0], [1.0, 2.0]), ([1.0, 3.0], [1.0, 2.0]), (3.0, 4.0))],
        **{name: [value] for name, value in TEXT_VALUES.items()}, "name": ["t", TEXT_VALUES["name"]],
        "function": ["numerical_diff", "simpleNet.loss", "TwoLayerNet.numerical_gradient"],
    }


SAMPLES = samples()


def templates():
    """(where, {"ja", "en"}) for every template of every messages.toml."""
    for path in MESSAGE_FILES:
        with open(path, "rb") as handle:
            table = tomllib.load(handle)
        for code, entry in table.items():
            if code in messages.NOT_CODES and path == MESSAGE_FILES[0]:
                for name, inner in entry.items():
                    yield f"{path.relative_to(ROOT)} [{code}.{name}]", inner
            else:
                yield f"{path.relative_to(ROOT)} [{code}]", entry


def renderings(template):
    """{lang: text} for the template with each sample of each placeholder in turn."""
    names = messages.placeholders(template["ja"]) | messages.placeholders(template["en"])
    unknown = names - SAMPLES.keys()
    assert not unknown, f"no samples for {unknown}: add them to this test"
    first = {name: SAMPLES[name][0] for name in names}
    for name in sorted(names):
        for value in SAMPLES[name]:
            facts = {**first, name: value}
            yield {lang: messages.fill(template[lang], facts, lang) for lang in LANGS}


def without_raw(text):
    for raw in RAW:
        text = text.replace(raw, " ")
    return text


@pytest.mark.parametrize("where, template", list(templates()), ids=lambda value: value if isinstance(value, str) else "")
def test_every_message_reads_in_its_own_language(where, template):
    for rendered in renderings(template):
        assert not stray_english(without_raw(rendered["ja"])), (where, stray_english(without_raw(rendered["ja"])),
                                                               rendered["ja"])
        assert not stray_japanese(rendered["en"]), (where, rendered["en"])


def test_the_samples_hold_every_kind_of_fact():
    """Not vacuous: the written Texts include the graders' and the engine's."""
    english = {text.en for text in written_texts()}
    assert {"a number", "an array of numbers"} <= english
    assert any("rows in step" in text for text in english)
    assert len(engine_texts()) >= 20


def test_the_checker_finds_english_in_japanese():
    """The fragments issue 13 quotes are found (the check can fail)."""
    for text in ("None が返りました。a number を返してください。", "12 rows で記録した損失",
                 "[11, 3, 6, 5] in every step", "cell 4 は実行できなかったため飛ばしました: timeout: did not finish in 10 s"):
        assert stray_english(text), text
    for text in ("np.zeros_like を使ってください", "raise NotImplementedError を消してください", "`for i in range(n)` の中",
                 "NumPy の配列", "10 s", "x = [1.0, 2.0] に対して"):
        assert not stray_english(text), (text, stray_english(text))
    assert stray_japanese("expected 4.0(正解)")


# ----- facts that are words: Texts, never one language -----

FACTS = {"given", "got", "expected", "tolerance", "type", "message", "where", "difference"}


def literals(node):
    """The str constants and f-strings an expression is built of (Text(...) and other calls
    aside: a Text is in both languages, a call's strings are its arguments)."""
    if isinstance(node, (ast.Constant, ast.JoinedStr)):
        text = sample(node)
        return [(text, node.lineno)] if text is not None else []
    if isinstance(node, (ast.BinOp, ast.IfExp, ast.BoolOp, ast.Tuple)):
        return [found for child in ast.iter_child_nodes(node) for found in literals(child)]
    return []


def fact_expressions(tree):
    """What a file gives messages as facts: Fail's arguments, fact keywords of any call,
    values assigned to a fact's name, f-strings returned (a helper that builds ``given``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield from (keyword.value for keyword in node.keywords if keyword.arg in FACTS)
            if getattr(node.func, "id", None) == "Fail":
                yield from node.args[1:]
        elif isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(getattr(target, "id", None) in FACTS for target in targets):
                yield node.value
        elif isinstance(node, ast.Return) and node.value is not None:
            yield from (value for value in [node.value, *getattr(node.value, "elts", [])]
                        if isinstance(value, ast.JoinedStr))


def fact_files():
    graders = [path for path in sorted(GRADERS.rglob("*.py")) if path.name != "probes.py"]
    return graders + [AUTOGRADER / "expect.py", AUTOGRADER / "judge.py"]


def test_facts_in_words_come_in_both_languages():
    """A fact that holds words (``rows``, ``in every step``, ``a NumPy array``) is a Text."""
    found = []
    for path in fact_files():
        for expression in fact_expressions(ast.parse(path.read_text(encoding="utf-8"))):
            for text, line in literals(expression):
                if stray_english(text):
                    found.append(f"{path.relative_to(ROOT)}:{line}: {text!r} {stray_english(text)}")
    assert not found, "facts in English only (write them as Text(ja, en)):\n" + "\n".join(found)


def test_the_fact_scan_sees_what_it_must():
    tree = ast.parse('raise Fail("x", given=given + " (calls)", got=f"{n} rows in step {s}", expected="a NumPy array")\n'
                     'given = f"x: {n} rows"\n')
    texts = [text for expression in fact_expressions(tree) for text, _ in literals(expression)]
    assert {text for text in texts if stray_english(text)} == {" (calls)", "3 rows in step 3", "a NumPy array",
                                                               "x: 3 rows"}


# ----- what the engine and the sandbox say in English -----

ENGINE = [path for path in sorted(AUTOGRADER.rglob("*.py")) if GRADERS not in path.parents]


def reported_texts(tree):
    """English the engine reports about a submission: the message of an error report
    ({"type": ..., "message": "..."}), StudentError(message="..."), NotGradable("..."), Ended("...")."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [getattr(key, "value", None) for key in node.keys]
            if "type" in keys and "message" in keys:
                yield node.values[keys.index("message")]
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None)
            if name == "StudentError":
                yield from (keyword.value for keyword in node.keywords if keyword.arg == "message")
            elif name in ("NotGradable", "Ended") and node.args:
                yield node.args[0]


def test_every_engine_text_has_its_japanese():
    found = []
    for path in ENGINE:
        for expression in reported_texts(ast.parse(path.read_text(encoding="utf-8"))):
            text = sample(expression)
            if text and stray_english(text) and not isinstance(messages.engine_text(text), Text):
                found.append(f"{path.relative_to(ROOT)}:{expression.lineno}: {text!r}")
    assert not found, "engine texts without a [text.*] in autograder/messages.toml:\n" + "\n".join(found)


def test_why_a_file_cannot_be_graded_is_said_in_both_languages(tmp_path):
    from autograder.load import NotGradable, load
    from autograder.submissions import pick_submission
    reasons = [pick_submission(["a.ipynb", "b.ipynb"], "ch04_gradient")[1], pick_submission([], "ch04_gradient")[1],
               pick_submission(["notes.txt"], "ch04_gradient")[1]]
    for name, content in (("empty.ipynb", b""), ("latin.py", b"\xff\xfe x"), ("notjson.ipynb", b"{ not json"),
                          ("jsonnotnb.ipynb", b'{"a": 1}')):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(NotGradable) as raised:
            load(tmp_path / name)
        reasons.append(str(raised.value))
    for reason in reasons:
        text = messages.engine_text(reason)
        assert isinstance(text, Text), reason
        own = text.ja.split(": ")[0]                   # what follows a colon is Python's (json's) own
        assert own != reason and not stray_english(own), text.ja


def test_a_cell_timeout_reads_in_japanese():
    """The issue's `timeout: did not finish in 10 s` in a Japanese note."""
    problem = LoadProblem("while True:", {"type": "timeout", "message": "did not finish in 10 s"})
    ja, en = problem.note("ja"), problem.note("en")
    assert "10 秒" in ja and not stray_english(ja), ja
    assert "did not finish in 10 s" in en and not stray_japanese(en), en


def test_a_text_is_never_formatted_into_one_language():
    """f"{text}" would keep one language: it is an error, found by the grader's own tests."""
    with pytest.raises(TypeError):
        f"{Text('数値', 'a number')}"
    assert ("x = " + Text("数値", "a number")).ja == "x = 数値"
    facts = {"given": "x = 1", "got": "None", "expected": Text("数値", "a number"), "function": "f"}
    rendered = messages.render("wrong_type", facts)
    assert "数値" in rendered["ja"] and "a number" not in rendered["ja"] and "a number" in rendered["en"]
