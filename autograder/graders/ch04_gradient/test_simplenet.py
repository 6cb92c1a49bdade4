"""simpleNet.loss(x, t): the cross-entropy error of softmax(x·W) against the one-hot t."""
import numpy as np
import pytest

from autograder.expect import Fail, expect_close, first_match, number, show, where_raised
from autograder.run import StudentError

from . import misconceptions as wrong

pytestmark = pytest.mark.grades("simpleNet.loss")

# The book's example: W as printed in 4.4.2, x = [0.6, 0.9], t = [0, 0, 1].
BOOK_W = np.array([[0.47355232, 0.9977393, 0.84668094],
                   [0.85557411, 0.03563661, 0.69422093]])
BOOK_X = np.array([0.6, 0.9])
BOOK_T = np.array([0, 0, 1])
BOOK_LOSS = 0.9280682857864075          # the reference loss for these values


def expected_loss(W, x, t):
    return wrong.cross_entropy_error(wrong.softmax(x @ W), t)


def random_net(rng):
    W = rng.normal(size=(2, 3))
    x = rng.uniform(-1, 1, size=2)
    t = np.eye(3, dtype=int)[rng.integers(3)]
    return W, x, t


def losses_of(student, weights, x, t, given):
    """The student's loss for each weight matrix; a product whose shapes do not fit (W·x for
    x·W) is named as such rather than as a bare crash."""
    try:
        return student.ask("net_losses", weights=weights, x=x, t=t)
    except StudentError as error:
        detail = error.detail
        message = str(detail.get("message", ""))
        if detail.get("type") == "ValueError" and ("not aligned" in message or "mismatch in its core dimension" in message):
            raise Fail("weights_transposed", given=given, got=f"ValueError: {message}",
                       where=where_raised(detail)) from None
        raise


def loss_of(student, W, x, t):
    given = f"W = {show(W)}, x = {show(x)}, t = {show(t)}"
    [got] = losses_of(student, [W], x, t, given)
    return got, given


@pytest.mark.public
def test_matches_reference(student, rng):
    """With the book's W, x and t the loss is 0.928...; with other weights, another loss (so
    that the book's number alone does not pass)."""
    got, given = loss_of(student, BOOK_W, BOOK_X, BOOK_T)
    expect_close(got, BOOK_LOSS, atol=1e-6, given=given,
                 diagnose=lambda v: first_match(v, wrong.simple_net_loss(BOOK_W, BOOK_X, BOOK_T)))
    W = np.round(rng.normal(size=(2, 3)), 3)
    got, given = loss_of(student, W, BOOK_X, BOOK_T)
    expect_close(got, expected_loss(W, BOOK_X, BOOK_T), atol=1e-6, given=given,
                 diagnose=lambda v: first_match(v, wrong.simple_net_loss(W, BOOK_X, BOOK_T)))


def test_random_weights(student, rng):
    """Random weights, input and label."""
    W, x, t = random_net(rng)
    got, given = loss_of(student, W, x, t)
    expect_close(got, expected_loss(W, x, t), atol=1e-6, given=given,
                 diagnose=lambda v: first_match(v, wrong.simple_net_loss(W, x, t)))


@pytest.mark.public
def test_gradient_matches_analytic(student, rng):
    """dW = numerical_gradient(lambda w: net.loss(x, t), net.W), by the reference central
    difference over the student's loss, has shape 2×3 and equals x ⊗ (softmax(x·W) − t)
    (times y_t / (y_t + 1e-7), the given cross_entropy_error's delta)."""
    W, x, t = random_net(rng)
    h = 1e-4
    weights = [W]
    for idx in np.ndindex(W.shape):
        for step in (h, -h):
            shifted = W.copy()
            shifted[idx] += step
            weights.append(shifted)
    given = f"W = {show(W)}, x = {show(x)}, t = {show(t)}"
    losses = [number(v, given, allow_non_finite=True)
              for v in losses_of(student, weights, x, t, given)]
    diagnose = lambda v: first_match(v, wrong.simple_net_loss(W, x, t))
    expect_close(losses[0], expected_loss(W, x, t), atol=1e-6, given=given, diagnose=diagnose)
    dW = ((np.array(losses[1::2]) - np.array(losses[2::2])) / (2 * h)).reshape(W.shape)
    y = wrong.softmax(x @ W)
    label = y[np.argmax(t)]
    # The 1e-7 inside the log scales the textbook gradient by y_t / (y_t + 1e-7): up to 1e-6
    # when the label's probability is small, so it is part of the expectation.
    analytic = np.outer(x, label / (label + 1e-7) * (y - t))
    if np.all(dW == 0):
        raise Fail("loss_ignores_W", given=given)
    expect_close(dW, analytic, atol=1e-6, given=given + " (dW)")
