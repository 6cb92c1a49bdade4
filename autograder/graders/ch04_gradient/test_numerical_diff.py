"""numerical_diff(f, x): the central difference (f(x+h) - f(x-h)) / 2h with h = 1e-4."""
import numpy as np
import pytest

from autograder.expect import expect_close, first_match

from . import misconceptions as wrong

pytestmark = pytest.mark.grades("numerical_diff")

square = lambda x: x ** 2
cube = lambda x: x ** 3
function_1 = lambda x: 0.01 * x ** 2 + 0.1 * x


def minus(c):
    """x − c as a student would write it: x − 1.5, x + 1.5."""
    return f"x − {c:g}" if c >= 0 else f"x + {-c:g}"


def diagnose(f, x):
    # The wrong values are computed with the student's own floating-point steps, so they match
    # closely; a loose match would mistake h = 1e-3 (12.000001 on x³) for a tiny h (12.0000000).
    return lambda got: first_match(got, wrong.numerical_diff(f, x), atol=1e-12, rtol=1e-10)


@pytest.mark.public
def test_central_x2_at_2(student, rng):
    """The slope of x² at 2 is 4; a central difference gets within 1e-6 (a forward one is 1e-4 off).
    The slope is f's: (x − c)² with a random c has slope 2(2 − c) at 2."""
    got = student.ask("diff", f="square", x=2.0)
    expect_close(got, 4.0, atol=1e-6, given="f(x) = x², x = 2", diagnose=diagnose(square, 2.0))
    c = float(np.round(rng.uniform(-3, 3), 2))
    coefficients = [c * c, -2 * c, 1.0]
    got = student.ask("diff_polynomial", coefficients=coefficients, x=2.0)
    shifted = lambda v: sum(k * v ** n for n, k in enumerate(coefficients))     # as the probe computes it
    expect_close(got, 2 * (2.0 - c), atol=1e-6, given=f"f(x) = ({minus(c)})², x = 2", diagnose=diagnose(shifted, 2.0))


@pytest.mark.public
def test_function_1_book_values(student, rng):
    """The book's function_1 = 0.01x² + 0.1x has slope 0.2 at 5 and 0.3 at 10; moved right by a
    random c, function_1(x − c) has slope 0.02(5 − c) + 0.1 at 5 (so the book's numbers alone
    do not pass)."""
    for x, slope in ((5.0, 0.2), (10.0, 0.3)):
        got = student.ask("diff", f="function_1", x=x)
        expect_close(got, slope, atol=1e-8, given=f"f(x) = 0.01x² + 0.1x, x = {x:g}",
                     diagnose=diagnose(function_1, x))
    c = float(rng.choice([-1, 1]) * np.round(rng.uniform(1, 4), 2))
    coefficients = [0.01 * c * c - 0.1 * c, 0.1 - 0.02 * c, 0.01]      # 0.01(x − c)² + 0.1(x − c)
    got = student.ask("diff_polynomial", coefficients=coefficients, x=5.0)
    moved = lambda v: sum(k * v ** n for n, k in enumerate(coefficients))      # as the probe computes it
    expect_close(got, 0.02 * (5.0 - c) + 0.1, atol=1e-8,
                 given=f"f(x) = 0.01({minus(c)})² + 0.1({minus(c)}), x = 5", diagnose=diagnose(moved, 5.0))


@pytest.mark.public
def test_cubic_needs_small_step(student, rng):
    """On x³ the central difference is off by exactly h²: h = 1e-4 gives 12 + 1e-8 at 2, while
    h = 1 gives 13 and h = 1e-3 already 12 + 1e-6 (the tolerance is 1e-7); the same at a
    random point x0, where the slope is 3x0²."""
    got = student.ask("diff", f="cube", x=2.0)
    expect_close(got, 12.0, atol=1e-7, given="f(x) = x³, x = 2", diagnose=diagnose(cube, 2.0))
    x0 = float(np.round(rng.uniform(1, 3), 3))
    coefficients = [0.0, 0.0, 0.0, 1.0]
    got = student.ask("diff_polynomial", coefficients=coefficients, x=x0)
    p = lambda v: sum(k * v ** n for n, k in enumerate(coefficients))          # as the probe computes it
    expect_close(got, 3 * x0 ** 2, atol=1e-7, given=f"f(x) = x³, x = {x0:g}", diagnose=diagnose(p, x0))


def test_random_polynomial(student, rng):
    """A cubic with random coefficients at a random point: a hard-coded answer cannot pass.
    h = 1e-4 is off by c3·h² (at most 3e-8) plus rounding (below 1e-9)."""
    c = [float(v) for v in rng.uniform(-3, 3, size=4)]
    x = float(rng.uniform(-3, 3))
    slope = c[1] + 2 * c[2] * x + 3 * c[3] * x ** 2
    got = student.ask("diff_polynomial", coefficients=c, x=x)
    p = lambda v: c[0] + c[1] * v + c[2] * v ** 2 + c[3] * v ** 3
    shown = f"f(x) = {c[0]:.3f} + {c[1]:.3f}x + {c[2]:.3f}x² + {c[3]:.3f}x³, x = {x:.4f}"
    expect_close(got, slope, atol=1e-7, given=shown, diagnose=diagnose(p, x))
