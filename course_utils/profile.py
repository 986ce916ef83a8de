"""The run profile: ``ci`` (tiny data, few steps) or ``full`` (real training).

One environment variable, ``COURSE_PROFILE``, selects it; learners get ``full``
unless they ask otherwise. Both profiles run the same code path: only sizes and
step counts differ, and they are chosen with :func:`pick`.
"""

from __future__ import annotations

import os
from typing import TypeVar

from .i18n import _

PROFILE_VARIABLE = "COURSE_PROFILE"
PROFILES: tuple[str, ...] = ("ci", "full")
T = TypeVar("T")


def get_profile() -> str:
    """The active profile, read from ``COURSE_PROFILE`` (default ``full``)."""
    value = os.environ.get(PROFILE_VARIABLE, "full").strip().lower() or "full"
    if value not in PROFILES:
        raise ValueError(
            _(
                "{variable}={value!r} is not a profile: set it to 'ci' or 'full'.",
                variable=PROFILE_VARIABLE,
                value=value,
            )
        )
    return value


def pick(*, ci: T, full: T) -> T:
    """Return ``ci`` in the CI profile and ``full`` otherwise."""
    return ci if get_profile() == "ci" else full
