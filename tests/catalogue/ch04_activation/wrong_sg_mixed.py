# expect: sigmoid_grad=mixes_input_and_output
# sigmoid(x) * (1 - x): the output in one factor, the input in the other.

import numpy as np


def collapse_linear(weights):
    combined = weights[0]
    for W in weights[1:]:
        combined = np.dot(combined, W)
    return combined


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_grad(x):
    return sigmoid(x) * (1 - x)


def sigmoid_chain_factor(n_layers):
    return sigmoid_grad(0.0) ** n_layers


def relu(x):
    return np.maximum(0, x)


def relu_grad(x):
    grad = np.zeros(x.shape)
    grad[x >= 0] = 1
    return grad
