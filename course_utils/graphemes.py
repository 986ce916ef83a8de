"""Grapheme clusters: the letters a reader sees, for tokens in Hindi and Bengali.

In Devanagari and Bengali one written letter is often several code points: ``कि`` is
KA + the vowel sign I, ``क्ष`` is KA + VIRAMA + SSA. A character model that works on
code points may emit a vowel sign with no consonant to carry it (``" ि"``), which no
reader can pronounce. :func:`clusters` cuts a text into the units a reader sees, so
that lesson 06 can compare both token kinds and count the ill-formed clusters of a
generated sample (:func:`ill_formed_share`).

The rule (standard library only):

1. A cluster starts at a base: any character that is not a combining mark (general
   category Mn, Mc or Me) and not ZWJ/ZWNJ. Independent vowels (``अ``, ``আ``),
   digits, punctuation, spaces and Chinese characters are bases; ``\\r\\n`` is one.
2. A combining mark or ZWJ/ZWNJ joins the cluster before it: a vowel sign (matra),
   nukta, virama, candrabindu, anusvara, visarga, a Latin or Cyrillic accent. Two
   exceptions make a stray mark a cluster of its own, one that *starts* with a mark
   (:func:`is_ill_formed`): there is no cluster before it, or the cluster before it
   begins with whitespace or a control character; and a Devanagari or Bengali mark
   joins only a cluster whose base is a letter of the same script (so ``।ि``,
   ``१ि`` or ``aি`` give a stray mark too). Marks that follow a stray mark stay with it.
3. A conjunct: after a virama (U+094D, U+09CD), optionally followed by ZWJ, a
   consonant of the same script joins the cluster (``क्ष``, ``ন্ত``, ``স্ত্র``, ``র্ম``).
   After virama + ZWNJ (the explicit virama, as in ``হল্‌খানা``) the consonant starts
   a new cluster; a final virama stays with its consonant (``हल्``).

This is a small version of Unicode's extended grapheme clusters (UAX #29). Up to
Unicode 15.0, UAX #29 keeps marks with their base (rule GB9) but splits conjuncts
after the virama (``क्ष`` is two clusters, ``क्`` and ``ष``); Unicode 15.1 added rule
GB9c, which joins consonant + virama + consonant as rule 3 does. It differs on
purpose in three places: UAX #29 attaches a mark to whatever precedes it (``" ि"``
is one cluster there, which would hide the error we want to count); rule 3 also
follows a virama on an independent vowel (Bengali ``অ্যা`` is one cluster here);
and emoji sequences, flags and Hangul jamo are not joined (the course's corpora have
none). Other scripts get one cluster per base character and its marks.
"""

from __future__ import annotations

import unicodedata

from .text import expect_text

VIRAMAS: frozenset[str] = frozenset("\u094d\u09cd")
ZWJ, ZWNJ = "\u200d", "\u200c"
MARK_CATEGORIES: frozenset[str] = frozenset({"Mn", "Mc", "Me"})

# (first, last) code point of each Indic block this module knows.
_BLOCKS: dict[str, tuple[int, int]] = {
    "deva": (0x0900, 0x097F),
    "beng": (0x0980, 0x09FF),
}
# Consonants (Unicode 15.1's Indic_Conjunct_Break=Consonant in these two blocks).
_CONSONANT_RANGES: tuple[tuple[int, int], ...] = (
    (0x0915, 0x0939), (0x0958, 0x095F), (0x0978, 0x097F),
    (0x0995, 0x09A8), (0x09AA, 0x09B0), (0x09B2, 0x09B2), (0x09B6, 0x09B9),
    (0x09DC, 0x09DD), (0x09DF, 0x09DF), (0x09F0, 0x09F1),
)


def _block(ch: str) -> str | None:
    code = ord(ch)
    for name, (first, last) in _BLOCKS.items():
        if first <= code <= last:
            return name
    return None


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch) in MARK_CATEGORIES


def _is_consonant(ch: str) -> bool:
    code = ord(ch)
    return any(first <= code <= last for first, last in _CONSONANT_RANGES)


def _starts_stray(cluster: str) -> bool:
    head = cluster[0]
    return _is_mark(head) or head in VIRAMAS or head in (ZWJ, ZWNJ)


def _takes_mark(cluster: str, mark: str) -> bool:
    """Whether ``mark`` (a combining mark or ZWJ/ZWNJ) joins ``cluster``."""
    if _starts_stray(cluster):
        return True                          # a run of stray marks stays one cluster
    base = cluster[0]
    if unicodedata.category(base)[0] in "ZC":
        return False                         # after a space, a newline, a control
    script = _block(mark)
    if script is None:
        return True                          # Latin, Cyrillic, ... accents: any base
    return _block(base) == script and unicodedata.category(base).startswith("L")


def _takes_consonant(cluster: str, ch: str) -> bool:
    """Whether consonant ``ch`` continues a conjunct at the end of ``cluster``."""
    if not _is_consonant(ch) or _starts_stray(cluster):
        return False
    end = cluster[:-1] if cluster.endswith(ZWJ) else cluster
    return (end[-1:] in VIRAMAS and _block(end[-1]) == _block(ch)
            and unicodedata.category(cluster[0]).startswith("L"))


def clusters(text: str) -> list[str]:
    """Cut ``text`` into grapheme clusters (rule in the module docstring).

    ``"".join(clusters(text)) == text`` for every text.
    """
    expect_text(text, "clusters")
    out: list[str] = []
    for ch in text:
        if out:
            last = out[-1]
            if ch in (ZWJ, ZWNJ) or _is_mark(ch):
                joins = _takes_mark(last, ch)
            elif ch == "\n":
                joins = last == "\r"
            else:
                joins = _takes_consonant(last, ch)
            if joins:
                out[-1] = last + ch
                continue
        out.append(ch)
    return out


def is_ill_formed(cluster: str) -> bool:
    """Whether ``cluster`` starts with a combining mark, a virama or ZWJ/ZWNJ.

    Such a cluster has no base to carry it: a vowel sign after a space or at the start
    of a line, the kind of error a code-point model makes. Meant for the items of
    :func:`clusters`; the empty string is not ill-formed.
    """
    expect_text(cluster, "is_ill_formed")
    return bool(cluster) and _starts_stray(cluster)


def ill_formed_share(text: str) -> float:
    """The share of ``text``'s clusters that are ill-formed (0.0 for an empty text).

    Every cluster counts, spaces and newlines included.
    """
    expect_text(text, "ill_formed_share")
    parts = clusters(text)
    if not parts:
        return 0.0
    return sum(map(_starts_stray, parts)) / len(parts)


def cluster_vocabulary(text: str) -> list[str]:
    """The distinct clusters of ``text``, sorted by code points: a token vocabulary."""
    expect_text(text, "cluster_vocabulary")
    return sorted(set(clusters(text)))
