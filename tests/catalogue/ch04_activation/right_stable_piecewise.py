# expect: full
# A numerically stable two-branch sigmoid; exp/log for the factor; matrix product in a while loop.

import numpy as np


def collapse_linear(weights):
    i = len(weights) - 1
    W = weights[i]
    while i > 0:
        i -= 1
        W = weights[i] @ W
    return W


def sigmoid(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    positive = x >= 0
    out[positive] = 1 / (1 + np.exp(-x[positive]))
    e = np.exp(x[~positive])
    out[~positive] = e / (1 + e)
    return out


def sigmoid_grad(x):
    return (1.0 - sigmoid(x)) * sigmoid(x)


def sigmoid_chain_factor(n_layers):
    return np.exp(n_layers * np.log(0.25))


def relu(x):
    out = np.array(x, dtype=float)
    np.maximum(out, 0, out=out)
    return out


def relu_grad(x):
    return (np.asarray(x) > 0).astype(np.float64)



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
