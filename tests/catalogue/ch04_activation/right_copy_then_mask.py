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



# Task 7 (vanishing gradients measured): a right answer.
def layer_gradients(weights, x, activation):
    h, h_grad = (sigmoid, sigmoid_grad) if activation == "sigmoid" else (relu, relu_grad)
    pre = []
    z = x
    for W in weights:
        pre.append(z @ W)
        z = h(pre[-1])
    grad = np.ones_like(z)
    norms = []
    for W, a in zip(weights[::-1], pre[::-1]):
        delta = grad * h_grad(a)
        norms.insert(0, np.linalg.norm(delta))
        grad = delta @ W.T
    return np.array(norms)
