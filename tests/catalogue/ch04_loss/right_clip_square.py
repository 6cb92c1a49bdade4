# expect: full
# np.clip instead of + delta; np.square and / 2; exp computed once.

import numpy as np


def sum_squared_error(y, t):
    return np.sum(np.square(y - t)) / 2


def cross_entropy_error(y, t):
    y = np.atleast_2d(y)
    t = np.asarray(t)
    if t.size == y.size:
        t = t.reshape(y.shape).argmax(axis=1)
    t = t.reshape(-1)
    p = np.clip(y[np.arange(len(y)), t], 1e-7, 1.0)
    return -np.mean(np.log(p))


def softmax(a):
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
