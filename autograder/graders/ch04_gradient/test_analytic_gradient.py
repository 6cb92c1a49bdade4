"""analytic_gradient(W, x, t): the gradient of simpleNet's loss with respect to W by the chain
rule, dW = xᵀ(softmax(x·W) − t), for one sample (x of shape (D,)) or a batch (x of shape
(N, D)), averaged over the batch as the loss is.  W has any shape (D, C), t is one-hot."""
import numpy as np
import pytest

from autograder.expect import Fail, close, expect_close, first_match, show, where_raised
from autograder.run import StudentError

from . import misconceptions as wrong

pytestmark = pytest.mark.grades("analytic_gradient")

# The book's example (4.4.2): W as printed, x = [0.6, 0.9], t = [0, 0, 1].
BOOK_W = np.array([[0.47355232, 0.9977393, 0.84668094],
                   [0.85557411, 0.03563661, 0.69422093]])
BOOK_X = np.array([0.6, 0.9])
BOOK_T = np.array([0, 0, 1])
# What numpy says when the shapes of a product do not fit.
SHAPE_ERRORS = ("not aligned", "mismatch in its core dimension", "could not be broadcast")


def one_hot(rng, n, classes):
    return np.eye(classes, dtype=int)[rng.integers(classes, size=n)]


def random_problem(rng, inputs, classes, batch=None):
    """Random weights of shape (inputs, classes), one sample (batch None) or a batch, one-hot labels."""
    W = np.round(rng.normal(size=(inputs, classes)), 3)
    if batch is None:
        return W, np.round(rng.uniform(-1, 1, size=inputs), 3), one_hot(rng, 1, classes)[0]
    return W, np.round(rng.uniform(-1, 1, size=(batch, inputs)), 3), one_hot(rng, batch, classes)


def expect_gradient(student, W, x, t):
    """analytic_gradient(W, x, t) is the reference dW; the transposed gradient, np.outer of a
    batch and a product whose shapes do not fit are named as such."""
    given = f"W = {show(W)}, x = {show(x)}, t = {show(t)}"
    try:
        got = student.ask("analytic", W=W, x=x, t=t)
    except StudentError as error:
        message = str(error.detail.get("message", ""))
        if error.detail.get("type") == "ValueError" and any(text in message for text in SHAPE_ERRORS):
            raise Fail("shapes_do_not_fit", given=given, got=f"ValueError: {message}",
                       where=where_raised(error.detail)) from None
        raise
    expected = wrong.analytic_gradient(W, x, t)
    shape = np.shape(got) if isinstance(got, np.ndarray) else None
    if shape == expected.T.shape != expected.shape and close(got.T, expected, atol=1e-9, rtol=1e-6):
        raise Fail("gradient_transposed", given=given, got=str(shape), expected=str(expected.shape))
    if np.ndim(x) == 2 and len(x) > 1 and shape == (np.size(x), np.size(t)):
        raise Fail("outer_of_batch", given=given, got=str(shape), expected=str(expected.shape))
    expect_close(got, expected, atol=1e-9, rtol=1e-6, given=given,
                 diagnose=lambda value: first_match(value, wrong.analytic_gradient_answers(W, x, t),
                                                    atol=1e-9, rtol=1e-6))


@pytest.mark.public
def test_book_example(student, rng):
    """The book's W, x and t: dW ≈ [[0.219, 0.144, −0.363], [0.329, 0.215, −0.544]]; then random
    weights, input and label of the same shapes."""
    expect_gradient(student, BOOK_W, BOOK_X, BOOK_T)
    expect_gradient(student, *random_problem(rng, 2, 3))


def test_other_shapes(student, rng):
    """W of another shape (D inputs, C classes, D ≠ C): one sample as a 1-D x, then the same
    sample as a batch of one (x of shape (1, D))."""
    inputs, classes = rng.permutation([3, 4, 5])[:2]
    W, x, t = random_problem(rng, int(inputs), int(classes))
    expect_gradient(student, W, x, t)
    expect_gradient(student, W, x.reshape(1, -1), t.reshape(1, -1))


@pytest.mark.public
def test_batch_of_samples(student, rng):
    """A batch of N samples (x of shape (N, D), t of shape (N, C)): the loss is their mean, so
    dW = xᵀ(softmax(x·W) − t) / N; with the book's 2×3 shape and with a random one."""
    expect_gradient(student, *random_problem(rng, 2, 3, batch=int(rng.integers(4, 9))))
    inputs, classes = rng.permutation([3, 4, 5])[:2]
    expect_gradient(student, *random_problem(rng, int(inputs), int(classes), batch=int(rng.integers(6, 10))))
