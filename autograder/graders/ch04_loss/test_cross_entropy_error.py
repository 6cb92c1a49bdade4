"""cross_entropy_error(y, t): −Σ t_k log(y_k + 1e-7), averaged over the samples of a batch;
y is one sample (1-D) or a batch (2-D); t is one-hot (the shape of y) or class labels."""
import math

import numpy as np
import pytest

from autograder.expect import Fail, expect_close, first_match, number, show
from autograder.run import StudentError

from . import misconceptions as wrong
from .book import BOOK_T, Y_CLASS_2, Y_CLASS_7, reorder      # the book's examples (4.2.1, 4.2.2)

try:
    from . import reference          # hidden checks only; the student kit has no reference
except ImportError:
    reference = None

pytestmark = pytest.mark.grades("cross_entropy_error")

LOSS_CLASS_2, LOSS_CLASS_7 = 0.510825457099338, 2.302584092994546     # −log(0.6 + 1e-7), −log(0.1 + 1e-7)
# A batch of three: the right class is 2, 2 and 7, so the losses are 0.5108..., 2.3025..., 0.5108...
BATCH_Y = np.array([Y_CLASS_2, Y_CLASS_7, Y_CLASS_7])
BATCH_LABELS = np.array([2, 2, 7])
BATCH_LOSS = (2 * LOSS_CLASS_2 + LOSS_CLASS_7) / 3
TOLERANCE = 1e-5


def loss(student, y, t, expected):
    """The student's cross_entropy_error(y, t), and the inputs as a message shows them.

    A crash on one form of the targets (one-hot or labels) while the same samples in the
    other form give a number means that form is not supported, or, when that number is
    what swapped arguments give, that y and t changed places (``expected`` is shown then)."""
    y, t = np.asarray(y, dtype=float), np.asarray(t)
    given = f"y = {show(y, whole=True)}, t = {show(t, whole=True)}"
    try:
        return student.ask("cross_entropy_error", y=y, t=t), given
    except StudentError as error:
        if error.code != "crashed":
            raise
        onehot = t.size == y.size
        rows = np.atleast_2d(y)
        other = np.asarray(t).reshape(len(rows), -1).argmax(axis=1) if onehot else np.eye(y.shape[-1], dtype=int)[t]
        try:
            value = number(student.ask("cross_entropy_error", y=rows if onehot else y, t=other), given)
        except (StudentError, Fail):
            raise error from None
        crash = f"{error.detail.get('type')}: {error.detail.get('message', '')}"
        if not onehot and first_match(value, [("arguments_swapped", wrong.swapped_arguments(y, other))]):
            raise Fail("arguments_swapped", given=given, got=crash,
                       expected=show(expected)) from None
        raise Fail("onehot_unsupported" if onehot else "labels_unsupported", given=given, got=crash) from None


def diagnose(y, t, expected):
    """Known mistakes first; nan or inf where y holds a 0 is log(0) without the delta."""
    candidates = wrong.cross_entropy_error(y, t, expected)
    return lambda got: (first_match(got, candidates, atol=1e-9, rtol=1e-5)
                        or ("missing_delta" if not np.isfinite(got) and np.any(np.asarray(y) == 0) else None))


def expect_loss(student, y, t, expected):
    """Within 1e-5: the delta (1e-7 or another tiny one, or a clip) moves a loss by less."""
    got, given = loss(student, y, t, expected)
    expect_close(got, expected, atol=TOLERANCE, given=given, diagnose=diagnose(y, t, expected))


