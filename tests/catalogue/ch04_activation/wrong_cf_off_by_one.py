# expect: sigmoid_chain_factor=off_by_one
# range(1, n_layers): one factor short.

import numpy as np


def collapse_linear(weights):
    combined = weights[0]
    for W in weights[1:]:
        combined = np.dot(combined, W)
    return combined


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_grad(x):
    return (1.0 - sigmoid(x)) * sigmoid(x)


def sigmoid_chain_factor(n_layers):
    factor = 1.0
    for _ in range(1, n_layers):
        factor *= 0.25
    return factor


def relu(x):
    return np.maximum(0, x)


def relu_grad(x):
    grad = np.zeros(x.shape)
    grad[x >= 0] = 1
    return grad
