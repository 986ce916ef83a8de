"""Gettext catalogs: notebook prose (one message per markdown cell) and runtime text."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract, extract_from_dir
from babel.messages.pofile import read_po, write_po

from .tokens import lost_tokens

PROJECT = "rnn-course"


def load(path: Path, lang: str) -> Catalog:
    """The catalog at ``path``, or an empty one for ``lang`` if there is none."""
    if path.exists():
        with path.open("rb") as f:
            return read_po(f, locale=lang)
    return Catalog(locale=lang, project=PROJECT, fuzzy=False)


def template(messages: Iterable[tuple[str, list[str]]]) -> Catalog:
    """A template catalog of ``(English text, comments)`` pairs, in order."""
    cat = Catalog(project=PROJECT, fuzzy=False)
    for text, comments in messages:
        if text.strip():
            cat.add(text, auto_comments=comments)
    return cat


def updated(existing: Catalog, tmpl: Catalog) -> Catalog:
    """``existing`` brought in line with ``tmpl``: new messages added, changed ones fuzzy."""
    existing.update(tmpl, no_fuzzy_matching=False, update_header_comment=False)
    existing.obsolete.clear()
    return existing


def render(cat: Catalog) -> bytes:
    """The PO file text of ``cat``, unwrapped, in template order."""
    buf = io.BytesIO()
    # No "#| msgid" lines: babel cannot read its own multi-line ones back.
    write_po(buf, cat, width=0, include_previous=False, no_location=True)
    return buf.getvalue()


def problems(cat: Catalog, tmpl: Catalog) -> list[str]:
    """Messages of ``tmpl`` that ``cat`` lacks, leaves untranslated or fuzzy, and extras."""
    found: list[str] = []
    wanted = {m.id for m in tmpl if m.id}
    for msg in tmpl:
        if not msg.id:
            continue
        have = cat.get(msg.id)
        short = msg.id.strip().splitlines()[0][:60]
        if have is None or not have.string:
            found.append(f"missing translation: {short!r}")
        elif have.fuzzy:
            found.append(f"fuzzy translation (English changed, review it): {short!r}")
    extra = [m.id for m in cat if m.id and m.id not in wanted]
    found += [f"obsolete entry (run the build): {m.strip().splitlines()[0][:60]!r}"
              for m in extra]
    return found


def damaged(cat: Catalog, tokens: Callable[[str], Counter[str]], where: str) -> list[str]:
    """Translations in ``cat`` that lost or gained verbatim pieces (as found by ``tokens``)."""
    found = []
    for msg in cat:
        if msg.id and msg.string and not msg.fuzzy:
            lost = lost_tokens(tokens(msg.id), tokens(msg.string))
            if lost:
                short = msg.id.strip().splitlines()[0][:50]
                found.append(f"{where}: {short!r}: {', '.join(lost)}")
    return found


def runtime_template(*dirs: Path, cells: Iterable[tuple[str, str]] = ()) -> Catalog:
    """Every ``_("...")`` message of the Python code under ``dirs`` and of ``cells``.

    ``cells`` are ``(where, code)`` pairs: the code cells of the notebooks, which
    print their sentences through ``tr()``, the notebooks' name for ``_()``.
    """
    cat = Catalog(project=PROJECT, fuzzy=False)
    found = [(f"{folder.name}/{filename}", lineno, message, comments)
             for folder in dirs
             for filename, lineno, message, comments, _context in extract_from_dir(
                 folder, method_map=[("**.py", "python")], keywords={"_": None},
                 comment_tags=("TRANSLATORS:",))]
    for where, code in cells:
        # IPython's %magic and !shell lines are no Python: blank them out.
        python = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                           for line in code.splitlines())
        found += [(where, lineno, message, comments)
                  for lineno, message, comments, _context in extract(
                      "python", io.BytesIO(python.encode("utf-8")),
                      keywords={"_": None, "tr": None},
                      comment_tags=("TRANSLATORS:",))]
    for where, lineno, message, comments in found:
        if isinstance(message, str) and message:
            cat.add(message, locations=[(where, lineno)], auto_comments=comments,
                    flags=["python-brace-format"] if "{" in message else [])
    return cat
