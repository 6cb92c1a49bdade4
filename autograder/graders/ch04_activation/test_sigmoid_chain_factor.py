"""sigmoid_chain_factor(n_layers): the most n stacked sigmoids can scale a gradient, the
product of n slopes at their maximum, 0.25ⁿ.  Graded with an exact sigmoid and
sigmoid_grad standing in for the student's."""
import pytest

from autograder.expect import expect_close, first_match

from . import misconceptions as wrong

pytestmark = pytest.mark.grades("sigmoid_chain_factor")


def expect_factor(student, n, expected):
    got = student.ask("chain_factor", n_layers=n)
    expect_close(got, expected, atol=0.0, rtol=1e-6, given=f"n_layers = {n}",
                 diagnose=lambda value: first_match(value, wrong.chain_factor_answers(n), atol=0.0))


@pytest.mark.public
def test_few_layers(student, rng):
    """One layer: 0.25; two: 0.0625; three: 0.015625; and 0.25ⁿ for a random n from 4 to 6."""
    for n, expected in ((1, 0.25), (2, 0.0625), (3, 0.015625)):
        expect_factor(student, n, expected)
    n = int(rng.integers(4, 7))
    expect_factor(student, n, 0.25 ** n)


@pytest.mark.public
def test_ten_layers(student, rng):
    """Ten layers: 0.25¹⁰ ≈ 9.54e-7, the gradient has all but vanished; and 0.25ⁿ for a random n
    from 11 to 15."""
    expect_factor(student, 10, 9.5367431640625e-07)
    n = int(rng.integers(11, 16))
    expect_factor(student, n, 0.25 ** n)


def test_random_depth(student, rng):
    """A random depth between 16 and 30, never one the public checks ask (1 to 15)."""
    n = int(rng.integers(16, 31))
    expect_factor(student, n, 0.25 ** n)
