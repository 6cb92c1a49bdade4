"""Feedback text: a diagnosis code and its facts become a message in the course language.

Templates live in TOML: autograder/messages.toml for codes every assignment shares
(not_implemented, crashed, timeout, ...), graders/<assignment>/messages.toml for the
assignment's misconceptions.  Each code has a ``ja`` and an ``en`` template; the facts
a check gives ({given}, {got}, {expected}, ...) fill them.

A fact that is words, not a value, is a ``Text``: both languages, the message's own
chosen when it is rendered (``expected=Text("数値", "a number")``).  Texts the engine
and the sandbox report in English (a cell's timeout, why a file cannot be read) are
matched against messages.toml's ``[text.*]`` table by ``engine_text``; the lines shown
before the checks (a cell that could not run, the public total) are its ``[note.*]``.
"""
import functools
import re
import string
import tomllib
from dataclasses import dataclass
from pathlib import Path

SHARED = Path(__file__).with_name("messages.toml")
LANGS = ("ja", "en")
NOT_CODES = ("note", "text")          # tables of messages.toml that are not diagnoses


@dataclass(frozen=True)
class Text:
    """A fact in both languages; the message it fills chooses.  ``+`` joins it with a
    string (the same in both) or another Text."""
    ja: str
    en: str

    def pick(self, lang):
        return self.ja if lang == "ja" else self.en

    def __add__(self, other):
        return Text(self.ja + in_lang(other, "ja"), self.en + in_lang(other, "en"))

    def __radd__(self, other):
        return Text(in_lang(other, "ja") + self.ja, in_lang(other, "en") + self.en)

    def __format__(self, spec):
        raise TypeError("a Text is a fact of its own (or joined with +), never formatted into a str: "
                        "the str would hold one language only")


def in_lang(value, lang):
    """A fact as it reads in ``lang`` (a Text picks; anything else is the same in both)."""
    return value.pick(lang) if isinstance(value, Text) else value


def _load(path):
    with open(path, "rb") as handle:
        return tomllib.load(handle)


@functools.lru_cache(maxsize=None)
def catalogue(assignment_dir=None):
    """code -> {"ja": template, "en": template}; the assignment's codes override shared ones."""
    templates = {code: value for code, value in _load(SHARED).items() if code not in NOT_CODES}
    if assignment_dir is not None:
        own = Path(assignment_dir) / "messages.toml"
        if own.exists():
            templates.update(_load(own))
    return templates


class _Facts(dict):
    def __missing__(self, key):
        return "?"


def fill(template, facts, lang):
    """``template`` with ``facts`` (Texts in ``lang``); a fact it lacks shows as "?"."""
    return string.Formatter().vformat(template, (), _Facts({k: in_lang(v, lang) for k, v in facts.items()}))


def render(code, facts, assignment_dir=None):
    """{"ja": text, "en": text} for a diagnosis code (None -> the generic wrong_value)."""
    templates = catalogue(str(assignment_dir) if assignment_dir else None)
    template = templates.get(code or "wrong_value") or templates["wrong_value"]
    return {lang: fill(template[lang], facts, lang).strip() for lang in LANGS}


def pick(message, lang):
    """The text to show for a rendered message in the course language."""
    if lang == "ja+en":
        return message["ja"] + "\n" + message["en"]
    return message[lang]


def placeholders(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# ----- the engine's own lines and texts (messages.toml's [note.*] and [text.*]) -----

@functools.lru_cache(maxsize=None)
def _shared_table(name):
    return _load(SHARED).get(name, {})


def notes():
    """name -> {"ja", "en"}: the lines the engine writes itself (before the checks, totals)."""
    return _shared_table("note")


def note(which, lang, **facts):
    """The note ``which`` in ``lang`` ("ja+en": both, one line each)."""
    return pick({one: fill(notes()[which][one], facts, one) for one in LANGS}, lang)


def engine_texts():
    """name -> {"ja", "en"}: what the engine and the sandbox say in English, translated."""
    return _shared_table("text")


@functools.lru_cache(maxsize=None)
def _patterns():
    """(regex of the English, ja/en templates), those with fewer placeholders first."""
    patterns = []
    for entry in engine_texts().values():
        matched = entry.get("match", entry["en"])      # an error type is matched by its own name
        parts = string.Formatter().parse(matched)
        regex = "".join(re.escape(literal) + (f"(?P<{name}>.*?)" if name else "") for literal, name, _, _ in parts)
        patterns.append((len(placeholders(matched)), re.compile(regex, re.DOTALL), entry))
    return [(regex, entry) for _, regex, entry in sorted(patterns, key=lambda item: item[0])]


def engine_text(text):
    """``text`` as a Text when it is one the engine writes in English (``did not finish in
    10 s``), else ``text`` itself (a Python exception's message stays as Python wrote it)."""
    if not isinstance(text, str):
        return text
    for regex, entry in _patterns():
        found = regex.fullmatch(text)
        if found:
            return Text(*(entry[lang].format(**found.groupdict()) for lang in LANGS))
    return text
