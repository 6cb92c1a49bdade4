"""How a command fails, and with which exit status (README "Exit status").

A submission's own failure is never one of these: it is graded, with its reason.
"""


class UsageError(Exception):
    """A mistake in how the command was called: one line, exit status 2."""


class ConfigError(UsageError):
    """course_config.py (or a grader folder it names) cannot be used as written: one line
    naming the setting, exit status 2."""


class GraderBug(Exception):
    """The checks themselves cannot run or broke: the grader is wrong, not the student (exit 1)."""
