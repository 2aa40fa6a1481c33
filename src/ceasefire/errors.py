"""Errors meant to be read by a person: one clear sentence, no traceback needed.

In a notebook, `friendly_messages()` (called by every lesson's and exercise's first cell) makes IPython show
a CourseError, and so a DataError, as its message alone; every other exception keeps its usual traceback.
"""

import sys


class CourseError(Exception):
    """Something about the course files or a lesson function's input is wrong; the message says what and
    what to do instead."""


class DataError(CourseError):
    """A data file is missing or malformed. The message names the file, the row and the column."""

    def __init__(self, problems, *, limit=20):
        if isinstance(problems, str):
            problems = [problems]
        self.problems = list(problems)
        shown = self.problems[:limit]
        more = len(self.problems) - len(shown)
        text = "\n".join(f"- {p}" for p in shown)
        if more > 0:
            text += f"\n- ... and {more} more problem(s) of the same kind"
        head = "A course data file has a problem:" if len(self.problems) == 1 else (
            f"Course data files have {len(self.problems)} problems:")
        super().__init__(f"{head}\n{text}")


def _show_message(shell, etype, value, tb, tb_offset=None):
    """IPython's custom exception handler: show the message alone, where the traceback would go."""
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb     # %debug and %tb still work
    shell._showtraceback(etype, value, [str(value) or etype.__name__])


def friendly_messages(shell=None):
    """Show CourseError (and DataError) in this notebook as one readable message instead of a traceback.

    Safe to call again (the handler is registered once); does nothing outside IPython, and leaves alone a
    handler some other tool registered (IPython keeps only one)."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:       # plain Python: exceptions print as usual
            return
        shell = get_ipython()
    if shell is not None and not shell.custom_exceptions:
        shell.set_custom_exc((CourseError,), _show_message)
