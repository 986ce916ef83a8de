"""No English sentence reaches a learner of another language through a code cell."""

from __future__ import annotations

import pytest

from tools import build, catalogs, nbfiles
from tools.english_output import english_in, english_words
from tools.headers import is_header


@pytest.mark.parametrize("code", [
    'print("largest difference between autograd and lesson 02 =", d)',
    'print(f"loss after {n} steps: {x:.3f}")',
    'ax.set_title("Time per epoch on the CPU")',
    'ax.set(xlabel="step", ylabel=r"$L$")',
    'plt.plot(t, y, label="chance")',
    'ax.legend(["train", "held-out"])',
    'print("accuracy " + str(a))',
])
def test_english_in_output_is_found(code):
    assert english_in(code)


@pytest.mark.parametrize("code", [
    'print(_("loss after {n} steps", n=3))',
    'print(tr("loss after {n} steps", n=3), "|", tr("accuracy"))',
    'ax.set(xlabel="$t$", ylabel=r"$\\|h_t - h\'_t\\|$", title="LSTM, GRU")',
    'plt.plot(t, y, label=r"$\\rho = 0.9$")',
    'print(f"{name:<13} {tuple(p.shape)}")',
    'print(f"W_xh: {d:.1e}")',
    'print(tokenize("I didn\'t like it"))',          # data shown through a call
    '%pip install x\nprint(f"{ms:.1f} ms, BiLSTM")',
    'vocab = {"the": 0}',                             # not shown
])
def test_symbols_names_and_translated_text_pass(code):
    assert english_in(code) == []


def test_english_words_ignore_math_fields_and_identifiers():
    assert english_words("$\\hat y_t$ {loss:.3f} W_hh h0 LSTM GRU ms") == []
    assert english_words("the loss") == ["the", "loss"]


def test_no_lesson_or_lab_shows_english_in_a_code_cell():
    found = []
    for src in build.sources():
        for cell in nbfiles.read(src.path)["cells"]:
            if cell["cell_type"] == "code" and not is_header(cell):
                found += [f"{src.stem} {cell.get('id')}: {text!r}"
                          for text in english_in(nbfiles.source(cell))]
    assert found == [], "\n".join(found)


def test_notebook_messages_reach_the_runtime_catalogs():
    code = 'print(tr("loss after {n} steps", n=3))\n%matplotlib inline\nx, _ = 1, 2'
    tmpl = catalogs.runtime_template(cells=[("notebooks/en/x.ipynb", code)])
    assert [m.id for m in tmpl if m.id] == ["loss after {n} steps"]


def test_dotted_code_names_are_not_english():
    assert english_in('print("out.shape =", tuple(out.shape))') == []
    assert english_in('print("the output shape:", s)')
