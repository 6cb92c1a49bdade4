# expect: full
# Forward values kept in a list of tuples, transposes built first, norms with np.linalg.norm(…, 'fro').

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
    f = {"sigmoid": sigmoid, "relu": relu}[activation]
    df = {"sigmoid": sigmoid_grad, "relu": relu_grad}[activation]
    transposes = [W.T for W in weights]
    layers, z = [], x
    for W in weights:
        a = np.matmul(z, W)
        layers.append((a, f(a)))
        z = layers[-1][1]
    back = np.ones_like(z)
    sizes = np.zeros(len(weights))
    for k in reversed(range(len(weights))):
        back = back * df(layers[k][0])
        sizes[k] = np.linalg.norm(back, "fro")
        back = np.matmul(back, transposes[k])
    return sizes
