# expect: full
# Every function a lambda; relu_grad from the student's relu; the factor in float32.

import functools
import numpy as np


collapse_linear = lambda weights: functools.reduce(lambda a, b: a @ b, weights)


sigmoid = lambda x: 1 / (1 + np.exp(-x))


sigmoid_grad = lambda x: sigmoid(x) * sigmoid(-x)


sigmoid_chain_factor = lambda n_layers: np.float32(0.25) ** n_layers


relu = lambda x: np.clip(x, 0, None)


relu_grad = lambda x: np.sign(relu(x))



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
