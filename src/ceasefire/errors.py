"""Errors meant to be read by a person: one clear sentence, no traceback needed."""


class CourseError(Exception):
    """Something about the course files is wrong; the message says what and where."""


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
