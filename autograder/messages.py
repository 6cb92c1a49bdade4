"""Feedback text: a diagnosis code and its facts become a message in the course language.

Templates live in TOML: autograder/messages.toml for codes every assignment shares
(not_implemented, crashed, timeout, ...), graders/<assignment>/messages.toml for the
assignment's misconceptions.  Each code has a ``ja`` and an ``en`` template; the facts
a check gives ({given}, {got}, {expected}, ...) fill them.
"""
import functools
import string
import tomllib
from pathlib import Path

SHARED = Path(__file__).with_name("messages.toml")


@functools.lru_cache(maxsize=None)
def catalogue(assignment_dir=None):
    """code -> {"ja": template, "en": template}; the assignment's codes override shared ones."""
    with open(SHARED, "rb") as handle:
        templates = dict(tomllib.load(handle))
    if assignment_dir is not None:
        own = Path(assignment_dir) / "messages.toml"
        if own.exists():
            with open(own, "rb") as handle:
                templates.update(tomllib.load(handle))
    return templates


class _Facts(dict):
    def __missing__(self, key):
        return "?"


def render(code, facts, assignment_dir=None):
    """{"ja": text, "en": text} for a diagnosis code (None -> the generic wrong_value)."""
    templates = catalogue(str(assignment_dir) if assignment_dir else None)
    template = templates.get(code or "wrong_value") or templates["wrong_value"]
    return {lang: string.Formatter().vformat(template[lang], (), _Facts(facts)).strip()
            for lang in ("ja", "en")}


def pick(message, lang):
    """The text to show for a rendered message in the course language."""
    if lang == "ja+en":
        return message["ja"] + "\n" + message["en"]
    return message[lang]


def placeholders(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}
