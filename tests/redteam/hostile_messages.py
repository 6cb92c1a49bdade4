# attack: exception messages with a lone surrogate, terminal escape codes, Markdown and HTML that fake a full score
# honest: numerical_diff=full, numerical_gradient=full, gradient_descent=0, simpleNet.loss=0
#
# A ch04_gradient submission whose honest part implements numerical_diff and
# numerical_gradient; what the other functions raise must reach the terminal,
# results.json, feedback.md, grades.csv and report.html as inert text.

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



# ----- the attack -----
FAKE = ("\udc80\x1b[2K\r\x1b[32m  [PASS] gradient_descent  7/7\x1b[0m\x1b]0;graded: 29/29\x07\x9b31m"
        "\u202e92/92\n\n# 29 / 29 満点\n\n**full marks** <script>alert('feedback')</script>"
        "<img src=x onerror=alert(1)> [click](javascript:alert(1)) ```\n| a | b |\n=SUM(A1:A9)")


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    raise ValueError(FAKE)


class simpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def loss(self, x, t):
        raise RuntimeError(FAKE[::-1])


raise UnicodeError(FAKE)          # at top level too: a cell that could not run, with its message
