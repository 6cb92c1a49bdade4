# expect: full
# The sigmoid's slope from its output, z(1 − z), and ReLU's as (a > 0): both right.

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
    outputs, pre = [], []
    z = x
    for W in weights:
        a = z.dot(W)
        z = 1 / (1 + np.exp(-a)) if activation == "sigmoid" else np.maximum(a, 0)
        pre.append(a)
        outputs.append(z)
    g = np.ones(z.shape)
    result = [0.0] * len(weights)
    for k in range(len(weights) - 1, -1, -1):
        if activation == "sigmoid":
            slope = outputs[k] * (1 - outputs[k])
        else:
            slope = (pre[k] > 0) * 1.0
        delta = g * slope
        result[k] = float(np.sqrt(np.sum(delta ** 2)))
        g = delta.dot(weights[k].T)
    return result
