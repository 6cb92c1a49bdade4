"""numerical_gradient(f, x): the partial derivative along every element of an array of
any shape, each by a central difference, perturbing x in place and restoring it."""
import numpy as np
import pytest

from autograder.expect import Fail, array, expect_close, first_match, show
from autograder.run import StudentError

from . import misconceptions as wrong

pytestmark = pytest.mark.grades("numerical_gradient")

function_2 = lambda x: x[0] ** 2 + x[1] ** 2
sum_of_squares = lambda x: np.sum(x ** 2)
sum_of_cubes = lambda x: np.sum(x ** 3)


def diagnose(f, x, answer):
    def diagnosis(got):
        if answer.get("returned_input"):
            return "returns_input"
        return first_match(got, wrong.numerical_gradient(f, x), atol=1e-12, rtol=1e-9)
    return diagnosis


def gradient_at(student, f, named, x, given):
    answer = student.ask("gradient", f=named, x=np.array(x, dtype=float))
    expect_close(answer["grad"], 2 * np.array(x, dtype=float), atol=1e-6, given=given,
                 diagnose=diagnose(f, x, answer))
    return answer


def random_centre(rng, shape=2):
    """The centre of a sum of squares whose gradient, 2(x − c), no answer that ignores f can give."""
    return np.round(rng.uniform(-3, 3, size=shape), 2)


def shifted_square(centre):
    return lambda x: np.sum((x - centre) ** 2)


def shifted_gradient_at(student, x, centre):
    """The gradient of sum((x − c)²) at x is 2(x − c)."""
    x, centre = np.array(x, dtype=float), np.array(centre, dtype=float)
    given = f"f(x) = sum((x − c)²), c = {show(centre)}, x = {show(x)}"
    answer = student.ask("gradient", f="shifted_square", centre=centre, x=x)
    expect_close(answer["grad"], 2 * (x - centre), atol=1e-6, given=given,
                 diagnose=diagnose(shifted_square(centre), x, answer))
    return answer, given


@pytest.mark.public
def test_function_2_at_3_4(student, rng):
    """The gradient of x0² + x1² at (3, 4) is (6, 8); that of (x0 − c0)² + (x1 − c1)², for a
    random c, is 2·((3, 4) − c)."""
    gradient_at(student, function_2, "function_2", [3.0, 4.0], "f(x) = x0² + x1², x = (3, 4)")
    shifted_gradient_at(student, [3.0, 4.0], random_centre(rng))


def test_zero_coordinates(student, rng):
    """At (0, 2) and (3, 0) one partial derivative is 0: the gradient is (0, 4) and (6, 0); the
    same where x meets a random centre c of sum((x − c)²) in one coordinate."""
    for x in ([0.0, 2.0], [3.0, 0.0]):
        gradient_at(student, function_2, "function_2", x, f"f(x) = x0² + x1², x = ({x[0]:g}, {x[1]:g})")
    centre = random_centre(rng)
    for offset in ([0.0, 2.0], [3.0, 0.0]):
        shifted_gradient_at(student, centre + offset, centre)


@pytest.mark.public
def test_two_dimensional_array(student, rng):
    """A 2×3 array (like a weight matrix): the gradient of sum(x²) is 2x, element by element."""
    x = np.round(rng.uniform(-3, 3, size=(2, 3)), 2)
    given = f"f(x) = sum(x²), x = {show(x)} (2×3)"
    try:
        answer = student.ask("gradient", f="sum_of_squares", x=x)
    except StudentError as error:
        if error.detail.get("type") in ("IndexError", "ValueError", "TypeError") and works_on_1d(student, x[0]):
            raise Fail("one_dimensional_only", given=given, got=f"{error.detail['type']}: {error.detail.get('message', '')}") from None
        raise
    got = array(answer["grad"], x.shape, given, allow_non_finite=True)
    if first_match(got, [("one_dimensional_only", wrong.gradient_by_rows(sum_of_squares, x))]):
        raise Fail("one_dimensional_only", given=given, got=show(got))
    expect_close(got, 2 * x, atol=1e-6, given=given, diagnose=diagnose(sum_of_squares, x, answer))
    shifted_gradient_at(student, x, random_centre(rng, x.shape))


@pytest.mark.public
def test_closure_reads_the_array(student, rng):
    """f ignores its argument and reads x itself (as ``lambda w: net.loss(x, t)`` reads net.W):
    only perturbing x in place lets f see the change.  f is sum(x²), then sum((x − c)²) for
    a random c."""
    x = np.round(rng.uniform(1, 3, size=3), 2)
    centre = random_centre(rng, 3)
    for c, shown in ((np.zeros(3), "np.sum(x**2)"), (centre, f"np.sum((x - c)**2), c = {show(centre)}")):
        answer = student.ask("gradient_of_closure", x=x, centre=c)
        given = f"f = lambda w: {shown}, x = {show(x)}"
        got = array(answer["grad"], x.shape, given, allow_non_finite=True)
        if np.all(got == 0) and sees_its_argument(student, x):
            raise Fail("perturbs_copy", given=given, got=show(got), expected=show(2 * (x - c)))
        expect_close(got, 2 * (x - c), atol=1e-6, given=given,
                     diagnose=diagnose(shifted_square(c), x, answer))


@pytest.mark.public
def test_input_restored(student, rng):
    """After the call, x holds exactly the values it had (each element restored), and the
    gradient it returned is right: 2(x − c) for sum((x − c)²) with a random c."""
    x = np.round(rng.uniform(-3, 3, size=2), 3)
    answer, given = shifted_gradient_at(student, x, random_centre(rng))
    if answer.get("returned_input"):
        raise Fail("returns_input", given=given)
    after = array(answer["x_after"], x.shape, given, allow_non_finite=True)
    if not np.allclose(after, x, rtol=1e-12, atol=1e-12):
        raise Fail("not_restored", given=given, got=show(after), expected=show(x))


@pytest.mark.public
def test_random_point(student, rng):
    """A random point in three dimensions, on the cubic sum(x³) (gradient 3x²): each partial
    derivative is off by h², 1e-8 for h = 1e-4, so a step far from 1e-4 shows here."""
    x = rng.uniform(-5, 5, size=3)
    given = f"f(x) = sum(x³), x = {show(x)}"
    answer = student.ask("gradient", f="sum_of_cubes", x=x)
    expect_close(answer["grad"], 3 * x ** 2, atol=1e-7, given=given, diagnose=diagnose(sum_of_cubes, x, answer))


def works_on_1d(student, row):
    """Whether the gradient of a 1-D array comes back without an error (so that an error on
    the 2-D array is about its second dimension, not a bug everywhere)."""
    try:
        student.ask("gradient", f="sum_of_squares", x=row)
    except StudentError:
        return False
    return True


def sees_its_argument(student, x):
    """Whether the gradient of a function that reads its argument is nonzero: then a zero
    gradient of the closure means the perturbation never reached the array itself."""
    grad = student.ask("gradient", f="sum_of_squares", x=x)["grad"]
    try:
        return bool(np.any(np.asarray(grad, dtype=float) != 0))
    except (TypeError, ValueError):
        return False
