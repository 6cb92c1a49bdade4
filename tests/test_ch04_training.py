"""ch04_training (4.5 training a two-layer net), beyond the contract every assignment signs
(test_contract.py): its catalogue covers the diagnoses issue 5 asks for; mechanical mutants
of right answers lose points; the sample class in examples/ch04_training/ is graded as
described; the notebook keeps the course's signatures and trains under nbgrader; the public
checks' hand-written numbers are what the reference computes; the student kit's self-check
runs this assignment's public checks without the hidden reference.
"""
import ast
import re
import shutil
import subprocess
import sys
import tomllib

import numpy as np
import pytest

import mutation
from conftest import ROOT, run_cli
from nbgrader_course import make_course, nbgrader, nbgrader_meta, read, source
from catalogue_checks import assert_covers, assert_graded, labels, result_of, verdicts

from autograder.course import GRADERS, load_course
from autograder.kit import build_kit
from autograder.run import import_probes

ASSIGNMENT = "ch04_training"
FOLDER = ROOT / "tests" / "catalogue" / ASSIGNMENT
SOURCE = ROOT / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
RELEASE = ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
EXAMPLES = ROOT / "examples" / ASSIGNMENT
EQUIVALENT = FOLDER / "equivalent_mutants.toml"
MUTATED = (FOLDER / "right_book.py", FOLDER / "right_own_central_loop.py")     # for loops only
SIGNATURES = {                       # fixed by the course: graders rely on them
    "TwoLayerNet.__init__": "(self, input_size, hidden_size, output_size, weight_init_std=0.01)",
    "TwoLayerNet.predict": "(self, x)",
    "TwoLayerNet.loss": "(self, x, t)",
    "TwoLayerNet.accuracy": "(self, x, t)",
    "TwoLayerNet.numerical_gradient": "(self, x, t)",
    "train": "(net, x, t, iters_num, batch_size, learning_rate, seed=None)",
}
FUNCTIONS = tuple(SIGNATURES)
# The diagnoses the course requires by name (each must exist exactly so spelled).
REQUIRED = {"missing_key", "wrong_shape", "forward_difference", "no_batch_average", "wrong_activation",
            "accuracy_axis", "gradient_ascent"}
# The sample class: student -> {function: diagnoses of its failing checks}; {} = full marks.
EXAMPLE_VERDICTS = {
    "s001_kato": {},
    "s002_yoshida": {"TwoLayerNet.accuracy": {"accuracy_axis"}, "train": {"loss_before_update"}},
    "s003_yamamoto": {function: {"not_implemented"} for function in FUNCTIONS[2:]},
    "s004_matsumoto": {"TwoLayerNet.predict": {"wrong_activation"},
                       "TwoLayerNet.numerical_gradient": {"forward_difference"}},
}


def grade_cell_id(function):
    return "test_" + function.replace(".", "_")


@pytest.fixture(scope="module")
def graded(batch):
    return batch(ASSIGNMENT)


@pytest.fixture(scope="module")
def functions():
    return load_course(ROOT / "course_config.py").assignment(ASSIGNMENT).function_points()


# ----- the catalogue -----
def test_catalogue_covers_the_required_diagnoses():
    assert_covers(labels(ASSIGNMENT), REQUIRED)


# ----- mechanical mutants of right answers lose points -----
def test_every_mutant_is_killed_or_recorded_as_equivalent(tmp_path, functions, capsys):
    """Every single mutation (tests/mutation.py) of two right answers, graded as one batch: a
    mutant loses points only in the function it changes, and a survivor must be recorded in
    equivalent_mutants.toml with its reason (a record must name a mutant that still survives)."""
    found = [mutant for path in MUTATED
             for mutant in mutation.mutants(path.read_text(encoding="utf-8"), list(functions), prefix=f"{path.stem}/")]
    students = mutation.write(found, tmp_path / "mutants")
    out = tmp_path / "graded"
    done = run_cli("grade", tmp_path / "mutants", "--assignment", ASSIGNMENT, "--out", out, "--jobs", "2")
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(found) >= 100
    survivors = {}
    for student, mutant in students.items():
        result = result_of(out, student)
        lost = {function for function, (score, maximum, *_) in verdicts(result, functions).items() if score < maximum}
        if not lost:
            survivors[mutant.id] = mutant
        else:
            assert lost == {mutant.id.split("/")[1].split(":")[0]}, f"{mutant.id} ({mutant.change}) lost {lost}"
    with open(EQUIVALENT, "rb") as handle:
        equivalent = tomllib.load(handle)
    with capsys.disabled():
        print(f"\n{ASSIGNMENT} mutation pass: {len(found) - len(survivors)} of {len(found)} mutants killed, "
              f"{len(survivors)} recorded as equivalent")
    unexplained = [f"{m.id}  ({m.change})" for m in survivors.values() if m.id not in equivalent]
    assert not unexplained, "mutants survive that no check kills:\n" + "\n".join(unexplained)
    for mutant_id, record in equivalent.items():
        assert mutant_id in survivors, f"{mutant_id}: recorded as equivalent but no longer survives"
        assert len(record.get("reason", "")) > 20 and record.get("change"), mutant_id


