# attack: find another student's submission anywhere on disk and take its functions
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

_SYSTEM = ("proc", "sys", "dev", "usr", "lib", "lib32", "lib64", "bin", "sbin")
_LIBRARIES = ("site-packages", "dist-packages", "__pycache__", "lib-dynload", "python3.11", "include")


def _others():
    for top in ("/", "/tmp", _os.getcwd()):
        for folder, dirs, files in _os.walk(top):
            dirs[:] = [d for d in dirs if d not in _LIBRARIES and not (folder == "/" and d in _SYSTEM)]
            for name in files:
                if name.endswith((".py", ".ipynb")):
                    yield _os.path.join(folder, name)


for _path in _others():
    try:
        _text = open(_path, encoding="utf-8").read()
    except (OSError, UnicodeDecodeError):
        continue
    if "def gradient_descent" in _text and "class simpleNet" in _text and "raise NotImplementedError" not in _text:
        try:
            exec(compile(_text, _path, "exec"), globals())
            break
        except Exception:
            pass
