"""Reading and writing the files the pipeline shares with people: one writer, one reader.

``write_atomic``  every file the engine writes (results, feedback, CSVs, reports, imports)
                  goes to a temporary name beside it, is flushed to disk, then renamed: a
                  crash or Ctrl-C leaves the old file or the new one, never half of either.
``read_csv``      every CSV an instructor hands in (roster, overrides, marks) as rows of
                  dicts: UTF-8 (with or without BOM), or Excel's Shift_JIS (cp932).
"""
import csv
import io
import os
import tempfile
from pathlib import Path

from .escape import csv_cell

_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomic(path, data, *, mode=None):
    """Write ``data`` (str as UTF-8, or bytes) to ``path`` atomically; ``mode`` default: 0666 - umask."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:60]}.", suffix=".tmp")
    try:
        os.chmod(temporary, mode if mode is not None else 0o666 & ~_UMASK)   # mkstemp makes 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise


def decode_text(raw):
    """Bytes from a spreadsheet: UTF-8 (a BOM is dropped), else Shift_JIS as Excel writes it."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp932", errors="replace")


def read_csv(path):
    """[{header: value}] of a CSV file, headers as written."""
    return list(csv.DictReader(io.StringIO(decode_text(Path(path).read_bytes()))))


def csv_text(header, rows):
    """CSV text for Excel: UTF-8 with BOM (so Japanese shows), CRLF line ends, and no cell
    that a spreadsheet would run as a formula (escape.csv_cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return "\ufeff" + buffer.getvalue()


PACKAGE = Path(__file__).parent
INSTRUCTOR_FOLDERS = ("graders", "kit_files", "templates")   # shipped only by choice, never as engine


def engine_files(leave_out=()):
    """[(path relative to the package, path)] of the engine a copy needs (student kit,
    Gradescope): no caches, hidden files, instructor folders or modules in ``leave_out``."""
    found = []
    for path in sorted(PACKAGE.rglob("*")):
        parts = path.relative_to(PACKAGE).parts
        if (path.is_dir() or parts[0] in INSTRUCTOR_FOLDERS or path.name in leave_out
                or any(part == "__pycache__" or part.startswith(".") for part in parts)):
            continue
        found.append((path.relative_to(PACKAGE), path))
    return found
