"""sigmoid(x) = 1 / (1 + exp(−x)), element by element."""
import numpy as np
import pytest

from . import misconceptions as wrong

pytestmark = pytest.mark.grades("sigmoid")


@pytest.mark.public
def test_book_values(student, rng):
    """sigmoid(0) = 0.5, sigmoid(−x) = 1 − sigmoid(x), and sigmoid(2) ≈ 0.881; then at random points."""
    x = np.array([-1.0, 0.0, 1.0, 2.0])
    expected = [0.2689414213699951, 0.5, 0.7310585786300049, 0.8807970779778823]
    wrong.expect_values(student, "sigmoid", x, expected, atol=1e-7, candidates=wrong.sigmoid_answers(x))
    x = wrong.signed(rng, 0.1, 5.0, 4)
    wrong.expect_values(student, "sigmoid", x, wrong.sigmoid(x), atol=1e-7, candidates=wrong.sigmoid_answers(x))


def test_two_dimensional(student, rng):
    """A random 3×4 array (a layer's pre-activations for a mini-batch): same shape, every element."""
    x = np.round(rng.uniform(-6, 6, size=(3, 4)), 3)
    wrong.expect_values(student, "sigmoid", x, wrong.sigmoid(x), atol=1e-7, candidates=wrong.sigmoid_answers(x))
