"""Runtime localisation: the learner's language and translated messages.

Messages are written in English in the code, wrapped in ``_()``, and looked up
in ``course_utils/locale/<lang>.po`` (gettext catalogs read with babel). The
language is chosen by :func:`set_language` (the notebook's set-up cell does it)
or by the ``COURSE_LANG`` environment variable.
"""

from __future__ import annotations

import copy
import os
import re
import string
from functools import cache
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("en", "ru", "zh", "hi", "bn")
LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "ru": "Русский",
    "zh": "简体中文",
    "hi": "हिंदी",
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


_FIXED_POINT = re.compile(r"(?:\.(\d+))?([fd]?)")


def format_number(value: float, spec: str, lang: str) -> str:
    """``value`` formatted by ``spec`` with the decimal mark and grouping of ``lang``.

    English writes 50,000, Russian 0,59 and 50 000 (a no-break space), Hindi and
    Bengali group the Indian way (12,34,567); digits stay Latin, as in the prose. Plain and
    fixed-point specs (``""``, ``".3f"``, ``"d"``) are localised; others (``".2e"``,
    widths) keep Python's layout with the local decimal mark.
    """
    from babel import Locale
    from babel.numbers import get_decimal_symbol, parse_pattern

    locale = Locale.parse(lang)
    fixed = _FIXED_POINT.fullmatch(spec)
    if fixed is None:
        text = format(value, spec)
        return text.replace(".", get_decimal_symbol(locale, numbering_system="latn"))
    # A copy: babel caches parsed patterns, and this one gets its own precision.
    pattern = copy.copy(parse_pattern(locale.decimal_formats[None]))
    digits, kind = fixed.groups()
    if digits is not None:
        pattern.frac_prec = (int(digits), int(digits))
    elif isinstance(value, float) and kind != "d":
        return pattern.apply(value, locale, numbering_system="latn", decimal_quantization=False)
    return pattern.apply(value, locale, numbering_system="latn")


class _LocalFormatter(string.Formatter):
    """``str.format`` that writes numbers as the learner's language does."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: object, format_spec: str) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_number(value, format_spec, self.lang)
        return super().format_field(value, format_spec)


def _(message: str, /, **values: object) -> str:
    """Translate ``message`` into the current language and fill in ``values``.

    ``values`` fill ``{name}`` fields after translation, so translators move them
    freely within the sentence; numbers get the language's decimal mark and
    grouping (:func:`format_number`).
    """
    lang = get_language()
    text = catalog(lang).get(message, message)
    if not values:
        return text
    return _LocalFormatter(lang).format(text, **values)


# The notebooks' name for _(): in a notebook "_" is a throwaway variable (and
# IPython's last result), so a lesson prints its sentences with tr("...").
tr = _
