"""Helper package for the course "Reading a ceasefire column like a historian".

Lessons import from here so that notebooks stay short and readable, and so that every piece of
logic (loading and checking data, figures, widgets) is unit-tested outside the notebooks.
"""

from ceasefire.errors import CourseError, DataError

__version__ = "0.1.0"
__all__ = ["CourseError", "DataError", "__version__"]
