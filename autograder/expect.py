"""The vocabulary graders are written in.

A check asks the student's code a question (``student.ask``), then says what it
expects, with what tolerance, and which misconception explains a miss:

    got = student.ask("diff", f="square", x=2.0)
    expect_close(got, 4.0, atol=1e-6, given="f(x) = x², x = 2",
                 diagnose=misconceptions.numerical_diff(square, 2.0))

A miss raises ``Fail(diagnosis, **facts)``; the facts fill the message that the
student reads (messages.toml), so they are plain, short strings: values and code as
they are, words as a ``Text`` in both languages (``Text("数値", "a number")``).
"""
import numpy as np

from .escape import one_line
from .messages import LANGS, Text, note
from .run.inside.codec import Unrecognised

CHECK_AGAIN = Text("計算式をもう一度確認してください。", "Check the formula again.")
A_NUMBER = Text("数値", "a number")
AN_ARRAY = Text("数値の配列", "an array of numbers")


class Fail(AssertionError):
    """The answer is wrong.  ``diagnosis`` is a code from messages.toml, or None when no
    known misconception explains it (the message then says input, value and expectation)."""

    def __init__(self, diagnosis=None, **facts):
        if diagnosis is None:
            facts.setdefault("difference", CHECK_AGAIN)
        super().__init__(diagnosis or "wrong_value", facts)
        self.diagnosis = diagnosis
        self.facts = facts


SHOWN_CHARACTERS = 300        # a message quotes at most this much of a value


SHOWN_INPUT_CHARACTERS = 1000  # an input is quoted whole up to this much, so it can be typed in again


def show(value, whole=False):
    """A value as a student should read it in a message (long values are cut).  ``whole``:
    an input, shown element by element (no "...") so that the student can reproduce it."""
    if isinstance(value, Unrecognised):
        return Text(f"{value.type_name} 型のオブジェクト", f"an object of type {value.type_name}")
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=10, separator=", ", threshold=10**6 if whole else 20,
                               max_line_width=10**6)
    elif isinstance(value, (float, np.floating)):
        text = repr(float(value))
    else:
        text = repr(value)
    limit = SHOWN_INPUT_CHARACTERS if whole else SHOWN_CHARACTERS
    return text if len(text) <= limit else text[:limit] + " …"


MOST_DECIMALS = 20            # beyond this, two floats that differ still print alike: show() then


def show_pair(got, expected, atol=0.0, rtol=0.0):
    """``got`` and ``expected`` as a student compares them by eye.  When they first differ
    in the fourth decimal or later (where show() makes -2.9999999406 and -2.99999994 look
    alike), both are printed with the same number of decimals: two more than it takes for
    every value out of tolerance to differ from its expectation (-2.99999994060 against
    -2.99999994000)."""
    try:
        g, e = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    except (TypeError, ValueError):
        return show(got), show(expected)
    if g.shape != e.shape or not (np.all(np.isfinite(g)) and np.all(np.isfinite(e))):
        return show(got), show(expected)
    wrong = np.abs(g - e) > atol + rtol * np.abs(e)
    pairs = list(zip(g[wrong].tolist(), e[wrong].tolist()))
    magnitudes = np.abs(np.concatenate([g.ravel(), e.ravel()]))
    magnitudes = magnitudes[magnitudes > 0]
    style = "e" if magnitudes.size and (magnitudes.min() < 1e-4 or magnitudes.max() >= 1e8) else "f"
    decimals = next((d for d in range(MOST_DECIMALS + 1)
                     if all(f"{a:.{d}{style}}" != f"{b:.{d}{style}}" for a, b in pairs)), None)
    if not pairs or decimals is None or decimals <= 3:
        return show(got), show(expected)
    decimals += 2                      # rounding alone can make the digits differ: show past it
    return _fixed(g, decimals, style), _fixed(e, decimals, style)


def _fixed(value, decimals, style):
    if value.ndim == 0:
        text = f"{float(value):.{decimals}{style}}"
    else:
        text = np.array2string(value, separator=", ", threshold=20, max_line_width=10**6,
                               formatter={"float_kind": lambda v: f"{v:.{decimals}{style}}"})
    return text if len(text) <= SHOWN_CHARACTERS else text[:SHOWN_CHARACTERS] + " …"


def where_raised(detail):
    """Where in the student's code an exception was raised (the cell, in a notebook, and
    the line), from a StudentError's detail, as a fact for {where}; "" when unknown."""
    if not detail.get("text") and not detail.get("where"):
        return ""
    facts = {"line": detail.get("line", "?"), "text": one_line(str(detail.get("text", ""))), "cell": detail.get("cell")}
    which = "where_cell" if facts["cell"] else "where_line"
    return Text(*(note(which, lang, **facts) for lang in LANGS))


