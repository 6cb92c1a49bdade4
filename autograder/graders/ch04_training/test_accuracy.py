"""TwoLayerNet.accuracy(x, t): the fraction of the samples whose most probable class
(argmax of predict(x), row by row) is the class of their one-hot t.  Graded on its own:
predict answers with the right probabilities while accuracy is asked."""
import numpy as np
import pytest

from autograder.expect import Text, expect_close, first_match, show

from . import misconceptions as wrong
from .test_predict import HAND_PARAMS, HAND_X, HAND_Y, SIZES, hand_variant

try:
    from . import reference          # hidden checks only; the student kit has no reference
except ImportError:
    reference = None

pytestmark = pytest.mark.grades("TwoLayerNet.accuracy")

# predict's public net says class 0, 1, 0 for the three inputs; the answers are 1, 0, 0.
HAND_T = np.array([[0, 1], [1, 0], [1, 0]])
HAND_RIGHT = np.array([False, False, True])     # which of the three predictions is right
HAND_ACCURACY = 1 / 3
BIGGER = (3, 4, 3)


def accuracy_of(student, sizes, params, x, t, y):
    """The student's accuracy(x, t), predict(x) answering ``y``: only y, t and the number of
    rows of x matter, so a message shows those."""
    got = student.ask("accuracy", sizes=sizes, params=params, x=x, t=t, y=y)
    shown_y, shown_t = show(y, whole=True), show(t, whole=True)
    return got, Text(f"predict(x) が {shown_y} になる {len(x)} 行の x、t = {shown_t}",
                     f"x of {len(x)} rows whose predict(x) is {shown_y}, t = {shown_t}")


def random_case(rng, samples=7):
    i, h, o = BIGGER
    params = {"W1": rng.normal(0, 1, (i, h)), "b1": rng.normal(0, 1, h),
              "W2": rng.normal(0, 2, (h, o)), "b2": rng.normal(0, 1, o)}
    x = rng.uniform(-2, 2, (samples, i))
    return params, x, reference.predict(params, x)


def unmistakable(y, t, expected):
    """Neither 0 nor 1 (a constant answer cannot hit it), and no known mistake gives it."""
    return 0 < expected < 1 and all(not np.isclose(value, expected) for _, value in wrong.accuracy(y, t))


@pytest.mark.public
def test_hand_computed(student, rng):
    """One of the three predicted classes is right: the accuracy is 1/3.  Then predict's hand net
    rearranged (hand_variant), each row's target either its own (right or wrong as before) or
    the other class (which turns right into wrong and wrong into right)."""
    got, given = accuracy_of(student, SIZES, HAND_PARAMS, HAND_X, HAND_T, HAND_Y)
    expect_close(got, HAND_ACCURACY, atol=1e-12, given=given,
                 diagnose=lambda v: first_match(v, wrong.accuracy(HAND_Y, HAND_T)))
    for _ in range(100):
        params, x, y, (rows, classes) = hand_variant(rng)
        flip = rng.integers(2, size=len(rows)) == 1
        t = np.where(flip[:, None], 1 - HAND_T[rows], HAND_T[rows])[:, classes]
        expected = float(np.mean(HAND_RIGHT[rows] != flip))
        if unmistakable(y, t, expected) and not np.isclose(expected, HAND_ACCURACY):
            break
    got, given = accuracy_of(student, SIZES, params, x, t, y)
    expect_close(got, expected, atol=1e-12, given=given, diagnose=lambda v: first_match(v, wrong.accuracy(y, t)))


def test_random_predictions(student, rng):
    """Seven samples, three classes; about half of the targets agree with the prediction (some,
    never all or none)."""
    params, x, y = random_case(rng)
    for _ in range(50):                          # targets whose mistakes all give other values
        right = y.argmax(axis=1)
        labels = np.where(rng.random(len(y)) < 0.5, right, (right + rng.integers(1, 3, len(y))) % 3)
        t = np.eye(3, dtype=int)[labels]
        expected = reference.accuracy(y, t)
        # neither 0 nor 1 (a constant answer cannot hit it), and no mistake gives it
        if 0 < expected < 1 and all(not np.isclose(value, expected) for _, value in wrong.accuracy(y, t)):
            break
    got, given = accuracy_of(student, BIGGER, params, x, t, y)
    expect_close(got, expected, atol=1e-12, given=given,
                 diagnose=lambda v: first_match(v, wrong.accuracy(y, t)))


def test_all_and_none(student, rng):
    """Targets equal to the predicted classes give 1.0; targets all different give 0.0."""
    for _ in range(50):                          # where argmax down the columns gives neither 0 nor 1
        params, x, y = random_case(rng, samples=5)
        right = y.argmax(axis=1)
        if 0 < np.sum(y.argmax(axis=0) == np.eye(3)[right].argmax(axis=0)) < 3:
            break
    for labels, expected in ((right, 1.0), ((right + 1) % 3, 0.0)):
        t = np.eye(3, dtype=int)[labels]
        got, given = accuracy_of(student, BIGGER, params, x, t, y)
        expect_close(got, expected, atol=1e-12, given=given,
                     diagnose=lambda v: first_match(v, wrong.accuracy(y, t)))
