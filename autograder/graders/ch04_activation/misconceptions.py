"""What students get wrong in the activation-function homework, and how the checks see it.

The student kit ships this file with the public checks (autograder/kit.py copies probes,
misconceptions and messages only), so all that a public check needs is here:

- the true functions, to compute expectations and wrong values from; the derivative
  checks compare with ``numerical_derivative``, the central difference of 4.3;
- per function, [(diagnosis code, the value a student with that misconception gets)],
  computed in the trusted process; a failing check looks its value up there
  (expect.first_match);
- asking an activation about an array: code written for one number crashes on an array
  or returns another shape (``not_elementwise``); code that zeroes its input in place
  changes the caller's array (``modifies_input``).
"""
import functools

import numpy as np

from autograder.expect import Fail, Text, expect_close, first_match, show
from autograder.run import StudentError

H = 1e-4                                   # the book's step for numerical differentiation


# ----- the true functions (trusted side) -----
def sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


def relu(x):
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, 0.0)


def numerical_derivative(f, x):
    """The central difference (f(x+h) − f(x−h)) / 2h, element by element."""
    x = np.asarray(x, dtype=float)
    return (f(x + H) - f(x - H)) / (2 * H)


def product(matrices, combine=np.matmul):
    return functools.reduce(combine, matrices)


# ----- sigmoid(x) -----
def sigmoid_answers(x):
    x = np.asarray(x, dtype=float)
    with np.errstate(all="ignore"):
        return [
            ("exponent_sign", sigmoid(-x)),                     # 1 / (1 + exp(x))
            ("precedence", 1.0 + np.exp(-x)),                   # 1 / 1 + exp(-x)
            ("step_function", (x > 0).astype(float)),
            ("wrong_function", np.tanh(x)),
        ]


# ----- sigmoid_grad(x) -----
def sigmoid_grad_answers(x):
    x = np.asarray(x, dtype=float)
    s = sigmoid(x)
    twice = sigmoid(s)
    return [
        ("derivative_of_output", x * (1.0 - x)),                # s(1 − s) with x in place of s
        ("derivative_of_output", twice * (1.0 - twice)),        # s(1 − s) of sigmoid(s)
        ("mixes_input_and_output", s * (1.0 - x)),              # sigmoid(x) * (1 - x)
        ("mixes_input_and_output", x * (1.0 - s)),
        ("returns_function_not_derivative", s),
        ("sign_flipped", -s * (1.0 - s)),
        ("missing_factor", 1.0 - s),
        ("forward_difference", (sigmoid(x + H) - s) / H),
        ("forward_difference", (s - sigmoid(x - H)) / H),
    ]


# ----- relu(x) -----
def relu_answers(x):
    x = np.asarray(x, dtype=float)
    return [
        ("wrong_sign_region", np.minimum(0.0, x)),
        ("wrong_sign_region", relu(-x)),
        ("returns_derivative", (x > 0).astype(float)),
        ("absolute_value", np.abs(x)),
        ("negative_not_zeroed", x.copy()),
    ]


# ----- relu_grad(x) -----
def relu_grad_answers(x):
    x = np.asarray(x, dtype=float)
    return [
        ("wrong_sign_region", (x < 0).astype(float)),
        ("returns_function_not_derivative", relu(x)),
        ("sign_function", np.sign(x)),
    ]


# ----- collapse_linear([W1, W2, ...]) -----
def collapse_answers(weights):
    weights = [np.asarray(w, dtype=float) for w in weights]
    candidates = [
        ("wrong_order", lambda: product(weights[::-1])),
        ("wrong_order", lambda: product([w.T for w in weights]).T),
        ("elementwise_product", lambda: product(weights, np.multiply)),
        ("sum_instead_of_product", lambda: sum(weights)),
        ("skips_a_layer", lambda: product(weights[1:])),
        ("skips_a_layer", lambda: product(weights[:-1])),
    ]
    found = []
    for code, value in candidates:
        try:
            found.append((code, value()))
        except (ValueError, TypeError):        # shapes for which that mistake cannot even run
            continue
    return found


def collapse_crash(message, line):
    """The mistake behind a crash of collapse_linear on matrices of different shapes, told
    from numpy's message and the student's own line; None when it is none of these."""
    if "matmul: Input operand" in message or "not aligned" in message:
        return "wrong_order"                   # W2 @ W1 on shapes that only chain as W1 @ W2
    if "could not be broadcast" in message:
        return "sum_instead_of_product" if "+" in line or "sum" in line else "elementwise_product"
    return None


# ----- sigmoid_chain_factor(n_layers) -----
def chain_factor_answers(n):
    return [
        ("wrong_peak", 0.5 ** n),                   # the sigmoid's value at 0, not its slope
        ("off_by_one", 0.25 ** (n - 1)),
        ("off_by_one", 0.25 ** (n + 1)),
        ("linear_in_layers", 0.25 * n),
        ("inverted", 4.0 ** n),
    ]


# ----- asking an activation about an array -----
# What numpy says when code meant for one number receives an array.
SCALAR_ONLY = (
    "only 0-dimensional arrays", "only length-1 arrays", "only size-1 arrays",
    "truth value of an array", "only integer scalar arrays",
)


def ask(student, function, x):
    """(function(x), x after the call, how to show the input); Fail("not_elementwise")
    when the function cannot take an array or returns another shape."""
    x = np.asarray(x, dtype=float)
    given = f"x = {show(x)}"
    try:
        answer = student.ask("apply", function=function, x=x)
    except StudentError as error:
        message = str(error.detail.get("message", ""))
        if error.code == "crashed" and any(text in message for text in SCALAR_ONLY):
            raise Fail("not_elementwise", given=given,
                       got=f"{error.detail.get('type')}: {message}", expected=shape_of(x.shape)) from None
        raise
    y = answer["y"]
    if isinstance(y, (list, tuple)):
        try:
            y = np.array(y, dtype=float)
        except (TypeError, ValueError):
            pass
    if isinstance(y, (int, float, np.number, np.ndarray)) and np.shape(y) != x.shape:
        raise Fail("not_elementwise", given=given, got=show(y) + Text(f"(形状 {np.shape(y)})", f" (shape {np.shape(y)})"),
                   expected=shape_of(x.shape))
    return y, answer["x_after"], given


