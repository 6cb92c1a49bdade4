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
