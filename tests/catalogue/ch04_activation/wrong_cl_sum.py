# expect: collapse_linear=sum_instead_of_product
# Adds the matrices.

import numpy as np


def collapse_linear(weights):
    return sum(weights)


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
