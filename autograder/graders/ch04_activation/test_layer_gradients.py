"""layer_gradients(weights, x, activation): the vanishing gradient measured.  A chain of layers
a_k = z_{k-1}·W_k, z_k = h(a_k) (z_0 = x) with the loss L = sum of the last outputs; by the chain
rule, from the output back, the gradient δ_k = ∂L/∂a_k = (δ_{k+1}·W_{k+1}ᵀ) ⊙ h'(a_k).  The
answer is the norm ‖δ_k‖ of each layer, layer 1 (next to the input) first.  Graded with exact
sigmoid, sigmoid_grad, relu and relu_grad standing in for the student's."""
import numpy as np
import pytest

from autograder.expect import Fail, expect_close, first_match, where_raised
from autograder.messages import Text
from autograder.run import StudentError

from . import misconceptions as wrong

pytestmark = pytest.mark.grades("layer_gradients")


def random_chain(rng, widths, batch):
    """Weights W_k of shape (widths[k-1], widths[k]) with He's scale √(2 / fan-in), and a batch of inputs."""
    weights = [rng.normal(0.0, np.sqrt(2.0 / m), size=(m, n)) for m, n in zip(widths[:-1], widths[1:])]
    return weights, rng.normal(size=(batch, widths[0]))


def describe(weights, x, activation):
    shapes = ", ".join("×".join(map(str, np.shape(W))) for W in weights)
    rows, columns = np.shape(x)
    return Text(f'activation = "{activation}"、形状が {shapes} の {len(weights)} 層、形状が {rows}×{columns} の x',
                f'activation = "{activation}", {len(weights)} layers of shapes {shapes}, x of shape {rows}×{columns}')


def expect_norms(student, weights, x, activation):
    given = describe(weights, x, activation)
    expected = wrong.layer_gradients(weights, x, activation)
    try:
        got = student.ask("chain_gradients", weights=weights, x=x, activation=activation)
    except StudentError as error:
        code = wrong.chain_crash(str(error.detail.get("message", ""))) if error.code == "crashed" else None
        if code:
            raise Fail(code, given=given, got=f"{error.detail.get('type')}: {error.detail.get('message', '')}",
                       where=where_raised(error.detail)) from None
        raise
    expect_close(got, expected, atol=1e-12, rtol=1e-6, given=given,
                 diagnose=lambda value: first_match(value, wrong.layer_gradients_answers(weights, x, activation),
                                                    atol=1e-12, rtol=1e-6))


@pytest.mark.public
def test_sigmoid_chain(student, rng):
    """Ten sigmoid layers of width 8, random weights, a batch of 4: the gradient shrinks layer by
    layer toward the input."""
    expect_norms(student, *random_chain(rng, [8] * 11, 4), "sigmoid")


@pytest.mark.public
def test_relu_chain(student, rng):
    """The same for ten ReLU layers: the gradient keeps its size."""
    expect_norms(student, *random_chain(rng, [8] * 11, 4), "relu")


def test_rectangular_layers(student, rng):
    """Two to five layers of different widths, each activation: forward z·W, backward δ·Wᵀ."""
    for activation in ("sigmoid", "relu"):
        depth = int(rng.integers(2, 6))
        widths = [int(w) for w in rng.integers(2, 7, size=depth + 1)]
        widths[1] = widths[0] + 1                          # at least one layer that is not square
        expect_norms(student, *random_chain(rng, widths, int(rng.integers(2, 5))), activation)
