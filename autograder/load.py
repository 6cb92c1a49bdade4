"""Stage 1 — load: a submission file becomes a list of code units to run in order.

A notebook gives one unit per code cell; a .py script one unit per top-level
statement (cells marked ``# %%`` or ``# In[ ]:`` are parsed separately, so a syntax
error costs only its own cell).  IPython magics and shell escapes are dropped.
Notebooks are read as plain JSON: nbformat's validation costs more than grading, and
nothing here depends on cell metadata, which students break.
"""
import ast
import hashlib
import io
import json
import tokenize
import re
from dataclasses import dataclass
from pathlib import Path

from .run.inside.codec import SUBMISSION_PREFIX


class NotGradable(Exception):
    """The file cannot be read as a submission at all; the message says why."""


@dataclass(frozen=True)
class Unit:
    code: str
    filename: str          # what tracebacks show, e.g. "<submission cell 3>"
    label: str             # what a student reads: the code quoted (``quote``), e.g. "def f(x):"
                           # (Jupyter numbers cells by run, not by place: a count would mislead)
    cell: str = ""         # the notebook cell the code's line numbers count in, quoted as its
                           # label ("" in a script: its line numbers are the file's own)
    line: int = 1          # the number of the code's first line (a script's statements keep theirs)


@dataclass
class Loaded:
    units: list
    digest: str                                      # seeds the random inputs


_CELL_MAGICS_KEEPING_BODY = ("%%time", "%%capture")
_SCRIPT_CELL = re.compile(r"^# ?(%%|In\[[ 0-9]*\]:)")


def file_digest(path):
    """The submission's content hash: seeds its random inputs, and tells --resume it is unchanged."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def load(path):
    """The submission's code units.  Whatever the file holds, the answer is units or
    NotGradable with the reason: a file is data, and no content of it may stop the grader."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise NotGradable(f"cannot read the file: {error.strerror}") from None
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotGradable("the file is not UTF-8 text") from None
    if not text.strip():
        raise NotGradable("the file is empty")
    try:
        units = _notebook_units(text) if path.suffix == ".ipynb" else _script_units(text)
    except NotGradable:
        raise
    except (RecursionError, MemoryError) as error:
        raise NotGradable(f"the file is nested too deeply or too large to read ({type(error).__name__})") from None
    except Exception as error:                   # any other shape a file can take
        raise NotGradable(f"the file cannot be read as a submission ({type(error).__name__})") from None
    return Loaded(units, digest)


def _notebook_units(text):
    try:
        notebook = json.loads(text)
    except ValueError as error:
        raise NotGradable(f"the file is not a notebook (not JSON: {error})") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise NotGradable("the file is JSON but not a notebook (no list of cells)")
    units, number = [], 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        number += 1
        source = cell.get("source", "")
        if isinstance(source, list):             # nbformat: a list of strings; anything else is not code
            source = "".join(part if isinstance(part, str) else "" for part in source)
        code = strip_magics(source if isinstance(source, str) else "")
        if code.strip():
            label = quote(code)
            units.append(Unit(code, f"{SUBMISSION_PREFIX} cell {number}>", label, label))
    return units


QUOTED_CHARACTERS = 60
_DEFINITION = re.compile(r"(async\s+def|def|class)\s")
_BARE_CLAUSE = re.compile(r"(try|else|finally)\s*:\s*(#.*)?")    # says nothing of the cell


def quote(code):
    """How a student finds a cell or statement: the line that defines its first function or
    class, else its first line of code (cut at QUOTED_CHARACTERS), a bare ``try:`` passed over."""
    lines = [line.strip() for line in code.splitlines()]
    lines = [line for line in lines if line and not line.startswith(("#", "@")) and not _BARE_CLAUSE.fullmatch(line)]
    lines = lines or ["…"]
    line = next((line for line in lines if _DEFINITION.match(line)), lines[0]).replace("`", "'")
    return line if len(line) <= QUOTED_CHARACTERS else line[:QUOTED_CHARACTERS - 1] + "…"


