# expect: full
# Derivatives by the central difference of 4.3 (the notebook's numerical_diff); identity start.

import numpy as np


def collapse_linear(weights):
    result = np.eye(weights[0].shape[0])
    for W in weights:
        result = result @ W
    return result


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / (2 * h)


def sigmoid_grad(x):
    return numerical_diff(sigmoid, x)


def sigmoid_chain_factor(n_layers):
    return float(sigmoid_grad(np.array(0.0)) ** n_layers)


def relu(x):
    return np.maximum(0, x)


def relu_grad(x):
    return np.heaviside(x, 0.0)



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
