"""Questions the ch04_training checks ask the student's code, inside the sandbox.

Each probe builds the student's TwoLayerNet from plain arrays the trusted side sent,
calls one method (or train) and returns what came back, raw; judging stays with the
checks.  Every function is graded on its own:
- a method is asked even when the student's __init__ does not work yet (the object is
  then made without it and given the parameters);
- loss and accuracy get predict's reference output for the batch they are asked about;
- train gets a stand-in network whose gradient and loss the checks can replay exactly.
"""
import numpy as np
from probing import need

KEYS = ("W1", "b1", "W2", "b2")
H = 1e-4                                   # the notebook's numerical_gradient step


# ----- building the student's network -----
def build(ns, sizes, params):
    """TwoLayerNet(*sizes) with its parameters overwritten by ``params``."""
    cls = need(ns, "TwoLayerNet")
    try:
        net = cls(*sizes)
    except Exception:                      # __init__ is graded by its own checks
        net = cls.__new__(cls)
    current = getattr(net, "params", None)
    if not isinstance(current, dict):
        current = net.params = {}
    for key, value in params.items():
        value = np.array(value, dtype=float)
        old = current.get(key)
        if isinstance(old, np.ndarray) and old.shape == value.shape and old.dtype == value.dtype:
            old[...] = value               # in place: attributes that alias it stay in step
        else:
            current[key] = value
    return net


def serve_predictions(net, x, y):
    """net.predict answers ``y`` for the batch ``x`` (and is the student's own otherwise)."""
    own = getattr(net, "predict", None)

    def predict(arg):
        if isinstance(arg, np.ndarray) and arg.shape == x.shape and np.array_equal(arg, x):
            return y.copy()
        return own(arg)
    net.predict = predict


# ----- __init__ -----
def construct(ns, sizes, weight_init_std=None):
    """The params of TwoLayerNet(*sizes[, weight_init_std]), raw."""
    cls = need(ns, "TwoLayerNet")
    net = cls(*sizes) if weight_init_std is None else cls(*sizes, weight_init_std)
    return getattr(net, "params", None)


# ----- predict, loss, accuracy -----
def predict(ns, sizes, params, x):
    return build(ns, sizes, params).predict(np.array(x, dtype=float))


def loss(ns, sizes, params, x, t, y):
    x = np.array(x, dtype=float)
    net = build(ns, sizes, params)
    serve_predictions(net, x, np.array(y, dtype=float))
    return net.loss(x, np.array(t))


def accuracy(ns, sizes, params, x, t, y):
    x = np.array(x, dtype=float)
    net = build(ns, sizes, params)
    serve_predictions(net, x, np.array(y, dtype=float))
    return net.accuracy(x, np.array(t))


# ----- numerical_gradient -----
def stand_in_loss(params, x, t):
    """A smooth loss the checks can compute exactly: half the squared distance of every
    parameter from the batch's mean value."""
    m = np.mean(x) + np.mean(t)
    return 0.5 * sum(np.sum((np.asarray(params[key], dtype=float) - m) ** 2) for key in KEYS)


def _loss_values(net, x, t):
    """net.loss at the parameters, then at each element moved by +h and by -h."""
    base = float(net.loss(x, t))
    moved = {}
    for key in KEYS:
        p = net.params[key]
        plus, minus = np.zeros_like(p), np.zeros_like(p)
        for idx in np.ndindex(p.shape):
            saved = p[idx]
            p[idx] = float(saved) + H
            plus[idx] = net.loss(x, t)
            p[idx] = saved - H
            minus[idx] = net.loss(x, t)
            p[idx] = saved
        moved[key] = (plus, minus)
    return base, moved


def numerical_gradient(ns, sizes, params, x, t):
    """net.numerical_gradient(x, t), with the values of net.loss it differentiates.

    The student's own loss is used when it gives a finite number that depends on the
    parameters; otherwise the stand-in loss takes its place (flag ``stand_in``), so that
    a loss still to be written does not cost numerical_gradient its points."""
    x, t = np.array(x, dtype=float), np.array(t)
    net = build(ns, sizes, params)
    stand_in = False
    try:
        base, moved = _loss_values(net, x, t)
        usable = np.isfinite(base) and any(np.any(plus != base) for plus, _ in moved.values())
    except Exception:
        usable = False
    if not usable:
        stand_in = True
        net = build(ns, sizes, params)
        net.loss = lambda x_, t_: stand_in_loss(net.params, x_, t_)
        base, moved = _loss_values(net, x, t)
    grads = net.numerical_gradient(x, t)
    return {"grads": grads, "base": base, "moved": moved, "stand_in": stand_in,
            "params_after": {key: net.params.get(key) for key in KEYS}}


# ----- train -----
class StandInNet:
    """What train is given: the stand-in loss and its exact gradient, recording which
    rows of x and t each call received."""

    def __init__(self, params, x, t):
        self.params = {key: np.array(params[key], dtype=float) for key in KEYS}
        self._x, self._t = x, t
        self.gradient_calls = []

    def _rows(self, xb, tb):
        return [_row_indices(self._x, xb), _row_indices(self._t, tb)]

    def numerical_gradient(self, x, t):
        self.gradient_calls.append(self._rows(x, t))
        m = np.mean(x) + np.mean(t)
        return {key: self.params[key] - m for key in KEYS}

    def loss(self, x, t):
        return stand_in_loss(self.params, x, t)

    def predict(self, x):                  # for a train that also reports progress
        return np.full((len(x), self._t.shape[1]), 1.0 / self._t.shape[1])

    def accuracy(self, x, t):
        return 0.0


def _row_indices(data, batch):
    """Where each row of ``batch`` is in ``data`` (-1 when it is not a row of it)."""
    batch = np.asarray(batch, dtype=float).reshape(-1, data.shape[1])
    found = (batch[:, None, :] == data[None, :, :]).all(axis=2)
    return [int(np.argmax(row)) if row.any() else -1 for row in found]


def train(ns, params, x, t, iters_num, batch_size, learning_rate, seeds):
    """train(net, x, t, ...) once per seed, each on a fresh stand-in network."""
    x, t = np.array(x, dtype=float), np.array(t, dtype=float)
    runs = []
    for seed in seeds:
        net = StandInNet(params, x, t)
        losses = need(ns, "train")(net, x, t, iters_num, batch_size, learning_rate, seed)
        runs.append({"losses": losses, "gradient_calls": net.gradient_calls,
                     "params_after": net.params})
    return runs
