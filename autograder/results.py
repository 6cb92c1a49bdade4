"""A graded submission: the one shape every stage after the checks works with.

The judge gives each check a ``CheckResult``; a worker puts them together with what it
knows of the submission (who, which file, how long, how isolated) into a
``GradedSubmission``.  Its one writer is ``write`` (DIR/<student>/results.json, in
Gradescope's schema, and feedback.md beside it), its one reader ``read``; everything
downstream — grades.csv, the terminal, the class report, the Gradescope runner, the
worker protocol — uses the object, never the JSON.  ``functions()`` is the view by
graded function that feedback, the terminal and the report share.
"""
import json
from dataclasses import dataclass, field
from pathlib import Path

from . import messages
from .files import write_atomic
from .messages import pick
from .submissions import key_of_folder, student_folder

RESULTS = "results.json"
FEEDBACK = "feedback.md"

SUMMARY = {"ja": "{assignment}: {score:g} / {max_score:g} 点",
           "en": "{assignment}: {score:g} / {max_score:g} points"}
MORE_PROBLEMS = "more"        # the type of the LoadProblem that counts the ones not listed


@dataclass(frozen=True)
class CheckResult:
    id: str                      # "<function>::<check>", stable: results and points use it
    function: str                # the graded function, e.g. "simpleNet.loss"
    public: bool                 # students can run it before submitting
    score: float
    max_score: float
    diagnosis: str | None = None     # None when passed, or when no known misconception fits
    output: str = ""                 # the message, in the submission's language; "" when passed

    @property
    def passed(self):
        return self.score == self.max_score and not self.output


class Scored:
    """Points of a group of checks (``self.checks``)."""

    @property
    def score(self):
        return sum(check.score for check in self.checks)

    @property
    def max_score(self):
        """The checks' points (public checks only, in a self-check)."""
        return sum(check.max_score for check in self.checks)


@dataclass(frozen=True)
class FunctionResult(Scored):
    """The checks of one graded function, as a student reads them."""
    function: str
    checks: tuple

    @property
    def failed(self):
        return [check for check in self.checks if not check.passed]


@dataclass(frozen=True)
class LoadProblem:
    """A cell or statement that could not run while the submission was loaded."""
    label: str                   # the cell or statement quoted (load.quote): "def f(x):"
    info: dict                   # type, message and where it can be said: line, text; at_line (a
                                 # script's statement); after, after_line, name (a consequence: the
                                 # earlier failure, which would have defined ``name``)

    def where(self, lang):
        """The cell (or a script's line) as a student finds it."""
        if "at_line" in self.info:
            return messages.note("unit_line", lang, line=self.info["at_line"], label=self.label)
        return messages.note("unit_cell", lang, label=self.label)

    def note(self, lang):
        """The line a student reads about it, in one language."""
        info = self.info
        if info.get("type") == MORE_PROBLEMS:
            return messages.note("more", lang, count=info.get("count", "?"))
        if "after" in info:
            cause = LoadProblem(info["after"], {"at_line": info["after_line"]} if "after_line" in info else {})
            return messages.note("consequence", lang, where=self.where(lang), cause=cause.where(lang),
                                 name=info.get("name", "?"))
        if info.get("type") == "skipped" and info.get("function"):
            return messages.note("stopped_early", lang, where=self.where(lang), function=info["function"])
        if info.get("type") == "NotImplementedError" and info.get("function"):
            return messages.note("calls_a_stub", lang, where=self.where(lang), function=info["function"])
        if not info.get("message"):
            return messages.note("cell_failed_bare", lang, where=self.where(lang),
                                 type=messages.engine_text(info.get("type", "error")))
        return messages.note("cell_failed", lang, where=self.where(lang),
                             type=messages.engine_text(info.get("type", "error")),
                             message=messages.engine_text(info.get("message", "")))


