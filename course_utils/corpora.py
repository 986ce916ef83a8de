"""The text corpus of each language: Shakespeare, Pushkin, Tang poems, Tulsidas, Tagore.

A notebook's code is the same in every language; :func:`read_corpus` picks the corpus
of the learner's language at run time, through the data registry, and :func:`credit`
says where it comes from and under which licence, in that language.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from .data import read_text
from .i18n import _, get_language


@dataclass(frozen=True)
class Corpus:
    """One language's corpus: its registry name, where it comes from and its licence."""

    name: str
    title: Callable[[], str]          # called when shown, so that it is translated then
    url: str
    licence: Callable[[], str]


def _public_domain() -> str:
    return _("public domain")


CORPORA: dict[str, Corpus] = {
    "en": Corpus("en_tiny_shakespeare", lambda: _("Tiny Shakespeare, from karpathy/char-rnn"),
                 "https://github.com/karpathy/char-rnn", _public_domain),
    "ru": Corpus("ru_pushkin_verse", lambda: _("the verse of A. S. Pushkin, from d0rj/RusLit"),
                 "https://github.com/d0rj/RusLit", _public_domain),
    "zh": Corpus("zh_tang_poems",
                 lambda: _("11,506 regulated Tang poems, from chinese-poetry"),
                 "https://github.com/chinese-poetry/chinese-poetry",
                 lambda: _("MIT licence; the poems are in the public domain")),
    "hi": Corpus("hi_ramcharitmanas",
                 lambda: _("the Ramcharitmanas of Tulsidas, from cltk/hindi_text_ltrc"),
                 "https://github.com/cltk/hindi_text_ltrc",
                 lambda: _("GPL-1 for the digital text; the poem is in the public domain")),
    "bn": Corpus("bn_tagore_poems",
                 lambda: _("731 poems of Rabindranath Tagore, from "
                           "shuhanmirza/Bengali-Poem-Dataset"),
                 "https://github.com/shuhanmirza/Bengali-Poem-Dataset",
                 lambda: _("GPL-3 for the data set; the poems are in the public domain")),
}


def corpus(lang: str | None = None) -> Corpus:
    """The corpus of ``lang`` (default: the learner's language)."""
    lang = lang or get_language()
    if lang not in CORPORA:
        raise ValueError(_("There is no corpus for the language {lang!r}: use one of {langs}.",
                           lang=lang, langs=", ".join(CORPORA)))
    return CORPORA[lang]


def read_corpus(lang: str | None = None) -> str:
    """The whole text of ``lang``'s corpus, NFC-normalised (downloaded if needed)."""
    return unicodedata.normalize("NFC", read_text(corpus(lang).name))


def credit(lang: str | None = None) -> str:
    """Where ``lang``'s corpus comes from and its licence, in the learner's language."""
    entry = corpus(lang)
    return _("Text: {title} ({url}); {licence}.", title=entry.title(), url=entry.url,
             licence=entry.licence())