def shape_of(shape):
    return Text(f"形状 {shape}", f"shape {shape}")


def expect_values(student, function, x, expected, *, atol, candidates):
    """function(x) equals ``expected`` element by element; a miss is diagnosed from
    ``candidates`` (misconceptions)."""
    y, _, given = ask(student, function, x)
    expect_close(y, expected, atol=atol, given=given, diagnose=lambda got: first_match(got, candidates))


def expect_input_unchanged(student, function, x, expected, *, atol, candidates):
    """function(x) returns ``expected`` (leaving x alone is worth nothing without the right
    values), and afterwards x holds exactly what it held before."""
    x = np.asarray(x, dtype=float)
    y, after, given = ask(student, function, x)
    expect_close(y, expected, atol=atol, given=given, diagnose=lambda got: first_match(got, candidates))
    after = np.asarray(after, dtype=float)
    if after.shape != x.shape or not np.array_equal(after, x):
        raise Fail("modifies_input", given=given, got=show(after), expected=show(x))


# ----- random inputs -----
def signed(rng, low, high, shape):
    """An array of the given shape with low ≤ |x| ≤ high, half of its elements negative:
    both sides of 0 are always tested, and 0 itself never."""
    shape = tuple(np.atleast_1d(shape))
    size = int(np.prod(shape))
    signs = rng.permutation(np.where(np.arange(size) % 2 == 0, 1.0, -1.0))
    return np.round(signs * rng.uniform(low, high, size=size), 3).reshape(shape)


# ----- layer_gradients(weights, x, activation) -----
# A chain of layers a_k = z_{k-1}·W_k, z_k = h(a_k) (z_0 = x), with L = sum(z_n); backward by
# the chain rule: δ_n = h'(a_n), δ_k = (δ_{k+1}·W_{k+1}ᵀ) ⊙ h'(a_k).  The answer: ‖δ_k‖ for
# k = 1 … n, layer 1 (next to the input) first.
def relu_grad(x):
    return (np.asarray(x, dtype=float) > 0).astype(float)


def sigmoid_grad(x):
    s = sigmoid(x)
    return s * (1.0 - s)


def activation_and_slope(name):
    """The activation called ``name`` ("sigmoid" or "relu") and its derivative."""
    return (sigmoid, sigmoid_grad) if name == "sigmoid" else (relu, relu_grad)


def chain(weights, x, activation, *, transpose=True, slope_of_output=False, slopes=True):
    """(pre-activations a_k, outputs z_k, the gradients δ_k, the gradients passed back to each
    layer's input, ∂L/∂z_{k-1}), with switches for the mistakes."""
    h, h_grad = activation_and_slope(activation)
    pre, out, z = [], [], np.asarray(x, dtype=float)
    for layer in weights:
        a = z @ np.asarray(layer, dtype=float)
        z = h(a)
        pre.append(a)
        out.append(z)
    g, deltas, passed = np.ones_like(z), [], []
    for W, a, z in zip(weights[::-1], pre[::-1], out[::-1]):
        delta = g * (h_grad(z if slope_of_output else a) if slopes else 1.0)
        g = delta @ (np.asarray(W, dtype=float).T if transpose else np.asarray(W, dtype=float))
        deltas.append(delta)
        passed.append(g)
    return pre, out, deltas[::-1], passed[::-1]


def norms(arrays, norm=np.linalg.norm):
    return np.array([norm(a) for a in arrays])


def layer_gradients(weights, x, activation):
    return norms(chain(weights, x, activation)[2])


def layer_gradients_answers(weights, x, activation):
    other = "relu" if activation == "sigmoid" else "sigmoid"
    pre, out, deltas, passed = chain(weights, x, activation)
    inputs = [np.asarray(x, dtype=float)] + out[:-1]
    found = [
        ("reversed_order", norms(deltas)[::-1]),
        ("wrong_activation", layer_gradients(weights, x, other)),
        ("gradient_after_weights", norms(passed)),
        ("weight_gradient_norms", norms([z.T @ d for z, d in zip(inputs, deltas)])),
        ("forward_values", norms(out)),
        ("forward_values", norms(pre)),
        ("other_norm", norms(deltas, lambda d: np.sum(d ** 2))),
        ("other_norm", norms(deltas, lambda d: np.sum(np.abs(d)))),
        ("other_norm", norms(deltas, lambda d: np.mean(np.abs(d)))),
        ("other_norm", norms(deltas, lambda d: np.max(np.abs(d)))),
        ("missing_activation_derivative", norms(chain(weights, x, activation, slopes=False)[2])),
    ]
    if activation != "relu":                 # ReLU's slope is the same at a_k and at z_k
        found.append(("slope_at_output", norms(chain(weights, x, activation, slope_of_output=True)[2])))
    if all(np.shape(W)[0] == np.shape(W)[1] for W in weights):
        found.append(("missing_transpose", norms(chain(weights, x, activation, transpose=False)[2])))
    return found


def chain_crash(message):
    """The mistake behind a crash of layer_gradients on layers of different widths: a product
    whose shapes do not fit (W·z for z·W, δ·W for δ·Wᵀ); None for any other crash."""
    if "not aligned" in message or "mismatch in its core dimension" in message:
        return "shapes_do_not_fit"
    return None
