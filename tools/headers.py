"""The generated first cells of every notebook: badges, language links, set-up."""

from __future__ import annotations

from course_utils.i18n import LANGUAGE_NAMES, LANGUAGES, _, get_language, set_language
from course_utils.links import colab_url, pip_spec

from .nbfiles import Cell, make_cell

HEADER_TAG = "course-header"
BADGE = "https://colab.research.google.com/assets/colab-badge.svg"


def is_header(cell: Cell) -> bool:
    """Whether ``cell`` is one of the generated header cells."""
    return HEADER_TAG in cell.get("metadata", {}).get("tags", [])


def header_cells(kind: str, lang: str, stem: str, origin: str | None) -> list[Cell]:
    """The badge-and-links markdown cell and the set-up code cell of a notebook."""
    previous = get_language()
    set_language(lang)
    try:
        text = _header_markdown(kind, lang, stem, origin)
    finally:
        set_language(previous)
    return [
        make_cell("markdown", text, "course-header", [HEADER_TAG]),
        make_cell("code", setup_code(lang), "course-setup", [HEADER_TAG]),
    ]


def _header_markdown(kind: str, lang: str, stem: str, origin: str | None) -> str:
    path = f"{kind}/{lang}/{stem}.ipynb"
    links = " · ".join(
        f"**{LANGUAGE_NAMES[other]}**" if other == lang
        else f"[{LANGUAGE_NAMES[other]}](../{other}/{stem}.ipynb)"
        for other in LANGUAGES)
    if origin is None:
        note = _("This notebook is the source: the other languages and the exercise "
                 "version are generated from it with `python -m tools.build`.")
    else:
        note = _("Generated from `{origin}` by `python -m tools.build`: edit those, "
                 "not this file.", origin=origin)
    return (f'<a href="{colab_url(path)}" target="_parent">'
            f'<img src="{BADGE}" alt="Open In Colab"/></a>\n\n'
            f"{links}\n\n<small>{note}</small>\n")


def setup_code(lang: str) -> str:
    """The set-up cell: installs the course on Colab, then calls ``setup(lang)``."""
    return (
        "import sys\n\n"
        'if "google.colab" in sys.modules:\n'
        f'    %pip install --quiet "{pip_spec()}"\n\n'
        "from course_utils import setup\n\n"
        f'course = setup("{lang}")\n'
    )
