# expect: full
# softmax through log-sum-exp; SSE as a dot product; CE with take_along_axis.

import numpy as np


def sum_squared_error(y, t):
    d = np.ravel(y - t)
    return 0.5 * float(d @ d)


def cross_entropy_error(y, t):
    y = y.reshape(-1, y.shape[-1])
    if t.size == y.size:
        t = np.argmax(t.reshape(y.shape), axis=1)
    picked = np.take_along_axis(y, t.reshape(-1, 1), axis=1)
    return float(-np.log(picked + 1e-7).sum() / y.shape[0])


def softmax(a):
    m = np.max(a, axis=-1, keepdims=True)
    log_z = m + np.log(np.sum(np.exp(a - m), axis=-1, keepdims=True))
    return np.exp(a - log_z)
