# expect: full
# Recursion over the layers; a list of numpy floats.

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
    return sigmoid_grad(0.0) ** n_layers


def relu(x):
    return np.maximum(0, x)


def relu_grad(x):
    grad = np.zeros(x.shape)
    grad[x >= 0] = 1
    return grad


def layer_gradients(weights, x, activation):
    h = sigmoid if activation == "sigmoid" else relu
    dh = sigmoid_grad if activation == "sigmoid" else relu_grad

    def back(z, rest):
        a = z @ rest[0]
        if len(rest) == 1:
            delta = np.ones_like(a) * dh(a)
            return delta, [np.linalg.norm(delta)]
        upstream, sizes = back(h(a), rest[1:])
        delta = (upstream @ rest[1].T) * dh(a)
        return delta, [np.linalg.norm(delta)] + sizes

    return back(x, list(weights))[1]
