"""sigmoid_grad(x): the slope of the sigmoid, compared with the central difference of 4.3.
Graded with an exact sigmoid standing in for the student's, so only sigmoid_grad's own
mistakes cost here."""
import numpy as np
import pytest

from . import misconceptions as wrong

pytestmark = pytest.mark.grades("sigmoid_grad")


def expect_slopes(student, x, expected):
    wrong.expect_values(student, "sigmoid_grad", x, expected, atol=1e-7, candidates=wrong.sigmoid_grad_answers(x))


@pytest.mark.public
def test_peak_at_zero(student, rng):
    """The slope is 0.25 at 0 (its maximum) and the same at x and −x: 0.1966 at ±1, 0.1050 at ±2;
    then at 0 and a random ±a, compared with the central difference of sigmoid."""
    x = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    expect_slopes(student, x, [0.1049935854035065, 0.19661193324148185, 0.25, 0.19661193324148185,
                               0.1049935854035065])
    a = float(np.round(rng.uniform(0.3, 4.0), 3))
    x = np.array([-a, 0.0, a])
    expect_slopes(student, x, wrong.numerical_derivative(wrong.sigmoid, x))


def test_matches_numerical_derivative(student, rng):
    """At random points (0.3 ≤ |x| ≤ 4) it equals the central difference of sigmoid within 1e-7;
    a forward difference is off by more than 8e-7 there."""
    x = wrong.signed(rng, 0.3, 4.0, 6)
    expect_slopes(student, x, wrong.numerical_derivative(wrong.sigmoid, x))


def test_two_dimensional(student, rng):
    """A random 2×3 array: same shape, every element's slope."""
    x = wrong.signed(rng, 0.3, 4.0, (2, 3))
    expect_slopes(student, x, wrong.numerical_derivative(wrong.sigmoid, x))
