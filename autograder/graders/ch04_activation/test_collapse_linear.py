"""collapse_linear([W1, W2, ...]): with a linear activation the layers x·W1·W2… are one
layer, whose matrix is the product W1 @ W2 @ … in that order."""
import numpy as np
import pytest

from autograder.expect import Fail, Text, expect_close, first_match, show
from autograder.run import StudentError

from . import misconceptions as wrong

pytestmark = pytest.mark.grades("collapse_linear")


def expect_product(student, weights, expected):
    weights = [np.asarray(w, dtype=float) for w in weights]
    expected = np.asarray(expected, dtype=float)
    if all(w.size <= 4 for w in weights):
        given = "weights = [" + ", ".join(show(w) for w in weights) + "]"
    else:
        shapes = ", ".join("×".join(map(str, w.shape)) for w in weights)
        given = Text(f"形状が {shapes} の weights", f"weights of shapes {shapes}")
    diagnose = lambda value: first_match(value, wrong.collapse_answers(weights))
    try:
        got = student.ask("collapse", weights=weights)
    except StudentError as error:
        message = str(error.detail.get("message", ""))
        code = wrong.collapse_crash(message, str(error.detail.get("text", ""))) if error.code == "crashed" else None
        if code:
            raise Fail(code, given=given, got=f"{error.detail.get('type')}: {message}", expected=show(expected)) from None
        raise
    if isinstance(got, np.ndarray) and got.shape != expected.shape and diagnose(got):
        raise Fail(diagnose(got), given=given, got=show(got), expected=show(expected))
    expect_close(got, expected, atol=1e-9, rtol=1e-12, given=given, diagnose=diagnose)


@pytest.mark.public
def test_c_cubed(student, rng):
    """The lecture's h(x) = cx, three times: three layers of 2·I are one layer of 8·I (c³); the
    same for a random c and size."""
    two = 2.0 * np.eye(2)
    expect_product(student, [two, two, two], 8.0 * np.eye(2))
    c = float(rng.choice([-3.0, -2.0, -1.5, -0.5, 0.5, 1.5, 3.0]))
    layer = c * np.eye(int(rng.integers(2, 5)))
    expect_product(student, [layer, layer, layer], c ** 3 * np.eye(len(layer)))


@pytest.mark.public
def test_two_layers(student, rng):
    """[[1, 2], [3, 4]] then [[0, 1], [1, 0]] (swap the outputs): [[2, 1], [4, 3]]; the same swap
    after a random matrix of whole numbers (whose columns come out swapped)."""
    swap = [[0.0, 1.0], [1.0, 0.0]]
    expect_product(student, [[[1, 2], [3, 4]], swap], [[2.0, 1.0], [4.0, 3.0]])
    while True:
        w = rng.integers(-5, 6, size=(2, 2)).astype(float)
        expected = w[:, ::-1]
        if all(np.shape(value) != expected.shape or not np.allclose(value, expected)
               for _, value in wrong.collapse_answers([w, swap])):
            break
    expect_product(student, [w, swap], expected)


def test_rectangular_chain(student, rng):
    """Random 3×4, 4×2 and 2×5 layers: one 3×5 matrix, the same map x ↦ x·W1·W2·W3."""
    weights = [np.round(rng.normal(size=shape), 3) for shape in ((3, 4), (4, 2), (2, 5))]
    expect_product(student, weights, wrong.product(weights))


@pytest.mark.public
def test_single_matrix(student, rng):
    """A one-layer list [W1] is already one layer: the result is W1 (and [W1, W2] still gives
    W1·W2, so that returning the first matrix is not taken for handling one layer)."""
    w = np.round(rng.normal(size=(2, 3)), 3)
    expect_product(student, [w], w)
    v = np.round(rng.normal(size=(3, 2)), 3)
    expect_product(student, [w, v], wrong.product([w, v]))
