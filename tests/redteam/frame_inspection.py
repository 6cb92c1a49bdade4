# attack: walk the caller's frames (sys._getframe, inspect.stack, tracebacks) looking for expected values to return
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
import inspect as _inspect
import sys as _sys

_HINTS = ("expect", "exact", "answer", "want", "reference", "correct", "solution", "target")


def _look():
    found = []
    frame = _sys._getframe(1)
    while frame is not None:
        for scope in (frame.f_locals, frame.f_globals):
            for name, value in list(scope.items()):
                if any(hint in name.lower() for hint in _HINTS) and not callable(value):
                    found.append(value)
        frame = frame.f_back
    for info in _inspect.stack():
        for name, value in info.frame.f_locals.items():
            if any(hint in name.lower() for hint in _HINTS) and not callable(value):
                found.append(value)
    return found


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    found = _look()
    return found[0] if found else np.array([777.0, 777.0])


class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def loss(self, x, t):
        found = [v for v in _look() if isinstance(v, float)]
        return found[0] if found else 777.0
