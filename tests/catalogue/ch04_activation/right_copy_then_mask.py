# expect: full
# Copy, then zero by a mask; s computed once; recursion; a clipped exponent.

import numpy as np


def collapse_linear(weights):
    if len(weights) == 1:
        return weights[0]
    return weights[0] @ collapse_linear(weights[1:])


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-np.clip(x, -500, 500)))


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1 - s)


def sigmoid_chain_factor(n_layers):
    return (1 / 4) ** n_layers


def relu(x):
    y = x.copy()
    y[y < 0] = 0
    return y


def relu_grad(x):
    g = np.ones_like(x)
    g[x <= 0] = 0
    return g
