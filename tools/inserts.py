"""Per-language blocks inside a markdown cell: ``<!-- insert: NAME -->`` … ``<!-- end insert -->``.

A cell of an English source may hold such a block. Its translation keeps the two
markers, and the build fills the block for each language: ``glossary`` with that
language's glossary table, any other ``NAME`` with ``i18n/<lang>/NAME.md`` (for
references in the learner's own language, say). The catalogs hold the cell with
the block empty, so editing a glossary never makes a translation fuzzy.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import glossary

ROOT = Path(__file__).resolve().parents[1]
END = "<!-- end insert -->"
BLOCK = re.compile(r"(<!-- insert: ([\w-]+) -->)\n.*?" + re.escape(END), re.S)


def strip(text: str) -> str:
    """``text`` with every block emptied, as the catalogs hold it."""
    return BLOCK.sub(lambda m: f"{m[1]}\n{END}", text)


def content(name: str, lang: str) -> str:
    """What block ``name`` holds in ``lang``."""
    if name == "glossary":
        return glossary.table(lang)
    file = ROOT / "i18n" / lang / f"{name}.md"
    return file.read_text(encoding="utf-8").strip() if file.exists() else ""


def expand(text: str, lang: str) -> str:
    """``text`` with every block filled for ``lang``."""
    def fill(m: re.Match[str]) -> str:
        body = content(m[2], lang)
        return f"{m[1]}\n{body}\n{END}" if body else f"{m[1]}\n{END}"

    return BLOCK.sub(fill, strip(text))


def missing(text: str, lang: str) -> list[str]:
    """Names of the blocks of ``text`` that have no content in ``lang``."""
    return [m[2] for m in BLOCK.finditer(strip(text)) if not content(m[2], lang)]
