"""ch04_gradient's catalogue (tests/catalogue/ch04_gradient/*.py, labelled as
catalogue_checks.py describes): what it holds beyond the contract every assignment signs
(test_contract.py grades every entry as labelled).  It is larger than the minimums and
covers every diagnosis issue 4 requires; demo code that fails costs nothing; random
inputs depend on the submission; a single feedback language grades the same.
"""
import pytest

from catalogue_checks import (CATALOGUE, JAPANESE, assert_covers, labels, result_of, split_languages)
from conftest import run_cli
from test_messages import REQUIRED

ASSIGNMENT = "ch04_gradient"
FOLDER = CATALOGUE / ASSIGNMENT
# A subset graded again in each single language (one per function, a null, a crash).
LANG_SUBSET = ("wrong_nd_precedence", "wrong_ng_perturbs_copy", "wrong_gd_ascent", "wrong_sn_softmax_twice",
               "wrong_nd_hardcoded", "wrong_sn_predict_args", "right_book")


@pytest.fixture(scope="module")
def graded(batch):
    """The whole catalogue, with the examples and notebooks: one batch, both languages."""
    return batch(ASSIGNMENT)


def test_catalogue_is_large_and_covers_every_required_diagnosis():
    labelled = labels(ASSIGNMENT)
    right = [name for name, wanted in labelled.items() if not wanted]
    wrong = [name for name, wanted in labelled.items() if wanted]
    assert len(right) >= 10 and len(wrong) >= 30, (len(right), len(wrong))
    assert_covers(labelled, {code for codes in REQUIRED.values() for code in codes})


def test_failing_demo_code_is_reported_and_costs_nothing(graded):
    """Cells that fail while loading (a stub's demo call, a syntax error, get_ipython) are
    named in the results, and the functions still earn full marks."""
    for name, expected in (("right_demo_cells_fail", {"TypeError", "NameError"}),
                           ("right_notebook_export", {"NotImplementedError", "SyntaxError"})):
        result = result_of(graded, name)
        assert result["score"] == result["extra_data"]["max_score"]
        assert {p["type"] for p in result["extra_data"]["load_problems"]} == expected, result["extra_data"]


def test_random_inputs_depend_on_the_submission(graded):
    """Seeded from each file's content: two students do not share the random inputs (a
    hard-coded answer passed around cannot pass), and a regrade reuses them (the ja/en runs)."""
    shown = set()
    for name in ("wrong_nd_forward", "wrong_nd_backward", "wrong_nd_sign"):
        [test] = [t for t in result_of(graded, name)["tests"] if t["name"] == "numerical_diff::random_polynomial"]
        shown.add(split_languages(test["output"])[1].split(" it returned")[0])
    assert len(shown) == 3, shown


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_language_option(lang, graded, tmp_path):
    done = run_cli("grade", *[FOLDER / f"{name}.py" for name in LANG_SUBSET], "--assignment", ASSIGNMENT,
                   "--out", tmp_path, "--jobs", "2", "--lang", lang)
    assert done.returncode == 0, done.stdout + done.stderr
    for name in LANG_SUBSET:
        result, both = result_of(tmp_path, name), result_of(graded, name)
        assert result["extra_data"]["lang"] == lang
        assert ("点" in result["output"]) == (lang == "ja")
        for test, twin in zip(result["tests"], both["tests"], strict=True):
            assert (test["name"], test["score"]) == (twin["name"], twin["score"]), (name, test, twin)
            assert test["extra_data"]["diagnosis"] == twin["extra_data"]["diagnosis"]
            if test["status"] == "passed":
                continue
            assert bool(JAPANESE.search(test["output"])) == (lang == "ja"), test["output"]
            assert test["output"] == split_languages(twin["output"])[0 if lang == "ja" else 1]


def test_a_gradient_that_ignores_the_label_earns_nothing(graded):
    """analytic_gradient without t (xᵀ·softmax(x·W)) is no gradient of the loss: like the trivial
    answers, it earns none of the function's points, on one sample and on a batch alike."""
    result = result_of(graded, "wrong_ag_ignores_t")
    tests = [t for t in result["tests"] if t["tags"] == ["analytic_gradient"]]
    assert tests and all(t["score"] == 0 and t["extra_data"]["diagnosis"] == "ignores_label" for t in tests)
