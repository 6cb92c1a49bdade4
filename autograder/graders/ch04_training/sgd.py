"""train's steps replayed on the stand-in network it is graded with (probes.StandInNet), right
and wrong, and the mini-batches a np.random.default_rng(seed) draws.

The stand-in is no TwoLayerNet: its loss is half the squared distance of every parameter
from the batch's mean value m, its gradient params − m.  Public and hidden checks of train
use these (the student kit ships this file); reference.py re-exports them.
"""
import numpy as np

from .misconceptions import KEYS


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
        generator = np.random.default_rng(seed)
        found.append([[int(i) for i in draw(generator)] for _ in range(iters_num)])
    return found
