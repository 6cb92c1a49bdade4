"""Auto-grader for chapter 4 of ゼロから作るDeep Learning.

The pipeline, one module per stage:
  load.py    a notebook or script becomes code units
  run/       the units run isolated (bubblewrap); checks ask them questions
  check.py   the pytest graders in graders/<assignment>/ decide, in the trusted process
  report.py  results.json, feedback.md, grades.csv, the terminal
grade.py strings them together; cli.py is the command line.
"""
