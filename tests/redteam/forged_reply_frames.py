# attack: write its own reply frames to the pipe of the question process (wrong shape, object dtype, garbage) and exit
# honest: numerical_diff=full, numerical_gradient=full, gradient_descent=0, simpleNet.loss=0
#
# A ch04_gradient submission whose honest part implements numerical_diff and
# numerical_gradient (the rest raises NotImplementedError); the attack follows.

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


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    raise NotImplementedError()


class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def loss(self, x, t):
        raise NotImplementedError()


# ----- the attack -----
import base64 as _b64
import json as _json
import os as _os
import pickle as _pickle
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
    if lr == 0.1 and step_num == 100:
        payload = _b64.b64encode(_pickle.dumps([0.0, 0.0])).decode()
        _forge({"value": {"$nd": ["|O", [2], payload], "$scalar": False}})
    if step_num == 3:
        _forge(b"\x80\x04 not json at all")
    _forge({"value": {"$dict": [["score", 29]]}, "score": 29})


class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def loss(self, x, t):
        _forge({"value": 0.9280682857864075})      # one number where the probe returns a list
