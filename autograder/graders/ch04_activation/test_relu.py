"""relu(x) = max(0, x), element by element, leaving x as it was."""
import numpy as np
import pytest

from . import misconceptions as wrong

pytestmark = pytest.mark.grades("relu")


@pytest.mark.public
def test_book_values(student, rng):
    """Negative inputs give 0, positive inputs pass unchanged: [−2, −0.5, 0, 0.5, 3] → [0, 0, 0, 0.5, 3];
    then at random points of both signs."""
    x = np.array([-2.0, -0.5, 0.0, 0.5, 3.0])
    wrong.expect_values(student, "relu", x, [0.0, 0.0, 0.0, 0.5, 3.0], atol=1e-12, candidates=wrong.relu_answers(x))
    x = wrong.signed(rng, 0.01, 5.0, 5)
    wrong.expect_values(student, "relu", x, wrong.relu(x), atol=1e-12, candidates=wrong.relu_answers(x))


def test_two_dimensional(student, rng):
    """A random 3×4 array with both signs: same shape, every element."""
    x = wrong.signed(rng, 0.01, 5.0, (3, 4))
    wrong.expect_values(student, "relu", x, wrong.relu(x), atol=1e-12, candidates=wrong.relu_answers(x))


@pytest.mark.public
def test_input_unchanged(student, rng):
    """relu(x) leaves x as it was (a network still needs its pre-activations), and returns relu(x)."""
    x = wrong.signed(rng, 0.01, 5.0, 6)
    wrong.expect_input_unchanged(student, "relu", x, wrong.relu(x), atol=1e-12, candidates=wrong.relu_answers(x))
