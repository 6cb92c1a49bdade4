"""The book's loss functions, trusted: expected values for the hidden checks.

Never shipped in the student kit (kit.py copies probes, misconceptions and messages
only), so the test modules import it only where hidden checks need it.
"""
import numpy as np

DELTA = 1e-7


def sum_squared_error(y, t):
    return 0.5 * np.sum((np.asarray(y, float) - np.asarray(t, float)) ** 2)


def softmax(a):
    shifted = np.asarray(a, float) - np.max(a, axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    y, t = np.atleast_2d(np.asarray(y, float)), np.asarray(t)
    labels = t.reshape(len(y), -1).argmax(axis=1) if t.size == y.size else t.reshape(-1)
    return -np.mean(np.log(y[np.arange(len(y)), labels] + DELTA))
