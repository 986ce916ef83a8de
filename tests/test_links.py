"""Colab badges, language links and every relative link point at files that exist."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from course_utils.links import colab_url
from tools import nbfiles
from tools.headers import is_header

from .helpers import LANGS, ROOT, all_notebooks

LINK = re.compile(r"\]\(([^)\s]+)\)|href=\"([^\"]+)\"")


def links_of(text: str) -> list[str]:
    return [a or b for a, b in LINK.findall(text)]


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_header_badge_and_language_links(path):
    header = nbfiles.source(nbfiles.read(path)["cells"][0])
    rel = path.relative_to(ROOT).as_posix()
    assert colab_url(rel) in header
    targets = [t for t in links_of(header) if t.endswith(".ipynb") and "://" not in t]
    assert len(targets) == len(LANGS) - 1
    for target in targets:
        assert (path.parent / target).resolve().is_file(), target


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(path):
    lang = path.parent.name
    for cell in nbfiles.read(path)["cells"]:
        if cell["cell_type"] != "markdown" or is_header(cell):
            continue
        for target in links_of(nbfiles.source(cell)):
            if urlparse(target).scheme:
                assert urlparse(target).scheme == "https", target
                continue
            resolved = (path.parent / target).resolve()
            assert resolved.is_file(), f"{target} in {path.relative_to(ROOT)}"
            assert f"/{lang}/" in resolved.as_posix() or lang == "en", "link leaves the language"


@pytest.mark.parametrize("lang", LANGS)
def test_readme_links_resolve(lang):
    name = "README.md" if lang == "en" else f"README.{lang}.md"
    for target in links_of((ROOT / name).read_text(encoding="utf-8")):
        if not urlparse(target).scheme:
            assert (ROOT / target).is_file(), f"{target} in {name}"
