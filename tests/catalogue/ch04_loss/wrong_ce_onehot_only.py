# expect: cross_entropy_error=labels_unsupported
# t · log y only: labels broadcast wrongly.

import numpy as np


def sum_squared_error(y, t):
    return 0.5 * np.sum((y - t) ** 2)


def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    batch_size = y.shape[0]
    return -np.sum(t * np.log(y + 1e-7)) / batch_size


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)   # guards against overflow
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)
