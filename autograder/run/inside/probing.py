"""What a probe (a question asked inside the sandbox) may use.

A probe is a plain function in autograder/graders/<assignment>/probes.py:
``def name(ns, **plain_data) -> plain data``.  It fetches the student's function
from the namespace ``ns`` with ``need``, calls it on inputs the trusted side sent,
and returns what came back, raw: all judging happens outside the sandbox.
"""


class Missing(Exception):
    """The submission defines no such function (or it is not callable)."""


def need(ns, name):
    """The student's object called ``name`` (``"simpleNet"``, ``"numerical_diff"``...)."""
    value = ns.get(name)
    if value is None or not callable(value):
        raise Missing(name)
    return value


class swapped:
    """Temporarily replace a global of the submission (e.g. give gradient_descent a
    known-good gradient so that it is graded on its own)."""

    def __init__(self, ns, name, value):
        self.ns, self.name, self.value = ns, name, value

    def __enter__(self):
        self.had, self.old = self.name in self.ns, self.ns.get(self.name)
        self.ns[self.name] = self.value

    def __exit__(self, *exc):
        if self.had:
            self.ns[self.name] = self.old
        else:
            self.ns.pop(self.name, None)
        return False
