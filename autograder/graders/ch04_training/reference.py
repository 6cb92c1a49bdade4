"""The right answers of 4.5, trusted: expected values for the hidden checks.

Never shipped in the student kit (kit.py copies probes, misconceptions and messages
only), so the test modules import it only where hidden checks need it.  Also here:
train's replays, right and wrong, on the stand-in network of probes.StandInNet.
"""
import numpy as np

from .misconceptions import H, KEYS, cross_entropy_error, sigmoid, softmax


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


# ----- train, replayed on the stand-in network (probes.StandInNet) -----
def stand_in_loss(params, xb, tb):
    m = np.mean(xb) + np.mean(tb)
    return 0.5 * sum(np.sum((params[key] - m) ** 2) for key in KEYS)


def replay(params, x, t, batches, lr, sign=-1.0, measured="after", on="batch"):
    """The losses train records when its i-th step uses rows ``batches[i]``.

    sign=+1 climbs the gradient; measured="before" records the loss before the update;
    on="all" records the loss on the whole of x and t instead of the mini-batch."""
    params = {key: np.array(params[key], dtype=float) for key in KEYS}
    losses = []
    for rows in batches:
        xb, tb = x[rows], t[rows]
        before = stand_in_loss(params, xb, tb)
        m = np.mean(xb) + np.mean(tb)
        for key in KEYS:
            params[key] = params[key] + sign * lr * (params[key] - m)
        if measured == "before":
            losses.append(before)
        else:
            losses.append(stand_in_loss(params, *((xb, tb) if on == "batch" else (x, t))))
    return np.array(losses), params


def train_mistakes(params, x, t, batches, lr):
    """(diagnosis, losses) for the mistakes train is known for."""
    wrong = [
        ("gradient_ascent", replay(params, x, t, batches, lr, sign=+1.0)[0]),
        ("loss_before_update", replay(params, x, t, batches, lr, measured="before")[0]),
        ("loss_on_all_data", replay(params, x, t, batches, lr, on="all")[0]),
        ("gradient_ascent", replay(params, x, t, batches, lr, sign=+1.0, measured="before")[0]),
    ]
    for other in (0.01, 0.1, 1.0):
        if other != lr:
            wrong.append(("ignores_learning_rate", replay(params, x, t, batches, other)[0]))
    return wrong


def draws(n, batch_size, iters_num, seed):
    """The rows a fresh np.random.default_rng(seed) gives per step, drawn the usual ways."""
    ways = {
        "choice": lambda rng: rng.choice(n, batch_size),
        "choice without replacement": lambda rng: rng.choice(n, batch_size, replace=False),
        "permutation": lambda rng: rng.permutation(n)[:batch_size],
    }
    found = []
    for draw in ways.values():
        rng = np.random.default_rng(seed)
        found.append([[int(i) for i in draw(rng)] for _ in range(iters_num)])
    return found
