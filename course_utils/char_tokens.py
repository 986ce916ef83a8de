"""The tokens of lesson 06's character models: code points or grapheme clusters.

A :class:`CharTokens` vocabulary keeps the tokens seen at least ``min_count`` times in
the training text; every other token becomes ``<unk>`` (id 0), in training as in
validation, so that the model learns how likely an unknown token is. To compare the two
kinds of token fairly, :func:`bits_per_grapheme` charges an unknown token its ``<unk>``
probability plus the cost of spelling it out, code point by code point, uniformly.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

import numpy as np

from .graphemes import clusters
from .i18n import _
from .text import expect_text

UNK = "\ufffd"          # shown for <unk> when ids are decoded: the replacement character
KINDS = ("code points", "clusters")


def _unknown_kind(kind: object) -> ValueError:
    return ValueError(_("The token kind is {kind!r}: use one of {kinds}.", kind=kind,
                        kinds=", ".join(repr(k) for k in KINDS)))


def kind_name(kind: str) -> str:
    """The name of a token kind in the learner's language."""
    names = {"code points": _("code points"), "clusters": _("clusters")}
    if kind not in names:
        raise _unknown_kind(kind)
    return names[kind]


def split(text: str, kind: str) -> list[str]:
    """``text`` cut into tokens of the given kind: ``"code points"`` or ``"clusters"``."""
    expect_text(text, "split")
    if kind == "code points":
        return list(text)
    if kind == "clusters":
        return clusters(text)
    raise _unknown_kind(kind)


class CharTokens:
    """A vocabulary of one token kind, built from a training text; ``<unk>`` is id 0."""

    def __init__(self, text: str, kind: str, min_count: int = 2) -> None:
        counts = Counter(split(text, kind))
        self.kind = kind
        self.min_count = min_count
        self.tokens = [UNK, *sorted(t for t, n in counts.items() if n >= min_count)]
        self.index = {t: i for i, t in enumerate(self.tokens)}
        self.code_points = len(set(text))

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, text: str) -> np.ndarray:
        """The ids (int32) of ``text``'s tokens; an unknown token is 0."""
        return np.array([self.index.get(t, 0) for t in split(text, self.kind)], dtype=np.int32)

    def decode(self, ids: Iterable[int]) -> str:
        """The text of ``ids``; ``<unk>`` is shown as U+FFFD."""
        return "".join(self.tokens[int(i)] for i in ids)

    def unknown_code_points(self, text: str) -> int:
        """How many code points of ``text`` sit in tokens that are not in the vocabulary."""
        return sum(len(t) for t in split(text, self.kind) if t not in self.index)


def bits_per_grapheme(nats_per_token: float, tokens: CharTokens, text: str) -> float:
    """Bits per grapheme cluster of ``text`` from a model's mean loss per token on it.

    bits/grapheme = (nats/token + spelling nats/token) * tokens/grapheme / ln 2, where an
    unknown token is spelled out at ln(V) nats per code point, V being the number of
    distinct code points of the training text.
    """
    if not math.isfinite(nats_per_token) or nats_per_token < 0:
        raise ValueError(_("The loss per token is {loss}: it must be a finite number >= 0.",
                           loss=nats_per_token))
    n_tokens = len(split(text, tokens.kind))
    n_graphemes = len(clusters(text))
    if n_graphemes == 0:
        raise ValueError(_("The text is empty: there is nothing to score."))
    spelling = tokens.unknown_code_points(text) * math.log(tokens.code_points)
    total_nats = nats_per_token * n_tokens + spelling
    return total_nats / n_graphemes / math.log(2)


def tokens_per_line(text: str, kind: str) -> float:
    """The mean number of tokens in the non-empty lines of ``text``."""
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return 0.0
    return sum(len(split(line, kind)) for line in lines) / len(lines)
