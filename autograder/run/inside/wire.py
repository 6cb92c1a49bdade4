"""Frames across the sandbox wall: a 4-byte big-endian length, then UTF-8 JSON.

Needs nothing but the standard library, so that the trusted side can start a sandbox
before numpy has loaded; the values inside the frames are codec.py's business.
"""
import json
import struct

MAX_FRAME = 16 * 1024 * 1024          # a frame larger than this is a protocol error
_len = len


class ProtocolError(Exception):
    """The other side sent something that is not a well-formed frame of plain data."""


def decode_message(body):
    """A frame's body (bytes from the other side) -> the message, or ProtocolError."""
    try:
        return _loads(body.decode("utf-8"))
    except (ValueError, RecursionError) as error:
        raise ProtocolError(f"not a message: {str(error)[:100]}") from None


_pack = struct.Struct(">I").pack
_unpack = struct.Struct(">I").unpack
_dumps = json.dumps
_loads = json.loads


def dumps(message):
    return _dumps(message, allow_nan=True, separators=(",", ":")).encode("utf-8")


def frame(body):
    return _pack(_len(body)) + body


def send(sock, message):
    send_raw(sock, dumps(message))


def send_raw(sock, body):
    sock.sendall(frame(body))


def _read_exactly(sock, n):
    chunks = []
    while n:
        chunk = sock.recv(min(n, 1 << 20))
        if not chunk:
            raise EOFError("the other side closed the connection")
        chunks.append(chunk)
        n -= _len(chunk)
    return b"".join(chunks)


def receive_frame(sock):
    """One frame's body, unread (bytes)."""
    (size,) = _unpack(_read_exactly(sock, 4))
    if size > MAX_FRAME:
        raise ProtocolError(f"frame of {size} bytes is larger than {MAX_FRAME}")
    return _read_exactly(sock, size)


def receive(sock):
    return decode_message(receive_frame(sock))
