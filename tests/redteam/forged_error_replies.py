# attack: forge error replies with unexpected keys, wrong types and a lone surrogate, then exit
# honest: numerical_diff=full, numerical_gradient=full, gradient_descent=0, simpleNet.loss=0
#
# A ch04_gradient submission whose honest part implements numerical_diff and
# numerical_gradient; the attack answers the other questions with error reports the
# trusted side must read as plain data (a key named like the exception's own argument
# once crashed the grading worker).

import numpy as np


def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        tmp = x[idx]
        x[idx] = tmp + h
        fxh1 = f(x)
        x[idx] = tmp - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp
    return grad



# ----- the attack -----
import json as _json
import os as _os
import stat as _stat


def _forge(reply):
    body = reply if isinstance(reply, bytes) else _json.dumps(reply).encode()
    frame = len(body).to_bytes(4, "big") + body
    for fd in range(3, 64):
        try:
            if _stat.S_ISFIFO(_os.fstat(fd).st_mode) or _stat.S_ISSOCK(_os.fstat(fd).st_mode):
                _os.write(fd, frame)
        except OSError:
            pass
    _os._exit(0)


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    if step_num == 3:
        _forge({"error": "not a dict at all"})
    if lr > 1:
        _forge({"error": {"message": "\udc80 lone surrogate", "type": ["NotImplementedError"], "line": "12"}})
    _forge({"error": {"code": "passed", "type": "NotImplementedError", "self": 1, "detail": {"score": 29},
                      "where": {"cell": 1}, "line": 10**40, "text": None}})


class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def loss(self, x, t):
        _forge(b'{"error": {"message": "\\udc80\\ud800", "type": "ValueError", "code": "crashed"}}')
