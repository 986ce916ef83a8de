"""Keras 3 on the TensorFlow backend, chosen before Keras is first imported.

Keras reads ``KERAS_BACKEND`` once, when it is imported, so the variable must be set
before any ``import keras``; :func:`use_keras` does that, quiets TensorFlow's start-up
log and returns the ``keras`` module.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

from .i18n import _

BACKEND = "tensorflow"


class KerasSetupError(RuntimeError):
    """Keras is missing or was imported with another backend."""


def use_keras() -> Any:
    """Select the TensorFlow backend, import Keras and return the module."""
    if "keras" in sys.modules:
        import keras

        if keras.backend.backend() != BACKEND:
            raise KerasSetupError(_(
                "Keras was imported with the {got} backend before the course chose "
                "{want}: restart the kernel and run the notebook from its first cell.",
                got=keras.backend.backend(), want=BACKEND))
        return keras
    os.environ["KERAS_BACKEND"] = BACKEND
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")   # its notes on stderr are English
    try:
        with _quiet_native_stderr():     # TensorFlow's start-up notes bypass its log level
            import keras
    except ImportError as error:
        raise KerasSetupError(_(
            "Keras or TensorFlow is not installed: {error}. Run the set-up command of "
            "README.md, or 'pip install -e .[keras]' in your environment.",
            error=error)) from None
    return keras


@contextlib.contextmanager
def _quiet_native_stderr() -> Iterator[None]:
    """Send what native code writes to file descriptor 2 to /dev/null for a while."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):        # no real stderr (some embedded interpreters)
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def keras_device() -> str:
    """``GPU`` if TensorFlow sees one, else ``CPU``."""
    import tensorflow as tf

    return "GPU" if tf.config.list_physical_devices("GPU") else "CPU"
