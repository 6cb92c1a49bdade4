# expect: full
# np.where everywhere, functools.reduce with np.matmul, np.prod for the factor.

import functools
import numpy as np


def collapse_linear(weights):
    return functools.reduce(np.matmul, weights)


def sigmoid(x):
    return np.exp(x) / (1.0 + np.exp(x))


def sigmoid_grad(x):
    return (1.0 - sigmoid(x)) * sigmoid(x)


def sigmoid_chain_factor(n_layers):
    return np.prod([0.25] * n_layers)


def relu(x):
    return np.where(x > 0, x, 0)


def relu_grad(x):
    return np.where(x > 0, 1.0, 0.0)
