# expect: full
# Plain Python loops over samples and classes.

import numpy as np


def sum_squared_error(y, t):
    total = 0.0
    for k in range(len(y)):
        total += (y[k] - t[k]) ** 2
    return 0.5 * total


def cross_entropy_error(y, t):
    if y.ndim == 1:
        y, t = [y], [t]
    total = 0.0
    for row, target in zip(y, t):
        label = int(np.argmax(target)) if np.ndim(target) == 1 else int(target)
        total += -np.log(row[label] + 1e-7)
    return total / len(y)


def softmax(a):
    if a.ndim == 1:
        c = np.max(a)
        exp_a = np.exp(a - c)
        return exp_a / np.sum(exp_a)
    out = np.empty_like(a, dtype=float)
    for i in range(a.shape[0]):
        c = np.max(a[i])
        exp_a = np.exp(a[i] - c)
        out[i] = exp_a / np.sum(exp_a)
    return out
