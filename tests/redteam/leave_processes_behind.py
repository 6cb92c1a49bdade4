# attack: start daemons that outlive the submission: double-forked, setsid, exec'd `sleep`, at load time and in a function
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
import os as _os
import subprocess as _subprocess


def _daemonize():
    try:
        _subprocess.Popen(["sleep", "3600"], start_new_session=True,
                          stdin=_subprocess.DEVNULL, stdout=_subprocess.DEVNULL, stderr=_subprocess.DEVNULL)
    except OSError:
        pass
    if _os.fork() == 0:
        _os.setsid()
        if _os.fork() == 0:
            try:
                _os.execvp("sleep", ["sleep", "3600"])
            finally:
                _os._exit(0)
        _os._exit(0)


_daemonize()


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    _daemonize()
    raise NotImplementedError()
