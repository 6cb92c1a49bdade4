"""Which diagnosis codes a grader can give, found in the code that raises them, and what
their messages must hold.

The codes are found in the code that raises them: ``Fail("code")`` and ``("code", value)``
candidates in each assignment's graders, ``Fail`` in autograder/expect.py, the
StudentError codes of the engine.  Nothing lists them by hand.
"""
import ast
import re

from conftest import ROOT

from autograder import messages
from autograder.course import GRADERS

# Facts a check or the engine can give a message (autograder/expect.py, autograder/judge.py).
FACTS = {"function", "given", "got", "expected", "tolerance", "type", "message", "where",
         "seconds", "difference"}      # a timeout's limit; what a wrong value has wrong
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


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


def assert_messages_complete(assignment):
    """Every code the assignment's graders or the engine can give has a Japanese and an
    English message, with the same facts, facts a check can give, and the function's name."""
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
