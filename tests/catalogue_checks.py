"""The one implementation of what an assignment's catalogue must show, used by the contract
(test_contract.py) and by the assignments' own extras.

A catalogue (tests/catalogue/<assignment>/*.py) holds students' code as scripts, each
labelled in its header:

    # expect: full                                   every check passes
    # expect: numerical_diff=forward_difference      that function loses points, each of its
                                                     failing checks carries that diagnosis,
                                                     every other function keeps full marks
    # expect: gradient_descent=timeout|null          several diagnoses: each one shows up,
                                                     and no other (null = no known misconception)

An assignment's catalogue, its examples, its solution and release notebooks (and one
wrong notebook for nbgrader) are graded as ONE batch by the real command.

A wrong entry may also be a *trivial* answer, one that does no work, marked on a second
line with its kind:

    # expect: relu=negative_not_zeroed
    # trivial: argument                              returns x, or a copy of it

The kinds: ``constant`` (a value of any shape that no argument decides), ``shaped``
(shaped like an argument, but independent of its values: np.zeros_like(x)), ``argument``
(an argument, or a copy of it, returned as it came), ``none`` (returns None),
``ignores_function`` (ignores the function it is given: gradient_descent never calling
f), and ``book_constant`` (the value the book or the notebook prints for its example,
returned whatever the input: every check also asks an input drawn from the submission's
seed).  A trivial entry earns exactly 0 of its function's points and full marks elsewhere.

The course's minimums (at least 8 right and 20 wrong entries; a stub, a crash and an
unexplained wrong value among them; for every graded function a trivial answer of each
kind that applies to it, ``ignores_function`` for those that take a function) bind every catalogue, except one whose folder has a
catalogue.toml saying ``minimums = false``: the skeleton that
``python -m autograder new-assignment`` writes, until its catalogue is complete.
"""
import json
import re
import shutil
import tomllib

from conftest import ROOT, run_cli
from nbgrader_course import nbgrader_meta, read, source, write

CATALOGUE = ROOT / "tests" / "catalogue"
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
MIN_RIGHT, MIN_WRONG = 8, 20
# Diagnoses the engine gives when the code gives no answer at all: a wrong notebook for
# nbgrader's comparison should answer, wrongly.
NO_ANSWER = {"not_implemented", "crashed", "timeout", "missing_function", "output_limit", "memory_limit"}


# ----- the catalogue's files -----
def entries(assignment):
    return sorted((CATALOGUE / assignment).glob("*.py"))


def expectation(path):
    """{function: {diagnosis or None}} from the header; {} for a right answer."""
    lines = [line[len("# expect:"):].strip() for line in path.read_text(encoding="utf-8").splitlines()
             if line.startswith("# expect:")]
    assert len(lines) == 1, f"{path.name}: needs exactly one '# expect:' line"
    if lines[0] == "full":
        return {}
    wanted = {}
    for part in lines[0].split(","):
        function, _, codes = part.strip().partition("=")
        wanted[function.strip()] = {None if code == "null" else code for code in codes.split("|")}
    return wanted


TRIVIAL_KINDS = ("constant", "shaped", "argument", "none", "ignores_function", "book_constant")
FUNCTION_ARGUMENTS = {"f", "func", "function", "fn"}     # a parameter by these names takes a function


