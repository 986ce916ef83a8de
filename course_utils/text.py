"""Lesson 04's tokenizer and vocabulary: small, readable, and saved with the model.

No torchtext: it is no longer maintained and breaks on Colab. The whole pipeline is
lower-case, replace the ``<br />`` tags of the IMDb files by spaces, and split into
words (letters, digits, combining marks and apostrophes) and the marks ``!`` and ``?``.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from .i18n import _

PAD, UNK = "<pad>", "<unk>"
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Combining marks (the vowel signs of Devanagari and Bengali, accents written apart)
# belong inside a word, but \w does not match them.
_MARKS = "".join(chr(c) for c in range(sys.maxunicode + 1)
                 if unicodedata.category(chr(c)) in ("Mn", "Mc", "Me"))
_TOKEN = re.compile(f"[\\w'{re.escape(_MARKS)}]+|[!?]")


def expect_text(text: object, function: str) -> None:
    """Raise a short, localised ``TypeError`` when ``function`` got something else than a str."""
    if not isinstance(text, str):
        raise TypeError(_("{function} takes one text (a str), not {kind}.",
                          function=function, kind=type(text).__name__))


def tokenize(text: str) -> list[str]:
    """Lower-cased words and ``!``/``?`` of ``text``, with HTML line breaks removed."""
    return _TOKEN.findall(_BREAK.sub(" ", text.lower()))


class Vocab:
    """A map between tokens and indices: ``<pad>`` is 0, ``<unk>`` is 1, then by frequency."""

    def __init__(self, tokens: Sequence[str]) -> None:
        if list(tokens[:2]) != [PAD, UNK] or len(set(tokens)) != len(tokens):
            raise ValueError(_("A vocabulary starts with '<pad>' and '<unk>' and has no "
                               "repeated tokens."))
        self.itos = list(tokens)
        self.stoi = {token: index for index, token in enumerate(self.itos)}

    @classmethod
    def build(cls, texts: Iterable[Sequence[str]], *, min_freq: int = 2,
              max_size: int | None = None) -> Vocab:
        """The tokens seen at least ``min_freq`` times, most frequent first (ties A-Z)."""
        counts = Counter(token for tokens in texts for token in tokens)
        kept = sorted((t for t, n in counts.items() if n >= min_freq),
                      key=lambda t: (-counts[t], t))
        if max_size is not None:
            kept = kept[: max(0, max_size - 2)]
        return cls([PAD, UNK, *kept])

    def __len__(self) -> int:
        return len(self.itos)

    @property
    def pad_index(self) -> int:
        return 0

    @property
    def unk_index(self) -> int:
        return 1

    def encode(self, tokens: Iterable[str]) -> list[int]:
        """Indices of ``tokens``; unknown tokens map to ``<unk>``."""
        return [self.stoi.get(token, 1) for token in tokens]

    def decode(self, indices: Iterable[int]) -> list[str]:
        """Tokens of ``indices``, padding left out."""
        return [self.itos[i] for i in indices if i != 0]

    def save(self, path: str | Path) -> None:
        """Write the vocabulary as JSON (a list of tokens in index order)."""
        Path(path).write_text(json.dumps(self.itos, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> Vocab:
        """Read a vocabulary written by :meth:`save`."""
        return cls(json.loads(Path(path).read_text(encoding="utf-8")))
