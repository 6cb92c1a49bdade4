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
    """Random weights and biases, to three decimals (a message shows them whole)."""
    i, h, o = SIZES
    return {"W1": np.round(rng.normal(0, std, (i, h)), 3), "b1": np.round(rng.normal(0, std, h), 3),
            "W2": np.round(rng.normal(0, std, (h, o)), 3), "b2": np.round(rng.normal(0, std, o), 3)}


def random_inputs(rng, shape):
    return np.round(rng.uniform(-2, 2, shape), 3)


def net_text(sizes, params):
    """The net a message names, with its parameters, so that the student can build it again."""
    shown = ", ".join(f"{key} = {show(np.asarray(params[key]), whole=True)}" for key in ("W1", "b1", "W2", "b2"))
    return f"TwoLayerNet{tuple(sizes)} with {shown}"


def describe(params, x):
    return f"{net_text(SIZES, params)}, x = {show(x, whole=True)}"


def hand_variant(rng):
    """The hand-written net rearranged at random: its hidden neurons in another order (the
    output does not change), its two output classes perhaps swapped, and a batch of 4 to 6 of
    HAND_X's rows, some repeated.  Returns the net, the batch, its probabilities (HAND_Y's rows,
    rearranged alike) and (rows, classes) to rearrange the targets with."""
    hidden, classes = rng.permutation(4), rng.permutation(2)
    rows = rng.integers(3, size=int(rng.integers(4, 7)))
    params = {"W1": HAND_PARAMS["W1"][:, hidden], "b1": HAND_PARAMS["b1"][hidden],
              "W2": HAND_PARAMS["W2"][hidden][:, classes], "b2": HAND_PARAMS["b2"][classes]}
    return params, HAND_X[rows], HAND_Y[rows][:, classes], (rows, classes)


def expect_predict(student, params, x, expected):
    got = student.ask("predict", sizes=SIZES, params=params, x=x)
    expect_close(got, expected, atol=1e-9, given=describe(params, x),
                 diagnose=lambda v: first_match(v, wrong.predict(params, x), atol=1e-9))


@pytest.mark.public
def test_hand_computed(student, rng):
    """A small net written out by hand and a batch of three: the probabilities are known; so are
    they for the same net rearranged (hand_variant)."""
    expect_predict(student, HAND_PARAMS, HAND_X, HAND_Y)
    params, x, y, _ = hand_variant(rng)
    expect_predict(student, params, x, y)


def test_random_net(student, rng):
    """Random weights and biases (std 1), a batch of five inputs."""
    params, x = random_net(rng), random_inputs(rng, (5, SIZES[0]))
    expect_predict(student, params, x, reference.predict(params, x))


def test_single_sample(student, rng):
    """One input as a 1-D array: one vector of probabilities comes back."""
    params, x = random_net(rng), random_inputs(rng, SIZES[0])
    expect_predict(student, params, x, reference.predict(params, x))
