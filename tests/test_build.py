"""The build: derived files are fresh, code is identical, translations keep code and links."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest
from babel.messages.pofile import read_po

from tools import build, catalogs, glossary, inserts, nbfiles
from tools.exercises import strip_solutions
from tools.headers import is_header, setup_code
from tools.tokens import format_fields, lost_tokens, markdown_tokens

from .helpers import LANGS, ROOT, all_notebooks


def test_everything_derived_is_up_to_date():
    assert build.build(check=True) == []


def test_sources_are_committed_without_outputs():
    for src in build.sources():
        for cell in nbfiles.read(src.path)["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, src.path


def test_code_cells_are_identical_in_every_language():
    for src in build.sources():
        english = [nbfiles.source(c) for c in nbfiles.read(src.path)["cells"]
                   if c["cell_type"] == "code" and not is_header(c)]
        for lang in LANGS[1:]:
            nb = nbfiles.read(ROOT / src.kind / lang / f"{src.stem}.ipynb")
            code = [nbfiles.source(c) for c in nb["cells"]
                    if c["cell_type"] == "code" and not is_header(c)]
            assert code == english, f"{src.kind}/{lang}/{src.stem}"
            setup = [nbfiles.source(c) for c in nb["cells"]
                     if c["cell_type"] == "code" and is_header(c)]
            assert setup == [setup_code(lang, src.stem)]


def test_every_notebook_is_complete_in_every_language():
    stems = {(p.parent.parent.name, p.stem) for p in all_notebooks()}
    for kind, stem in stems:
        for lang in LANGS:
            assert (ROOT / kind / lang / f"{stem}.ipynb").exists(), (kind, lang, stem)


def test_markdown_tokens_find_code_math_and_links():
    text = ("Use `rnn_forward` on $x_t$; see [lesson](01_rnn_forward.ipynb) and\n"
            "$$h_t = \\tanh(a_t)$$\n```python\nprint(1)\n```\n<img src=\"fig.png\"/>")
    assert markdown_tokens(text) == Counter({
        "`rnn_forward`": 1, "$x_t$": 1, "link:01_rnn_forward.ipynb": 1,
        "$$h_t = \\tanh(a_t)$$": 1, "```python\nprint(1)\n```": 1, "link:fig.png": 1})


@pytest.mark.parametrize("damaged", [
    "Используйте rnn_forward на $x_t$, см. [урок](01_rnn_forward.ipynb).",
    "Используйте `rnn_forward` на x_t, см. [урок](01_rnn_forward.ipynb).",
    "Используйте `rnn_forward` на $x_t$, см. [урок](02_bptt.ipynb).",
    "Используйте `rnn_forwrd` на $x_t$, см. [урок](01_rnn_forward.ipynb).",
])
def test_damaged_translations_are_reported(damaged):
    original = "Use `rnn_forward` on $x_t$, see [the lesson](01_rnn_forward.ipynb)."
    good = "Используйте `rnn_forward` на $x_t$, см. [урок](01_rnn_forward.ipynb)."
    assert lost_tokens(markdown_tokens(original), markdown_tokens(good)) == []
    assert lost_tokens(markdown_tokens(original), markdown_tokens(damaged)) != []


def test_format_fields_must_survive():
    assert format_fields("{task}: {diff:.2e}") == Counter({"{task}": 1, "{diff}": 1})
    assert lost_tokens(format_fields("{a} {b}"), format_fields("{a}")) == ["missing '{b}'"]


def test_strip_solutions_keeps_indentation_and_the_rest():
    code = ("def f(x):\n    \"\"\"Doc.\"\"\"\n    ### BEGIN SOLUTION\n    y = x + 1\n"
            "    return y\n    ### END SOLUTION\n\nprint(f)\n")
    assert strip_solutions(code) == (
        "def f(x):\n    \"\"\"Doc.\"\"\"\n    # YOUR CODE HERE\n    todo()\n\nprint(f)\n")


@pytest.mark.parametrize("bad", ["### BEGIN SOLUTION\nx\n", "x\n### END SOLUTION\n",
                                 "### BEGIN SOLUTION\n### BEGIN SOLUTION\n"])
def test_strip_solutions_rejects_unbalanced_markers(bad):
    with pytest.raises(ValueError):
        strip_solutions(bad)


@pytest.fixture
def sandbox(tmp_path, monkeypatch):
    """A copy of the course's sources and derived files that the build may damage."""
    for folder in ("notebooks", "solutions", "exercises", "i18n", "course_utils", "tools"):
        shutil.copytree(ROOT / folder, tmp_path / folder,
                        ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(build, "ROOT", tmp_path)
    monkeypatch.setattr(build, "RUNTIME_DIRS", (tmp_path / "course_utils", tmp_path / "tools"))
    # The copy starts clean: test_everything_derived_is_up_to_date checks the same files.
    return tmp_path


def edit_first(path, cell_type, change):
    nb = nbfiles.read(path)
    cell = next(c for c in nb["cells"] if c["cell_type"] == cell_type and not is_header(c))
    cell["source"] = change(nbfiles.source(cell)).splitlines(keepends=True)
    path.write_text(nbfiles.dumps(nb), encoding="utf-8")


def test_edited_translation_code_is_caught(sandbox):
    edit_first(sandbox / "notebooks/ru/01_rnn_forward.ipynb", "code", lambda s: s + "\nx = 1")
    problems = build.build(check=True)
    assert any("code cell 1 differs" in p for p in problems)
    assert any("notebooks/ru/01_rnn_forward.ipynb: stale" in p for p in problems)


def test_edited_exercise_is_caught(sandbox):
    edit_first(sandbox / "exercises/hi/lab01_rnn_forward.ipynb", "markdown", str.upper)
    assert build.build(check=True) == [
        "exercises/hi/lab01_rnn_forward.ipynb: stale (run: python -m tools.build)"]


def test_changed_english_needs_new_translations(sandbox):
    edit_first(sandbox / "notebooks/en/00_start_here.ipynb", "markdown", lambda s: s + " More.")
    problems = build.build(check=True)
    for lang in LANGS[1:]:
        where = f"i18n/{lang}/notebooks/00_start_here.po: fuzzy translation"
        assert any(p.startswith(where) for p in problems), lang
    assert any("00_start_here.ipynb: stale" in p for p in problems)
    build.build(check=False)
    cat = catalogs.load(sandbox / "i18n/ru/notebooks/00_start_here.po", "ru")
    assert [m for m in cat if m.id and m.fuzzy], "the old translation is kept, marked fuzzy"
    remaining = build.build(check=True)
    assert remaining and all("fuzzy translation" in p for p in remaining)


def test_missing_runtime_translation_is_caught(sandbox):
    path = sandbox / "course_utils/locale/bn.po"
    with path.open("rb") as f:
        cat = read_po(f, locale="bn")
    next(m for m in cat if m.id).string = ""
    path.write_bytes(catalogs.render(cat))
    assert any(p.startswith("course_utils/locale/bn.po: missing translation")
               for p in build.build(check=True))


@pytest.mark.parametrize(("variant", "text", "found"), [
    ("भार", "मॉडल के भार बदलते हैं", True),
    ("भार", "भारत में", False),                       # a longer word, not the variant
    ("छिपी अवस्था", "यह छिपी  अवस्था है", True),        # any whitespace between words
    ("зерн* генератора", "с зерном генератора 0", True),
    ("зерн* генератора", "зёрна пшеницы", False),
    ("细胞", "LSTM 的细胞状态", True),                  # Chinese: no word boundaries
    ("নির্ভুলতা", "মডেলের নির্ভুলতা বাড়ে", True),
])
def test_glossary_variants_match_whole_words(variant, text, found):
    assert bool(glossary.variant_pattern(variant).search(text)) is found


def test_glossary_ignores_code_math_and_link_targets():
    text = "see `hidden_state` and $h_t$ in [here](state.ipynb)"
    assert "state" not in glossary.prose_only(text).replace("here", "")


def test_every_language_has_a_complete_glossary_shown_in_lesson_00():
    english = [t.term for t in glossary.load("en")[1]]
    assert len(english) >= 40
    for lang in LANGS:
        terms = glossary.load(lang)[1]
        assert [t.english for t in terms] == english, lang
        lesson = (ROOT / "notebooks" / lang / "00_start_here.ipynb").read_text(encoding="utf-8")
        assert all(t.term.replace('"', '\\"') in lesson for t in terms), lang


def test_ruled_out_variant_in_a_translation_is_caught(sandbox, monkeypatch):
    monkeypatch.setattr(glossary, "ROOT", sandbox)
    for lang in LANGS[1:]:
        term = next(t for t in glossary.load(lang)[1] if t.avoid)
        variant = term.avoid[0].replace("*", "")
        path = sandbox / f"i18n/{lang}/notebooks/01_rnn_forward.po"
        cat = catalogs.load(path, lang)
        msg = next(m for m in cat if m.id and m.string)
        msg.string += f"\n\n{variant}"
        path.write_bytes(catalogs.render(cat))
        assert any(p.startswith(f"i18n/{lang}/notebooks/01_rnn_forward.po: glossary")
                   for p in build.build(check=True)), lang


def test_insert_blocks_are_filled_per_language_and_kept_by_translations():
    text = "Intro\n\n<!-- insert: glossary -->\n<!-- end insert -->\n\nMore"
    assert inserts.strip(inserts.expand(text, "ru")) == text
    assert "| " in inserts.expand(text, "ru")
    lost = lost_tokens(markdown_tokens(text), markdown_tokens("Введение\n\nЕщё"))
    assert lost, "a translation that drops the block is damaged"
