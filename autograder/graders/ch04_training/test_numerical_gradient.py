"""TwoLayerNet.numerical_gradient(x, t): a dict with the keys of params, each entry the
central-difference gradient of loss(x, t) with respect to that parameter (the notebook's
numerical_gradient(f, x) applied to each array in turn, which it perturbs in place).

Graded on its own: the expected values are central differences of the student's own loss
(or of a stand-in loss when theirs does not run yet), and also accepted are those of the
reference loss."""
import numpy as np
import pytest

from autograder.expect import Fail, array, close, first_match, show, show_pair, tolerance
from autograder.run import StudentError

from . import misconceptions as wrong
from .test_predict import SIZES, net_text

try:
    from . import reference          # hidden checks only; the student kit has no reference
except ImportError:
    reference = None

pytestmark = pytest.mark.grades("TwoLayerNet.numerical_gradient")

KEYS = ("W1", "b1", "W2", "b2")
H = 1e-4
ATOL = RTOL = 1e-7     # a forward difference is off by h/2·f'' ≥ 5e-6 on the nets these checks use
SHAPES = {"W1": (3, 4), "b1": (4,), "W2": (4, 2), "b2": (2,)}


def net_of(rng, std):
    """Random parameters, to three decimals (a message shows them whole)."""
    return {key: np.round(rng.normal(0, std, shape), 3) for key, shape in SHAPES.items()}


def batch_of(rng, samples=5):
    x = np.round(rng.uniform(-2, 2, (samples, SIZES[0])), 3)
    return x, np.eye(SIZES[2])[rng.integers(SIZES[2], size=samples)]


def gradient_of(student, params, x, t):
    """The student's answer, with its dict, keys and shapes checked."""
    given = f"{net_text(SIZES, params)}, x = {show(x, whole=True)}, t = {show(t, whole=True)}"
    try:
        answer = student.ask("numerical_gradient", sizes=SIZES, params=params, x=x, t=t)
    except StudentError as error:
        if error.code == "crashed" and error.detail.get("type") == "TypeError" \
                and "not callable" in error.detail.get("message", ""):
            raise Fail("passes_number_not_function", given=given,
                       got=f"TypeError: {error.detail['message']}") from None
        raise
    grads = answer["grads"]
    if not isinstance(grads, dict):
        raise Fail("not_a_dict", given=given, got=show(grads))
    for key in KEYS:
        if key not in grads:
            raise Fail("missing_key", given=given, got=", ".join(map(str, grads)) or "{}", expected=key)
        array(grads[key], SHAPES[key], given + f", grads['{key}']", allow_non_finite=True)
    return answer, given


def restored(answer, params):
    """Whether every parameter holds its old values after the call (to rounding)."""
    after = answer["params_after"]
    return all(isinstance(after[key], np.ndarray) and after[key].shape == params[key].shape
               and np.allclose(after[key], params[key], rtol=1e-12, atol=1e-12) for key in KEYS)


def forward_gap(params, x, t):
    """How far a forward difference lands from the central one, at most, on this net."""
    base, moved = reference.numerical_gradient(params, x, t)
    return max(np.max(np.abs((plus - base) / H - (plus - minus) / (2 * H))) for plus, minus in moved.values())


def expect_central(student, params, x, t):
    answer, given = gradient_of(student, params, x, t)
    # The reference loss's differences are accepted too (hidden checks; the student kit has
    # no reference, and then the student's own loss, or the stand-in, decides).
    reference_moved = None if reference is None or answer["stand_in"] else reference.numerical_gradient(params, x, t)[1]
    for key in KEYS:
        got = np.asarray(answer["grads"][key], dtype=float)
        plus, minus = answer["moved"][key]
        own = (plus - minus) / (2 * H)
        right = [own] if reference_moved is None else [own, np.subtract(*reference_moved[key]) / (2 * H)]
        if any(close(got, expected, ATOL, RTOL) for expected in right):
            continue
        code = first_match(got, wrong.numerical_gradient(answer["base"], plus, minus))
        if code is None and not restored(answer, params):
            expect_restored(answer, params, given)     # each value then sees the parameters moved before it
        if code is None and not np.all(np.isfinite(got)):
            code = "not_finite"
        shown_got, shown_own = show_pair(got, own, ATOL, RTOL)
        raise Fail(code, given=given + f", grads['{key}']", got=shown_got, expected=shown_own,
                   tolerance=tolerance(ATOL, RTOL))
    return answer, given


def expect_restored(answer, params, given):
    """Every parameter holds the values it had before the call (to rounding)."""
    for key in KEYS:
        after = array(answer["params_after"][key], SHAPES[key], given + f", params['{key}'] afterwards",
                      allow_non_finite=True)
        if not np.allclose(after, params[key], rtol=1e-12, atol=1e-12):
            raise Fail("not_restored", given=f"params['{key}']", got=show(after), expected=show(params[key]))


@pytest.mark.public
def test_keys_and_shapes(student, rng):
    """A dict with W1, b1, W2 and b2, each of its parameter's shape, holding the central
    differences of loss (a dict of the right shapes is worth nothing without the right values)."""
    x, t = batch_of(rng)
    expect_central(student, net_of(rng, 1.0), x, t)


def test_central_difference(student, rng):
    """Weights of std 1, chosen so that a forward difference would be off by at least 5e-6:
    every entry is the central difference (f(w+h) − f(w−h)) / 2h within 1e-7."""
    for _ in range(100):
        params, (x, t) = net_of(rng, 1.0), batch_of(rng)
        if forward_gap(params, x, t) >= 5e-6:
            break
    expect_central(student, params, x, t)


def test_single_sample_batch(student, rng):
    """A batch of one sample, larger weights (std 2)."""
    for _ in range(100):
        params, (x, t) = net_of(rng, 2.0), batch_of(rng, samples=1)
        if forward_gap(params, x, t) >= 5e-6:
            break
    expect_central(student, params, x, t)


def test_params_restored(student, rng):
    """After the call every parameter holds the values it had (to rounding), and the gradient
    it returned is the central difference."""
    params, (x, t) = net_of(rng, 1.0), batch_of(rng)
    answer, given = expect_central(student, params, x, t)
    expect_restored(answer, params, given)
