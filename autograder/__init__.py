"""Auto-grader for chapter 4 of ゼロから作るDeep Learning.

The pipeline, one module per stage:
  load.py       a notebook or script becomes code units
  run/          the units run isolated (bubblewrap); checks ask them questions
  judge.py      the pytest checks in graders/<assignment>/ decide, in the trusted process
  results.py    a GradedSubmission: the one shape of a graded submission (results.json)
  report.py     feedback.md, grades.csv, the terminal
  finish.py     the end of a batch: grades.csv, grades_final.csv (overrides), report.html
grade.py strings the stages together for one worker, executors.py spreads a batch over
workers (local processes or Dask), cli.py parses the command line and prints.
course.py reads course_config.py, submissions.py finds submissions and names students.
"""
