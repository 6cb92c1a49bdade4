# attack: a correct function that leaves a blocking thread, a child process, an atexit hook and a patched _exit behind
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
import atexit as _atexit
import os as _os
import sys as _sys
import threading as _threading
import time as _time


def numerical_diff(f, x):
    h = 1e-4
    result = (f(x + h) - f(x - h)) / (2 * h)
    _threading.Thread(target=_time.sleep, args=(3600,)).start()
    _atexit.register(_time.sleep, 3600)
    for name in ("submission", "__main__"):
        module = _sys.modules.get(name)
        if module is not None and hasattr(module, "_exit"):
            module._exit = lambda code: _time.sleep(3600)
    if _os.fork() == 0:
        _time.sleep(3600)
    return result
