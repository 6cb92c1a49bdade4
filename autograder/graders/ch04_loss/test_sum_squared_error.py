"""sum_squared_error(y, t): half the sum of the squared differences, 0.5·Σ(y_k − t_k)²."""
import numpy as np
import pytest

from autograder.expect import expect_close, first_match, show

from . import misconceptions as wrong
from .book import BOOK_T, Y_CLASS_2, Y_CLASS_7, reorder      # the book's examples (4.2.1, 4.2.2)

try:
    from . import reference          # hidden checks only; the student kit has no reference
except ImportError:
    reference = None

pytestmark = pytest.mark.grades("sum_squared_error")


def expect_sse(student, y, t, expected):
    got = student.ask("sum_squared_error", y=y, t=t)
    expect_close(got, expected, atol=1e-9, given=f"y = {show(y)}, t = {show(t)}",
                 diagnose=lambda v: first_match(v, wrong.sum_squared_error(y, t, expected)))


@pytest.mark.public
def test_book_examples(student, rng):
    """0.6 on the right class gives 0.0975; 0.6 on a wrong class gives 0.5975; the same with
    the classes in a random order."""
    expect_sse(student, Y_CLASS_2, BOOK_T, 0.0975)
    expect_sse(student, Y_CLASS_7, BOOK_T, 0.5975)
    order = reorder(rng)
    expect_sse(student, Y_CLASS_7[order], BOOK_T[order], 0.5975)
    expect_sse(student, Y_CLASS_2[order], BOOK_T[order], 0.0975)


def test_random_vector(student, rng):
    """Random probabilities over a random number of classes, a random right class."""
    n = int(rng.integers(3, 9))
    y = rng.dirichlet(np.ones(n))
    t = np.eye(n, dtype=int)[rng.integers(n)]
    expect_sse(student, y, t, reference.sum_squared_error(y, t))
