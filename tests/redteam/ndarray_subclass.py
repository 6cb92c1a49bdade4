# attack: return an ndarray subclass with wrong data whose ufuncs, comparisons and conversions lie
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
class Sly(np.ndarray):
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(2)
    def __array_function__(self, func, types, args, kwargs):
        return True
    def __eq__(self, other): return np.ones(2, dtype=bool)
    def __sub__(self, other): return np.zeros(2)
    def __rsub__(self, other): return np.zeros(2)
    def __abs__(self): return np.zeros(2)
    def __float__(self): return 0.0
    def __array__(self, dtype=None, copy=None): return np.zeros(2)
    def astype(self, *args, **kwargs): return np.zeros(2)
    def tolist(self): return [0.0, 0.0]
    def view(self, *args, **kwargs): return np.zeros(2)
    def tobytes(self, *args, **kwargs): return np.zeros(2).tobytes()


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    return np.array([123456.0, 654321.0]).view(Sly)


class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def loss(self, x, t):
        return np.float64(-1.0).view(Sly) if hasattr(np.float64(0), "view") else -1.0
