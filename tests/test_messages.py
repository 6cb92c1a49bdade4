"""Every diagnosis a grader can give has a Japanese and an English message whose facts it can fill.

The codes are found in the code that raises them: ``Fail("code")`` and ``("code", value)``
candidates in each assignment's graders, ``Fail`` in autograder/expect.py, the
StudentError codes of the engine.  Nothing here lists them by hand except the codes
the course requires by name, which must exist exactly so spelled.
"""
import ast
import re

import pytest

from conftest import ROOT

from autograder import messages
from autograder.course import GRADERS, load_course

# The codes required for ch04_gradient, by function ("*" = any check).
REQUIRED = {
    "numerical_diff": {"forward_difference", "step_too_small", "step_too_large", "missing_half", "precedence",
                       "sign_flipped"},
    "numerical_gradient": {"not_restored", "perturbs_copy", "half_step", "returns_input", "one_dimensional_only"},
    "gradient_descent": {"gradient_ascent", "gradient_not_recomputed", "wrong_step_count", "ignores_learning_rate"},
    "simpleNet.loss": {"missing_softmax", "softmax_twice", "wrong_loss_function"},
    "*": {"not_implemented", "crashed", "timeout", "wrong_shape", "not_finite"},
}
# Facts a check or the engine can give a message (autograder/expect.py, autograder/judge.py).
FACTS = {"function", "given", "got", "expected", "tolerance", "type", "message", "where"}
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
ASSIGNMENTS = sorted(load_course(ROOT / "course_config.py").assignments)


def choices(node):
    """The strings an expression can be: "a", "a" if c else "b", x or "a"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return choices(node.body) | choices(node.orelse)
    if isinstance(node, ast.BoolOp):
        return set().union(*map(choices, node.values))
    return set()


def candidate_codes(tree):
    """The codes of ("code", wrong value) pairs and {"code": wrong value} dicts in ``tree``."""
    codes = set()
    for node in ast.walk(tree):
        keys = node.keys if isinstance(node, ast.Dict) else \
            node.elts[:1] if isinstance(node, ast.Tuple) and len(node.elts) == 2 else []
        codes.update(key.value for key in keys if isinstance(key, ast.Constant) and isinstance(key.value, str))
    return codes


def raised_codes(path, misconceptions=False):
    """Codes passed to Fail(...) / StudentError(...) and to first_match(...) as candidates;
    with ``misconceptions`` every candidate in the file (a grader's misconceptions.py)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    codes = candidate_codes(tree) if misconceptions else set()
    for node in ast.walk(tree):
        name = getattr(node.func, "id", None) if isinstance(node, ast.Call) else None
        if name in ("Fail", "StudentError") and node.args:
            codes.update(choices(node.args[0]))
        elif name == "first_match":
            for argument in node.args[1:]:
                codes |= candidate_codes(argument)
        elif isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] in (["code"], ["diagnosis"]):
            codes.update(choices(node.value))                # code = "a" if ... else "b"; Fail(code)
    return codes


def engine_codes():
    from autograder.run import _ERROR_CODES
    codes = set(_ERROR_CODES.values()) | {"wrong_value"}
    for path in (ROOT / "autograder").rglob("*.py"):
        if GRADERS not in path.parents:
            codes |= raised_codes(path)
    return codes


def used_codes(assignment):
    codes = engine_codes()
    for path in (GRADERS / assignment).glob("*.py"):
        if path.name != "probes.py":                           # probes run inside, judge nothing
            codes |= raised_codes(path, misconceptions=path.name == "misconceptions.py")
    return codes


def test_code_scan_finds_the_known_codes():
    """The scan is not vacuous: it sees codes raised each way."""
    codes = used_codes("ch04_gradient")
    assert {"not_restored", "one_dimensional_only", "forward_difference", "wrong_shape", "timeout",
            "crashed", "not_implemented"} <= codes


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_code_has_both_languages_and_fillable_facts(assignment):
    templates = messages.catalogue(str(GRADERS / assignment))
    for code in sorted(used_codes(assignment)):
        assert code in templates, f"{assignment}: no message for diagnosis '{code}'"
        ja, en = templates[code].get("ja", ""), templates[code].get("en", "")
        assert ja.strip() and en.strip(), f"{code}: needs ja and en"
        assert JAPANESE.search(ja) and not JAPANESE.search(en), code
        names_ja, names_en = messages.placeholders(ja), messages.placeholders(en)
        assert names_ja == names_en, f"{code}: ja uses {names_ja}, en uses {names_en}"
        assert names_en <= FACTS, f"{code}: unknown facts {names_en - FACTS}"
        assert "{function}" in en, f"{code}: the message should name the function"
        facts = {name: f"<{name}>" for name in FACTS}
        rendered = messages.render(code, facts, GRADERS / assignment)
        assert all("<function>" in text for text in rendered.values()), rendered


def test_required_codes_exist_exactly_spelled():
    templates = messages.catalogue(str(GRADERS / "ch04_gradient"))
    used = used_codes("ch04_gradient")
    for function, codes in REQUIRED.items():
        for code in codes:
            assert code in templates, f"{function}: no message for '{code}'"
            assert code in used, f"{function}: no grader or engine code raises '{code}'"


def test_every_ch04_gradient_message_is_used():
    """A template no check can produce is dead text, or a misspelt code (ch04_gradient's
    graders raise their codes in the ways the scan reads)."""
    own = messages.catalogue(str(GRADERS / "ch04_gradient")).keys() - messages.catalogue(None).keys()
    unused = own - used_codes("ch04_gradient")
    assert not unused, f"ch04_gradient: messages.toml has codes no grader raises: {sorted(unused)}"
