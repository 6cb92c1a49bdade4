"""gradient_descent(f, init_x, lr, step_num): step_num times x ← x − lr·∇f(x); returns x
(or the book's (x, history)).  Graded with the exact gradient standing in for the
student's numerical_gradient, so only gradient_descent's own mistakes cost here."""
import numpy as np
import pytest

from autograder.expect import Fail, array, expect_close, first_match, show

from . import misconceptions as wrong

pytestmark = pytest.mark.grades("gradient_descent")


def descend(student, init_x, lr, step_num, f="function_2", centre=None):
    """Ask for the result; on a sum of squares centred at c (0 unless ``centre``) the exact
    answer is c + (init_x − c)·(1 − 2·lr)^step_num."""
    init_x = np.array(init_x, dtype=float)
    c = np.zeros_like(init_x) if centre is None else np.array(centre, dtype=float)
    if centre is None:
        got = student.ask("descend", f=f, init_x=init_x, lr=lr, step_num=step_num)
        given = f"f(x) = sum(x²), init_x = {show(init_x)}, lr = {lr:g}, step_num = {step_num}"
    else:
        got = student.ask("descend", f="shifted_square", centre=c, init_x=init_x, lr=lr, step_num=step_num)
        given = f"f(x) = sum((x − c)²), c = {show(c)}, init_x = {show(init_x)}, lr = {lr:g}, step_num = {step_num}"
    exact = c + (init_x - c) * (1 - 2 * lr) ** step_num
    # Tight: with lr = 1e-10 one step more or less changes x by 2e-10 relative only.
    diagnose = lambda value: first_match(value, wrong.gradient_descent(init_x, lr, step_num, c), atol=1e-12, rtol=1e-11)
    return got, given, exact, diagnose


def random_centre(rng, size=2):
    """Where the minimum of the second function is: an answer that never calls f cannot know."""
    return np.round(rng.uniform(-5, 5, size=size), 3)


def expect_descent(student, init_x, lr, step_num, centre, atol, rtol=0.0):
    got, given, exact, diagnose = descend(student, init_x, lr, step_num, centre=centre)
    expect_close(got, exact, atol=atol, rtol=rtol, given=given, diagnose=diagnose)


@pytest.mark.public
def test_converges_to_minimum(student, rng):
    """From (-3, 4) with lr = 0.1, 100 steps reach the minimum (0, 0) within 1e-8; and the
    minimum of f is where f has it: sum((x − c)²) with a random c ends at c."""
    got, given, _, diagnose = descend(student, [-3.0, 4.0], lr=0.1, step_num=100)
    expect_close(got, [0.0, 0.0], atol=1e-8, given=given, diagnose=diagnose)
    centre = random_centre(rng)
    got, given, _, diagnose = descend(student, [-3.0, 4.0], lr=0.1, step_num=100, centre=centre)
    expect_close(got, centre, atol=1e-8, given=given, diagnose=diagnose)


@pytest.mark.public
def test_three_steps_exact(student, rng):
    """Three steps multiply x by 0.8 three times: 0.8³·(-3, 4); one step more or less is 20 %
    off.  The tolerance (1e-10) also accepts a descent that takes its own central differences.
    The same on sum((x − c)²) with a random c: c + 0.8³·(x − c)."""
    got, given, exact, diagnose = descend(student, [-3.0, 4.0], lr=0.1, step_num=3)
    expect_close(got, exact, atol=1e-10, rtol=1e-10, given=given, diagnose=diagnose)
    expect_descent(student, [-3.0, 4.0], 0.1, 3, random_centre(rng), atol=1e-10, rtol=1e-10)


def test_large_lr_diverges(student, rng):
    """lr = 10 overshoots further at every step: after 100 steps |x| ends far above 1e10, and
    three steps on sum((x − c)²) give c + (−19)³·(x − c), the overshoot of a real descent."""
    got, given, _, diagnose = descend(student, [-3.0, 4.0], lr=10.0, step_num=100)
    got = array(got, (2,), given, allow_non_finite=True)
    diverged = "|x| > 1e10"
    if np.any(np.isnan(got)):
        raise Fail(diagnose(got) or "not_finite", given=given, got=show(got), expected=diverged)
    if not np.max(np.abs(got)) > 1e10:
        raise Fail(diagnose(got) or "does_not_diverge", given=given, got=show(got), expected=diverged)
    expect_descent(student, [-3.0, 4.0], 10.0, 3, random_centre(rng), atol=1e-9, rtol=1e-6)


def test_tiny_lr_barely_moves(student, rng):
    """lr = 1e-10: after 100 steps x has barely moved from (-3, 4), towards the minimum of f
    (0, or a random c)."""
    got, given, exact, diagnose = descend(student, [-3.0, 4.0], lr=1e-10, step_num=100)
    expect_close(got, exact, atol=1e-12, rtol=1e-12, given=given, diagnose=diagnose)
    expect_descent(student, [-3.0, 4.0], 1e-10, 100, random_centre(rng), atol=1e-12, rtol=1e-12)


def test_random_start(student, rng):
    """A random start, learning rate, step count and minimum, in three dimensions (x − c
    shrinks at most to 0.5²⁰ of the start, so a step more or less stays far above the tolerance)."""
    init_x = rng.uniform(-5, 5, size=3)
    lr = float(np.round(rng.uniform(0.05, 0.25), 3))
    step_num = int(rng.integers(5, 21))
    expect_descent(student, init_x, lr, step_num, random_centre(rng, 3), atol=1e-9, rtol=1e-9)
