"""Student text made inert for wherever it is shown: one function per medium.

Everything derived from a submission — its file name, the messages of its exceptions,
the values it returned — is data.  Before it reaches a terminal, a CSV cell, a Markdown
file or an HTML page it goes through the function for that medium, so it can neither
move the cursor, start a formula, add a heading nor run a script.
"""
import html as _html
import re

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
# C0 and C1 controls but newline, DEL, and the bidirectional overrides that reorder a line.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~&\"'$=:])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")     # OWASP "CSV Injection"


def plain(text):
    """``text`` as a string that can be encoded: a lone surrogate (a broken file name, a
    student's "\\udc80") becomes its escape, visible and harmless."""
    text = text if isinstance(text, str) else str(text)
    return _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def terminal(text):
    """For a terminal: control characters (escape sequences, carriage returns, bidi
    overrides) are shown as escapes instead of acting on the screen."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100
                        else f"\\u{ord(match.group()):04x}", plain(text))


def one_line(text):
    """A fact that must stay on its line (an exception's message inside our sentence)."""
    return " ⏎ ".join(plain(text).splitlines())


def csv_cell(value):
    """For a spreadsheet cell: a number stays a number; text that a spreadsheet would take
    as a formula gets a leading apostrophe (shown as text by Excel and LibreOffice)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    text = plain(value)
    if text.startswith(_FORMULA_START):
        try:
            float(text)
            return text                       # "-3": a number written as text
        except ValueError:
            return "'" + text
    return text


def csv_uncell(text):
    """A cell read back from a CSV this engine wrote: as it was before ``csv_cell``."""
    return text[1:] if text.startswith("'") and csv_cell(text[1:]) == text else text


def markdown(text):
    """For Markdown outside code: every punctuation mark that could start markup is
    backslash-escaped, so the text renders as the same text and nothing else."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", terminal(text))


def markdown_code(text, info="text"):
    """For Markdown as a fenced block: the fence is longer than any run of backticks inside."""
    text = terminal(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def html(text):
    """For HTML text and attribute values."""
    return _html.escape(plain(text), quote=True)
