"""Loading: what of a cell is Python.  IPython-only lines are dropped (their line numbers
kept), and nothing else: a comment or a string ending in "?" is the student's code."""
import pytest

from autograder.load import strip_magics


@pytest.mark.parametrize("line, kept", [
    ("%matplotlib inline", False), ("!pip install numpy", False), ("x = !ls", False),
    ("np.sum?", False), ("?np.sum", False), ("numerical_gradient??", False),
    ("h = 1e-4  # why so small?", True), ("# is this right?", True), ("print('done?')", True),
    ('s = "why?"', True), ("    return grad  # restored?", True),
])
def test_only_ipython_lines_are_dropped(line, kept):
    source = f"a = 1\n{line}\nb = 2"
    assert strip_magics(source).split("\n") == ["a = 1", line if kept else "", "b = 2"]


def test_figure_cells_unpack_as_with_matplotlib():
    """While grading, matplotlib is a stand-in that draws nothing; its subplots still give as
    many axes as asked, so that a figure cell's unpacking does not fail."""
    import subprocess
    import sys
    code = ("from autograder.run.inside import stubs; stubs.install()\n"
            "import matplotlib.pyplot as plt\n"
            "fig, (a, b, c) = plt.subplots(1, 3, figsize=(9, 3))\n"
            "fig, ((p, q), (r, s)) = plt.subplots(2, 2)\n"
            "fig, ax = plt.subplots(); ax.plot([1], [2]); ax.set_xlabel('x')\n"
            "fig, axes = plt.subplots(2, 3, squeeze=False); print(axes.shape)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "(2, 3)\n"
