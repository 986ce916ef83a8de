"""One glossary of terms per language, shown in lesson 00 and enforced by the build.

``i18n/en/glossary.tsv`` lists the course's core terms (``term``, ``code``: the name
the code uses, or empty). ``i18n/<lang>/glossary.tsv`` gives each of them in that
language: ``term``, ``english``, ``code``, ``avoid`` (renderings the glossary rules
out, separated by ``|``; a ``*`` at the end of a word stands for any ending, so
``зерн* генератора`` matches every case of the noun). The first line of each file
is a header whose first three titles head the table in lesson 00.

The build fails when a translation (notebook prose, runtime messages, README) uses
a variant that its language's glossary rules out, or when a glossary misses a term.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .tokens import DISPLAY_MATH, FENCED, INLINE_CODE, INLINE_MATH

ROOT = Path(__file__).resolve().parents[1]
# Letters, digits and the combining marks of Devanagari and Bengali (which \w misses).
_WORD_CHAR = r"[\w\u0900-\u09ff]"
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Term:
    """One row of a glossary."""

    term: str
    english: str
    code: str
    avoid: tuple[str, ...] = ()


def path(lang: str) -> Path:
    """Where the glossary of ``lang`` lives."""
    return ROOT / "i18n" / lang / "glossary.tsv"


def load(lang: str) -> tuple[tuple[str, ...], tuple[Term, ...]]:
    """The header titles and the terms of ``lang``'s glossary (empty if it has none)."""
    file = path(lang)
    if not file.exists():
        return (), ()
    return _parse(lang, file.read_text(encoding="utf-8"))


@cache
def _parse(lang: str, text: str) -> tuple[tuple[str, ...], tuple[Term, ...]]:
    rows = [line.split("\t") for line in text.splitlines() if line.strip()]
    header, terms = tuple(rows[0]), []
    for row in rows[1:]:
        row = [cell.strip() for cell in row] + [""] * 4
        if lang == "en":
            terms.append(Term(term=row[0], english=row[0], code=row[1]))
        else:
            avoid = tuple(v.strip() for v in row[3].split("|") if v.strip())
            terms.append(Term(term=row[0], english=row[1], code=row[2], avoid=avoid))
    return header, tuple(terms)


def table(lang: str) -> str:
    """The glossary of ``lang`` as a markdown table, in the English glossary's order."""
    header, terms = load(lang)
    if not terms:
        return ""
    width = 2 if lang == "en" else 3
    lines = ["| " + " | ".join(header[:width]) + " |", "|" + "---|" * width]
    for t in terms:
        code = f"`{t.code}`" if t.code else "—"
        cells = [t.term, code] if lang == "en" else [t.term, t.english, code]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def variant_pattern(variant: str) -> re.Pattern[str]:
    """A regular expression for one ruled-out variant (case-insensitive, whole words)."""
    words = [re.escape(w[:-1]) + _WORD_CHAR + "*" if w.endswith("*") else re.escape(w)
             for w in variant.split()]
    body = r"\s+".join(words)
    if _CJK.search(variant):  # Chinese has no spaces between words
        return re.compile(body)
    return re.compile(rf"(?<!{_WORD_CHAR}){body}(?!{_WORD_CHAR})", re.IGNORECASE)


def prose_only(text: str) -> str:
    """``text`` without code, math and link targets, which no glossary governs."""
    for pattern in (FENCED, DISPLAY_MATH, INLINE_CODE, INLINE_MATH):
        text = pattern.sub(" ", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def violations(text: str, lang: str) -> list[str]:
    """Each ruled-out variant found in ``text``, as 'variant → term'."""
    prose = prose_only(text)
    found = []
    for t in load(lang)[1]:
        for variant in t.avoid:
            match = variant_pattern(variant).search(prose)
            if match:
                found.append(f"{match.group(0)!r} → {t.term!r} ({t.english})")
    return found


def coverage_problems(lang: str) -> list[str]:
    """Terms of the English glossary that ``lang``'s glossary lacks or names differently."""
    where = f"i18n/{lang}/glossary.tsv"
    english = {t.term: t for t in load("en")[1]}
    mine = {t.english: t for t in load(lang)[1]}
    if not mine:
        return [f"{where}: missing (every language needs its glossary)"]
    found = [f"{where}: no row for {term!r}" for term in english if term not in mine]
    found += [f"{where}: {term!r} is not in i18n/en/glossary.tsv" for term in mine
              if term not in english]
    found += [f"{where}: {term!r} has code {t.code!r}, English has {english[term].code!r}"
              for term, t in mine.items() if term in english and t.code != english[term].code]
    return found
