# expect: cross_entropy_error=null
# trivial: constant
# Returns 0.

import numpy as np


def sum_squared_error(y, t):
    return 0.5 * np.sum((y - t) ** 2)


def cross_entropy_error(y, t):
    return 0.0


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)   # guards against overflow
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)
