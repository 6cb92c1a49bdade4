# expect: cross_entropy_error=missing_delta
# One-hot products without delta: 0 · log 0 = nan.

import numpy as np


def sum_squared_error(y, t):
    return 0.5 * np.sum((y - t) ** 2)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size != y.size:
        t = np.eye(y.shape[1])[t]
    return -np.sum(t * np.log(y)) / y.shape[0]


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)   # guards against overflow
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)
