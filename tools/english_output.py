"""Find English words that a code cell would show a learner of any language.

Code cells are identical in every language, so a sentence in a ``print`` or in a
plot's title, axis label or legend reaches the Russian, Chinese, Hindi and Bengali
learner in English. Plots carry symbols and numbers; printed sentences go through
``tr()`` (the notebooks' name for ``_()``, translated at run time). This module
lists the literals that break the rule.
"""

from __future__ import annotations

import ast
import re

PRINTERS = {"print"}
PLOT_CALLS = {"set_title", "set_xlabel", "set_ylabel", "set_zlabel", "suptitle", "title",
              "xlabel", "ylabel", "text", "annotate", "set_xticklabels", "set_yticklabels",
              "legend", "figtext", "supxlabel", "supylabel"}
TEXT_KEYWORDS = {"label", "title", "xlabel", "ylabel", "labels", "suptitle"}
# Names, units and symbols that read the same in every language.
ALLOWED = {
    "rnn", "lstm", "gru", "bilstm", "bigru", "numpy", "pytorch", "torch", "keras", "tensorflow",
    "cpu", "gpu", "cuda", "cudnn", "bptt", "tf", "idf", "adam", "adamw", "sgd", "max", "min",
    "mean", "std", "tanh", "sigmoid", "softmax", "log", "exp", "relu", "nan", "inf", "ms",
    "kib", "mib", "gib", "float", "int", "dtype", "imdb", "mamba", "ssm", "ssd", "utf", "nfc",
    "bow", "auc", "nats", "bits", "top", "ppl", "argmax", "norm", "elman", "eos", "bos", "unk",
    "pad", "cls", "sep", "abc",
}
_MATH = re.compile(r"\$[^$]*\$")
_FIELD = re.compile(r"\{[^{}]*\}")
# Code names: out.shape, W_xh, h0, BiLSTM.
_IDENTIFIER = re.compile(r"\b\w+(?:\.\w+)+|\b\w*[_\d]\w*\b|\b[A-Z]\w*[A-Z]\w*\b")
_WORD = re.compile(r"[A-Za-z]{3,}")


def english_words(text: str) -> list[str]:
    """The English words of one literal (math, fields, identifiers and names removed)."""
    text = _IDENTIFIER.sub(" ", _FIELD.sub(" ", _MATH.sub(" ", text)))
    return [w for w in _WORD.findall(text) if w.lower() not in ALLOWED]


def _strings(node: ast.AST) -> list[str]:
    """String pieces that ``node`` shows, skipping anything passed through ``_()``."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in {
            "_", "tr"}:
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Call):
        # What a call returns is shown, not its arguments (data, keys, separators),
        # except for a receiver such as the template of "...".format(...).
        return _strings(node.func)
    return [s for child in ast.iter_child_nodes(node) for s in _strings(child)]


def _is_text(call: ast.Call) -> bool:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(
        call.func, "id", "")
    return name in PRINTERS or name in PLOT_CALLS


def shown_literals(code: str) -> list[str]:
    """Literals of ``code`` that end up on screen: printed, or text in a plot."""
    source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                       for line in code.splitlines())
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        if _is_text(node):
            for arg in node.args:
                found += _strings(arg)
        found += [s for kw in node.keywords if kw.arg in TEXT_KEYWORDS
                  for s in _strings(kw.value)]
    return found


def english_in(code: str) -> list[str]:
    """Each shown literal of ``code`` that holds English words."""
    return [text for text in shown_literals(code) if english_words(text)]
