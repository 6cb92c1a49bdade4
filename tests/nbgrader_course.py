"""Helpers for tests that use nbgrader's notebooks: a throwaway course to run the real
nbgrader in, and answering or breaking the stubs of a notebook.

nbgrader works on a course folder.  ``make_course`` copies what it reads
(nbgrader_config.py, course_config.py, solutions/) into a temporary folder and links
the grading package in, so the notebooks' test cells can import it; ``nbgrader`` runs
the command there with this environment's bin/ first on PATH (nbgrader calls alembic).
"""
import copy
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
STUB_LINE = "raise NotImplementedError()"


def make_course(folder):
    folder = Path(folder)
    for name in ("nbgrader_config.py", "course_config.py"):
        shutil.copy(ROOT / name, folder / name)
    shutil.copytree(ROOT / "solutions", folder / "solutions")
    (folder / "autograder").symlink_to(ROOT / "autograder", target_is_directory=True)
    return folder


def nbgrader(course, *args, timeout=900):
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(BIN / "nbgrader"), *args], cwd=course, env=env,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed (exit {done.returncode}):\n"
                             f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
    return done


def read(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def write(path, notebook):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1), encoding="utf-8")


def source(cell):
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def cell_with_id(notebook, grade_id):
    matches = [c for c in notebook["cells"] if nbgrader_meta(c).get("grade_id") == grade_id]
    assert len(matches) == 1, f"expected one cell with grade_id {grade_id!r}, found {len(matches)}"
    return matches[0]


def _region(lines, begin, end):
    """(first, last) line index of the region from the line matching ``begin`` to ``end``."""
    first = next(i for i, line in enumerate(lines) if begin(line.strip()))
    last = next(i for i in range(first, len(lines)) if end(lines[i].strip()))
    return first, last


def _splice(text, first_last, body):
    lines = text.split("\n")
    first, last = first_last(lines)
    indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
    lines[first:last + 1] = textwrap.indent(textwrap.dedent(body).strip("\n"), indent).split("\n")
    return "\n".join(lines)


def solution_bodies(notebook):
    """grade_id -> the code between ### BEGIN SOLUTION and ### END SOLUTION (dedented)."""
    bodies = {}
    for cell in notebook["cells"]:
        if nbgrader_meta(cell).get("solution") and cell["cell_type"] == "code":
            lines = source(cell).split("\n")
            first, last = _region(lines, lambda s: s == "### BEGIN SOLUTION", lambda s: s == "### END SOLUTION")
            bodies[nbgrader_meta(cell)["grade_id"]] = textwrap.dedent("\n".join(lines[first + 1:last]))
    return bodies


def answered(release, bodies):
    """A copy of a released notebook with the stubs of ``bodies`` (grade_id -> code) filled in,
    as a student would: the `# TODO` line and `raise NotImplementedError()` are replaced."""
    def stub(lines):
        at = next(i for i, line in enumerate(lines) if line.strip() == STUB_LINE)
        return (at - 1 if at and lines[at - 1].strip().startswith("# TODO") else at), at

    notebook = copy.deepcopy(release)
    for grade_id, body in bodies.items():
        cell = cell_with_id(notebook, grade_id)
        cell["source"] = _splice(source(cell), stub, body)
        cell["outputs"] = []
    return notebook


def with_solution(notebook, grade_id, body):
    """A copy of a source notebook whose solution region in cell ``grade_id`` is ``body``."""
    notebook = copy.deepcopy(notebook)
    cell = cell_with_id(notebook, grade_id)
    region = lambda lines: _region(lines, lambda s: s == "### BEGIN SOLUTION", lambda s: s == "### END SOLUTION")
    cell["source"] = _splice(source(cell), region, body)
    return notebook


def assert_release_in_sync(folder, assignment):
    """assignments/<id>/<id>.ipynb is exactly what ``nbgrader generate_assignment`` makes
    of solutions/ now (cell by cell: type, source and nbgrader metadata)."""
    release = ROOT / "assignments" / assignment / f"{assignment}.ipynb"
    regenerate = f"run `nbgrader generate_assignment {assignment} --force` from the repository root"
    course = make_course(folder)
    nbgrader(course, "generate_assignment", assignment)
    view = lambda nb: [(c["cell_type"], source(c), nbgrader_meta(c)) for c in nb["cells"]]
    fresh = view(read(course / "assignments" / assignment / release.name))
    committed = view(read(release))
    assert len(committed) == len(fresh), \
        f"{release.relative_to(ROOT)} has a different number of cells than solutions/ makes: {regenerate}"
    for number, (old, new) in enumerate(zip(committed, fresh), 1):
        assert old == new, f"cell {number} of {release.relative_to(ROOT)} is out of sync with solutions/: {regenerate}"

