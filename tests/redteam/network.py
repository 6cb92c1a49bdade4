# attack: reach the network or local services: TCP/UDP out, localhost ports, unix sockets, the grader's abstract sockets
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
import socket as _socket

_reached = []
for _address in (("1.1.1.1", 443), ("8.8.8.8", 53), ("127.0.0.1", 22), ("127.0.0.1", 2024), ("10.0.0.1", 80)):
    try:
        with _socket.create_connection(_address, timeout=0.3) as _conn:
            _reached.append(_address)
    except OSError:
        pass
try:
    _udp = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)
    _udp.sendto(b"results: 29/29", ("8.8.8.8", 53))
except OSError:
    pass
for _name in ("\0zero-dl-autograder-uid-61000", "\0zero-dl-autograder-uid-61001", "/tmp/.X11-unix/X0",
              "/run/dbus/system_bus_socket", "/var/run/docker.sock"):
    try:
        _unix = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        _unix.settimeout(0.3)
        _unix.connect(_name)
        _reached.append(_name)
    except OSError:
        pass


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    try:
        _socket.create_connection(("1.1.1.1", 443), timeout=0.3)
    except OSError:
        pass
    raise NotImplementedError()
