"""What students get wrong in 4.3–4.4, written as the values a wrong answer produces.

Each function returns {diagnosis code: the value a student with that misconception
gets}, computed here in the trusted process with the same floating-point steps the
wrong code takes, so a match is close to exact.  A check that fails looks the
student's value up here (expect.first_match) to name the misconception.
"""
import numpy as np

H = 1e-4                                          # the book's step
TOO_SMALL = (1e-50, 1e-20, 1e-15, 1e-12, 1e-10, 1e-8, 1e-7, 1e-6)   # rounding error dominates
TOO_LARGE = (1.0, 0.5, 0.1, 0.05, 0.01, 1e-3)     # truncation error dominates


# ----- numerical_diff(f, x) -----
def numerical_diff(f, x):
    wrong = {
        "forward_difference": (f(x + H) - f(x)) / H,
        "missing_half": (f(x + H) - f(x - H)) / H,
        "precedence": (f(x + H) - f(x - H)) / 2 * H,
        "sign_flipped": (f(x - H) - f(x + H)) / (2 * H),
    }
    candidates = list(wrong.items()) + [("forward_difference", (f(x) - f(x - H)) / H)]
    for h in TOO_SMALL:
        candidates += [("step_too_small", (f(x + h) - f(x - h)) / (2 * h)),
                       ("step_too_small", (f(x + h) - f(x)) / h)]
    for h in TOO_LARGE:
        candidates += [("step_too_large", (f(x + h) - f(x - h)) / (2 * h)),
                       ("step_too_large", (f(x + h) - f(x)) / h)]
    return candidates


# ----- numerical_gradient(f, x) -----
def _partials(f, x, difference):
    """Apply a (wrong) one-element difference along every element of x."""
    x = np.array(x, dtype=float)
    flat = [difference(f, x, np.unravel_index(k, x.shape)) for k in range(x.size)]
    return np.array(flat, dtype=float).reshape(x.shape)


def _shifted(x, idx, delta):
    y = x.copy()
    y[idx] += delta
    return y


def _central(h):
    return lambda f, x, i: (f(_shifted(x, i, h)) - f(_shifted(x, i, -h))) / (2 * h)


def numerical_gradient(f, x):
    central = _central(H)
    right = _partials(f, x, central)
    wrong = [
        ("forward_difference", _partials(f, x, lambda f, x, i: (f(_shifted(x, i, H)) - f(x)) / H)),
        ("half_step", _partials(f, x, lambda f, x, i: (f(_shifted(x, i, H)) - f(x)) / (2 * H))),
        ("missing_half", 2 * right),
        ("sign_flipped", -right),
        ("returns_input", np.array(x, dtype=float)),
        ("integer_gradient", np.trunc(right)),      # written into an integer array: 7.99… becomes 7
    ]
    wrong += [("step_too_small", _partials(f, x, _central(h))) for h in TOO_SMALL]
    wrong += [("step_too_large", _partials(f, x, _central(h))) for h in TOO_LARGE]
    return wrong


