"""TwoLayerNet.loss(x, t): the cross-entropy error of predict(x) against the one-hot t,
averaged over the batch (the notebook's cross_entropy_error).  Graded on its own: predict
answers with the right probabilities while loss is asked."""
import numpy as np
import pytest

from autograder.expect import expect_close, first_match, show

from . import misconceptions as wrong
from .test_predict import HAND_PARAMS, HAND_X, HAND_Y, SIZES, hand_variant, net_text, random_inputs, random_net

try:
    from . import reference          # hidden checks only; the student kit has no reference
except ImportError:
    reference = None

pytestmark = pytest.mark.grades("TwoLayerNet.loss")

HAND_T = np.array([[0, 1], [1, 0], [0, 1]])
# −(log 0.2524... + log 0.0632... + log 0.3676...) / 3, each probability + 1e-7
HAND_LOSS = 1.7126212727154488


def candidates(params, x, t, y, expected):
    return wrong.loss(y, t, expected) + wrong.loss_of_forward(params, x, t)


def loss_of(student, params, x, t, y):
    got = student.ask("loss", sizes=SIZES, params=params, x=x, t=t, y=y)
    return got, (f"{net_text(SIZES, params)}, x = {show(x, whole=True)}, t = {show(t, whole=True)}, "
                 f"predict(x) = {show(y, whole=True)}")


def expect_loss(student, params, x, t, y, expected):
    got, given = loss_of(student, params, x, t, y)
    expect_close(got, expected, atol=1e-9, given=given,
                 diagnose=lambda v: first_match(v, candidates(params, x, t, y, expected)))


def expect_reference_loss(student, params, x, t):
    expect_loss(student, params, x, t, reference.predict(params, x), reference.loss(params, x, t))


@pytest.mark.public
def test_hand_computed(student, rng):
    """The hand-written net of predict's public check, with t = [1, 0, 1] as one-hot rows; then
    the same net rearranged (predict's hand_variant), its targets rearranged alike: the mean of
    −log(y + 1e-7) at each row's right class, by the notebook's cross_entropy_error."""
    expect_loss(student, HAND_PARAMS, HAND_X, HAND_T, HAND_Y, HAND_LOSS)
    params, x, y, (rows, classes) = hand_variant(rng)
    t = HAND_T[rows][:, classes]
    expect_loss(student, params, x, t, y, wrong.cross_entropy_error(y, t))


def test_random_batch(student, rng):
    """Random weights (std 1) and a batch of five with random one-hot targets."""
    params, x = random_net(rng), random_inputs(rng, (5, SIZES[0]))
    t = np.eye(SIZES[2], dtype=int)[rng.integers(SIZES[2], size=5)]
    expect_reference_loss(student, params, x, t)


def test_batch_average(student, rng):
    """A batch of one, then the same sample eight times: the mean loss is the same."""
    params, x = random_net(rng), random_inputs(rng, (1, SIZES[0]))
    t = np.eye(SIZES[2], dtype=int)[rng.integers(SIZES[2], size=1)]
    expect_reference_loss(student, params, x, t)
    expect_reference_loss(student, params, np.repeat(x, 8, axis=0), np.repeat(t, 8, axis=0))
