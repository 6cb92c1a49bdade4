"""Stage 1 — load: a submission file becomes a list of code units to run in order.

A notebook gives one unit per code cell; a .py script one unit per top-level
statement (cells marked ``# %%`` or ``# In[ ]:`` are parsed separately, so a syntax
error costs only its own cell).  IPython magics and shell escapes are dropped.
Notebooks are read as plain JSON: nbformat's validation costs more than grading, and
nothing here depends on cell metadata, which students break.
"""
import ast
import hashlib
import json
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
    label: str             # what a student reads, e.g. "cell 3" or "line 12"
    cell: str = ""         # the notebook cell the code's line numbers count in ("" in a script:
                           # its line numbers are the file's own)


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
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise NotGradable(f"cannot read {path.name}: {error.strerror}") from None
    digest = hashlib.sha256(raw).hexdigest()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotGradable(f"{path.name} is not UTF-8 text") from None
    if not text.strip():
        raise NotGradable(f"{path.name} is empty")
    if path.suffix == ".ipynb":
        return Loaded(_notebook_units(text, path.name), digest)
    return Loaded(_script_units(text), digest)


def _notebook_units(text, name):
    try:
        notebook = json.loads(text)
    except ValueError as error:
        raise NotGradable(f"{name} is not a notebook (not JSON: {error})") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise NotGradable(f"{name} is JSON but not a notebook (no list of cells)")
    units, number = [], 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        number += 1
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        code = strip_magics(source)
        if code.strip():
            units.append(Unit(code, f"{SUBMISSION_PREFIX} cell {number}>", f"cell {number}", f"cell {number}"))
    return units


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
        if stripped.startswith(("%", "!")) or (stripped.endswith("?") and not stripped.startswith("#")):
            kept.append("")                      # keep line numbers as the student sees them
        elif re.match(r"^\s*\w+\s*=\s*[!%]", line):
            kept.append("")
        else:
            kept.append(line)
    return "\n".join(kept)


def _script_units(text):
    """One unit per top-level statement; line numbers are the file's own."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if _SCRIPT_CELL.match(line)] or [0]
    if starts[0] != 0:
        starts.insert(0, 0)
    units = []
    for begin, end in zip(starts, starts[1:] + [len(lines)]):
        chunk = "\n" * begin + "\n".join(lines[begin:end])
        try:
            tree = ast.parse(chunk)
        except SyntaxError:
            if chunk.strip():
                units.append(Unit(chunk, f"{SUBMISSION_PREFIX}.py:{begin + 1}>", f"lines {begin + 1}-{end}"))
            continue
        for statement in tree.body:
            first, last = statement.lineno, statement.end_lineno
            if statement.decorator_list if hasattr(statement, "decorator_list") else False:
                first = min(d.lineno for d in statement.decorator_list)
            code = "\n" * (first - 1) + "\n".join(lines[first - 1:last])
            units.append(Unit(code, f"{SUBMISSION_PREFIX}.py:{first}>", f"line {first}"))
    return units
