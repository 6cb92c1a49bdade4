# attack: a graded function arms timers, signal handlers, a blocked mask and a tracer that strike during later questions
# honest: numerical_diff=full, numerical_gradient=full, gradient_descent=full, simpleNet.loss=0
#
# A ch04_gradient submission whose honest part implements numerical_diff, numerical_gradient
# and gradient_descent (simpleNet.loss raises NotImplementedError).  numerical_diff's
# questions come first; the attack makes each of its calls plant something meant to change
# the answers of the questions after it, which must still earn their honest points.

import numpy as np


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
    x = init_x
    for _ in range(step_num):
        grad = numerical_gradient(f, x)
        x -= lr * grad
    return x


class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def loss(self, x, t):
        raise NotImplementedError()


# ----- the attack -----

import signal as _signal
import sys as _sys

_calls = [0]        # numerical_diff's calls in this process


def _strike(signum, frame):
    """Raise in any later question (never in the one that armed it: that would only cost
    numerical_diff's own points)."""
    while frame is not None:
        if frame.f_code.co_name in ("numerical_gradient", "gradient_descent"):
            break
        frame = frame.f_back
    if frame is not None or _calls[0] > 1:
        raise RuntimeError("planted by an earlier question")


def _tracer(frame, event, arg):
    if event == "call" and frame.f_code.co_name in ("numerical_gradient", "gradient_descent"):
        raise RuntimeError("planted by an earlier question")
    return None


def numerical_diff(f, x):
    _calls[0] += 1
    h = 1e-4
    result = (f(x + h) - f(x - h)) / (2 * h)
    if _calls[0] == 1:
        _signal.signal(_signal.SIGALRM, _strike)
        _signal.setitimer(_signal.ITIMER_REAL, 0.002, 0.002)
        _signal.setitimer(_signal.ITIMER_PROF, 0.005)            # SIGPROF ends the process
        _signal.pthread_sigmask(_signal.SIG_BLOCK, [_signal.SIGTERM, _signal.SIGUSR1])
        _sys.setprofile(_tracer)
    return result
