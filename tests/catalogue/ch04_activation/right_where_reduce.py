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