def defined_names(code):
    """The names a unit binds at its top level (assignments, def, class, import, for, with):
    what a later unit misses when this one fails.  Code that does not parse binds nothing."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    names = set()
    for statement in tree.body:
        for node in _top_level(statement):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                names.add(node.id)
            elif isinstance(node, ast.alias):
                names.add((node.asname or node.name).split(".")[0])
    return names


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_OWN_SCOPE = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _top_level(node):
    """``node`` and what it holds, not looking into the bodies of functions, classes,
    lambdas and comprehensions (the names bound there are not the module's)."""
    yield node
    if isinstance(node, _SCOPES):
        children = node.decorator_list
    elif isinstance(node, _OWN_SCOPE):
        children = []
    else:
        children = ast.iter_child_nodes(node)
    for child in children:
        yield from _top_level(child)


_HELP = re.compile(r"^(\?{1,2}[\w.]+|[\w.]+\?{1,2})$")   # IPython's help: np.sum?, ?np.sum, f??


def strip_magics(source):
    """Drop IPython-only lines: %magics, !shell, help?; a cell magic drops its cell."""
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        if not lines[0].lstrip().startswith(_CELL_MAGICS_KEEPING_BODY):
            return ""
        lines = lines[1:]
    kept = []
    for line in lines:
        stripped = line.strip()
        if stripped.startswith(("%", "!")) or _HELP.match(stripped):
            kept.append("")                      # keep line numbers as the student sees them
        elif re.match(r"^\s*\w+\s*=\s*[!%]", line):
            kept.append("")
        else:
            kept.append(line)
    return "\n".join(kept)


def _script_units(text):
    """One unit per top-level statement, with the file's own line numbers (sent as the
    unit's first line, not as padding: a long script costs linear memory, not quadratic)."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if _SCRIPT_CELL.match(line)] or [0]
    if starts[0] != 0:
        starts.insert(0, 0)
    units = []
    for begin, end in zip(starts, starts[1:] + [len(lines)]):
        chunk = "\n".join(lines[begin:end])
        try:
            spans = _statements(chunk)
        except (SyntaxError, ValueError):           # one unit: the sandbox reports why it cannot run
            if chunk.strip():
                units.append(Unit(chunk, f"{SUBMISSION_PREFIX}.py:{begin + 1}>", quote(chunk), line=begin + 1))
            continue
        for first, last in spans:
            code = "\n".join(lines[begin + first - 1:begin + last])
            units.append(Unit(code, f"{SUBMISSION_PREFIX}.py:{begin + first}>", quote(code), line=begin + first))
    return units


def _statements(chunk):
    """[(first, last)] lines of each top-level statement (decorators included).  ast finds
    them; code nested too deeply for it (a 20,000-term expression) is cut by its tokens."""
    try:
        tree = ast.parse(chunk)
    except (RecursionError, MemoryError):
        return _statements_by_tokens(chunk)
    spans = []
    for statement in tree.body:
        first = min([statement.lineno] + [d.lineno for d in getattr(statement, "decorator_list", [])])
        spans.append((first, statement.end_lineno))
    return spans


CONTINUATIONS = {"elif", "else", "except", "finally"}


def _statements_by_tokens(chunk):
    """Top-level statements by their tokens: a statement ends at a NEWLINE at the top level
    that no indented block follows, or where its block dedents back to the top level;
    decorator lines belong to the statement they decorate."""
    spans, first, depth, decorating, ended = [], None, 0, False, None
    try:
        for token in tokenize.generate_tokens(io.StringIO(chunk).readline):
            if token.type in (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER):
                continue
            if token.type == tokenize.INDENT:
                depth, ended = depth + 1, None          # the statement goes on in its block
                continue
            if ended is not None and token.string in CONTINUATIONS and token.type == tokenize.NAME:
                ended = None                            # try: ... except: is one statement
            if ended is not None:                       # the line before was a whole statement
                spans.append((first, ended))
                first, ended = None, None
            if token.type == tokenize.DEDENT:
                depth -= 1
                if depth == 0 and first is not None:
                    ended = last_line
            elif token.type == tokenize.NEWLINE:
                last_line = token.end[0]
                if depth == 0 and first is not None and not decorating:
                    ended = last_line
                decorating = False
            elif first is None:
                first, decorating = token.start[0], token.string == "@"
            elif depth == 0 and token.string == "@" and token.start[1] == 0:
                decorating = True
    except (tokenize.TokenError, IndentationError) as error:
        raise SyntaxError(str(error)) from None
    if first is not None:
        spans.append((first, ended or chunk.count("\n") + 1))
    return spans
