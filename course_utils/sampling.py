"""The next-token distribution a sampler draws from, and a tiny character model to sample.

Lesson 06 and lab 06 share one protocol for a recurrent model used one step at a time:
``step(token_id, state) -> (logits, new_state)``, where ``logits`` (V,) score the token
that follows ``token_id`` and ``state`` is whatever the model carries from step to step
(a GRU's hidden state, an LSTM's pair, or, for :class:`CharTrigram`, the previous
character). :func:`probabilities` is the exact distribution of temperature and top-k
sampling, the reference of lab 06's checks; :func:`top_p_probabilities` is nucleus
sampling's (lesson 07 and lab 07).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from itertools import pairwise

import numpy as np

from .i18n import _
from .text import expect_text, tokenize


def probabilities(logits: np.ndarray, temperature: float = 1.0,
                  k: int | None = None) -> np.ndarray:
    """softmax(logits / temperature) over the ``k`` largest logits, in float64.

    ``k=None`` (or ``k >= V``) keeps every token; tokens tied with the k-th largest
    logit are all kept. Temperature 0 is greedy decoding: all the mass on the largest
    logit (the first one, in a tie). Stable for logits of any size.
    """
    z = np.asarray(logits, dtype=np.float64)
    if k is not None and k < z.size:
        z = np.where(z >= np.sort(z)[-k], z, -np.inf)
    if temperature == 0:
        p = np.zeros(z.size)
        p[np.argmax(z)] = 1.0
        return p
    weights = np.exp((z - z.max()) / temperature)
    return weights / weights.sum()


def top_p_probabilities(p: np.ndarray, top_p: float) -> np.ndarray:
    """Nucleus (top-p) filtering: keep the fewest most likely tokens whose mass reaches ``top_p``.

    The kept tokens keep their probabilities, renormalised; the others get 0. Among tokens
    tied at the boundary, the one with the smaller index is kept. ``top_p = 1`` keeps every
    token of non-zero probability, even when the float sum of ``p`` is slightly below 1.
    """
    p = np.asarray(p, dtype=np.float64)
    if not 0 < top_p <= 1:
        raise ValueError(_("top_p must be in (0, 1], not {value}.", value=top_p))
    order = np.argsort(-p, kind="stable")
    mass = np.cumsum(p[order])
    keep = p.size if top_p >= 1 else min(int(np.searchsorted(mass, top_p * mass[-1])) + 1, p.size)
    out = np.zeros_like(p)
    out[order[:keep]] = p[order[:keep]]
    return out / out.sum()


def entropy_bits(p: np.ndarray) -> float:
    """The entropy of the distribution ``p``, in bits (0 log 0 counts as 0)."""
    p = np.asarray(p, dtype=np.float64)
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


class CharTrigram:
    """A character trigram model with interpolated smoothing, used through :meth:`step`.

    p(c | a, b) = (N(abc) + beta p(c | b)) / (N(ab) + beta), with
    p(c | b) = (N(bc) + beta p(c)) / (N(b) + beta) and p(c) = (N(c) + 1) / (N + V),
    where N counts in ``text``. Its state is the previous character's id (None before
    the first character), so it is a recurrent model with a one-character memory, cheap
    enough to train in a fraction of a second.
    """

    def __init__(self, text: str, beta: float = 1.0) -> None:
        if len(text) < 3:
            raise ValueError(_("the text needs at least 3 characters."))
        self.chars = sorted(set(text))
        self.index = {c: i for i, c in enumerate(self.chars)}
        self.beta = beta
        counts = np.bincount(self.encode(text), minlength=self.vocab_size)
        self.unigram = (counts + 1.0) / (len(text) + self.vocab_size)
        self.bigrams = self._table(Counter(pairwise(text)))
        self.trigrams = self._table(Counter(zip(text, text[1:], text[2:], strict=False)))

    @property
    def vocab_size(self) -> int:
        """V, the number of distinct characters."""
        return len(self.chars)

    def _table(self, counts: Counter) -> dict:
        """Context ids -> (ids of the next characters, their counts)."""
        grouped: dict = defaultdict(list)
        for gram, count in counts.items():
            ids = tuple(self.index[c] for c in gram)
            grouped[ids[:-1] if len(ids) > 2 else ids[0]].append((ids[-1], count))
        return {context: (np.array([i for i, _n in pairs]),
                          np.array([n for _i, n in pairs], dtype=np.float64))
                for context, pairs in grouped.items()}

    def _mix(self, table: dict, context: object, base: np.ndarray) -> np.ndarray:
        p = self.beta * base
        if context in table:
            ids, counts = table[context]
            p[ids] += counts
            return p / (counts.sum() + self.beta)
        return base

    def step(self, token_id: int, state: int | None) -> tuple[np.ndarray, int]:
        """(log-probabilities (V,) of the character after ``token_id``, the new state)."""
        try:
            token = int(token_id)
        except (TypeError, ValueError):
            token = -1
        if not 0 <= token < self.vocab_size or isinstance(token_id, bool):
            raise ValueError(_("step got the token id {id!r}; it takes one int in "
                               "0 ... {last}.", id=token_id, last=self.vocab_size - 1))
        p = self._mix(self.bigrams, token, self.unigram)
        if state is not None:
            p = self._mix(self.trigrams, (int(state), token), p)
        return np.log(p), token

    def encode(self, text: str) -> list[int]:
        """The ids of the characters of ``text``."""
        unknown = sorted(set(text) - self.index.keys())
        if unknown:
            raise ValueError(_("these characters are not in the model's vocabulary: {chars}",
                               chars=" ".join(repr(c) for c in unknown[:10])))
        return [self.index[c] for c in text]

    def decode(self, ids: Iterable[int]) -> str:
        """The text of the character ids ``ids``."""
        return "".join(self.chars[int(i)] for i in ids)


def run(step: Callable[..., tuple], state: object,
        ids: Sequence[int]) -> tuple[list[np.ndarray], object]:
    """The logits after each of ``ids`` fed in order from ``state``, and the last state."""
    logits = []
    for token in ids:
        z, state = step(token, state)
        logits.append(z)
    return logits, state


# A line of a regulated Tang poem: two halves of 5 or 7 characters, a comma between them,
# a full stop (or a question or exclamation mark) at the end.
_HALF = r"[^，。？！\s]"
_VERSE_LINE = re.compile(f"(?:{_HALF}{{5}}，{_HALF}{{5}}|{_HALF}{{7}}，{_HALF}{{7}})[。？！]")


def realness(sample: str, corpus: str, lang: str) -> float:
    """How much of a generated ``sample`` is real, from 0 to 1.

    For Chinese (``lang == "zh"``): the share of the sample's complete lines (those
    followed by a line break) in the form of a regulated poem. For the other languages:
    the share of the sample's words (lesson 04's tokenizer) that occur in ``corpus``.
    0.0 when the sample has no complete line or no word.
    """
    expect_text(sample, "realness")
    expect_text(corpus, "realness")
    if lang == "zh":
        lines = [line for line in sample.split("\n")[:-1] if line.strip()]
        if not lines:
            return 0.0
        return sum(bool(_VERSE_LINE.fullmatch(line)) for line in lines) / len(lines)
    words = [w for w in tokenize(sample) if w not in ("!", "?")]
    if not words:
        return 0.0
    known = _words(corpus)
    return sum(w in known for w in words) / len(words)


@lru_cache(maxsize=2)
def _words(corpus: str) -> frozenset[str]:
    """The set of words of ``corpus``, kept for the next call with the same corpus."""
    return frozenset(tokenize(corpus))
