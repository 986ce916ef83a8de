"""Runtime localisation: the learner's language and translated messages.

Messages are written in English in the code, wrapped in ``_()``, and looked up
in ``course_utils/locale/<lang>.po`` (gettext catalogs read with babel). The
language is chosen by :func:`set_language` (the notebook's set-up cell does it)
or by the ``COURSE_LANG`` environment variable.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("en", "ru", "zh", "hi", "bn")
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "ru": "Русский",
    "zh": "简体中文",
    "hi": "हिन्दी",
    "bn": "বাংলা",
}
LOCALE_DIR = Path(__file__).parent / "locale"

_current = {"lang": os.environ.get("COURSE_LANG", "en")}


def set_language(lang: str) -> None:
    """Make ``lang`` (one of :data:`LANGUAGES`) the language of every message."""
    if lang not in LANGUAGES:
        raise ValueError(
            f"Unknown language {lang!r}: use one of {', '.join(LANGUAGES)}."
        )
    _current["lang"] = lang


def get_language() -> str:
    """The language messages are shown in now (falls back to English)."""
    lang = _current["lang"]
    return lang if lang in LANGUAGES else "en"


@cache
def catalog(lang: str) -> dict[str, str]:
    """Translated, non-fuzzy messages of ``lang``: English text -> translation."""
    path = LOCALE_DIR / f"{lang}.po"
    if lang == "en" or not path.exists():
        return {}
    from babel.messages.pofile import read_po

    with path.open("rb") as f:
        cat = read_po(f)
    return {
        m.id: m.string
        for m in cat
        if m.id and m.string and not m.fuzzy and isinstance(m.id, str)
    }


def _(message: str, /, **values: object) -> str:
    """Translate ``message`` into the current language and fill in ``values``.

    ``values`` fill ``{name}`` fields with ``str.format`` after translation, so
    translators move them freely within the sentence.
    """
    text = catalog(get_language()).get(message, message)
    return text.format(**values) if values else text
