"""What a lesson notebook calls to open and close itself, from the manifest (course.yml)."""

import pandas as pd
from IPython.display import Markdown, display

from ceasefire.errors import friendly_messages
from ceasefire.manifest import lesson_closing_markdown, lesson_opening_markdown, load_course


def opening(slug: str):
    """Show the lesson's minutes, prerequisites, questions and objectives; from here on a CourseError shows
    as its message alone, not a traceback."""
    friendly_messages()
    course = load_course()
    display(Markdown(lesson_opening_markdown(course.lesson(slug), course)))


def closing(slug: str):
    """Show the lesson's key points."""
    display(Markdown(lesson_closing_markdown(load_course().lesson(slug))))


def course_map() -> pd.DataFrame:
    """The lessons in order, with minutes and whether they are ready, as a table."""
    course = load_course()
    frame = pd.DataFrame([{"lesson": l.number, "title": l.title, "minutes": l.minutes,
                           "status": "ready" if l.ready else "coming soon",
                           "article paragraphs": " ".join(l.paragraphs) or "-"} for l in course.lessons])
    return frame.set_index("lesson")
