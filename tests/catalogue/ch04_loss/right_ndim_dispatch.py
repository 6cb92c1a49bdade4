# expect: full
# Decides one-hot by t.ndim == y.ndim; softmax handles 1-D by a one-row batch with axis=1.

import numpy as np


def sum_squared_error(y, t):
    return 0.5 * np.sum((y - t) ** 2)


def cross_entropy_error(y, t):
    if t.ndim == y.ndim:                      # one-hot
        y = y.reshape(-1, y.shape[-1])
        t = t.reshape(-1, t.shape[-1])
        return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]
    y = y.reshape(-1, y.shape[-1])
    t = np.reshape(t, -1)
    return -np.mean(np.log(y[np.arange(y.shape[0]), t] + 1e-7))


def softmax(a):
    if a.ndim == 1:
        return softmax(a.reshape(1, -1))[0]
    a = a - a.max(axis=1, keepdims=True)
    return np.exp(a) / np.exp(a).sum(axis=1, keepdims=True)
