# attack: import pytest and the grader's own package where possible and patch them to report success
# honest: numerical_diff=full, numerical_gradient=full, gradient_descent=0, simpleNet.loss=0
#
# A ch04_gradient submission whose honest part implements numerical_diff and
# numerical_gradient (the rest raises NotImplementedError); the attack follows.

import numpy as np


def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        tmp = x[idx]
        x[idx] = tmp + h
        fxh1 = f(x)
        x[idx] = tmp - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    raise NotImplementedError()


class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def loss(self, x, t):
        raise NotImplementedError()


# ----- the attack -----
import sys as _sys

_patched = []
try:
    import pytest as _pytest
    import _pytest.runner as _runner
    _runner.call_and_report = lambda *a, **k: None
    _pytest.fail = lambda *a, **k: None
    _patched.append("pytest")
except Exception:
    pass
for _name in ("autograder", "autograder.expect", "autograder.judge", "autograder.results", "autograder.report",
              "expect", "judge"):
    try:
        _module = __import__(_name, fromlist=["x"])
    except Exception:
        continue
    for _attr in ("expect_close", "close", "number", "array"):
        if hasattr(_module, _attr):
            setattr(_module, _attr, lambda *a, **k: True)
    _patched.append(_name)
for _module in list(_sys.modules.values()):
    if getattr(_module, "Fail", None) is not None:
        _module.Fail = type("Fail", (Exception,), {})
