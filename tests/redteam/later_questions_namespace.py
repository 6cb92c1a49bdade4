# attack: a graded function rebinds the submission's other functions and class for the questions after it
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

def _wrong_gradient(f, x):
    return np.full(np.shape(x), 7.0)


def _wrong_descent(f, init_x, lr=0.01, step_num=100):
    return np.array(init_x, dtype=float) + 1.0


def numerical_diff(f, x):
    global numerical_gradient, gradient_descent
    h = 1e-4
    result = (f(x + h) - f(x - h)) / (2 * h)
    numerical_gradient, gradient_descent = _wrong_gradient, _wrong_descent
    simpleNet.loss = lambda self, x, t: 0.0
    return result