@dataclass
class GradedSubmission(Scored):
    student: str
    assignment: str
    checks: list                                        # [CheckResult], in course_config's order
    load_problems: list = field(default_factory=list)   # [LoadProblem]
    isolation: str = "full"                             # full | reduced | none (self-check in-process)
    lang: str = "ja"
    seconds: float = 0.0
    digest: str = ""                                    # sha256 of the file: seeds, --resume
    hidden_visibility: str = "after_published"
    write_protection: str | None = None                 # namespaces | landlock | none (trusted); None: self-check
    timestamp: str = ""                                 # when it was submitted, as timestamp.txt says ("": unknown)

    def functions(self):
        """[FunctionResult] in the order the checks ran."""
        grouped = {}
        for check in self.checks:
            grouped.setdefault(check.function, []).append(check)
        return [FunctionResult(function, tuple(checks)) for function, checks in grouped.items()]

    def notes(self):
        """What the student reads before the checks: cells that could not run, reduced isolation."""
        langs = messages.LANGS if self.lang == "ja+en" else (self.lang,)
        lines = [problem.note(one) for problem in self.load_problems for one in langs]
        if self.isolation not in ("full", "none"):
            lines.append(messages.note("reduced", self.lang))
        return lines

    def summary(self):
        return pick({lang: text.format(assignment=self.assignment, score=self.score, max_score=self.max_score)
                     for lang, text in SUMMARY.items()}, self.lang)

    # ----- Gradescope's results.json (README "For CI"), field for field -----
    def to_json(self):
        tests = [{
            "name": check.id,
            "number": str(number),
            "score": check.score,
            "max_score": check.max_score,
            "status": "passed" if check.passed else "failed",
            "output": check.output,
            "tags": [check.function],
            "visibility": "visible" if check.public else self.hidden_visibility,
            "extra_data": {"diagnosis": check.diagnosis, "public": check.public},
        } for number, check in enumerate(self.checks, start=1)]
        return {
            "score": self.score,
            "execution_time": round(self.seconds, 4),
            "output": "\n".join([self.summary(), *self.notes()]),
            "output_format": "text",
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": tests,
            "extra_data": {
                "student": self.student,
                "assignment": self.assignment,
                "max_score": self.max_score,
                "isolation": self.isolation,
                "write_protection": self.write_protection,
                "lang": self.lang,
                "sha256": self.digest,
                "timestamp": self.timestamp,
                "load_problems": [{**p.info, "where": p.label} for p in self.load_problems],
            },
        }

    @classmethod
    def from_json(cls, data):
        extra = data["extra_data"]
        checks = [CheckResult(test["name"], test["tags"][0], bool(test["extra_data"].get("public")),
                              float(test["score"]), float(test["max_score"]),
                              test["extra_data"].get("diagnosis"), test.get("output", ""))
                  for test in data["tests"]]
        hidden = next((test["visibility"] for test in data["tests"] if test["visibility"] != "visible"),
                      "after_published")
        problems = [LoadProblem(p["where"], {k: v for k, v in p.items() if k != "where"})
                    for p in extra.get("load_problems", [])]
        return cls(extra["student"], extra["assignment"], checks, problems, extra.get("isolation", "full"),
                   extra.get("lang", "ja"), float(data.get("execution_time", 0.0)), extra.get("sha256", ""),
                   hidden, extra.get("write_protection"), str(extra.get("timestamp") or ""))


@dataclass(frozen=True)
class GraderFailure:
    """A check broke on this submission: the grader's fault, never the student's zero."""
    student: str
    bugs: tuple                  # (check id, the grader's exception as text)

    def __str__(self):
        return f"{self.student}: grader failed: " + "; ".join(f"{cid}: {text}" for cid, text in self.bugs)


# ----- on disk -----

def write(out_dir, graded):
    """DIR/<student>/results.json and feedback.md, each written atomically."""
    from .report import feedback_markdown
    folder = student_folder(out_dir, graded.student)
    write_atomic(folder / RESULTS, json.dumps(graded.to_json(), ensure_ascii=False, indent=1))
    write_atomic(folder / FEEDBACK, feedback_markdown(graded))


def write_feedback(out_dir, graded, text):
    """DIR/<student>/feedback.md again, with what the finish stage adds."""
    write_atomic(student_folder(out_dir, graded.student) / FEEDBACK, text)


def read(path):
    """The GradedSubmission in a results.json, or None when it is missing or not one."""
    try:
        return GradedSubmission.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None


def graded_in(out_dir, assignment_id):
    """Every GradedSubmission of this assignment under DIR, sorted by student, read once
    each (a folder's name reads back to its student's key: no file is read to sort)."""
    for _, path in sorted((key_of_folder(path.parent.name), path) for path in Path(out_dir).glob(f"*/{RESULTS}")):
        graded = read(path)
        if graded is not None and graded.assignment == assignment_id:
            yield graded


def is_current(out_dir, student, assignment_id, digest, timestamp=""):
    """--resume: DIR/<student>/results.json is complete and graded this very content,
    submitted at the same time."""
    graded = read(student_folder(out_dir, student) / RESULTS)
    return bool(digest and graded and graded.assignment == assignment_id and graded.digest == digest
                and graded.timestamp == timestamp)
