# attack: a graded function patches numpy, the builtins and sys.modules for the questions after it
# honest: numerical_diff=full, numerical_gradient=full, gradient_descent=full, simpleNet.loss=0
#
# A ch04_gradient submission whose honest part implements numerical_diff, numerical_gradient
# and gradient_descent (simpleNet.loss raises NotImplementedError).  numerical_diff's
# questions come first; the attack makes each of its calls plant something meant to change
# the answers of the questions after it, which must still earn their honest points.

import numpy as np


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
    x = init_x
    for _ in range(step_num):
        grad = numerical_gradient(f, x)
        x -= lr * grad
    return x


class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def loss(self, x, t):
        raise NotImplementedError()


# ----- the attack -----

import builtins as _builtins
import sys as _sys
import types as _types


def _empty_range(*args):
    return iter(())


def numerical_diff(f, x):
    h = 1e-4
    result = (f(x + h) - f(x - h)) / (2 * h)
    np.zeros_like = lambda a, *args, **kwargs: np.full(np.shape(a), 7.0)
    np.ndindex = lambda *shape: iter(())
    _builtins.range = _empty_range
    _fake = _types.ModuleType("numpy")
    _fake.__dict__.update(np.__dict__)
    _sys.modules["numpy"] = _fake
    return result
