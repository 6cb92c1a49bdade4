# expect: full
# Scalar code made element-wise with np.vectorize; integer results.

import math
import numpy as np


def collapse_linear(weights):
    combined = weights[0]
    for W in weights[1:]:
        combined = np.dot(combined, W)
    return combined


def _sigmoid_one(v):
    return 1 / (1 + math.exp(-v))


def sigmoid(x):
    return np.vectorize(_sigmoid_one)(x)


def sigmoid_grad(x):
    return (1.0 - sigmoid(x)) * sigmoid(x)


def sigmoid_chain_factor(n_layers):
    return math.pow(0.25, n_layers)


def relu(x):
    return np.vectorize(lambda v: v if v > 0 else 0.0)(x)


def relu_grad(x):
    return np.vectorize(lambda v: 1 if v > 0 else 0)(x)
