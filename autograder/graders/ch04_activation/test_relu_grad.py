"""relu_grad(x): 1 where x > 0, 0 where x < 0 (never asked at exactly 0, where the slope
is a convention), compared with the central difference of 4.3.  Graded with an exact
relu standing in for the student's."""
import numpy as np
import pytest

from . import misconceptions as wrong

pytestmark = pytest.mark.grades("relu_grad")


def expect_slopes(student, x, expected):
    wrong.expect_values(student, "relu_grad", x, expected, atol=1e-9, candidates=wrong.relu_grad_answers(x))


@pytest.mark.public
def test_signs(student, rng):
    """[−3, −0.5, 0.25, 2] → [0, 0, 1, 1]; then random points of both signs."""
    expect_slopes(student, np.array([-3.0, -0.5, 0.25, 2.0]), [0.0, 0.0, 1.0, 1.0])
    x = wrong.signed(rng, 0.01, 5.0, 5)
    expect_slopes(student, x, wrong.numerical_derivative(wrong.relu, x))


def test_matches_numerical_derivative(student, rng):
    """At random points (|x| ≥ 0.01) it equals the central difference of relu."""
    x = wrong.signed(rng, 0.01, 5.0, 8)
    expect_slopes(student, x, wrong.numerical_derivative(wrong.relu, x))


def test_two_dimensional(student, rng):
    """A random 3×4 array: same shape, every element."""
    x = wrong.signed(rng, 0.01, 5.0, (3, 4))
    expect_slopes(student, x, wrong.numerical_derivative(wrong.relu, x))


@pytest.mark.public
def test_input_unchanged(student, rng):
    """relu_grad(x) leaves x as it was, and returns the right slopes."""
    x = wrong.signed(rng, 0.01, 5.0, 6)
    wrong.expect_input_unchanged(student, "relu_grad", x, wrong.numerical_derivative(wrong.relu, x), atol=1e-9,
                                 candidates=wrong.relu_grad_answers(x))
