"""What students get wrong in 4.2, written as the values or the shapes a wrong answer gives.

Nothing here is a right answer (this file ships with the public checks in the student
kit): a wrong value is either the expected value transformed the way a mistake
transforms it (a missing minus negates it, log10 divides it by ln 10, ...) or a wrong
formula written out.  expect.first_match looks a student's value up in these lists.
"""
import math

import numpy as np


# ----- sum_squared_error(y, t) -----
def sum_squared_error(y, t, expected):
    y, t = np.asarray(y, float), np.asarray(t, float)
    n = y.size
    return [
        ("missing_half", 2 * expected),
        ("mean_instead_of_sum", 2 * expected / n),         # np.mean((y - t)**2)
        ("mean_instead_of_sum", expected / n),             # 0.5 * np.mean((y - t)**2)
        ("square_of_sum", 0.5 * np.sum(y - t) ** 2),        # the square outside the sum
        ("square_of_sum", np.sum(y - t) ** 2),
        ("not_squared", 0.5 * np.sum(np.abs(y - t))),
        ("not_squared", np.sum(np.abs(y - t))),
        ("not_squared", 0.5 * np.sum(y - t)),
    ]


# ----- cross_entropy_error(y, t) -----
def onehot_read_as_labels(y, t):
    """A labels-only answer given one-hot rows: y[i, t[i, j]] picks classes 0 and 1."""
    y, t = np.atleast_2d(np.asarray(y, float)), np.atleast_2d(np.asarray(t))
    picked = np.take_along_axis(y, t.astype(int), axis=1)
    with np.errstate(all="ignore"):
        return -np.sum(np.log(picked + 1e-7)) / len(y)


def swapped_arguments(y, t):
    """cross_entropy_error(t, y): the log taken of the one-hot t, weighted by the probabilities y."""
    y = np.atleast_2d(np.asarray(y, float))
    t = np.asarray(t, float).reshape(y.shape)
    return -np.sum(y * np.log(t + 1e-7)) / len(y)


def cross_entropy_error(y, t, expected):
    """Candidates for a loss that should be ``expected``; y has N rows of C classes."""
    y = np.atleast_2d(np.asarray(y, float))
    n, c = y.shape
    wrong = [
        ("missing_minus", -expected),
        ("wrong_log_base", expected / math.log(10)),
        ("wrong_log_base", expected / math.log(2)),
        ("wrong_log_base", -expected / math.log(10)),
        ("missing_minus", -expected * n),
        ("divides_by_classes", expected / c),              # y.shape[0] of a 1-D y, or a mean over every element
    ]
    if n == 1 and 0 < expected < 16:                       # one sample: expected = −log(p + 1e-7)
        p = math.exp(-expected) - 1e-7
        wrong += [("delta_too_large", -math.log(p + delta)) for delta in (1e-1, 1e-2, 1e-3, 1e-4, 1e-5)]
    if n > 1:
        wrong += [("no_batch_average", expected * n),
                  ("no_batch_average", -expected * n),
                  ("divides_by_classes", expected * n / c)]
    labels = np.asarray(t)
    if labels.size == y.size:
        wrong.append(("arguments_swapped", swapped_arguments(y, t)))
        wrong.append(("onehot_unsupported", onehot_read_as_labels(y, t)))
        labels = labels.reshape(n, c).argmax(axis=1)
    if n > 1:
        with np.errstate(all="ignore"):                  # y[:, t]: an N×N block, not N pairs
            wrong.append(("indexing_all_pairs", -np.sum(np.log(y[:, labels.reshape(-1)] + 1e-7)) / n))
    return wrong


# ----- softmax(a): mistakes show in what the rows and the columns add up to -----
def softmax(got, expected):
    """The diagnosis for a wrong softmax output ``got`` (the shape of ``expected``), or None."""
    got, expected = np.asarray(got, float), np.asarray(expected, float)
    finite = bool(np.all(np.isfinite(got)))
    batch = got.ndim == 2 and finite
    rows = got.sum(axis=-1, keepdims=True)
    with np.errstate(all="ignore"):
        proportional = finite and np.all(rows > 0) and np.allclose(got / rows, expected, atol=1e-9)
    signs = [
        ("overflow", not finite),                                            # inf / inf = nan
        ("wrong_axis", batch and np.allclose(got.sum(axis=0), 1.0) and not np.allclose(rows, 1.0)),
        ("whole_batch_sum", batch and np.isclose(got.sum(), 1.0)),           # the 1-D formula on a batch
        ("not_normalised", proportional and not np.allclose(rows, 1.0)),     # exp without the division
    ]
    return next((code for code, shows in signs if shows), None)
