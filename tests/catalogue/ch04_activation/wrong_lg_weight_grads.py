# expect: layer_gradients=weight_gradient_norms
# ‖∂L/∂W_k‖ = ‖z_(k-1)ᵀ·δ_k‖.

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
    h, h_grad = (sigmoid, sigmoid_grad) if activation == "sigmoid" else (relu, relu_grad)
    zs, pre = [x], []
    for W in weights:
        pre.append(zs[-1] @ W)
        zs.append(h(pre[-1]))
    grad = np.ones_like(zs[-1])
    norms = []
    for k in reversed(range(len(weights))):
        delta = grad * h_grad(pre[k])
        norms.append(np.linalg.norm(zs[k].T @ delta))
        grad = delta @ weights[k].T
    return np.array(norms[::-1])
