# expect: cross_entropy_error=arguments_swapped
# The parameters in the wrong order, cross_entropy_error(t, y): the log is taken of the target.

import numpy as np


def sum_squared_error(y, t):
    return 0.5 * np.sum((y - t) ** 2)


def cross_entropy_error(t, y):
    delta = 1e-7
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    batch_size = y.shape[0]
    return -np.sum(t * np.log(y + delta)) / batch_size


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)   # guards against overflow
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)
