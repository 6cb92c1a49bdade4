"""TwoLayerNet(input_size, hidden_size, output_size, weight_init_std=0.01): params holds
W1 (input×hidden), b1 (hidden), W2 (hidden×output), b2 (output); the weights are drawn
from a Gaussian of standard deviation weight_init_std, the biases are zeros."""
import numpy as np
import pytest

from autograder.expect import Fail, Text, show

pytestmark = pytest.mark.grades("TwoLayerNet.__init__")

KEYS = ("W1", "b1", "W2", "b2")


def shapes(sizes):
    i, h, o = sizes
    return {"W1": (i, h), "b1": (h,), "W2": (h, o), "b2": (o,)}


def params_of(student, sizes, weight_init_std=None):
    """The params of TwoLayerNet(*sizes), checked for keys and shapes."""
    params = student.ask("construct", sizes=list(sizes), weight_init_std=weight_init_std)
    given = f"TwoLayerNet{tuple(sizes) + (() if weight_init_std is None else (weight_init_std,))}"
    if not isinstance(params, dict):
        raise Fail("params_not_dict", given=given, got=show(params))
    for key, shape in shapes(sizes).items():
        if key not in params:
            raise Fail("missing_key", given=given, got=", ".join(map(str, params)) or "{}", expected=key)
        value = params[key]
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "iuf":
            raise Fail("wrong_type", given=given + f", params['{key}']", got=show(value),
                       expected=Text("NumPy の配列", "a NumPy array"))
        if value.shape != shape:
            raise Fail("wrong_shape", given=given + f", params['{key}']", got=str(value.shape),
                       expected=str(shape))
    return params, given


def expect_drawn(params, given):
    """The weights are drawn (not all one value): keys and shapes, or zero biases, are worth
    nothing in a network whose weights were never initialised."""
    for key in ("W1", "W2"):
        w = params[key].astype(float)
        if w.size > 1 and np.all(w == w.flat[0]):
            raise Fail("weights_not_random", given=given + f", params['{key}']", got=show(params[key]),
                       expected=Text("ガウス分布から引いた値", "values drawn from a Gaussian"))


def expect_zero_biases(params, given):
    for key in ("b1", "b2"):
        if not np.all(params[key] == 0):
            raise Fail("biases_not_zero", given=given + f", params['{key}']", got=show(params[key]))


def random_sizes(rng, low, high):
    """(input_size, hidden_size, output_size), each drawn between low and high."""
    return tuple(int(n) for n in rng.integers(low, high + 1, size=3))


@pytest.mark.public
def test_params_keys_and_shapes(student, rng):
    """TwoLayerNet(3, 4, 2): W1 is 3×4, b1 has 4 elements, W2 is 4×2, b2 has 2; the weights
    drawn at random, the biases zero; the same for (5, 3, 4) and for random sizes."""
    for sizes in ((3, 4, 2), (5, 3, 4), random_sizes(rng, 2, 9)):
        params, given = params_of(student, sizes)
        expect_drawn(params, given)
        expect_zero_biases(params, given)


def test_biases_zero(student, rng):
    """The biases start at zero (in a network whose weights are drawn), whatever the sizes."""
    params, given = params_of(student, random_sizes(rng, 2, 9), 1.0)
    expect_drawn(params, given)
    expect_zero_biases(params, given)


@pytest.mark.public
def test_weight_init_std(student, rng):
    """W1 and W2 have standard deviation weight_init_std (a random one here, 0.01 by default) and
    mean ≈ 0."""
    std = float(np.round(rng.uniform(0.2, 2.0), 2))
    for std, given_std in ((std, std), (None, 0.01)):
        params, given = params_of(student, (40, 30, 20), std)
        for key in ("W1", "W2"):
            w = params[key].astype(float)
            measured = float(np.std(w))
            if not (0.85 * given_std <= measured <= 1.15 * given_std and abs(np.mean(w)) < 0.2 * given_std):
                code = "weights_not_random" if measured == 0 else "ignores_weight_init_std"
                raise Fail(code, given=given + f", params['{key}']",
                           got=Text(f"標準偏差 {measured:.4g}、平均 {float(np.mean(w)):.4g}",
                                    f"std {measured:.4g}, mean {float(np.mean(w)):.4g}"),
                           expected=Text(f"標準偏差 {given_std:g}、平均 0", f"std {given_std:g}, mean 0"))