def trivial_kind(path):
    """The kind on an entry's '# trivial: <kind>' line, or None for an entry that is not trivial."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("# trivial")]
    assert len(lines) <= 1, f"{path.name}: at most one '# trivial' line"
    if not lines:
        return None
    kind = lines[0].partition(":")[2].strip()
    assert kind in TRIVIAL_KINDS, f"{path.name}: '# trivial: <kind>' with a kind among {TRIVIAL_KINDS}, not {kind!r}"
    return kind


def trivial_entries(assignment):
    return [path for path in entries(assignment) if trivial_kind(path)]


def labels(assignment):
    return {path.stem: expectation(path) for path in entries(assignment)}


def minimums_apply(assignment):
    """False only for a catalogue whose catalogue.toml says ``minimums = false``."""
    settings = CATALOGUE / assignment / "catalogue.toml"
    if not settings.is_file():
        return True
    with open(settings, "rb") as handle:
        return tomllib.load(handle).get("minimums", True) is not False


def assert_labels_well_formed(labelled, functions):
    """Every label names a graded function, and each wrong entry breaks exactly one."""
    for name, wanted in labelled.items():
        assert set(wanted) <= set(functions), f"{name}: unknown function in the label: {set(wanted) - set(functions)}"
        assert len(wanted) <= 1, f"{name}: a wrong entry should break one function, not {sorted(wanted)}"


def covered_codes(labelled):
    return {code for wanted in labelled.values() for codes in wanted.values() for code in codes}


def assert_minimums(labelled, functions):
    """At least 8 right and 20 wrong entries; a stub, a crash and a wrong value no known
    misconception explains among them; every function broken by at least one entry."""
    right = [name for name, wanted in labelled.items() if not wanted]
    wrong = [wanted for wanted in labelled.values() if wanted]
    assert len(right) >= MIN_RIGHT and len(wrong) >= MIN_WRONG, \
        f"{len(right)} right and {len(wrong)} wrong entries; the minimums are {MIN_RIGHT} and {MIN_WRONG}"
    covered = covered_codes(labelled)
    for code, what in (("not_implemented", "a stub"), ("crashed", "a crash"), (None, "an unexplained wrong value")):
        assert code in covered, f"no catalogue entry is {what} ({code})"
    unbroken = set(functions) - {function for wanted in wrong for function in wanted}
    assert not unbroken, f"no wrong entry for {sorted(unbroken)}"


def assert_covers(labelled, required):
    """Every diagnosis in ``required`` is some wrong entry's label."""
    missing = set(required) - covered_codes(labelled)
    assert not missing, f"no catalogue entry diagnosed as {sorted(missing)}"


def parameters(notebook, function):
    """The parameter names of ``function`` ("name" or "Class.method") as the source
    notebook's answer cells define it (self excluded); None when it is not found there."""
    import ast
    cls, _, name = function.rpartition(".")
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code" or not nbgrader_meta(cell).get("solution"):
            continue
        for node in ast.parse(source(cell)).body:
            scope = node.body if cls and isinstance(node, ast.ClassDef) and node.name == cls else [node] if not cls else []
            for definition in scope:
                if isinstance(definition, ast.FunctionDef) and definition.name == name:
                    arguments = definition.args.posonlyargs + definition.args.args + definition.args.kwonlyargs
                    return [a.arg for a in arguments if a.arg != "self"]
    return None


def required_trivial_kinds(notebook, function):
    """The trivial kinds every function needs, and ``ignores_function`` for one that takes a function."""
    names = parameters(notebook, function)
    assert names is not None, f"{function} is not defined in the source notebook's answer cells"
    required = {"constant", "shaped", "argument", "none"}
    return required | {"ignores_function"} if FUNCTION_ARGUMENTS & set(names) else required


def assert_trivial_kinds(assignment, functions, notebook):
    """Every graded function has a trivial entry of each kind that applies to it."""
    have = {}
    for path in trivial_entries(assignment):
        for function in expectation(path):
            have.setdefault(function, set()).add(trivial_kind(path))
    for function in functions:
        missing = required_trivial_kinds(notebook, function) - have.get(function, set())
        assert not missing, f"no trivial entry of kind {sorted(missing)} for {function} in tests/catalogue/{assignment}"


# ----- grading one assignment's batch -----
def nbgrader_wrong_entry(assignment):
    """The first wrong entry whose labelled function answers, wrongly (not a stub or a crash)."""
    for path in entries(assignment):
        wanted = expectation(path)
        if wanted and not covered_codes({path.stem: wanted}) & NO_ANSWER:
            return path
    raise AssertionError(f"tests/catalogue/{assignment} has no wrong entry that answers wrongly")


def with_script(release, script):
    """The released notebook as a student who pasted ``script`` into the first answer cell
    and cleared the other answer cells would submit it."""
    notebook = json.loads(json.dumps(release))
    answers = [c for c in notebook["cells"] if c["cell_type"] == "code" and nbgrader_meta(c).get("solution")]
    for number, cell in enumerate(answers):
        cell["source"] = script if number == 0 else ""
        cell["outputs"] = []
    return notebook


