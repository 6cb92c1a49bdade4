"""A grading worker process for ``grade --jobs N``: reads submissions as JSON lines on
stdin, grades them with its own warm sandbox, and answers one JSON line per submission."""
import json
import sys
from pathlib import Path

from .check import GraderBug
from .course import load_course
from .grade import brief, grade_stream
from .run.sandbox import WorkerFailed
from .submissions import Submission


def main():
    settings = json.loads(sys.argv[1])
    course = load_course(settings["config"])
    assignment = course.assignment(settings["assignment"])
    out = sys.stdout
    sys.stdout = sys.stderr              # nothing else may write on the answer channel

    def submissions():
        for line in sys.stdin:
            item = json.loads(line)
            yield Submission(item["student"], Path(item["path"]))

    def answer(result):
        out.write(json.dumps(brief(result), ensure_ascii=False) + "\n")
        out.flush()

    try:
        grade_stream(course, assignment, submissions(), out_dir=Path(settings["out"]),
                     isolation=settings["isolation"], lang=settings["lang"], slot=settings["slot"],
                     on_done=answer)
    except (GraderBug, WorkerFailed) as error:
        out.write(json.dumps({"fatal": str(error)}) + "\n")
        out.flush()
        sys.exit(1)


if __name__ == "__main__":
    main()
