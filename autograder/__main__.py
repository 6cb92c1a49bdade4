"""``python -m autograder``: the command line (the installed ``autograder`` command is the same)."""
import os
import sys

# ``-m`` put the working folder first on the import path; it may be the folder being
# graded (a student's numpy.py, csv.py, ...).  Nothing is imported from it.
sys.path[:] = [entry for entry in sys.path if entry not in ("", os.getcwd())]

from .cli import run  # noqa: E402

run()
