"""What students get wrong in 4.5, written as the values a wrong answer gives.

Nothing here is a right answer (this file ships with the public checks in the student
kit): the helpers are the ones the notebook gives, and every candidate is a mistake.
expect.first_match looks a student's value up in these lists.
"""
import math

import numpy as np

H = 1e-4
KEYS = ("W1", "b1", "W2", "b2")


# ----- the notebook's given helpers -----
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def softmax(a):
    a = a - np.max(a, axis=-1, keepdims=True)
    return np.exp(a) / np.sum(np.exp(a), axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    y, t = np.atleast_2d(y), np.atleast_2d(t)
    labels = t.argmax(axis=1)
    return -np.sum(np.log(y[np.arange(len(y)), labels] + 1e-7)) / len(y)


# ----- predict(x) -----
def _two_layers(params, x, hidden, output, biases=True):
    b1, b2 = (params["b1"], params["b2"]) if biases else (0.0, 0.0)
    return output(hidden(x @ params["W1"] + b1) @ params["W2"] + b2)


def predict(params, x):
    relu = lambda a: np.maximum(0.0, a)
    same = lambda a: a
    with np.errstate(all="ignore"):
        return [
            ("wrong_activation", _two_layers(params, x, relu, softmax)),
            ("wrong_activation", _two_layers(params, x, same, softmax)),
            ("wrong_activation", _two_layers(params, x, np.tanh, softmax)),
            ("wrong_activation", _two_layers(params, x, softmax, softmax)),
            ("wrong_activation", _two_layers(params, x, sigmoid, sigmoid)),
            ("missing_softmax", _two_layers(params, x, sigmoid, same)),
            ("missing_bias", _two_layers(params, x, sigmoid, softmax, biases=False)),
        ]


# ----- loss(x, t), given predict's output y -----
def loss(y, t, expected):
    y, t = np.atleast_2d(y), np.atleast_2d(t)
    n = len(y)
    with np.errstate(all="ignore"):
        wrong = [
            ("softmax_twice", cross_entropy_error(softmax(y), t)),
            ("wrong_loss_function", 0.5 * np.sum((y - t) ** 2)),
            ("wrong_loss_function", 0.5 * np.sum((y - t) ** 2) / n),
            ("wrong_loss_function", np.mean((y - t) ** 2)),
            ("missing_minus", -expected),
            ("wrong_log_base", expected / math.log(10)),
        ]
    if n > 1:
        wrong += [("no_batch_average", expected * n), ("no_batch_average", -expected * n)]
    return wrong


def loss_of_forward(params, x, t):
    """A loss that computes its own forward pass with a wrong activation."""
    return [(code, cross_entropy_error(y, t)) for code, y in predict(params, x)
            if code == "wrong_activation"]


# ----- accuracy(x, t), given predict's output y -----
def accuracy(y, t):
    y, t = np.atleast_2d(y), np.atleast_2d(t)
    n = len(y)
    hits = np.sum(np.argmax(y, axis=1) == np.argmax(t, axis=1))
    return [
        ("accuracy_axis", np.sum(np.argmax(y, axis=0) == np.argmax(t, axis=0)) / n),
        ("accuracy_axis", np.mean(np.argmax(y, axis=0) == np.argmax(t, axis=0))),
        ("count_not_fraction", hits),
        ("percent", 100.0 * hits / n),
        ("wrong_denominator", hits / y.shape[1]),
        ("wrong_denominator", hits / y.size),
    ]


# ----- numerical_gradient(x, t), from the values of the loss it differentiates -----
def numerical_gradient(base, plus, minus):
    """Candidates for one parameter: ``plus``/``minus`` hold the loss with each element
    moved by +h / -h, ``base`` the loss at the parameters."""
    plus, minus = np.asarray(plus, float), np.asarray(minus, float)
    central = (plus - minus) / (2 * H)
    return [
        ("forward_difference", (plus - base) / H),
        ("forward_difference", (base - minus) / H),
        ("missing_half", (plus - minus) / H),
        ("half_step", (plus - base) / (2 * H)),
        ("sign_flipped", -central),
        ("perturbs_copy", np.zeros_like(central)),
    ]
