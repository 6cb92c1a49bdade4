"""relative_error(a, b): how far apart two gradients are, CS231n's way: the largest, over the
elements, of |a − b| / max(|a| + |b|, 1e-8); one number, the same for (a, b) and (b, a)."""
import numpy as np
import pytest

from autograder.expect import Fail, close, expect_close, first_match, show

from . import misconceptions as wrong

pytestmark = pytest.mark.grades("relative_error")


def diagnosis(got, got_swapped, a, b):
    """The mistake whose values for (a, b) and for (b, a) are both the student's: the order
    tells a denominator of |b| alone from one of max(|a|, |b|), and a missing abs from a
    constant."""
    pairs = zip(wrong.relative_error_answers(a, b), wrong.relative_error_answers(b, a))
    for (code, value), (_, swapped) in pairs:
        if first_match(got, [(code, value)], atol=1e-15, rtol=1e-6) \
                and first_match(got_swapped, [(code, swapped)], atol=1e-15, rtol=1e-6):
            return code
    return None


def both_ways(student, a, b):
    """relative_error(a, b), then relative_error(b, a): the same number, the reference within
    1e-4 of itself (adding 1e-8 to the denominator instead of taking the larger is as good).
    An array of every element's relative error is named as such."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    answers = [student.ask("relative", a=a, b=b), student.ask("relative", a=b, b=a)]
    for (p, q), got, other in (((a, b), *answers), ((b, a), *answers[::-1])):
        given = f"a = {show(p)}, b = {show(q)}"
        expected, per_element = wrong.relative_error(p, q), wrong.relative_errors(p, q)
        if isinstance(got, np.ndarray) and got.shape == p.shape and p.size > 1 \
                and close(got, per_element, atol=1e-12, rtol=1e-4):
            raise Fail("returns_every_element", given=given, got=show(got), expected=show(expected))
        expect_close(got, expected, atol=1e-15, rtol=1e-4, given=given,
                     diagnose=lambda value: diagnosis(value, other, p, q))


def near(rng, a, spread):
    """b: a with each element moved by a random relative amount up to ``spread``."""
    return a * (1 + rng.uniform(-spread, spread, size=np.shape(a)))


@pytest.mark.public
def test_hand_computed(student, rng):
    """a = [1, 2, −3], b = [1, 2.2, −3]: only the second element differs, 0.2 / 4.2 ≈ 0.0476;
    then a random pair."""
    both_ways(student, [1.0, 2.0, -3.0], [1.0, 2.2, -3.0])
    a = np.round(rng.uniform(-2, 2, size=4), 3)
    both_ways(student, a, near(rng, a, 0.1))


@pytest.mark.public
def test_zeros_and_sign_flips(student, rng):
    """Elements that are 0 in both arrays count as no error (not 0/0 = nan); an element whose
    sign differs gives exactly 1, the largest a relative error can be."""
    a = np.round(rng.uniform(0.5, 2, size=5), 3) * rng.choice([-1, 1], size=5)
    a[rng.permutation(5)[:2]] = 0.0
    b = np.where(a == 0, 0.0, near(rng, a, 0.05))
    both_ways(student, a, b)
    flipped = b.copy()
    flipped[np.flatnonzero(a)[0]] *= -1
    both_ways(student, a, flipped)


def test_small_and_large_scales(student, rng):
    """2×3 arrays (like dW) whose elements are about 1e-3, then about 1e3, each off by up to 0.1 %:
    the relative error is about 1e-4 on both scales, while the absolute error is not."""
    for scale in (1e-3, 1e3):
        a = scale * rng.uniform(0.5, 2, size=(2, 3)) * rng.choice([-1, 1], size=(2, 3))
        both_ways(student, a, near(rng, a, 1e-3))
