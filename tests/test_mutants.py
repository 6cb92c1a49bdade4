"""The mutation pass: mechanical mutants of right answers must lose points.

Every mutant of the references (tests/mutation.py) is written out and graded in one batch
by the real command.  A surviving mutant fails this test unless
tests/catalogue/ch04_gradient/equivalent_mutants.toml records it, by id, with the reason
it is not a mistake the graders should catch; a recorded mutant must still exist and
still survive (else the record is stale, or a grader fails a right answer).
"""
import tomllib

import pytest

import mutation

SNIPPET = '''
def f(x, n=3):
    y = -x
    for i in range(n):
        y -= x * 2
        if y < 0:
            y = abs(y)
    return y
'''


def test_mutator_applies_each_operator_once_per_place():
    found = {m.id.split(":")[-1]: m for m in mutation.mutants(SNIPPET, ["f"])}
    assert {"drop", "drop_minus", "range+1", "range-1", "aug_Sub>Add", "aug>assign", "Mult>Div", "Lt>GtE",
            "const_3>4", "const_2>1", "drop_call"} <= set(found)
    assert "y += x * 2" in found["aug_Sub>Add"].source and "range(n + 1)" in found["range+1"].source
    assert "if y >= 0:" in found["Lt>GtE"].source and "y = x * 2" in found["aug>assign"].source
    ids = [m.id for m in mutation.mutants(SNIPPET, ["f"])]
    assert ids == [m.id for m in mutation.mutants(SNIPPET, ["f"])] and len(ids) == len(set(ids))
    for mutant in mutation.mutants(SNIPPET, ["f"]):
        compile(mutant.source, mutant.id, "exec")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    rows, done = mutation.grade_mutants(tmp_path_factory.mktemp("mutants"))
    assert done.returncode == 0, done.stdout + done.stderr
    return rows


@pytest.fixture(scope="module")
def equivalent():
    with open(mutation.EQUIVALENT, "rb") as handle:
        return tomllib.load(handle)


def test_every_mutant_is_killed_or_recorded_as_equivalent(graded, equivalent, capsys):
    assert len(graded) == len(mutation.all_mutants()) >= 100     # every mutant was graded
    survivors = {row.mutant.id: row.mutant for row in graded if not row.killed}
    killed = len(graded) - len(survivors)
    with capsys.disabled():
        print(f"\nmutation pass: {killed} of {len(graded)} mutants killed ({100 * killed / len(graded):.1f} %), "
              f"{len(survivors)} survive, recorded as equivalent in {mutation.EQUIVALENT.name}")
    unexplained = [f"{m.id}  ({m.change})" for m in survivors.values() if m.id not in equivalent]
    assert not unexplained, "mutants survive that no check kills:\n" + "\n".join(unexplained)


def test_a_mutant_loses_points_only_in_the_function_it_changes(graded):
    for row in graded:
        if row.killed:
            function = row.mutant.id.split("/")[1].split(":")[0]
            assert row.functions == [function], f"{row.mutant.id} ({row.mutant.change}) lost points in {row.functions}"


def test_equivalent_records_are_current(graded, equivalent):
    survives = {row.mutant.id: not row.killed for row in graded}
    for mutant_id, record in equivalent.items():
        assert mutant_id in survives, f"{mutant_id}: no such mutant any more (stale record)"
        assert survives[mutant_id], f"{mutant_id}: recorded as equivalent but it loses points"
        assert len(record.get("reason", "")) > 20 and record.get("change"), mutant_id
