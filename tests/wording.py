"""Which words of a message are out of place: English in the Japanese text, Japanese in
the English.

Code is the same in both languages, so a Japanese message may hold: code in backticks;
words with `_`, `.` or a digit (``np.zeros_like``, ``W1``); one-letter names; the names
the course's own code uses (every name in the solution notebooks, Python's keywords and
builtins); acronyms and names written in capitals (``NumPy``, ``ReLU``, ``CPU``); units.
Any other word of Latin letters is English a student was not meant to read there.
"""
import builtins
import io
import json
import keyword
import re
import tokenize

from conftest import ROOT

JAPANESE = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")
WORD = re.compile(r"(?<![\w.])[A-Za-z][A-Za-z0-9_.]*(?:-[A-Za-z]+)*")     # .ipynb is a file's suffix
BACKTICKED = re.compile(r"`[^`]*`")
# Words that are the same in Japanese technical writing: units, terms, numpy's values, and
# code the book uses that the solutions do not (np.tanh, cross_entropy_error's delta).
SHARED_WORDS = {"s", "ms", "one-hot", "nan", "inf", "bubblewrap", "reduced", "full", "e10", "tanh", "delta"}
# English that is never code, though a name may be spelled so (``a`` is softmax's argument,
# ``a NumPy array`` is English).
NEVER = {"the", "an", "of", "to", "than", "then", "are", "was", "were", "be", "been", "has", "have",
         "it", "its", "this", "that", "every", "each", "should", "could", "would"}
ARTICLE = re.compile(r"\b(?:a|an|the) [A-Za-z]")


def course_names():
    """Every name (identifier or keyword) in the solution notebooks' code, with Python's
    keywords and builtins: the code a message may quote without backticks."""
    names = set(keyword.kwlist) | set(dir(builtins))
    for notebook in ROOT.glob("solutions/*/*.ipynb"):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
            try:
                names |= {t.string for t in tokenize.generate_tokens(io.StringIO(source).readline)
                          if t.type == tokenize.NAME}
            except (tokenize.TokenError, IndentationError, SyntaxError):
                continue
    return names


_NAMES = None


def is_code_or_name(word):
    global _NAMES
    if _NAMES is None:
        _NAMES = course_names()
    if word.lower() in NEVER:
        return False
    return (len(word) == 1 or any(c in word for c in "_.0123456789") or word in SHARED_WORDS
            or word in _NAMES or any(c.isupper() for c in word[1:]))


def stray_english(text):
    """The English words of a Japanese text (outside backticks; code and names allowed)."""
    text = BACKTICKED.sub(" ", text)
    return [word for word in WORD.findall(text) if not is_code_or_name(word)] + ARTICLE.findall(text)


def stray_japanese(text):
    return JAPANESE.findall(text)
