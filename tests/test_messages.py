"""ch04_gradient's diagnoses: the codes the course requires by name exist exactly so spelled,
the code scan sees them, and every message in its messages.toml is one a check can give.
(That every code an assignment's graders give has ja and en text is the contract's,
test_contract.py.)"""
import re

import numpy as np
import pytest

from autograder import messages
from autograder.course import GRADERS

from diagnoses import used_codes

# The codes required for ch04_gradient, by function ("*" = any check).
REQUIRED = {
    "numerical_diff": {"forward_difference", "step_too_small", "step_too_large", "missing_half", "precedence",
                       "sign_flipped"},
    "numerical_gradient": {"not_restored", "perturbs_copy", "half_step", "returns_input", "one_dimensional_only"},
    "gradient_descent": {"gradient_ascent", "gradient_not_recomputed", "wrong_step_count", "ignores_learning_rate"},
    "simpleNet.loss": {"missing_softmax", "softmax_twice", "wrong_loss_function"},
    "analytic_gradient": {"shapes_do_not_fit", "gradient_transposed", "scores_not_probabilities",
                          "gradient_sign_flipped", "not_averaged"},
    "relative_error": {"no_denominator", "missing_abs"},
    "*": {"not_implemented", "crashed", "timeout", "wrong_shape", "not_finite"},
}


def test_code_scan_finds_the_known_codes():
    """The scan is not vacuous: it sees codes raised each way."""
    codes = used_codes("ch04_gradient")
    assert {"not_restored", "one_dimensional_only", "forward_difference", "wrong_shape", "timeout",
            "crashed", "not_implemented"} <= codes


def test_required_codes_exist_exactly_spelled():
    templates = messages.catalogue(str(GRADERS / "ch04_gradient"))
    used = used_codes("ch04_gradient")
    for function, codes in REQUIRED.items():
        for code in codes:
            assert code in templates, f"{function}: no message for '{code}'"
            assert code in used, f"{function}: no grader or engine code raises '{code}'"


def test_every_ch04_gradient_message_is_used():
    """A template no check can produce is dead text, or a misspelt code (ch04_gradient's
    graders raise their codes in the ways the scan reads)."""
    own = messages.catalogue(str(GRADERS / "ch04_gradient")).keys() - messages.catalogue(None).keys()
    unused = own - used_codes("ch04_gradient")
    assert not unused, f"ch04_gradient: messages.toml has codes no grader raises: {sorted(unused)}"


# ----- a wrong value no misconception explains: say what differs -----

@pytest.mark.parametrize("got, expected, en", [
    ([-1.0, 2.0], [1.0, -2.0], "The sign is flipped."),
    ([2.0, 4.0, 0.0], [1.0, 2.0, 0.0], "It is exactly 2 times the expected value"),
    (0.4, 4.0, "It is exactly 0.1 times the expected value"),
    (3.0, 4.0, "Check the formula again."),                        # any two numbers have a ratio
    ([1.0, 2.0, 3.5, 9.0], [1.0, 2.0, 3.0, 4.0], "2 of 4 elements differ; the first is [2]: 3.5, expected 3.0."),
    ([[1.0, 2.0], [3.0, 5.0]], [[1.0, 2.0], [3.0, 4.0]], "the first is [(1, 1)]: 5.0, expected 4.0"),
    ([1.0, float("nan")], [1.0, 2.0], None),                           # not_finite has its own message
])
def test_a_wrong_value_says_what_differs(got, expected, en):
    from autograder.expect import Fail, expect_close
    with pytest.raises(Fail) as failed:
        expect_close(np.array(got), expected, atol=1e-6, given="x")
    message = messages.render(failed.value.diagnosis, {"function": "f", **failed.value.facts})
    if en is None:
        assert failed.value.diagnosis == "not_finite"
        return
    assert en in message["en"], message["en"]
    assert "Check" in en or "Check the formula" not in message["en"]      # the fallback only when nothing fits
    assert "?" not in message["ja"] and not re.search(r"[A-Za-z]{4,}", message["ja"].split("。", 1)[1]), message["ja"]