def number(value, given, allow_non_finite=False):
    """The answer as a float, or Fail: not a number, or nan/inf."""
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(())[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise Fail("wrong_type", given=given, got=show(value), expected=A_NUMBER)
    value = float(value)
    if not allow_non_finite and not np.isfinite(value):
        raise Fail("not_finite", given=given, got=show(value))
    return value


def array(value, shape, given, allow_non_finite=False):
    """The answer as a float array of the expected shape, or Fail."""
    if isinstance(value, (list, tuple)):
        try:
            value = np.array(value, dtype=float)
        except (TypeError, ValueError):
            raise Fail("wrong_type", given=given, got=show(value), expected=AN_ARRAY) from None
    if not isinstance(value, np.ndarray):
        raise Fail("wrong_type", given=given, got=show(value), expected=AN_ARRAY)
    if value.shape != tuple(shape):
        raise Fail("wrong_shape", given=given, got=str(value.shape), expected=str(tuple(shape)))
    value = value.astype(float)
    if not allow_non_finite and not np.all(np.isfinite(value)):
        raise Fail("not_finite", given=given, got=show(value))
    return value


def close(got, expected, atol, rtol=0.0):
    return bool(np.all(np.abs(np.asarray(got, float) - np.asarray(expected, float))
                       <= atol + rtol * np.abs(np.asarray(expected, float))))


def expect_close(got, expected, *, atol, rtol=0.0, given, diagnose=None):
    """Pass when ``got`` is within the tolerance of ``expected``; else Fail with the
    diagnosis ``diagnose(got)`` returns (None when it names no known misconception)."""
    expected_array = np.asarray(expected, dtype=float)
    if expected_array.ndim == 0:
        got = number(got, given, allow_non_finite=True)
    else:
        got = array(got, expected_array.shape, given, allow_non_finite=True)
    if close(got, expected_array, atol, rtol):
        return got
    code = diagnose(got) if diagnose else None
    if code is None and not np.all(np.isfinite(got)):
        code = "not_finite"
    shown_got, shown_expected = show_pair(got, expected, atol, rtol)
    facts = dict(given=given, got=shown_got, expected=shown_expected, tolerance=tolerance(atol, rtol))
    if code is None:
        facts["difference"] = difference(got, expected_array, atol, rtol)
    raise Fail(code, **facts)


RATIO_TOLERANCE = 1e-6       # got = k·expected for one k, to this relative precision, names the factor
ROUND_FACTORS = (2, 3, 4, 10, 100)   # and their inverses: the factors a slip of a formula gives


def difference(got, expected, atol, rtol=0.0):
    """What a wrong value that no misconception explains has wrong, said so a student can
    look for it: the sign, a constant factor, or (an array) the first element that differs."""
    got, expected = np.asarray(got, dtype=float), np.asarray(expected, dtype=float)
    if not (np.all(np.isfinite(got)) and np.any(expected != 0)):
        return CHECK_AGAIN
    if close(-got, expected, atol, rtol):
        return Text("符号が逆です。", "The sign is flipped.")
    nonzero = expected != 0
    ratios = got[nonzero] / expected[nonzero] if expected.ndim else np.array([got / expected])
    if np.all(got[~nonzero] == 0) if expected.ndim else True:
        k = float(np.median(ratios))
        # one number is always some multiple of another: for a scalar only a round factor says something
        meaningful = ratios.size > 1 or any(np.isclose(abs(k), [n, 1 / n], rtol=RATIO_TOLERANCE).any()
                                            for n in ROUND_FACTORS)
        if k and abs(k) != 1 and meaningful and np.allclose(ratios, k, rtol=RATIO_TOLERANCE, atol=0):
            return Text(f"期待値のちょうど {k:.6g} 倍です。係数を確認してください。",
                        f"It is exactly {k:.6g} times the expected value: check the constant factor.")
    if expected.ndim == 0:
        return CHECK_AGAIN
    wrong = np.argwhere(~np.isclose(got, expected, rtol=rtol, atol=atol))
    where = list(map(int, wrong[0]))
    index = where[0] if len(where) == 1 else tuple(where)
    count = len(wrong)
    first, want = show(float(got[tuple(where)])), show(float(expected[tuple(where)]))
    return Text(f"{got.size} 要素のうち {count} 個が違います。最初は [{index}] で {first}(期待値 {want})です。",
                f"{count} of {got.size} elements differ; the first is [{index}]: {first}, expected {want}.")


def tolerance(atol, rtol=0.0):
    """The {tolerance} fact: ``1e-06``, or ``1e-06 + 1e-07·|expected|`` in the message's language."""
    if not rtol:
        return f"{atol:g}"
    return Text(f"{atol:g} + {rtol:g}·|期待値|", f"{atol:g} + {rtol:g}·|expected|")


def first_match(got, candidates, atol=1e-12, rtol=1e-7):
    """The first diagnosis whose wrong value ``got`` reproduces, or None.

    ``candidates`` is a list of (diagnosis code, the value a student with that
    misconception gets), computed in the trusted process."""
    for code, wrong in candidates:
        try:
            wrong = np.asarray(wrong, dtype=float)
            if np.shape(got) == wrong.shape and np.allclose(got, wrong, atol=atol, rtol=rtol, equal_nan=True):
                return code
        except (TypeError, ValueError, FloatingPointError):
            continue
    return None
