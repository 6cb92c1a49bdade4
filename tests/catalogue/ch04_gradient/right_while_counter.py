# expect: full
# h = 10 ** -4, itertools.product over the index ranges, a while loop with a step
# counter, np.subtract(..., out=x) in place.

import itertools

import numpy as np


def numerical_diff(f, x):
    h = 10 ** -4
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x):
    h = 10 ** -4
    grad = np.zeros_like(x)
    for idx in itertools.product(*(range(n) for n in x.shape)):
        old = x[idx]
        x[idx] = old + h
        a = f(x)
        x[idx] = old - h
        b = f(x)
        x[idx] = old
        grad[idx] = (a - b) / (2 * h)
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    step = 0
    while step < step_num:
        np.subtract(x, lr * numerical_gradient(f, x), out=x)
        step += 1
    return x


def softmax(a):
    a = a - np.max(a, axis=-1, keepdims=True)
    return np.exp(a) / np.sum(np.exp(a), axis=-1, keepdims=True)



def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def predict(self, x):
        return np.dot(x, self.W)

    def loss(self, x, t):
        z = self.predict(x)
        y = softmax(z)
        loss = cross_entropy_error(y, t)

        return loss



# Tasks 5 and 6 (gradient check): right answers.
def analytic_gradient(W, x, t):
    x2, t2 = np.atleast_2d(x), np.atleast_2d(t)
    a = x2 @ W
    y = np.exp(a - a.max(axis=1, keepdims=True))
    y = y / y.sum(axis=1, keepdims=True)
    return x2.T @ (y - t2) / x2.shape[0]


def relative_error(a, b):
    return np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-8))
