"""train(net, x, t, iters_num, batch_size, learning_rate, seed=None): iters_num steps of
mini-batch SGD.  Each step draws batch_size rows with one np.random.default_rng(seed)
made before the loop, takes net.numerical_gradient on that mini-batch, moves every
parameter by −learning_rate·gradient, and records net.loss on the same mini-batch.

Graded on its own: train is given a stand-in network (probes.StandInNet) whose loss and
gradient are exact and which records the rows it is handed, so every step can be replayed."""
import numpy as np
import pytest

from autograder.expect import Fail, Text, array, close, first_match, show

from .sgd import draws, replay, stand_in_loss, train_mistakes

pytestmark = pytest.mark.grades("train")

KEYS = ("W1", "b1", "W2", "b2")
SHAPES = {"W1": (3, 4), "b1": (4,), "W2": (4, 2), "b2": (2,)}


def setting(rng, samples=12):
    """Parameters, and data whose rows are all different (so rows can be told apart)."""
    params = {key: rng.normal(0, 1, shape) for key, shape in SHAPES.items()}
    return params, rng.uniform(-1, 1, (samples, 3)), rng.uniform(0, 1, (samples, 2))


def run(student, params, x, t, iters_num, batch_size, learning_rate, seeds):
    runs = student.ask("train", params=params, x=x, t=t, iters_num=iters_num, batch_size=batch_size,
                       learning_rate=learning_rate, seeds=list(seeds))
    call = (f"train(net, x, t, iters_num={iters_num}, batch_size={batch_size}, "
            f"learning_rate={learning_rate:g}, seed={seeds[0]})")
    given = Text(f"{call}(x は {x.shape[0]} 行)", f"{call}, x: {x.shape[0]} rows")
    for one in runs:
        if not isinstance(one["losses"], (list, tuple, np.ndarray)):
            raise Fail("no_loss_list", given=given, got=show(one["losses"]))
        losses = array(list(one["losses"]), (len(one["losses"]),), given, allow_non_finite=True)
        if len(losses) != iters_num:
            raise Fail("wrong_iteration_count", given=given, got=str(len(losses)), expected=str(iters_num))
        calls = len(one["gradient_calls"])
        if calls != iters_num:
            raise Fail("wrong_iteration_count", given=given + Text("(net.numerical_gradient の呼び出し回数)",
                                                                   " (net.numerical_gradient calls)"),
                       got=str(calls), expected=str(iters_num))
        one["losses"] = losses
    return runs, given


def batches_of(one, batch_size, given):
    """The rows of x each step used, checked: batch_size rows of x, with the matching rows of t."""
    batches = []
    for step, (x_rows, t_rows) in enumerate(one["gradient_calls"]):
        if len(x_rows) != batch_size:
            raise Fail("wrong_batch_size", given=given,
                       got=Text(f"ステップ {step + 1} で {len(x_rows)} 行", f"{len(x_rows)} rows in step {step + 1}"),
                       expected=Text(f"{batch_size} 行", f"{batch_size} rows"))
        if -1 in x_rows or x_rows != t_rows:
            raise Fail("x_t_mismatch", given=given, got=Text(f"ステップ {step + 1}", f"step {step + 1}"))
        batches.append(x_rows)
    return batches


def expect_replayed(one, params, x, t, batch_size, lr, given):
    """Every recorded loss is the stand-in loss on that step's mini-batch right after the step's
    update, and the parameters end where the same steps lead (to 1e-9)."""
    batches = batches_of(one, batch_size, given)
    expected, final = replay(params, x, t, batches, lr)
    after = one["params_after"]
    if close(one["losses"], expected, 1e-9, 1e-9) and all(
            close(np.asarray(after[key], dtype=float), final[key], 1e-9, 1e-9) for key in KEYS):
        return
    code = first_match(one["losses"], train_mistakes(params, x, t, batches, lr), rtol=1e-9)
    raise Fail(code, given=given, got=show(one["losses"]), expected=show(expected), tolerance="1e-9")


@pytest.mark.public
def test_loss_goes_down(student, rng):
    """Ten steps on a loss that SGD can only lower, with a random learning rate: one loss per
    step comes back, the parameters end closer to the minimum than they started, and each
    recorded loss is that of the step's mini-batch after the step's update (the book's order)."""
    params, x, t = setting(rng)
    lr = float(np.round(rng.choice([rng.uniform(0.02, 0.08), rng.uniform(0.12, 0.4)]), 3))   # never 0.1
    [one], given = run(student, params, x, t, 10, 4, lr, [0])
    m = np.mean(x) + np.mean(t)          # the stand-in loss is least where every parameter is m
    start = sum(np.sum((params[key] - m) ** 2) for key in KEYS)
    after = one["params_after"]
    end = sum(np.sum((np.asarray(after[key], dtype=float) - m) ** 2) for key in KEYS)
    if not end < start:
        raise Fail("gradient_ascent" if end > start else "params_not_updated", given=given,
                   got=Text(f"最小値までの距離² {end:.6g}", f"distance² to the minimum {end:.6g}"),
                   expected=Text(f"{start:.6g} 未満", f"less than {start:.6g}"))
    expect_replayed(one, params, x, t, 4, lr, given)


def test_replays_exactly(student, rng):
    """The same on another seed, learning rate, batch size and number of steps: every recorded
    loss is the stand-in loss on that step's mini-batch right after the step's update."""
    params, x, t = setting(rng)
    lr = float(np.round(rng.uniform(0.05, 0.4), 3))
    [one], given = run(student, params, x, t, 8, 3, lr, [int(rng.integers(1000))])
    expect_replayed(one, params, x, t, 3, lr, given)


@pytest.mark.public
def test_same_seed_same_batches(student, rng):
    """Two runs with the same seed draw the same mini-batches; the batches change from step to step."""
    params, x, t = setting(rng)
    seed = int(rng.integers(1000))
    runs, given = run(student, params, x, t, 6, 4, 0.1, [seed, seed])
    first, second = (batches_of(one, 4, given) for one in runs)
    if first != second:
        raise Fail("ignores_seed", given=given,
                   got=Text(f"ステップ 1 で {first[0]}、次は {second[0]}", f"{first[0]} then {second[0]} in step 1"))
    if all(batch == first[0] for batch in first):
        raise Fail("rng_in_loop", given=given, got=Text(f"どのステップでも {first[0]}", f"{first[0]} in every step"))


@pytest.mark.public
def test_default_rng_draws(student, rng):
    """The mini-batches are those a np.random.default_rng(seed) made once before the loop draws
    (rng.choice(n, batch_size) as the notebook does, or without replacement, or a permutation)."""
    params, x, t = setting(rng, samples=20)
    seed = int(rng.integers(1000))
    [one], given = run(student, params, x, t, 5, 5, 0.1, [seed])
    batches = batches_of(one, 5, given)
    if batches not in draws(len(x), 5, 5, seed):
        code = "rng_in_loop" if all(batch == batches[0] for batch in batches) else "not_default_rng"
        raise Fail(code, given=given, got=show(np.array(batches)),
                   expected=show(np.array(draws(len(x), 5, 5, seed)[0])))
