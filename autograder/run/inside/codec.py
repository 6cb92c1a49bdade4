"""Plain data across the sandbox wall: a JSON codec for numbers and arrays (frames: wire.py).

Both sides import this file: the trusted grader (as autograder.run.inside.codec) and
the sandboxed worker (as a top-level module).  Whatever student code returns is turned
into JSON made of None, bool, int, float, str, lists, str-keyed dicts and numeric
arrays (dtype, shape and raw bytes).  Nothing of the student's classes crosses: an
object that is none of these arrives as {"$type": "<its type name>"}, so a lying
__eq__ or __array__ never runs in the process that decides the score.
"""
import base64

import numpy

try:                                  # framing needs no numpy: see wire.py
    from .wire import MAX_FRAME, ProtocolError, decode_message, dumps, frame, receive, receive_frame, send, send_raw
except ImportError:                   # inside the sandbox, as top-level modules
    from wire import MAX_FRAME, ProtocolError, decode_message, dumps, frame, receive, receive_frame, send, send_raw

SUBMISSION_PREFIX = "<submission"     # file name of the student's code in tracebacks
MAX_DEPTH = 32                        # nesting deeper than this is a protocol error
MAX_TEXT = 10_000                     # longer strings, lists and dicts arrive as Unrecognised
MAX_ITEMS = 10_000                    # (numbers in bulk travel as arrays, not as lists)
_FLOAT_RANGE = 2 ** 1023              # ints beyond this would overflow float(): Unrecognised
_NUMERIC_KINDS = frozenset("biuf")    # bool, signed, unsigned, float arrays cross; object arrays never
_ndarray = numpy.ndarray               # bound at import, before any student code runs
_generic = numpy.generic
_asarray = numpy.asarray
_view = numpy.ndarray.view
_tobytes = numpy.ndarray.tobytes
_type = type
_len = len
_PLAIN = (bool, int, float, str, _type(None))


def encode(value, _depth=0):
    """Turn a value into JSON-ready plain data (never calls the value's own methods)."""
    kind = _type(value)
    if kind in _PLAIN:
        return value
    if _depth > 20:
        return {"$type": "nested too deeply"}
    if isinstance(value, _ndarray) or isinstance(value, _generic):
        array = _view(_asarray(value), _ndarray) if isinstance(value, _ndarray) else _asarray(value)
        if array.dtype.kind not in _NUMERIC_KINDS:
            return {"$type": "ndarray of " + str(array.dtype)}
        return {"$nd": [array.dtype.str, list(array.shape),
                        base64.b64encode(_tobytes(array, order="C")).decode("ascii")],
                "$scalar": isinstance(value, _generic)}
    if kind is list or kind is tuple:
        items = [encode(item, _depth + 1) for item in value]
        return items if kind is list else {"$tuple": items}
    if kind is dict:
        return {"$dict": [[encode(k, _depth + 1), encode(v, _depth + 1)] for k, v in value.items()]}
    return {"$type": kind.__name__ if isinstance(kind.__name__, str) else "object"}


def decode(data, _depth=0):
    """Inverse of encode, strict: anything unexpected is a ProtocolError.  Values that
    the trusted side could not compare safely (huge ints, very long text) arrive as
    Unrecognised."""
    kind = type(data)
    if kind is int and not -_FLOAT_RANGE < data < _FLOAT_RANGE:
        return Unrecognised("int (too large)")
    if kind is str and _len(data) > MAX_TEXT:
        return Unrecognised("str (too long)")
    if kind in _PLAIN:
        return data
    if _depth > MAX_DEPTH:
        raise ProtocolError("nested too deeply")
    if kind is list:
        if _len(data) > MAX_ITEMS:
            return Unrecognised(f"list of {_len(data)} items")
        return [decode(item, _depth + 1) for item in data]
    if kind is not dict or len(data) not in (1, 2):
        raise ProtocolError(f"unexpected {kind.__name__} in a message")
    if "$nd" in data:
        dtype, shape, raw = data["$nd"]
        dtype = numpy.dtype(dtype)
        if dtype.kind not in _NUMERIC_KINDS or not all(type(n) is int and n >= 0 for n in shape):
            raise ProtocolError("bad array header")
        array = numpy.frombuffer(base64.b64decode(raw), dtype=dtype).reshape(shape).copy()
        return array[()] if data.get("$scalar") else array
    for tag, name in (("$tuple", "tuple"), ("$dict", "dict")):
        if tag in data and _len(data[tag]) > MAX_ITEMS:
            return Unrecognised(f"{name} of {_len(data[tag])} items")
    if "$tuple" in data:
        return tuple(decode(item, _depth + 1) for item in data["$tuple"])
    if "$dict" in data:
        return {decode(k, _depth + 1): decode(v, _depth + 1) for k, v in data["$dict"]}
    if "$type" in data:
        return Unrecognised(str(data["$type"])[:100])
    raise ProtocolError("unknown tag in a message")


class Unrecognised:
    """Stands for a value of a type that cannot cross the wall (the student's own class, a function...)."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name}>"
