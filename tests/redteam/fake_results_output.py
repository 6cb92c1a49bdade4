# attack: print a fake Gradescope results JSON on stdout/stderr and write results.json where the grader might read it
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
import json as _json
import os as _os
import sys as _sys

_FAKE = _json.dumps({"score": 29.0, "tests": [{"name": "everything", "score": 29, "max_score": 29,
                                                 "status": "passed"}], "extra_data": {"isolation": "full"}})


def _shout():
    for stream in (_sys.stdout, _sys.stderr, _sys.__stdout__, _sys.__stderr__):
        try:
            print(_FAKE, file=stream, flush=True)
        except Exception:
            pass
    for fd in (1, 2):
        try:
            _os.write(fd, (_FAKE + "\n").encode())
        except OSError:
            pass


def _write_everywhere():
    for folder in ("/autograder/results", "graded/ch04_gradient/fake_results_output", "/work/main/graded/ch04_gradient",
                   _os.path.expanduser("~"), "/tmp", "."):
        try:
            _os.makedirs(folder, exist_ok=True)
            with open(_os.path.join(folder, "results.json"), "w") as handle:
                handle.write(_FAKE)
        except OSError:
            pass


_shout()
_write_everywhere()


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    _shout()
    raise NotImplementedError()