# ----- examples -----
def test_answered_release_loads_without_a_problem(graded):
    """A student's finished notebook (s001): every cell runs in the sandbox within the cell
    time limit, its short training run (two epochs of numerical gradients) included."""
    assert result_of(graded, "s001_kato")["extra_data"]["load_problems"] == []


@pytest.mark.parametrize("student", sorted(EXAMPLE_VERDICTS))
def test_example_class_is_graded_as_described(student, graded, functions):
    assert_graded(result_of(graded, student), EXAMPLE_VERDICTS[student], functions)


# ----- the notebook follows the course's conventions -----
def signature(code, function):
    """The argument list of ``function`` ("TwoLayerNet.loss" looks inside class TwoLayerNet)."""
    *owner, name = function.split(".")
    scope = ast.parse(code).body
    if owner:
        scope = next((n.body for n in scope if isinstance(n, ast.ClassDef) and n.name == owner[0]), [])
    node = next((n for n in scope if isinstance(n, ast.FunctionDef) and n.name == name), None)
    return None if node is None else "(" + ast.unparse(node.args) + ")"


def test_notebook_layout_and_release_stubs():
    code = [source(c) for c in read(SOURCE)["cells"] if c["cell_type"] == "code"]
    text = "\n\n".join(code)
    assert "load_mnist" not in text                                   # nothing downloaded
    assert "load_digits" in text and "except ImportError" in text     # the data cell copes without scikit-learn
    for function, args in SIGNATURES.items():
        assert signature(text, function) == args, f"{function} must keep the signature {args}"
    release = read(RELEASE)
    stubs = [c for c in release["cells"] if nbgrader_meta(c).get("solution")]
    assert {nbgrader_meta(c)["grade_id"] for c in stubs} == {"TwoLayerNet", "train"}
    given = [c for c in release["cells"] if nbgrader_meta(c).get("grade_id") == "given_functions"]
    namespace = {"np": np}
    assert all("# TODO" in source(cell) for cell in stubs)
    for cell in given + stubs:
        exec(compile(source(cell), nbgrader_meta(cell)["grade_id"], "exec"), namespace)
    assert source(stubs[0]).count("raise NotImplementedError()") == 5
    net = namespace["TwoLayerNet"].__new__(namespace["TwoLayerNet"])
    x, t = np.ones((2, 3)), np.eye(2)
    calls = [lambda: namespace["TwoLayerNet"](3, 4, 2), lambda: net.predict(x), lambda: net.loss(x, t),
             lambda: net.accuracy(x, t), lambda: net.numerical_gradient(x, t),
             lambda: namespace["train"](net, x, t, 1, 1, 0.1)]
    for call in calls:
        with pytest.raises(NotImplementedError):
            call()


# ----- the graders' own numbers -----
@pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")     # the graders' own markers
def test_public_checks_hand_numbers_are_the_reference_values():
    """The public checks ship with literal numbers (the kit has no reference): they must be
    what the reference computes, and each mistake must give a value of its own."""
    from autograder.graders.ch04_training import misconceptions, reference
    from autograder.graders.ch04_training import test_accuracy, test_loss, test_predict
    y = reference.predict(test_predict.HAND_PARAMS, test_predict.HAND_X)
    assert np.allclose(y, test_predict.HAND_Y, rtol=0, atol=1e-15)
    assert reference.loss(test_predict.HAND_PARAMS, test_predict.HAND_X, test_loss.HAND_T) \
        == pytest.approx(test_loss.HAND_LOSS, abs=1e-15)
    assert reference.accuracy(y, test_accuracy.HAND_T) == pytest.approx(test_accuracy.HAND_ACCURACY)
    for code, value in misconceptions.predict(test_predict.HAND_PARAMS, test_predict.HAND_X):
        assert not np.allclose(value, y, atol=1e-6), code
    for code, value in misconceptions.accuracy(y, test_accuracy.HAND_T):
        assert not np.isclose(value, test_accuracy.HAND_ACCURACY), code
        assert not np.isclose(value, 1 - test_accuracy.HAND_ACCURACY), code     # nor the error rate
    right = y.argmax(axis=1) == test_accuracy.HAND_T.argmax(axis=1)
    assert right.tolist() == test_accuracy.HAND_RIGHT.tolist()


@pytest.mark.filterwarnings("ignore::pytest.PytestUnknownMarkWarning")     # the graders' own markers
def test_hand_variants_keep_the_reference_values():
    """The public checks' second, seeded case rearranges the hand net (hidden neurons, output
    classes, rows) and rearranges the expected values alike: the reference agrees."""
    from autograder.graders.ch04_training import misconceptions, reference
    from autograder.graders.ch04_training import test_loss, test_predict
    for seed in range(20):
        params, x, y, (rows, classes) = test_predict.hand_variant(np.random.default_rng(seed))
        assert np.allclose(reference.predict(params, x), y, rtol=0, atol=1e-15)
        t = test_loss.HAND_T[rows][:, classes]
        assert reference.loss(params, x, t) == pytest.approx(misconceptions.cross_entropy_error(y, t), abs=1e-15)


