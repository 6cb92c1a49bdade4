"""An exception as plain data: its type, message and the student's own line.

Used inside the sandbox (a cell or a question raised) and by the notebook's in-kernel
checks, on every system (so nothing here needs a Unix-only module).
"""
try:
    from .codec import SUBMISSION_PREFIX      # imported by the trusted side
except ImportError:
    from codec import SUBMISSION_PREFIX       # inside the sandbox, as a top-level module


def error_info(exc, sources):
    """Type, message and the student's own line where the exception came from.
    ``sources``: filename -> (number of its first line, its code)."""
    info = {"type": _name(exc), "message": safe_str(exc)}
    student_frame = _innermost_student_frame(exc)
    if isinstance(exc, SyntaxError) and exc.filename in sources:
        info.update(where=exc.filename, line=exc.lineno or 0, text=(exc.text or "").strip())
    elif student_frame is not None:
        info.update(place(student_frame.tb_frame.f_code.co_filename, student_frame.tb_lineno, sources))
    return info


def place(filename, lineno, sources):
    """Where, as an error report says it: the file name, the line and that line's text."""
    first, code = sources.get(filename, (1, ""))
    lines = code.splitlines()
    text = lines[lineno - first].strip() if 0 <= lineno - first < len(lines) else ""
    return {"where": filename, "line": lineno, "text": text}


def raised_in(exc):
    """The submission's function the exception came from (its qualified name), or None
    when it came from a cell's own top-level code or from no code of the submission."""
    student_frame = _innermost_student_frame(exc)
    code = student_frame.tb_frame.f_code if student_frame is not None else None
    return code.co_qualname if code is not None and code.co_name != "<module>" else None


def _innermost_student_frame(exc):
    """The last traceback entry in the submission's code, or None."""
    found, tb = None, exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(SUBMISSION_PREFIX):
            found = tb
        tb = tb.tb_next
    return found


def _name(exc):
    name = type(exc).__name__
    return name[:100] if isinstance(name, str) else "Exception"


def safe_str(exc):
    try:
        text = str(exc)
    except BaseException:          # a student's __str__ may raise anything
        text = "(message could not be shown)"
    return text[:500] if isinstance(text, str) else "(message could not be shown)"
