"""Reading and writing notebooks as plain JSON, byte-for-byte reproducibly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Notebook = dict[str, Any]
Cell = dict[str, Any]


def read(path: Path) -> Notebook:
    """Load a notebook file."""
    return json.loads(path.read_text(encoding="utf-8"))


def dumps(nb: Notebook) -> str:
    """Serialise ``nb`` the way Jupyter saves it (sorted keys, indent 1)."""
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def source(cell: Cell) -> str:
    """A cell's text as one string."""
    text = cell.get("source", "")
    return "".join(text) if isinstance(text, list) else text


def make_cell(kind: str, text: str, cell_id: str, tags: list[str] | None = None) -> Cell:
    """A fresh markdown or code cell without outputs."""
    cell: Cell = {
        "cell_type": kind,
        "id": cell_id,
        "metadata": {"tags": tags} if tags else {},
        "source": text.splitlines(keepends=True),
    }
    if kind == "code":
        cell["execution_count"] = None
        cell["outputs"] = []
    return cell


def with_source(cell: Cell, text: str) -> Cell:
    """A copy of ``cell`` holding ``text``, with outputs cleared."""
    new = {**cell, "source": text.splitlines(keepends=True)}
    if new["cell_type"] == "code":
        new["execution_count"] = None
        new["outputs"] = []
    return new
