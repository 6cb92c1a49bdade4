"""nbgrader settings for this course; nbgrader reads this file when run from the repository root.

    nbgrader generate_assignment ch04_gradient     # solutions/ -> assignments/
    nbgrader autograde ch04_gradient               # nbgrader_work/submitted/<student>/ch04_gradient/
    nbgrader generate_feedback ch04_gradient       # nbgrader_work/feedback/
    nbgrader export                                # nbgrader_work/grades.csv

Run it with the virtual environment's bin/ first on PATH (nbgrader calls `alembic`).
Course-wide values (the course id) come from course_config.py, the course's one settings file.
"""
import os
import runpy

from nbgrader.preprocessors import ClearHiddenTests, GetGrades
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor

c = get_config()  # noqa: F821  (injected by traitlets)

ROOT = os.path.dirname(os.path.abspath(__file__))
COURSE = runpy.run_path(os.path.join(ROOT, "course_config.py"))
WORK = "nbgrader_work"           # submissions, grading output and the gradebook (git-ignored)
os.makedirs(os.path.join(ROOT, WORK), exist_ok=True)

c.CourseDirectory.root = ROOT
c.CourseDirectory.course_id = COURSE["COURSE_ID"]
c.CourseDirectory.source_directory = "solutions"         # the instructor's notebooks
c.CourseDirectory.release_directory = "assignments"      # assignments/<id>/<id>.ipynb, committed
c.CourseDirectory.submitted_directory = f"{WORK}/submitted"
c.CourseDirectory.autograded_directory = f"{WORK}/autograded"
c.CourseDirectory.feedback_directory = f"{WORK}/feedback"
c.CourseDirectory.solution_directory = f"{WORK}/solution"
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(ROOT, WORK, "gradebook.db")
c.CsvExportPlugin.to = os.path.join(ROOT, WORK, "grades.csv")

# What a released stub looks like.
c.ClearSolutions.code_stub = {"python": "# TODO: ここにコードを書く / write your code here\n"
                                        "raise NotImplementedError()"}

# Any stderr output in a test cell scores it 0; a numpy RuntimeWarning from correct code
# must not, so Python warnings ("file:line: SomeWarning: message") are dropped before scoring.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r":\d+: \w*Warning: "

# Feedback shows the test cells' output (the messages), never the hidden test code.
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, CSSHTMLHeaderPreprocessor]

# The hidden tests run every check of a function; give a slow machine room.
c.Execute.timeout = 120
