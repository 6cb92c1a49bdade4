# expect: layer_gradients=forward_values
# The sizes of the layers' outputs.

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
    z, norms = x, []
    for W in weights:
        z = h(np.dot(z, W))
        norms.append(np.linalg.norm(z))
    return np.array(norms)
