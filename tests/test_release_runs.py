"""Restart & Run All on every released notebook with nothing filled in: the instructions tell
students to run all cells and read the last one, so no demo, figure or optional exercise
may stop the run while a stub still raises NotImplementedError.  Each release
(assignments/<id>/<id>.ipynb) runs top to bottom in a Jupyter kernel of this environment
(nbclient, errors not allowed) and must reach its last cell, the final check.

Marked ``nbgrader`` like the other tests that start a Jupyter kernel.
"""
import json
import re
import shutil
import sys

import nbformat
import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from conftest import ROOT

from autograder.course import load_course

ASSIGNMENTS = sorted(load_course(ROOT / "course_config.py").assignments)
CELL_TIMEOUT = 600          # seconds per cell: generous, a busy machine must not fail it

pytestmark = pytest.mark.nbgrader


def kernel_manager(folder):
    """A KernelManager for this interpreter's ipykernel (a kernel spec written in ``folder``)."""
    spec = folder / "kernels" / "this-python"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "this Python", "language": "python"}), encoding="utf-8")
    return KernelManager(kernel_name="this-python", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec.parent)]))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_runs_to_the_last_cell_with_nothing_filled_in(assignment, tmp_path):
    release = ROOT / "assignments" / assignment / f"{assignment}.ipynb"
    notebook = nbformat.read(release, as_version=4)
    folder = tmp_path / "work"                    # a folder with the grading package, as make_course makes
    folder.mkdir()
    (folder / "autograder").symlink_to(ROOT / "autograder", target_is_directory=True)
    shutil.copy(ROOT / "course_config.py", folder / "course_config.py")
    client = NotebookClient(notebook, km=kernel_manager(tmp_path), timeout=CELL_TIMEOUT, allow_errors=False,
                            resources={"metadata": {"path": str(folder)}})
    client.execute()                              # raises CellExecutionError at the first cell that raises
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "a code cell was not run"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    last = "".join(o.get("text", "") for o in code[-1].outputs if o.output_type == "stream")
    assert re.match(r"check_all\(", code[-1].source.strip()), code[-1].source
    assert last.strip(), "the final check printed nothing"