def notebooks(assignment):
    """student -> notebook path of the batch's notebooks (solution, release) in the repository."""
    return {"solution": ROOT / "solutions" / assignment / f"{assignment}.ipynb",
            "release": ROOT / "assignments" / assignment / f"{assignment}.ipynb"}


def grade_batch(base, assignment):
    """Catalogue, examples, solution, release and the nbgrader comparison's wrong notebook,
    graded as ONE batch by the real command, both languages; returns the output folder.
    The notebooks' student ids are solution, release and nbgrader_wrong (in ``base``)."""
    paths = [CATALOGUE / assignment]
    examples = ROOT / "examples" / assignment
    if examples.is_dir():
        paths.append(examples)
    folder = base / "notebooks"
    folder.mkdir()
    for student, path in notebooks(assignment).items():
        shutil.copy(path, folder / f"{student}.ipynb")
    wrong = nbgrader_wrong_entry(assignment).read_text(encoding="utf-8")
    write(folder / "nbgrader_wrong.ipynb", with_script(read(notebooks(assignment)["release"]), wrong))
    out = base / "out"
    done = run_cli("grade", *paths, folder, "--assignment", assignment, "--out", out, "--jobs", "2",
                   "--lang", "ja+en")
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def result_of(out, student):
    return json.loads((out / student / "results.json").read_text(encoding="utf-8"))


def verdicts(result, functions):
    """{function: (score, max, {diagnoses of failing checks}, [failing tests])}."""
    table = {}
    for function, maximum in functions.items():
        tests = [t for t in result["tests"] if t["tags"] == [function]]
        failed = [t for t in tests if t["status"] != "passed"]
        table[function] = (sum(t["score"] for t in tests), maximum,
                           {t["extra_data"]["diagnosis"] for t in failed}, failed)
    return table


def function_scores(result, functions):
    return {function: score for function, (score, *_) in verdicts(result, functions).items()}


# ----- one graded entry -----
def assert_entry(out, entry, wanted, functions):
    """One catalogue entry, graded in ``out``, is graded as its label ``wanted`` says."""
    assert set(wanted) <= set(functions), f"unknown function in the label: {set(wanted) - set(functions)}"
    assert_graded(result_of(out, entry.stem), wanted, functions, entry.read_text(encoding="utf-8"))


def assert_graded(result, wanted, functions, entry_text=""):
    """Functions not in ``wanted`` keep full marks; each one in it loses points, with exactly
    the wanted diagnoses, every failing check scoring 0 with a message that explains itself."""
    for function, (score, maximum, found, failed) in verdicts(result, functions).items():
        if function not in wanted:
            assert not failed and score == maximum, \
                f"false fail: {function} lost points: " + "; ".join(f"{t['name']}: {t['output']}" for t in failed)
            continue
        assert failed and score < maximum, f"false pass: {function} kept full marks"
        assert found == wanted[function], f"wrong diagnosis for {function}: got {found}, expected {wanted[function]}: " \
            + "; ".join(f"{t['name']}={t['extra_data']['diagnosis']}" for t in failed)
        for test in failed:
            assert test["score"] == 0 and test["output"].strip(), test["name"]
            explains(test, entry_text)


def assert_trivial(out, entry, functions):
    """A trivial entry earns exactly 0 of its function's points, and costs nothing elsewhere."""
    wanted = expectation(entry)
    assert len(wanted) == 1, f"{entry.name}: a trivial entry is a wrong answer to one function, labelled as such"
    [function] = wanted
    assert function in functions, f"{entry.name}: unknown function {function}"
    table = verdicts(result_of(out, entry.stem), functions)
    score, maximum, _, _ = table[function]
    earned = [f"{t['name']}" for t in result_of(out, entry.stem)["tests"] if t["tags"] == [function] and t["score"] > 0]
    assert score == 0, f"{entry.stem} does no work yet earns {score} of {function}'s {maximum} points: {earned}"
    for other, (score, maximum, _, failed) in table.items():
        if other != function:
            assert not failed and score == maximum, \
                f"{entry.stem} costs {other} points: " + "; ".join(f"{t['name']}: {t['output']}" for t in failed)


def split_languages(output):
    """(ja, en) of a ja+en message: ja ends with the last line holding Japanese (a value such
    as a 2-D array may take several lines)."""
    lines = output.split("\n")
    last = max(i for i, line in enumerate(lines) if JAPANESE.search(line))
    return "\n".join(lines[:last + 1]), "\n".join(lines[last + 1:])


