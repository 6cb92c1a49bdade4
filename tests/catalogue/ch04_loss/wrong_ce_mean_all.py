# expect: cross_entropy_error=divides_by_classes
# np.mean over every element.

import numpy as np


def sum_squared_error(y, t):
    return 0.5 * np.sum((y - t) ** 2)


def cross_entropy_error(y, t):
    if t.size != y.size:
        t = np.eye(y.shape[-1])[t]
    return -np.mean(t * np.log(y + 1e-7))


def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)   # guards against overflow
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)
