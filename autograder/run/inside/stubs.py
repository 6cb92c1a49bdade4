"""Stand-ins for plotting and notebook-display modules while grading.

A submission's figure cells (matplotlib, its Japanese-font helpers, IPython.display)
are run like any other cell, but drawing is not graded, so these modules accept any
call and do nothing.  Importing the real matplotlib would cost more than grading.
"""
import sys
import types

MODULES = (
    "matplotlib", "matplotlib.pyplot", "matplotlib.cm", "matplotlib.colors",
    "matplotlib.animation", "matplotlib.font_manager", "matplotlib.ticker",
    "matplotlib_fontja", "japanize_matplotlib", "mpl_toolkits", "mpl_toolkits.mplot3d",
    "IPython", "IPython.display", "seaborn",
)


class Anything:
    """Any attribute, call, index or iteration gives another Anything (or nothing)."""

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __getitem__(self, key):
        return self

    def __iter__(self):
        return iter((self, self))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __bool__(self):
        return True

    def __repr__(self):
        return "<not drawn while grading>"


class _StubModule(types.ModuleType):
    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return _ANYTHING


_ANYTHING = Anything()


def subplots(nrows=1, ncols=1, *args, squeeze=True, **kwargs):
    """(figure, axes) as matplotlib's: one Anything, or an array of them of nrows × ncols
    (squeezed as matplotlib squeezes), so ``fig, (a, b, c) = plt.subplots(1, 3)`` unpacks."""
    import numpy as np
    try:
        shape = (int(nrows), int(ncols))
    except (TypeError, ValueError):
        return _ANYTHING, _ANYTHING
    axes = np.empty(shape, dtype=object)
    axes.fill(_ANYTHING)
    if squeeze:
        axes = axes.item() if axes.size == 1 else axes.squeeze()
    return _ANYTHING, axes


def install():
    for name in MODULES:
        module = _StubModule(name)
        module.__path__ = []          # lets "import matplotlib.pyplot" find the submodule stub
        sys.modules[name] = module
    for name in MODULES:
        parent, _, child = name.rpartition(".")
        if parent:
            setattr(sys.modules[parent], child, sys.modules[name])
    sys.modules["matplotlib.pyplot"].subplots = subplots
