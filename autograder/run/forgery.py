"""Tell a forged reply from a probe's own.

A probe builds its reply itself: a dict with the keys it names, a list as long as the
inputs it was given; only the leaves are whatever the student's code returned.  Student
code that takes over its question process can write any reply instead, shaped so that a
check trips over it (``answer["grad"]`` on a number), and that would look like a bug in
the grader.  When a check breaks, ``forged`` runs the probe again here on stand-ins for
the student's code and compares shapes: a reply the probe could not have built is the
student's doing.  A probe whose shape depends on the student's values gives no verdict.
"""
import numpy as np


class Opaque:
    """Stands for anything the student's code returns: it may be called, read and
    written through, but any use that would make the probe's shape depend on it raises."""

    def __call__(self, *args, **kwargs):
        return Opaque()

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return Opaque()

    def __getitem__(self, key):
        return Opaque()

    def __setitem__(self, key, value):
        pass

    def _depends(self, *args):
        raise TypeError("the shape depends on the student's value")

    __bool__ = __len__ = __iter__ = __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _depends
    __hash__ = object.__hash__


class _Namespace(dict):
    """A submission's namespace where every name is a stand-in."""

    def get(self, name, default=None):
        return dict.get(self, name, Opaque())


def _kind(value):
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, float, np.number)):
        return "number"
    return type(value).__name__


def conforms(value, shape):
    """Could the probe that built ``shape`` (on stand-ins) have returned ``value``?"""
    if isinstance(shape, Opaque):
        return True
    if type(shape) is dict:
        return (type(value) is dict and value.keys() == shape.keys()
                and all(conforms(value[key], shape[key]) for key in shape))
    if type(shape) in (list, tuple):
        return (type(value) is type(shape) and len(value) == len(shape)
                and all(conforms(v, s) for v, s in zip(value, shape)))
    return _kind(value) == _kind(shape)


def forged(probes, asked):
    """True when one of ``asked`` [(probe, kwargs, reply value)] has a shape its probe
    cannot give; False when all fit or no probe's shape could be worked out."""
    for probe, kwargs, value in asked:
        try:
            shape = getattr(probes, probe)(_Namespace(), **kwargs)
        except Exception:
            continue
        if not conforms(value, shape):
            return True
    return False
