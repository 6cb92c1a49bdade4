"""``python -m autograder new-assignment ID``: the skeleton of a new assignment.

Writes, from the templates in ``templates/new_assignment/`` (files with ``$id``,
``$function`` and ``$points`` placeholders, read by ``string.Template``):

    autograder/graders/ID/        probes.py, test_<function>.py (one public and one
                                  hidden check), misconceptions.py, messages.toml (ja/en)
    solutions/ID/ID.ipynb         the nbgrader source notebook: the course's setup cell,
                                  one stub, its test cell, the final check_all cell
    tests/catalogue/ID/           one right and one wrong entry, and catalogue.toml
                                  marking the catalogue as a skeleton
    course_config.py              the assignment's points, added to ASSIGNMENTS

and prints the next steps, starting with ``nbgrader generate_assignment ID --force``.
The templates live beside the repository's other sources, not in the package: they are
for the instructor's repository, never for the student kit.
"""
import ast
import json
import keyword
import re
import string
from pathlib import Path

from .course import GRADERS, UsageError, load_course

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "new_assignment"
FUNCTION = "square"                        # the skeleton's one stub
CHECKS = {"known_values": 2, "random_array": 2}     # its checks (test_<name>) and their points
SLUG = re.compile(r"[a-z][a-z0-9_]*")


def new_assignment_command(course, args):
    assignment_id = args.id
    root = course.path.parent
    targets = _targets(root, assignment_id)
    _refuse(course, assignment_id, root, targets)
    values = {"id": assignment_id, "title": assignment_id, "function": FUNCTION,
              "points": sum(CHECKS.values())}
    for template, target in targets.items():
        text = string.Template(template.read_text(encoding="utf-8")).substitute(
            _json_safe(values) if template.name.endswith(".ipynb.tmpl") else values)
        if target.suffix == ".ipynb":
            text = json.dumps(json.loads(text), ensure_ascii=False, indent=1) + "\n"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    entry = _config_entry(assignment_id)
    added = _add_to_config(course.path, assignment_id, entry)
    for target in targets.values():
        print(f"wrote {target.relative_to(root)}")
    if added:
        print(f"added '{assignment_id}' to {course.path.name}'s ASSIGNMENTS")
    else:
        print(f"could not add the points to {course.path.name}: paste this entry into its ASSIGNMENTS dict:\n"
              + entry)
    print(f"""
next steps (from the repository root, with .venv/bin first on PATH):
  1. write the assignment in solutions/{assignment_id}/{assignment_id}.ipynb, its checks in
     autograder/graders/{assignment_id}/ and their points in {course.path.name}
  2. nbgrader generate_assignment {assignment_id} --force      # writes assignments/{assignment_id}/
  3. python -m autograder grade tests/catalogue/{assignment_id} --assignment {assignment_id}
  4. python -m pytest tests/test_contract.py -k {assignment_id}  # the checks every assignment passes""")
    return 0


def _targets(root, assignment_id):
    """template file -> the file it becomes."""
    places = {"graders": GRADERS / assignment_id, "catalogue": root / "tests" / "catalogue" / assignment_id}
    targets = {}
    for template in sorted(TEMPLATES.rglob("*.tmpl")):
        name = string.Template(template.name[:-len(".tmpl")]).substitute(function=FUNCTION)
        if template.parent == TEMPLATES:             # solution.ipynb
            targets[template] = root / "solutions" / assignment_id / f"{assignment_id}.ipynb"
        else:
            targets[template] = places[template.parent.name] / name
    return targets


def _refuse(course, assignment_id, root, targets):
    if not SLUG.fullmatch(assignment_id) or keyword.iskeyword(assignment_id):
        raise UsageError(f"'{assignment_id}' is not a valid assignment id: lowercase letters, digits and "
                         "underscores, starting with a letter (e.g. ch05_backprop)")
    if assignment_id in course.assignments:
        raise UsageError(f"assignment '{assignment_id}' already exists in {course.path.name}")
    folders = {target.parent for target in targets.values()} | {root / "assignments" / assignment_id}
    existing = sorted(str(folder.relative_to(root)) for folder in folders if folder.exists())
    if existing:
        raise UsageError(f"'{assignment_id}' already has files: {', '.join(existing)}")
    if not TEMPLATES.is_dir():
        raise UsageError(f"the templates are missing: {TEMPLATES}")


def _json_safe(values):
    """Values as they may stand inside a JSON string (the notebook template)."""
    return {key: json.dumps(value)[1:-1] if isinstance(value, str) else value for key, value in values.items()}


def _config_entry(assignment_id):
    lines = [f'    "{assignment_id}": {{', f'        "title": "{assignment_id}",', '        "points": {']
    lines += [f'            "{FUNCTION}::{check}": {points},' for check, points in CHECKS.items()]
    return "\n".join(lines + ["        },", "    },"]) + "\n"


def _add_to_config(path, assignment_id, entry):
    """Insert ``entry`` before the closing brace of the ASSIGNMENTS dict literal, then
    load the settings again to verify; restore the file and return False if that fails."""
    original = path.read_text(encoding="utf-8")
    node = next((n for n in ast.parse(original).body if isinstance(n, ast.Assign) and isinstance(n.value, ast.Dict)
                 and [getattr(t, "id", None) for t in n.targets] == ["ASSIGNMENTS"]), None)
    if node is None:
        return False
    source = original.encode("utf-8")                # ast's columns count UTF-8 bytes
    starts = [0] + [at + 1 for at, byte in enumerate(source) if byte == ord("\n")]
    brace = starts[node.value.end_lineno - 1] + node.value.end_col_offset - 1
    line_start = starts[node.value.end_lineno - 1]
    if source[line_start:brace].strip():             # the closing brace is not alone on its line
        return False
    if node.value.values:
        last = node.value.values[-1]
        last_end = starts[last.end_lineno - 1] + last.end_col_offset
        if b"," not in source[last_end:brace]:       # no trailing comma after the last entry
            source = source[:last_end] + b"," + source[last_end:]
            line_start += 1
    path.write_bytes(source[:line_start] + entry.encode("utf-8") + source[line_start:])
    try:
        added = load_course(path).assignment(assignment_id).points
        if added == {f"{FUNCTION}::{check}": points for check, points in CHECKS.items()}:
            return True
    except Exception:
        pass
    path.write_text(original, encoding="utf-8")
    return False