def book_batch(rng):
    """A batch of 2 to 6 of the book's two samples, classes in a random order, whose right class
    is the book's class 2 or class 7: each row's loss is 0.5108... (0.6 on its right class) or
    2.3025... (0.1 on it), and the mean is not the book batch's (2·0.5108... + 2.3025...) / 3."""
    order = reorder(rng)
    while True:
        samples = int(rng.integers(2, 7))
        rows = rng.integers(2, size=samples)                   # 0: Y_CLASS_2, 1: Y_CLASS_7
        labels = np.where(rng.integers(2, size=samples) == 0, 2, 7)
        right = (rows == 0) == (labels == 2)                   # 0.6 on the right class
        if 3 * np.sum(right) != 2 * samples:
            break
    y = np.array([Y_CLASS_2, Y_CLASS_7])[rows][:, order]
    relabel = np.argsort(order)                              # where each class went
    expected = (np.sum(right) * LOSS_CLASS_2 + np.sum(~right) * LOSS_CLASS_7) / samples
    return y, relabel[labels], expected


@pytest.mark.public
def test_book_examples(student, rng):
    """One sample, one-hot t: 0.6 on the right class gives 0.5108..., 0.6 on a wrong class 2.3025...;
    the same with the classes in a random order."""
    expect_loss(student, Y_CLASS_2, BOOK_T, LOSS_CLASS_2)
    expect_loss(student, Y_CLASS_7, BOOK_T, LOSS_CLASS_7)
    order = reorder(rng)
    expect_loss(student, Y_CLASS_7[order], BOOK_T[order], LOSS_CLASS_7)
    expect_loss(student, Y_CLASS_2[order], BOOK_T[order], LOSS_CLASS_2)


@pytest.mark.public
def test_zero_probability(student, rng):
    """A probability of exactly 0 gives no nan or inf: log(y + 1e-7) stays finite.  With 0 on a
    wrong class the loss is −log 0.8; with 0 on the right class it is large, −log 1e-7 ≈ 16.1
    (the three classes in a random order)."""
    order = rng.permutation(3)
    t = np.array([0, 0, 1])[order]
    y = np.array([0.0, 0.2, 0.8])[order]
    expect_loss(student, y, t, -math.log(0.8))
    y = np.array([0.3, 0.7, 0.0])[order]
    book = -math.log(1e-7)
    got, given = loss(student, y, t, book)
    got = number(got, given, allow_non_finite=True)
    if not np.isfinite(got):
        raise Fail("missing_delta", given=given, got=show(got))
    if not 10.0 <= got <= 100.0:
        code = first_match(got, wrong.cross_entropy_error(y, t, book), atol=1e-9, rtol=1e-5)
        raise Fail(code or ("delta_too_large" if 0 < got < 10 else None), given=given, got=show(got),
                   expected=f"{book:.4f} (−log 1e-7)", tolerance="10 ≤ loss ≤ 100")


@pytest.mark.public
def test_batch_onehot(student, rng):
    """A batch of three samples with one-hot t: the mean of their losses, (2·0.5108... + 2.3025...) / 3;
    then another batch of the book's samples (book_batch)."""
    expect_loss(student, BATCH_Y, np.eye(10, dtype=int)[BATCH_LABELS], BATCH_LOSS)
    y, labels, expected = book_batch(rng)
    expect_loss(student, y, np.eye(10, dtype=int)[labels], expected)


@pytest.mark.public
def test_batch_labels(student, rng):
    """The same batch with labels t = [2, 2, 7]: the same mean; then another batch (book_batch)."""
    expect_loss(student, BATCH_Y, BATCH_LABELS, BATCH_LOSS)
    y, labels, expected = book_batch(rng)
    expect_loss(student, y, labels, expected)


def test_random_batch(student, rng):
    """A random batch (samples ≠ classes), with labels and with the same targets one-hot."""
    classes = int(rng.integers(3, 9))
    samples = int(rng.choice([n for n in range(2, 7) if n != classes]))
    y = rng.uniform(0.5, 1.5, size=(samples, classes))
    y /= y.sum(axis=1, keepdims=True)            # every probability ≥ 0.04: the delta stays below 1e-5
    labels = rng.integers(classes, size=samples)
    expected = reference.cross_entropy_error(y, labels)
    expect_loss(student, y, labels, expected)
    expect_loss(student, y, np.eye(classes, dtype=int)[labels], expected)
