"""TwoLayerNet.predict(x): sigmoid(x·W1 + b1) is the hidden layer, softmax(z1·W2 + b2) the
output: one row of class probabilities per row of x (one vector for a 1-D x)."""
import numpy as np
import pytest

from autograder.expect import expect_close, first_match, show

from . import misconceptions as wrong

try:
    from . import reference          # hidden checks only; the student kit has no reference
except ImportError:
    reference = None

pytestmark = pytest.mark.grades("TwoLayerNet.predict")

SIZES = (3, 4, 2)
# A small net written out by hand, and a batch of three inputs.
HAND_PARAMS = {
    "W1": np.array([[0.5, -1.0, 1.5, 0.0], [1.0, 0.5, -0.5, 2.0], [-1.5, 1.0, 0.0, -1.0]]),
    "b1": np.array([0.1, -0.2, 0.3, 0.0]),
    "W2": np.array([[1.0, -1.0], [-0.5, 2.0], [2.0, 0.5], [-1.0, 1.5]]),
    "b2": np.array([0.2, -0.3]),
}
HAND_X = np.array([[1.0, 0.5, -1.0], [-0.5, 2.0, 1.0], [0.0, -1.0, 0.5]])
HAND_Y = np.array([[0.7475744729164867, 0.2524255270835133],
                   [0.06324590612990295, 0.936754093870097],
                   [0.6323052514608097, 0.3676947485391904]])


def random_net(rng, std=1.0):
    i, h, o = SIZES
    return {"W1": rng.normal(0, std, (i, h)), "b1": rng.normal(0, std, h),
            "W2": rng.normal(0, std, (h, o)), "b2": rng.normal(0, std, o)}


def describe(x):
    return f"TwoLayerNet{SIZES}, x = {show(x)}"


@pytest.mark.public
def test_hand_computed(student):
    """A small net written out by hand and a batch of three: the probabilities are known."""
    got = student.ask("predict", sizes=SIZES, params=HAND_PARAMS, x=HAND_X)
    expect_close(got, HAND_Y, atol=1e-9, given=describe(HAND_X),
                 diagnose=lambda v: first_match(v, wrong.predict(HAND_PARAMS, HAND_X), atol=1e-9))


def test_random_net(student, rng):
    """Random weights and biases (std 1), a batch of five inputs."""
    params, x = random_net(rng), rng.uniform(-2, 2, (5, SIZES[0]))
    got = student.ask("predict", sizes=SIZES, params=params, x=x)
    expect_close(got, reference.predict(params, x), atol=1e-9, given=describe(x),
                 diagnose=lambda v: first_match(v, wrong.predict(params, x), atol=1e-9))


def test_single_sample(student, rng):
    """One input as a 1-D array: one vector of probabilities comes back."""
    params, x = random_net(rng), rng.uniform(-2, 2, SIZES[0])
    got = student.ask("predict", sizes=SIZES, params=params, x=x)
    expect_close(got, reference.predict(params, x), atol=1e-9, given=describe(x),
                 diagnose=lambda v: first_match(v, wrong.predict(params, x), atol=1e-9))
