"""Questions the ch04_activation checks ask the student's code, inside the sandbox.

Each probe calls one of the student's functions on inputs sent by the trusted side
and returns what came back, raw.  Nothing here judges an answer.
"""
import contextlib

import numpy as np
from probing import need, swapped


def _logistic(x):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


# Exact activations.  While one function is graded, these stand in for the others it
# may call (sigmoid_grad calling sigmoid, ...), so a bug costs only its own function.
EXACT = {
    "sigmoid": _logistic,
    "sigmoid_grad": lambda x: _logistic(x) * _logistic(-np.asarray(x, dtype=float)),
    "relu": lambda x: np.where(np.asarray(x, dtype=float) > 0, x, 0.0),
    "relu_grad": lambda x: (np.asarray(x, dtype=float) > 0).astype(float),
}
CALLS = {
    "sigmoid_grad": ("sigmoid",),
    "relu_grad": ("relu",),
    "sigmoid_chain_factor": ("sigmoid", "sigmoid_grad"),
    "layer_gradients": ("sigmoid", "sigmoid_grad", "relu", "relu_grad"),
}


@contextlib.contextmanager
def stand_ins(ns, function):
    with contextlib.ExitStack() as stack:
        for name in CALLS.get(function, ()):
            stack.enter_context(swapped(ns, name, EXACT[name]))
        yield


def apply(ns, function, x):
    """function(x) on a float array: the result, the array afterwards (was it changed?)."""
    student = need(ns, function)
    x = np.array(x, dtype=float)
    with stand_ins(ns, function):
        y = student(x)
    return {"y": y, "x_after": x}


def collapse(ns, weights):
    """collapse_linear([W1, W2, ...])."""
    return need(ns, "collapse_linear")([np.array(w, dtype=float) for w in weights])


def chain_factor(ns, n_layers):
    """sigmoid_chain_factor(n_layers)."""
    student = need(ns, "sigmoid_chain_factor")
    with stand_ins(ns, "sigmoid_chain_factor"):
        return student(n_layers)


def chain_gradients(ns, weights, x, activation):
    """layer_gradients([W1, W2, ...], x, activation), with the exact activations and their
    derivatives standing in for the student's."""
    student = need(ns, "layer_gradients")
    with stand_ins(ns, "layer_gradients"):
        return student([np.array(w, dtype=float) for w in weights], np.array(x, dtype=float), activation)
