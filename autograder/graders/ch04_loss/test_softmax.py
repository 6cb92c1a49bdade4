"""softmax(a): exp(a_k) / Σ exp(a_i), computed after subtracting the maximum so that large
scores do not overflow; on a 2-D batch, row by row."""
import numpy as np
import pytest

from autograder.expect import Fail, array, expect_close, show
from autograder.run import StudentError

from . import misconceptions as wrong

try:
    from . import reference          # hidden checks only; the student kit has no reference
except ImportError:
    reference = None

pytestmark = pytest.mark.grades("softmax")

# The book's examples (3.5.1, 3.5.2) and their softmax.
BOOK_A = np.array([0.3, 2.9, 4.0])
BOOK_Y = np.array([0.01821127329554753, 0.24519181293507392, 0.7365969137693786])
LARGE_A = np.array([1010.0, 1000.0, 990.0])
LARGE_Y = np.array([0.999954600070331, 4.539786860886666e-05, 2.061060046209062e-09])
SMALL_A = np.array([-3.0, 0.0, 3.0])
SMALL_Y = np.array([0.00235563308079668, 0.047314155221824035, 0.9503302116973793])


def softmax_of(student, a):
    """The student's softmax(a); a crash that a known mistake explains becomes that diagnosis."""
    a = np.array(a, dtype=float)
    given = f"a = {show(a, whole=True)}"
    try:
        return student.ask("softmax", a=a), given
    except StudentError as error:
        kind, message = error.detail.get("type"), error.detail.get("message", "")
        got = f"{kind}: {message}"
        if error.code == "crashed" and a.ndim == 1 and kind == "AxisError":
            raise Fail("fails_on_vector", given=given, got=got) from None
        if error.code == "crashed" and a.ndim == 2 and kind == "ValueError" and "broadcast" in message:
            raise Fail("missing_keepdims", given=given, got=got) from None
        raise


def expect_softmax(student, a, expected, atol=1e-9, rtol=0.0):
    got, given = softmax_of(student, a)
    expect_close(got, expected, atol=atol, rtol=rtol, given=given,
                 diagnose=lambda v: wrong.softmax(v, expected))


def moved(rng, a):
    """The scores in another order (never the book's), raised or lowered by a random amount:
    softmax gives the book's probabilities in that order (adding a constant changes nothing)."""
    while True:
        order = rng.permutation(len(a))
        if np.any(order != np.arange(len(a))):
            return order, np.round(rng.uniform(-5, 5), 2)


@pytest.mark.public
def test_book_example(student, rng):
    """softmax([0.3, 2.9, 4.0]) = [0.0182..., 0.2451..., 0.7365...]; the same scores in another
    order and moved by a constant c give the same probabilities in that order."""
    expect_softmax(student, BOOK_A, BOOK_Y)
    order, c = moved(rng, BOOK_A)
    expect_softmax(student, BOOK_A[order] + c, BOOK_Y[order])


@pytest.mark.public
def test_large_inputs(student, rng):
    """softmax([1010, 1000, 990]) = [0.99995..., 4.54e-5, 2.06e-9]: exp(1010) alone overflows; the
    same in another order, moved by a whole number (so that the differences stay exact)."""
    expect_softmax(student, LARGE_A, LARGE_Y, atol=1e-15, rtol=1e-6)
    order, _ = moved(rng, LARGE_A)
    c = float(rng.integers(-200, 201))
    expect_softmax(student, LARGE_A[order] + c, LARGE_Y[order], atol=1e-15, rtol=1e-6)


@pytest.mark.public
def test_batch_rows(student, rng):
    """On a 2×3 batch each row is a softmax of its own: [[0.3, 2.9, 4.0], [0, 0, 0]] gives the book's
    row and [1/3, 1/3, 1/3]; so do the rows swapped, one in another order, each moved by a
    constant of its own."""
    third = [1 / 3, 1 / 3, 1 / 3]
    expect_softmax(student, [BOOK_A, [0.0, 0.0, 0.0]], [BOOK_Y, third])
    order, c = moved(rng, BOOK_A)
    level = np.round(rng.uniform(-5, 5), 2)
    expect_softmax(student, [[level] * 3, BOOK_A[order] + c], [third, BOOK_Y[order]])


def test_random_batch(student, rng):
    """A random batch (rows ≠ columns), each row around its own level."""
    columns = int(rng.integers(3, 8))
    rows = int(rng.choice([n for n in range(2, 7) if n != columns]))
    a = rng.normal(scale=3.0, size=(rows, columns)) + rng.uniform(-20, 20, size=(rows, 1))
    expect_softmax(student, a, reference.softmax(a))


@pytest.mark.public
def test_rows_far_apart(student, rng):
    """Rows at very different levels, [[1010, 1000, 990], [-3, 0, 3]], each moved a little by a
    random amount: each row must be shifted by its own maximum; one maximum for the whole batch
    sends the second row to exp(-1013) = 0 and 0/0."""
    a = np.array([LARGE_A, SMALL_A]) + np.round(rng.uniform(-2, 2, size=(2, 1)), 2)
    expected = np.array([LARGE_Y, SMALL_Y])
    got, given = softmax_of(student, a)
    got = array(got, a.shape, given, allow_non_finite=True)
    if np.all(np.isfinite(got[0])) and not np.all(np.isfinite(got[1])):
        raise Fail("global_max_shift", given=given, got=show(got), expected=show(expected))
    expect_close(got, expected, atol=1e-15, rtol=1e-6, given=given,
                 diagnose=lambda v: wrong.softmax(v, expected))
