"""Helpers for the RNN course: set-up, localisation, data, checks and plots.

The algorithms a lesson teaches are written in the lesson itself; this package
holds the plumbing around them.
"""

from .i18n import LANGUAGES, _, get_language, set_language, tr
from .labs import todo
from .profile import get_profile, pick
from .session import Course, setup

__version__ = "0.1.0"

__all__ = [
    "LANGUAGES", "Course", "_", "get_language", "get_profile", "pick",
    "set_language", "setup", "todo", "tr",
]
