"""A small AST mutator: the mechanical mistakes a grader must notice.

``mutants(source, targets)`` applies one operator at one place of the named functions
(``"numerical_diff"``, ``"simpleNet.loss"``) and returns every distinct result as a
``Mutant`` with a stable id ``<function>:L<line in function>:C<columns>:<operator>``.
Operators: + ↔ −, * ↔ /, operands of − and / swapped, comparisons flipped, augmented
assignments flipped or made plain, numbers ×10 / ÷10 (floats) or ±1 (ints), range stops
±1, a unary minus dropped, a one-argument call replaced by its argument, a statement dropped.

The mutants are written out as files and graded by the real command, in one batch: a
mutation tool's in-process trampolines could not cross the sandbox.  Run
``python tests/mutation.py`` for the table of killed and surviving mutants.
"""
import ast
import copy
import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

SWAPS = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
         ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE, ast.LtE: ast.Gt,
         ast.Eq: ast.NotEq, ast.NotEq: ast.Eq}


@dataclass(frozen=True)
class Mutant:
    id: str
    change: str          # the statement before and after, for a reader
    source: str


def _constant_variants(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return []
    if isinstance(value, float):
        return [value * 10, value / 10] if value else [1.0]
    return [value + 1, value - 1] if value else [1]


def _operators(node):
    """(name, apply) for every mutation of ``node``; apply(node, parents) edits a copy."""
    found = []
    if isinstance(node, ast.BinOp) and type(node.op) in SWAPS:
        new = SWAPS[type(node.op)]
        found.append((f"{type(node.op).__name__}>{new.__name__}", lambda n, p, new=new: setattr(n, "op", new())))
        if isinstance(node.op, (ast.Sub, ast.Div)):
            found.append(("swap_operands", lambda n, p: _swap_operands(n)))
    if isinstance(node, ast.AugAssign) and type(node.op) in SWAPS:
        new = SWAPS[type(node.op)]
        found.append((f"aug_{type(node.op).__name__}>{new.__name__}", lambda n, p, new=new: setattr(n, "op", new())))
        found.append(("aug>assign", lambda n, p: _replace(p, n, ast.Assign(targets=[n.target], value=n.value))))
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in SWAPS:
        new = SWAPS[type(node.ops[0])]
        found.append((f"{type(node.ops[0]).__name__}>{new.__name__}", lambda n, p, new=new: setattr(n, "ops", [new()])))
    if isinstance(node, ast.Constant):
        for value in _constant_variants(node.value):
            found.append((f"const_{node.value!r}>{value!r}", lambda n, p, value=value: setattr(n, "value", value)))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        found.append(("drop_minus", lambda n, p: _replace(p, n, n.operand)))
    if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "range" and node.args:
        found += [("range+1", lambda n, p: _shift_stop(n, ast.Add())), ("range-1", lambda n, p: _shift_stop(n, ast.Sub()))]
    elif isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        found.append(("drop_call", lambda n, p: _replace(p, n, n.args[0])))
    if isinstance(node, ast.stmt) and not isinstance(node, (ast.Pass, ast.FunctionDef)):
        found.append(("drop", lambda n, p: _replace(p, n, ast.Pass())))
    return found


def _swap_operands(node):
    node.left, node.right = node.right, node.left


def _shift_stop(call, op):
    """range(n) -> range(n ± 1); range(a, n, ...) -> range(a, n ± 1, ...)."""
    where = 0 if len(call.args) == 1 else 1
    call.args[where] = ast.BinOp(left=call.args[where], op=op, right=ast.Constant(1))


def _replace(parents, old, new):
    parent = parents[old]
    for field, value in ast.iter_fields(parent):
        if value is old:
            setattr(parent, field, new)
            return
        if isinstance(value, list) and any(item is old for item in value):
            value[[id(item) for item in value].index(id(old))] = new
            return
    raise LookupError("node not found in its parent")


def _find(tree, qualname):
    scope = tree
    for name in qualname.split("."):
        scope = next(n for n in ast.walk(scope)
                     if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name)
    return scope


def _statement(node, parents):
    while not isinstance(node, ast.stmt):
        node = parents[node]
    return node


def _first_line(node):
    return ast.unparse(node).splitlines()[0] if not isinstance(node, ast.Pass) else "pass"


def mutants(source, targets, prefix=""):
    """Every distinct single mutation of the functions ``targets`` in ``source``; ids start
    with ``prefix`` (the reference's name)."""
    tree = ast.parse(source)
    seen = {ast.unparse(tree)}
    found = []
    for qualname in targets:
        function = _find(tree, qualname)
        for index, node in enumerate(ast.walk(function)):
            for name, apply in _operators(node):
                mutated = copy.deepcopy(tree)
                target_function = _find(mutated, qualname)
                nodes = list(ast.walk(target_function))
                parents = {child: parent for parent in nodes for child in ast.iter_child_nodes(parent)}
                target = nodes[index]
                statement = _statement(target, parents) if target is not target_function else target
                statement_index = nodes.index(statement)
                before = _first_line(statement)
                apply(target, parents)
                ast.fix_missing_locations(mutated)
                text = ast.unparse(mutated)
                if text in seen:
                    continue
                try:
                    compile(text, "<mutant>", "exec")
                except SyntaxError:
                    continue
                seen.add(text)
                after_nodes = list(ast.walk(_find(mutated, qualname)))
                after = _first_line(after_nodes[statement_index]) if statement_index < len(after_nodes) else "?"
                mutant_id = (f"{prefix}{qualname}:L{node.lineno - function.lineno}"
                             f":C{node.col_offset}-{node.end_col_offset}:{name}")
                found.append(Mutant(mutant_id, f"{before}  →  {after}", text + "\n"))
    assert len({m.id for m in found}) == len(found), "mutant ids must be unique"
    return found


def write(found, folder):
    """Each mutant as ``<folder>/m000.py``...; returns {student id: mutant}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    students = {}
    for number, mutant in enumerate(found):
        student = f"m{number:03d}"
        (folder / f"{student}.py").write_text(f"# mutant {mutant.id}\n# {mutant.change}\n{mutant.source}",
                                               encoding="utf-8")
        students[student] = mutant
    return students


# ----- the ch04_gradient pass, shared by tests/test_mutants.py and the command line -----
ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "tests" / "catalogue" / "ch04_gradient"
# Right answers written with for loops only (a mutant of a while loop could spin until the time limit).
REFERENCES = (CATALOGUE / "right_ndindex_rebind.py", CATALOGUE / "right_flat_copy_init.py")
EQUIVALENT = CATALOGUE / "equivalent_mutants.toml"
TARGETS = ("numerical_diff", "numerical_gradient", "gradient_descent", "simpleNet.loss", "analytic_gradient",
           "relative_error")


@dataclass(frozen=True)
class Graded:
    mutant: Mutant
    score: float
    max_score: float
    functions: list      # the functions that lost points
    diagnoses: list

    @property
    def killed(self):
        return self.score < self.max_score


def all_mutants():
    return [mutant for reference in REFERENCES
            for mutant in mutants(reference.read_text(encoding="utf-8"), TARGETS, prefix=f"{reference.stem}/")]


def grade_mutants(folder):
    """Write the references' mutants to ``folder``/subs, grade them in one batch with the
    command; returns ([Graded], the command's CompletedProcess)."""
    folder = Path(folder)
    students = write(all_mutants(), folder / "subs")
    out = folder / "graded"
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", str(folder / "subs"), "--assignment",
                           "ch04_gradient", "--out", str(out), "--jobs", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=1800)
    rows = []
    for student, mutant in students.items():
        path = out / student / "results.json"
        if not path.exists():
            continue
        result = json.loads(path.read_text(encoding="utf-8"))
        failed = [t for t in result["tests"] if t["status"] != "passed"]
        rows.append(Graded(mutant, result["score"], result["extra_data"]["max_score"],
                           sorted({t["tags"][0] for t in failed}), sorted({str(t["extra_data"]["diagnosis"]) for t in failed})))
    return rows, done


def main():
    with tempfile.TemporaryDirectory() as folder:
        rows, done = grade_mutants(folder)
    if done.returncode:
        print(done.stderr, file=sys.stderr)
    for row in rows:
        verdict = "killed  " if row.killed else "SURVIVED"
        print(f"{verdict} {row.score:>4g}/{row.max_score:g}  {row.mutant.id}\n    {row.mutant.change}"
              + (f"\n    lost: {', '.join(row.functions)}: {', '.join(row.diagnoses)}" if row.killed else ""))
    killed = sum(row.killed for row in rows)
    print(f"\n{killed} of {len(rows)} mutants killed ({100 * killed / max(len(rows), 1):.1f} %)")


if __name__ == "__main__":
    main()
