"""The right answers of 4.5, trusted: expected values for the hidden checks.

Never shipped in the student kit (kit.py copies probes, misconceptions and messages
only), so the test modules import it only where hidden checks need it.
"""
import numpy as np

from .misconceptions import H, KEYS, cross_entropy_error, sigmoid, softmax
from .sgd import draws, replay, stand_in_loss, train_mistakes  # noqa: F401  (train's replays, public too)


# ----- the network -----
def predict(params, x):
    hidden = sigmoid(np.dot(x, params["W1"]) + params["b1"])
    return softmax(np.dot(hidden, params["W2"]) + params["b2"])


def loss(params, x, t):
    return cross_entropy_error(predict(params, x), t)


def accuracy(y, t):
    y, t = np.atleast_2d(y), np.atleast_2d(t)
    return float(np.mean(y.argmax(axis=1) == t.argmax(axis=1)))


def numerical_gradient(params, x, t):
    """Central differences of ``loss``, element by element, as the notebook's helper does."""
    params = {key: np.array(params[key], dtype=float) for key in KEYS}
    base, moved = loss(params, x, t), {}
    for key in KEYS:
        p = params[key]
        plus, minus = np.zeros_like(p), np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            saved = p[idx]
            p[idx] = saved + H
            plus[idx] = loss(params, x, t)
            p[idx] = saved - H
            minus[idx] = loss(params, x, t)
            p[idx] = saved
        moved[key] = (plus, minus)
    return base, moved
