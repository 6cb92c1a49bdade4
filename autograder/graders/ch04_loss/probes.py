"""Questions the ch04_loss checks ask the student's code, inside the sandbox.

Each probe calls one student function on the arrays the trusted side sent and returns
what came back, raw; judging stays with the checks.  The functions are graded on their
own: none of these calls another student function.
"""
import numpy as np
from probing import need


def sum_squared_error(ns, y, t):
    return need(ns, "sum_squared_error")(np.array(y), np.array(t))


def cross_entropy_error(ns, y, t):
    return need(ns, "cross_entropy_error")(np.array(y), np.array(t))


def softmax(ns, a):
    return need(ns, "softmax")(np.array(a))
