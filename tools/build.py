"""Build every derived file of the course, or check that they are up to date.

    python -m tools.build           # update catalogs, rewrite generated notebooks
    python -m tools.build --check   # change nothing; exit 1 on any problem

Sources: ``notebooks/en/*.ipynb`` (lessons) and ``solutions/en/*.ipynb`` (labs
solved). Derived: their header cells, the lessons and solutions in every other
language (English code + translated markdown from ``i18n/<lang>/<kind>/<stem>.po``),
and ``exercises/<lang>/`` (solutions with the solution blocks stubbed out).
Runtime messages of ``course_utils`` go to ``course_utils/locale/<lang>.po``.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from course_utils.i18n import LANGUAGES

from . import catalogs, glossary, inserts, nbfiles
from .exercises import strip_solutions
from .headers import header_cells, is_header
from .tokens import format_fields, markdown_tokens

ROOT = Path(__file__).resolve().parents[1]
SOURCE_KINDS = ("notebooks", "solutions")
RUNTIME_DIRS = (ROOT / "course_utils", ROOT / "tools")
COURSE_LINK = re.compile(r"\]\((\.\./\.\./(?:notebooks|solutions|exercises))/en/")


@dataclass(frozen=True)
class Source:
    """An English source notebook: ``<kind>/en/<stem>.ipynb``."""

    kind: str
    stem: str

    @property
    def path(self) -> Path:
        return ROOT / self.kind / "en" / f"{self.stem}.ipynb"

    def catalog_path(self, lang: str) -> Path:
        return ROOT / "i18n" / lang / self.kind / f"{self.stem}.po"


def sources() -> list[Source]:
    """Every English source notebook, lessons first."""
    return [Source(kind, p.stem) for kind in SOURCE_KINDS
            for p in sorted((ROOT / kind / "en").glob("*.ipynb"))]


def body(nb: nbfiles.Notebook) -> list[nbfiles.Cell]:
    """The cells after the generated header."""
    return [c for c in nb["cells"] if not is_header(c)]


def prose_template(src: Source, nb: nbfiles.Notebook) -> catalogs.Catalog:
    """One message per markdown cell of the source, commented with its cell id."""
    return catalogs.template(
        (inserts.strip(nbfiles.source(c)), [f"cell {c.get('id', '?')}"])
        for c in body(nb) if c["cell_type"] == "markdown")


def translate(nb: nbfiles.Notebook, cat: catalogs.Catalog | None,
              lang: str = "en") -> nbfiles.Notebook:
    """``nb`` with each markdown cell replaced by its translation in ``cat``."""
    cells = []
    for cell in body(nb):
        text = nbfiles.source(cell)
        if cell["cell_type"] == "markdown":
            msg = cat.get(inserts.strip(text)) if cat is not None else None
            if msg is not None and msg.string and not msg.fuzzy:
                text = msg.string
            text = inserts.expand(localise_links(text, lang), lang)
        cells.append(nbfiles.with_source(cell, text))
    return {**nb, "cells": cells}


def localise_links(text: str, lang: str) -> str:
    """Point links into other course folders at this language (``en`` -> ``lang``)."""
    return COURSE_LINK.sub(lambda m: f"]({m[1]}/{lang}/", text)


def finish(nb: nbfiles.Notebook, kind: str, lang: str, stem: str,
           origin: str | None) -> nbfiles.Notebook:
    """Prepend the header cells and set the course metadata of a target file."""
    meta = {**nb.get("metadata", {}), "course": {"lang": lang, "kind": kind}}
    if origin:
        meta["course"]["generated_from"] = origin
    return {**nb, "metadata": meta,
            "cells": header_cells(kind, lang, stem, origin) + nb["cells"]}


def stub(nb: nbfiles.Notebook) -> nbfiles.Notebook:
    """The exercise version of a solved lab."""
    cells = [nbfiles.with_source(c, strip_solutions(nbfiles.source(c)))
             if c["cell_type"] == "code" else c for c in nb["cells"]]
    return {**nb, "cells": cells}


def targets(src: Source, nb: nbfiles.Notebook,
            cats: dict[str, catalogs.Catalog]) -> dict[Path, nbfiles.Notebook]:
    """Every file derived from ``src``, keyed by its path (the source's own included)."""
    rel = f"{src.kind}/en/{src.stem}.ipynb"
    clean = translate(nb, None)
    out = {src.path: finish(clean, src.kind, "en", src.stem, None)}
    for lang in LANGUAGES:
        text = clean if lang == "en" else translate(nb, cats.get(lang), lang)
        if lang != "en":
            origin = f"{rel} + i18n/{lang}/{src.kind}/{src.stem}.po"
            out[ROOT / src.kind / lang / f"{src.stem}.ipynb"] = finish(
                text, src.kind, lang, src.stem, origin)
        if src.kind == "solutions":
            origin = rel if lang == "en" else f"{rel} + i18n/{lang}/{src.kind}/{src.stem}.po"
            out[ROOT / "exercises" / lang / f"{src.stem}.ipynb"] = finish(
                stub(text), "exercises", lang, src.stem, origin)
    return out


def prose_problems(src: Source, cat: catalogs.Catalog, tmpl: catalogs.Catalog,
                   lang: str) -> list[str]:
    """Missing, fuzzy or damaged translations of one notebook into ``lang``."""
    where = f"i18n/{lang}/{src.kind}/{src.stem}.po"
    found = [f"{where}: {p}" for p in catalogs.problems(cat, tmpl)]
    return found + catalogs.damaged(cat, markdown_tokens, where)


def code_problems(path: Path, english: nbfiles.Notebook) -> list[str]:
    """Code cells of a translated file on disk that differ from the English source."""
    if not path.exists():
        return []
    mine = [nbfiles.source(c) for c in body(nbfiles.read(path)) if c["cell_type"] == "code"]
    theirs = [nbfiles.source(c) for c in body(english) if c["cell_type"] == "code"]
    if len(mine) != len(theirs):
        return [f"{path.relative_to(ROOT)}: {len(mine)} code cells, English has {len(theirs)}"]
    return [f"{path.relative_to(ROOT)}: code cell {i + 1} differs from the English source"
            for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b]


def runtime_problems(check: bool, langs: tuple[str, ...]) -> list[str]:
    """Bring ``course_utils/locale/*.po`` up to date (or check them)."""
    cells = [(f"{src.kind}/en/{src.stem}.ipynb", nbfiles.source(cell))
             for src in sources() for cell in body(nbfiles.read(src.path))
             if cell["cell_type"] == "code"]
    tmpl = catalogs.runtime_template(*RUNTIME_DIRS, cells=cells)
    found: list[str] = []
    for lang in langs:
        path = ROOT / "course_utils" / "locale" / f"{lang}.po"
        cat = catalogs.updated(catalogs.load(path, lang), tmpl)
        where = f"course_utils/locale/{lang}.po"
        found += [f"{where}: {p}" for p in catalogs.problems(cat, tmpl)]
        found += catalogs.damaged(cat, format_fields, where)
        found += sync(path, catalogs.render(cat), check, semantic=True)
    return found


def glossary_problems(lang: str) -> list[str]:
    """Variants that ``lang``'s glossary rules out, wherever its translations use them."""
    found = glossary.coverage_problems(lang)
    files = [*sorted((ROOT / "i18n" / lang).glob("*/*.po")),
             ROOT / "course_utils" / "locale" / f"{lang}.po"]
    for path in files:
        where = path.relative_to(ROOT)
        for msg in catalogs.load(path, lang):
            if msg.id and isinstance(msg.string, str) and msg.string and not msg.fuzzy:
                found += [f"{where}: glossary: {v}" for v in glossary.violations(msg.string, lang)]
    readme = ROOT / f"README.{lang}.md"
    if readme.exists():
        found += [f"{readme.name}: glossary: {v}"
                  for v in glossary.violations(readme.read_text(encoding="utf-8"), lang)]
    return found


def sync(path: Path, data: bytes | str, check: bool, semantic: bool = False) -> list[str]:
    """Write ``data`` to ``path`` if it changed; in check mode, report instead."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    old = path.read_bytes() if path.exists() else None
    if old is not None and (old == raw or (semantic and _same_po(old, raw))):
        return []
    if check:
        return [f"{path.relative_to(ROOT)}: {'missing' if old is None else 'stale'}"
                " (run: python -m tools.build)"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    print(f"wrote {path.relative_to(ROOT)}")
    return []


def _same_po(a: bytes, b: bytes) -> bool:
    """Whether two PO files differ only in their header (dates, tool versions)."""
    return a.split(b'\n\n', 1)[-1] == b.split(b'\n\n', 1)[-1]


def build(check: bool, only: str | None = None) -> list[str]:
    """Build (or check) everything, or one language's files; return the problems."""
    langs = tuple(lang for lang in LANGUAGES[1:] if only in (None, lang))
    found = runtime_problems(check, langs)
    for src in sources():
        nb = nbfiles.read(src.path)
        found += [f"{src.kind}/en/{src.stem}.ipynb: nothing to insert as {name!r} in {lang}"
                  for cell in body(nb) for lang in ("en", *langs)
                  for name in inserts.missing(nbfiles.source(cell), lang)]
        tmpl = prose_template(src, nb)
        cats = {}
        for lang in langs:
            cat = catalogs.updated(catalogs.load(src.catalog_path(lang), lang), tmpl)
            cats[lang] = cat
            found += prose_problems(src, cat, tmpl, lang)
            found += sync(src.catalog_path(lang), catalogs.render(cat), check, semantic=True)
        for path, target in targets(src, nb, cats).items():
            if only is not None and f"/{only}/" not in str(path.relative_to(ROOT.parent)):
                continue
            found += sync(path, nbfiles.dumps(target), check)
            if path != src.path and path.parent.parent.name == src.kind:
                found += code_problems(path, nb)
    for lang in langs:
        found += glossary_problems(lang)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="change nothing; fail if anything is stale or missing")
    parser.add_argument("--lang", choices=LANGUAGES[1:],
                        help="only this language's catalogs and notebooks")
    args = parser.parse_args(argv)
    found = build(check=args.check, only=args.lang)
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print(f"{len(found)} problem(s).", file=sys.stderr)
        return 1
    print("All derived files are up to date." if args.check else "Build done.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
