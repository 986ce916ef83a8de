"""What the exercise notebooks put where a solution was taken out."""

from __future__ import annotations

from .i18n import _


class NotWrittenYet(NotImplementedError):
    """Raised by :func:`todo`: the learner has not written this part yet."""


def todo() -> None:
    """Stand in for a missing solution: always raises :class:`NotWrittenYet`."""
    raise NotWrittenYet(
        _("Not written yet: replace the todo() line with your code, then run the check.")
    )
