"""What a translation must keep verbatim: code, math, link targets, fields."""

from __future__ import annotations

import re
import string
from collections import Counter

FENCED = re.compile(r"```.*?```", re.S)
DISPLAY_MATH = re.compile(r"\$\$.+?\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$[^$\n]+?\$")
INLINE_CODE = re.compile(r"`[^`\n]+`")
LINK_TARGET = re.compile(r"\]\(([^)\s]+)")
HTML_TARGET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")
INSERT_MARKER = re.compile(r"<!-- (?:insert: [\w-]+|end insert) -->")


def markdown_tokens(text: str) -> Counter[str]:
    """The verbatim pieces of a markdown cell, with their counts."""
    found: list[str] = INSERT_MARKER.findall(text)
    for pattern in (FENCED, DISPLAY_MATH):
        found += pattern.findall(text)
        text = pattern.sub(" ", text)
    found += INLINE_CODE.findall(text)
    text = INLINE_CODE.sub(" ", text)
    found += INLINE_MATH.findall(text)
    found += [f"link:{t}" for t in LINK_TARGET.findall(text)]
    found += [f"link:{t}" for t in HTML_TARGET.findall(text)]
    return Counter(found)


def format_fields(text: str) -> Counter[str]:
    """The ``{name}`` fields of a ``str.format`` message."""
    try:
        return Counter(f"{{{name}}}" for _, name, _, _ in string.Formatter().parse(text)
                       if name is not None)
    except ValueError:
        return Counter({"<unbalanced braces>": 1})


def lost_tokens(original: Counter[str], translated: Counter[str]) -> list[str]:
    """Pieces that differ between an original and its translation, both ways."""
    missing = original - translated
    added = translated - original
    return [f"missing {t!r}" for t in missing] + [f"unexpected {t!r}" for t in added]
