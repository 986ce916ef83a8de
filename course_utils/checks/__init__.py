"""Automatic checks for the labs, one module per lab."""

from .core import CheckFailed

__all__ = ["CheckFailed"]
