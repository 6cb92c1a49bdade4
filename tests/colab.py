"""A Python environment like Google Colab's, for the student kit's tests: a fresh virtual
environment that cannot see this repository (no editable install, no PYTHONPATH), holding
only what Colab has that the notebooks use (numpy, pytest, matplotlib, ipykernel), and a
Jupyter kernel of it that nbclient can run a notebook in.

Offline: the packages come from a wheelhouse made of this environment's own installed
distributions (each repacked from its RECORD into a wheel), installed with
``pip install --no-index --find-links``.  ``pip download`` would need the network, and
``pip wheel`` cannot make a wheel of an installed distribution.
"""
import base64
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

COLAB_PACKAGES = ("numpy", "pytest", "matplotlib", "ipykernel")
LEFT_OUT = {"INSTALLER", "REQUESTED", "RECORD", "direct_url.json"}   # pip writes these when it installs


def _closure(names):
    """The installed distributions ``names`` need, themselves included (markers evaluated
    here, no extras): {canonical name: Distribution}."""
    found, todo = {}, list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        found[name] = distribution = metadata.distribution(name)
        for line in distribution.requires or ():
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return found


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return [name, f"sha256={digest}", str(len(data))]


def repack(distribution, folder):
    """An installed distribution as the wheel it was installed from (pure and compiled
    files, its .dist-info, data files under the prefix; console scripts are left to pip,
    which writes them again from entry_points.txt).  Returns the wheel's path."""
    site = Path(distribution.locate_file(""))
    [info] = {site / file.parent for file in distribution.files
              if file.name == "METADATA" and file.parent.name.endswith(".dist-info")}
    stem = info.name[:-len(".dist-info")]
    tags = [line.split(":", 1)[1].strip() for line in (info / "WHEEL").read_text().splitlines()
            if line.startswith("Tag:")]
    parts = [list(dict.fromkeys(tag.split("-")[i] for tag in tags)) for i in range(3)]   # py2.py3-none-any
    wheel = Path(folder) / f"{stem}-{'-'.join('.'.join(part) for part in parts)}.whl"
    records = []
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as archive:
        for file in distribution.files:
            parts = Path(file).parts
            if "__pycache__" in parts or file.suffix == ".pyc":
                continue
            if parts[0] == "..":                          # under the environment's prefix
                prefix = Path(*parts[3:]) if parts[:3] == ("..", "..", "..") else None
                if prefix is None or prefix.parts[0] == "bin":
                    continue
                name = f"{stem}.data/data/{prefix.as_posix()}"
            elif parts[0] == info.name and parts[-1] in LEFT_OUT:
                continue
            else:
                name = Path(file).as_posix()
            data = (site / file).read_bytes()
            archive.writestr(name, data)
            records.append(_record_line(name, data))
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(records + [[f"{info.name}/RECORD", "", ""]])
        archive.writestr(f"{info.name}/RECORD", text.getvalue())
    return wheel


def wheelhouse(folder, names=COLAB_PACKAGES):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for distribution in _closure(names).values():
        repack(distribution, folder)
    return folder


def colab_environment(folder, names=COLAB_PACKAGES):
    """A fresh virtual environment in ``folder``/venv with ``names`` and what they need,
    installed offline from a wheelhouse of this environment's packages.  Returns its python."""
    folder = Path(folder)
    house = wheelhouse(folder / "wheelhouse", names)
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-index", "--find-links", str(house),
                    "--disable-pip-version-check", *names], check=True, capture_output=True, timeout=900)
    return python


def kernel_manager(python, folder):
    """A KernelManager whose kernel is ``python``'s ipykernel (a kernel spec in ``folder``)."""
    spec = Path(folder) / "kernels" / "colab"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab-like", "language": "python"}), encoding="utf-8")
    return KernelManager(kernel_name="colab", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec.parent)]))


def outputs(notebook):
    """Each code cell's printed text (stdout and stderr streams, and error tracebacks' names)."""
    texts = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        text = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                text.append(output["text"] if isinstance(output["text"], str) else "".join(output["text"]))
            elif output.get("output_type") == "error":
                text.append(f"{output['ename']}: {output['evalue']}")
        texts.append(re.sub(r"\x1b\[[0-9;]*m", "", "".join(text)))
    return texts
