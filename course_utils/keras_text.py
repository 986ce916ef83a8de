"""Lesson 05's text standardisation: lesson 04's tokenizer as TensorFlow string operations.

``TextVectorization`` runs its standardisation inside TensorFlow, so it cannot call
Python's ``re``: its regular expressions are RE2's. One difference matters here: in
RE2, ``\\w`` is ASCII only (``[0-9A-Za-z_]``), while Python's ``\\w`` takes any Unicode
letter or digit. So we name the Unicode classes: letters ``\\p{L}``, digits and other
numbers ``\\p{N}``, combining marks ``\\p{M}`` (the vowel signs of Hindi and Bengali).
The function is registered with Keras, so a saved model names it instead of storing
its code; loading the model needs this module imported (``course_utils`` does it).
"""

from __future__ import annotations

from typing import Any

from .keras_env import use_keras

keras = use_keras()


@keras.saving.register_keras_serializable(package="course_utils")
def standardize(text: Any) -> Any:
    """Lower-case, ``<br />`` removed, and only what :func:`~.text.tokenize` keeps.

    Apply to a string tensor; splitting the result on whitespace gives the tokens
    of ``tokenize``: words of letters, numbers, combining marks, ``_`` and ``'``, and
    each ``!`` or ``?`` on its own.
    """
    import tensorflow as tf

    text = tf.strings.lower(text, encoding="utf-8")                # all scripts, not only A-Z
    text = tf.strings.regex_replace(text, r"<br\s*/?>", " ")
    text = tf.strings.regex_replace(text, r"[^\p{L}\p{N}\p{M}_'!?]+", " ")   # dropped marks
    return tf.strings.regex_replace(text, r"([!?])", r" \1 ")      # ! and ? stand alone