def explains(test, entry_text=""):
    """A failing check's message, in both languages, says what a student needs to act on,
    and shows no traceback or grader path."""
    text = test["output"]
    assert JAPANESE.search(text), f"no Japanese in: {text}"
    ja, en = split_languages(text)
    assert ja.strip() and en.strip() and not JAPANESE.search(en), text
    assert "Traceback" not in text and "graders/" not in text, text
    code = test["extra_data"]["diagnosis"]
    assert not re.search(r"(^|[\s(])\?($|[\s,.)])", en), f"an unfilled fact in: {en}"
    if code is None:                       # still: which input, which value, which expectation
        assert re.search(r"for .+ it returned .+; expected .+", en, re.S), en
    elif code == "crashed":                # the exception's type and the student's own line
        found = re.search(r"raised (\w+(Error|Exception)): .*\(line (\d+): `(.+)`\)$", en)
        assert found, en
        if entry_text:
            own = entry_text.splitlines()[int(found.group(3)) - 1].strip()
            assert found.group(4) == own, (found.group(4), own)
    elif code == "timeout":
        assert "Time limit exceeded" in en and "制限時間" in ja, text


def solution_statements(notebook):
    """The source notebook's answer code (statements of 12 characters or more, whitespace
    removed) that its task text does not already spell out: what no message may show."""
    import ast
    task_text = re.sub(r"\s+", "", "".join(source(c) for c in notebook["cells"] if c["cell_type"] == "markdown"))
    statements = set()
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code" and nbgrader_meta(cell).get("solution"):
            for node in ast.walk(ast.parse(source(cell))):
                if isinstance(node, (ast.Assign, ast.AugAssign, ast.Return)):
                    text = re.sub(r"\s+", "", ast.unparse(node))
                    if len(text) >= 12 and text not in task_text:
                        statements.add(text)
    return statements


# ----- the review: public checks catch what the notebook warns about -----
def review_rows(assignment):
    """[(warning, [[entry, ...], ...], [[check id, ...], ...])] from the table in
    autograder/graders/<assignment>/README.md: per row, groups of catalogue entries (split by
    ';') and the public checks each group fails (a bare check name takes the function of the
    last full id before it).  None when the assignment has no README."""
    path = ROOT / "autograder" / "graders" / assignment / "README.md"
    if not path.is_file():
        return None
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not line.startswith("|") or set(cells[1]) <= set("-") or cells[1] == "catalogue entries":
            continue
        entries = [re.findall(r"`((?:right|wrong|trivial)_[^`]+)`", group) for group in cells[1].split(";")]
        checks, function = [], None
        for group in cells[2].split(";"):
            ids = []
            for name in re.findall(r"`([^`]+)`", re.sub(r"\([^)]*\)", "", group)):
                if "::" in name:
                    function = name.split("::")[0]
                    ids.append(name)
                elif function:
                    ids.append(f"{function}::{name}")
            checks.append(ids)
        rows.append((cells[0], entries, checks))
    return rows


def assert_review(out, assignment):
    """Every wrong entry a README row names fails, in the graded batch ``out``, one of the
    public checks the row names for it; a right entry passes everything."""
    rows = review_rows(assignment)
    assert rows, f"autograder/graders/{assignment}/README.md has no review table"
    for warning, entries, checks in rows:
        assert len(entries) == len(checks) or all(name.startswith("right_") for group in entries for name in group), \
            f"{warning}: entry groups and check groups do not pair up"
        for group, ids in zip(entries, checks):
            for name in group:
                assert (CATALOGUE / assignment / f"{name}.py").is_file(), f"{warning}: no catalogue entry {name}"
                tests = {t["name"]: t for t in result_of(out, name)["tests"]}
                if name.startswith("right_"):
                    assert all(t["status"] == "passed" for t in tests.values()), name
                    continue
                for check in ids:
                    assert check in tests and tests[check]["visibility"] == "visible", \
                        f"{warning}: {check} is not a public check"
                caught = [check for check in ids if tests[check]["status"] != "passed"]
                assert caught, f"{warning}: {name} passes every public check the review names ({ids})"
