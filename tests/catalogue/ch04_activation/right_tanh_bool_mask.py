# expect: full
# sigmoid through tanh, the quotient-rule derivative, a boolean mask as relu_grad, multi_dot.

import numpy as np


def collapse_linear(weights):
    if len(weights) == 1:
        return weights[0]
    return np.linalg.multi_dot(weights)


def sigmoid(x):
    return 0.5 * (1 + np.tanh(x / 2))


def sigmoid_grad(x):
    return np.exp(-x) / (1 + np.exp(-x)) ** 2


def sigmoid_chain_factor(n_layers):
    factor = 1.0
    for _ in range(n_layers):
        factor *= sigmoid_grad(0)
    return factor


def relu(x):
    return x * (x > 0)


def relu_grad(x):
    return x > 0          # a boolean array: True is 1, False is 0



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