def gradient_by_rows(f, x):
    """``for i in range(len(x))`` on a 2-D array: x[i] is a whole row, perturbed at once."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for i in range(len(x)):
        up, down = x.copy(), x.copy()
        up[i] += H
        down[i] -= H
        grad[i] = (f(up) - f(down)) / (2 * H)
    return grad


# ----- gradient_descent(f, init_x, lr, step_num) on f = sum((x − c)²) (gradient 2(x − c)) -----
def gradient_descent(init_x, lr, step_num, centre=0.0):
    """On a sum of squares centred at c each step multiplies x − c by (1 − 2·lr); each
    mistake changes that."""
    x0 = np.array(init_x, dtype=float)
    c = np.asarray(centre, dtype=float)
    d = x0 - c
    wrong = [
        ("return_inside_loop", d * (1 - 2 * lr)),                      # one step, then return
        ("gradient_ascent", d * (1 + 2 * lr) ** step_num),
        ("gradient_not_recomputed", d - step_num * lr * 2 * d),
        ("wrong_step_count", d * (1 - 2 * lr) ** (step_num - 1)),
        ("wrong_step_count", d * (1 - 2 * lr) ** (step_num + 1)),
        ("ignores_learning_rate", d * (1 - 2 * 0.01) ** step_num),   # the default lr
        ("ignores_learning_rate", d * (1 - 2 * 0.1) ** step_num),
        ("wrong_step_count", d * (1 - 2 * lr) ** 100),               # the default step_num
        ("wrong_step_count", d),                                     # no step taken
    ]
    return [(code, c + value) for code, value in wrong if np.all(np.isfinite(value))]


# ----- simpleNet.loss(x, t) -----
def softmax(a):
    a = a - np.max(a, axis=-1, keepdims=True)
    e = np.exp(a)
    return e / np.sum(e, axis=-1, keepdims=True)


def cross_entropy_error(y, t):
    """The given cross_entropy_error for one sample and a one-hot t: only the label's entry
    counts (so raw scores, negative elsewhere, give a number, as in the student's run)."""
    return -np.log(y[np.argmax(t)] + 1e-7)


def simple_net_loss(W, x, t):
    with np.errstate(all="ignore"):
        return [
            ("missing_softmax", cross_entropy_error(x @ W, t)),
            ("softmax_twice", cross_entropy_error(softmax(softmax(x @ W)), t)),
            ("wrong_loss_function", 0.5 * np.sum((softmax(x @ W) - t) ** 2)),
            ("wrong_loss_function", np.sum((softmax(x @ W) - t) ** 2)),
            ("wrong_loss_function", np.mean((softmax(x @ W) - t) ** 2)),
        ]


# ----- analytic_gradient(W, x, t): dW = xᵀ(softmax(x·W) − t), averaged over a batch -----
def as_rows(x, t):
    """x and t as batches of rows: one sample becomes a batch of one, as the given
    cross_entropy_error reads it."""
    x, t = np.asarray(x, dtype=float), np.asarray(t, dtype=float)
    return (x.reshape(1, -1), t.reshape(1, -1)) if x.ndim == 1 else (x, t)


def analytic_gradient(W, x, t):
    """The gradient of simpleNet's loss (without the 1e-7 inside the log) with respect to W."""
    X, T = as_rows(x, t)
    return X.T @ (softmax(X @ np.asarray(W, dtype=float)) - T) / X.shape[0]


def analytic_gradient_answers(W, x, t):
    """The gradients that each mistake gives, for one sample or a batch."""
    W = np.asarray(W, dtype=float)
    X, T = as_rows(x, t)
    n = X.shape[0]
    Y = softmax(X @ W)
    with np.errstate(all="ignore"):
        return [
            ("scores_not_probabilities", X.T @ (X @ W - T) / n),
            ("gradient_sign_flipped", X.T @ (T - Y) / n),
            ("ignores_label", X.T @ Y / n),
            ("not_averaged", X.T @ (Y - T)),
            ("wrong_divisor", X.T @ (Y - T) / X.shape[1]),         # x.shape[0] of one sample: its length
            ("wrong_divisor", X.T @ (Y - T) / (n * W.shape[1])),   # np.mean over samples and classes
        ]


# ----- relative_error(a, b): max over the elements of |a − b| / max(|a| + |b|, 1e-8) -----
TINY = 1e-8


def relative_errors(a, b):
    """The relative error of every element."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), TINY)


def relative_error(a, b):
    return float(np.max(relative_errors(a, b)))


def relative_error_answers(a, b):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    d, s = a - b, np.abs(a) + np.abs(b)
    guarded = lambda denominator: np.maximum(denominator, TINY)
    with np.errstate(all="ignore"):
        return [
            ("zero_division", np.max(np.abs(d) / s)),                 # 0/0 where a and b are both 0
            ("no_denominator", np.max(np.abs(d))),
            ("missing_abs", np.max(d / guarded(s))),
            ("missing_abs", np.max(-d / guarded(s))),
            ("missing_abs", np.max(np.abs(d) / guarded(a + b))),
            ("missing_abs", np.max(np.abs(d) / np.abs(a + b))),
            ("missing_abs", np.max(np.abs(d) / guarded(np.abs(a + b)))),
            ("missing_abs", np.max(d / (a + b))),
            ("mean_not_max", np.mean(np.abs(d) / guarded(s))),
            ("mean_not_max", np.sum(np.abs(d) / guarded(s))),
            ("other_denominator", np.max(np.abs(d) / guarded(np.maximum(np.abs(a), np.abs(b))))),
            ("one_sided_denominator", np.max(np.abs(d) / guarded(np.abs(a)))),
            ("one_sided_denominator", np.max(np.abs(d) / guarded(np.abs(b)))),
            ("one_sided_denominator", np.max(np.abs(d) / np.abs(b))),
            ("one_sided_denominator", np.max(np.abs(d) / np.abs(a))),
            ("whole_array_ratio", np.max(np.abs(d)) / max(np.max(s), TINY)),
            ("whole_array_ratio", np.max(np.abs(d)) / max(np.max(np.abs(a)) + np.max(np.abs(b)), TINY)),
            ("whole_array_ratio", np.linalg.norm(d) / max(np.linalg.norm(a) + np.linalg.norm(b), TINY)),
            ("whole_array_ratio", np.sum(np.abs(d)) / max(np.sum(s), TINY)),
        ]
