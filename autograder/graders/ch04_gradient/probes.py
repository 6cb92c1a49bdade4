"""Questions the ch04_gradient checks ask the student's code, inside the sandbox.

Each probe calls the student's function on inputs sent by the trusted side and
returns what came back, raw.  Nothing here judges an answer: expectations,
tolerances and diagnoses stay with the checks, outside the sandbox.
"""
import numpy as np
from probing import need, swapped

# Functions the checks differentiate, by name (a function cannot cross the wall).
FUNCTIONS = {
    "square": lambda x: x ** 2,
    "cube": lambda x: x ** 3,
    "function_1": lambda x: 0.01 * x ** 2 + 0.1 * x,
    "function_2": lambda x: x[0] ** 2 + x[1] ** 2,
    "sum_of_squares": lambda x: np.sum(x ** 2),
    "sum_of_cubes": lambda x: np.sum(x ** 3),
}

# Their exact gradients: gradient_descent is graded with these standing in for the
# student's numerical_gradient, so that a bug there costs numerical_gradient's points only.
EXACT_GRADIENTS = {
    "function_2": lambda x: np.array([2.0 * x[0], 2.0 * x[1]]),
    "sum_of_squares": lambda x: 2.0 * np.asarray(x, dtype=float),
}


def shifted_square(centre):
    """sum((x − centre)²): its minimum is at ``centre``, which the checks choose at random,
    so that an answer which never calls f cannot know where it is."""
    centre = np.array(centre, dtype=float)
    return (lambda x: np.sum((x - centre) ** 2)), (lambda x: 2.0 * (np.asarray(x, dtype=float) - centre))


def named(f, centre=None):
    """The function called ``f`` (``"shifted_square"`` needs its centre), and its exact gradient."""
    if f == "shifted_square":
        return shifted_square(centre)
    return FUNCTIONS[f], EXACT_GRADIENTS.get(f)


def polynomial(coefficients):
    """p(x) = c0 + c1·x + c2·x² + ... (works on floats and arrays)."""
    return lambda x: sum(c * x ** k for k, c in enumerate(coefficients))


def diff(ns, f, x):
    """numerical_diff(f, x) for a named function."""
    return need(ns, "numerical_diff")(FUNCTIONS[f], x)


def diff_polynomial(ns, coefficients, x):
    return need(ns, "numerical_diff")(polynomial(coefficients), x)


def gradient(ns, f, x, centre=None):
    """numerical_gradient(f, x): the gradient, the input afterwards, and whether the
    gradient returned is the input array itself."""
    x = np.array(x, dtype=float)
    grad = need(ns, "numerical_gradient")(named(f, centre)[0], x)
    return {"grad": grad, "x_after": x, "returned_input": grad is x}


def gradient_of_closure(ns, x, centre=None):
    """numerical_gradient of a function that ignores its argument and reads the array
    through a closure, as simpleNet's ``lambda w: net.loss(x, t)`` does: sum(x²), or
    sum((x − centre)²) when a centre is given."""
    x = np.array(x, dtype=float)
    c = 0.0 if centre is None else np.array(centre, dtype=float)
    grad = need(ns, "numerical_gradient")(lambda _w: np.sum((x - c) ** 2), x)
    return {"grad": grad, "x_after": x, "returned_input": grad is x}


def descend(ns, f, init_x, lr, step_num, centre=None):
    """gradient_descent(f, init_x, lr, step_num) with the exact gradient of f standing in
    for numerical_gradient when it is asked about f.  Asked about any other function (a
    descent that ignores f, or wraps it), the student's own numerical_gradient answers."""
    descent = need(ns, "gradient_descent")
    function, exact = named(f, centre)
    own = ns.get("numerical_gradient")
    stand_in = lambda g, x: exact(x) if g is function else need({"numerical_gradient": own}, "numerical_gradient")(g, x)
    with swapped(ns, "numerical_gradient", stand_in):
        result = descent(function, np.array(init_x, dtype=float), lr=lr, step_num=step_num)
    if isinstance(result, tuple) and len(result) == 2:      # the book's (x, history) form
        result = result[0]
    return result


def net_losses(ns, weights, x, t):
    """simpleNet().loss(x, t) with W set (in place) to each of the given weight matrices."""
    net = need(ns, "simpleNet")()
    net.W = np.array(weights[0], dtype=float)
    losses = []
    for w in weights:
        net.W[...] = w
        losses.append(net.loss(np.array(x, dtype=float), np.array(t)))
    return losses


def analytic(ns, W, x, t):
    """analytic_gradient(W, x, t) on float W and x and the one-hot t as sent."""
    return need(ns, "analytic_gradient")(np.array(W, dtype=float), np.array(x, dtype=float), np.array(t))


def relative(ns, a, b):
    """relative_error(a, b) on float arrays."""
    return need(ns, "relative_error")(np.array(a, dtype=float), np.array(b, dtype=float))