def test_stand_in_loss_is_the_one_the_replay_uses():
    """train's checks replay probes.StandInNet with reference.stand_in_loss: the same function."""
    from autograder.graders.ch04_training import reference
    probes = import_probes(GRADERS / ASSIGNMENT / "probes.py")
    rng = np.random.default_rng(0)
    shapes = {"W1": (3, 4), "b1": (4,), "W2": (4, 2), "b2": (2,)}
    params = {key: rng.normal(size=shape) for key, shape in shapes.items()}
    x, t = rng.uniform(size=(5, 3)), rng.uniform(size=(5, 2))
    assert probes.stand_in_loss(params, x, t) == reference.stand_in_loss(params, x, t)
    net = probes.StandInNet(params, x, t)
    grad = net.numerical_gradient(x[[1, 3]], t[[1, 3]])
    assert net.gradient_calls == [[[1, 3], [1, 3]]]
    for key in params:                                           # the exact gradient of the stand-in
        moved = {k: v.copy() for k, v in params.items()}
        moved[key].flat[0] += 1e-6
        slope = (reference.stand_in_loss(moved, x[[1, 3]], t[[1, 3]])
                 - reference.stand_in_loss(params, x[[1, 3]], t[[1, 3]])) / 1e-6
        assert slope == pytest.approx(grad[key].flat[0], abs=1e-4)


def test_student_kit_self_check_runs_without_the_hidden_reference(tmp_path):
    """The kit ships public checks only; they must not need reference.py (hidden checks' oracle)."""
    kit = build_kit(load_course(ROOT / "course_config.py"), tmp_path / "kit")
    graders = kit / "autograder" / "graders" / ASSIGNMENT
    assert graders.is_dir() and not (graders / "reference.py").exists()
    shutil.copy(EXAMPLES / "s001_kato.ipynb", kit / "solved.ipynb")
    done = subprocess.run([sys.executable, "-m", "autograder", "check", "solved.ipynb", "--assignment", ASSIGNMENT],
                          cwd=kit, capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(kit)})
    assert done.returncode == 0, done.stdout + done.stderr
    public = load_course(kit / "course_config.py").assignment(ASSIGNMENT).points
    assert set(public) == {f"{f}::{c}" for f, c in (
        ("TwoLayerNet.__init__", "params_keys_and_shapes"), ("TwoLayerNet.__init__", "weight_init_std"),
        ("TwoLayerNet.predict", "hand_computed"), ("TwoLayerNet.loss", "hand_computed"),
        ("TwoLayerNet.accuracy", "hand_computed"), ("TwoLayerNet.numerical_gradient", "keys_and_shapes"),
        ("train", "loss_goes_down"), ("train", "same_seed_same_batches"), ("train", "default_rng_draws"))}
    total = sum(public.values())
    assert f"solved: 公開チェック / public checks: {total:g} / {total:g}" in done.stdout, done.stdout


@pytest.mark.nbgrader
def test_nbgrader_autograde_agrees_and_the_notebook_trains(tmp_path, graded, functions):
    """A finished notebook (s001): nbgrader's test cells give each function the points the
    grading command gives it; in the kernel, which has scikit-learn, the notebook trains on
    the digits (accuracy well above chance) and measures the numerical gradient."""
    from nbgrader.api import Gradebook
    course = make_course(tmp_path)
    nbgrader(course, "generate_assignment", ASSIGNMENT)
    students = ("s001_kato",)
    for student in students:
        target = course / "nbgrader_work" / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        target.parent.mkdir(parents=True)
        shutil.copy(EXAMPLES / f"{student}.ipynb", target)
    nbgrader(course, "autograde", ASSIGNMENT)
    with Gradebook("sqlite:///" + str(course / "nbgrader_work" / "gradebook.db")) as gradebook:
        for student in students:
            expected = {f: score for f, (score, *_) in verdicts(result_of(graded, student), functions).items()}
            for function in functions:
                grade = gradebook.find_grade(grade_cell_id(function), ASSIGNMENT, ASSIGNMENT, student)
                assert grade.score == expected[function], (student, function, grade.score, expected[function])
    ran = read(course / "nbgrader_work" / "autograded" / "s001_kato" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    outputs = [o for c in ran["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    printed = "".join("".join(o.get("text", "")) for o in outputs)
    epochs = re.findall(r"epoch (\d+): .* test ([0-9.]+)", printed)
    assert [int(n) for n, _ in epochs] == [1, 2], printed[-2000:]             # the example trains two epochs
    assert float(epochs[-1][1]) > 0.4, "the demo network should learn the digits well above chance (0.1)"
    assert re.search(r"10000 steps: at least about [0-9.]+ hours", printed), printed[-2000:]
