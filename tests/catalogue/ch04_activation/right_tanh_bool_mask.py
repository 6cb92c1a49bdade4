# expect: full
# sigmoid through tanh, the quotient-rule derivative, a boolean mask as relu_grad, multi_dot.

import numpy as np


def collapse_linear(weights):
    if len(weights) == 1:
        return weights[0]
    return np.linalg.multi_dot(weights)


def sigmoid(x):
    return 0.5 * (1 + np.tanh(x / 2))


def sigmoid_grad(x):
    return np.exp(-x) / (1 + np.exp(-x)) ** 2


def sigmoid_chain_factor(n_layers):
    factor = 1.0
    for _ in range(n_layers):
        factor *= sigmoid_grad(0)
    return factor


def relu(x):
    return x * (x > 0)


def relu_grad(x):
    return x > 0          # a boolean array: True is 1, False is 0
