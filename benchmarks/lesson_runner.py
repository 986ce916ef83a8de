"""Run a lesson notebook top to bottom in a fresh kernel and read back its ``results`` dict.

The benchmarks report the lesson's own numbers, with no second copy of its code: a cell
appended to the notebook prints ``results`` as JSON after a marker, and this module reads
it from the cell's output.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "ru", "zh", "hi", "bn")
MARK = "LESSON-RESULTS "


def run_lesson(stem: str, lang: str, timeout: int, save: Path | None,
               skip: frozenset[str] = frozenset()) -> tuple[dict, float]:
    """Execute ``notebooks/<lang>/<stem>.ipynb``; its ``results`` dict and its wall minutes.

    Cells whose id is in ``skip`` are left out (a benchmark that measures one part).

    The executed notebook is written to ``save/<lang>.ipynb`` when ``save`` is given,
    even when a cell fails (nbclient then raises ``CellExecutionError``).
    """
    nb = nbformat.read(ROOT / "notebooks" / lang / f"{stem}.ipynb", as_version=4)
    nb.cells = [cell for cell in nb.cells if cell.get("id") not in skip]
    nb.cells.append(nbformat.v4.new_code_cell(
        f"import json\nprint({MARK!r} + json.dumps(results))"))
    start = time.perf_counter()
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3",
                       resources={"metadata": {"path": str(ROOT)}}).execute()
    finally:
        if save is not None:
            save.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, save / f"{lang}.ipynb")
    minutes = (time.perf_counter() - start) / 60
    text = "".join(out.get("text", "") for out in nb.cells[-1].outputs)
    return json.loads(text[text.index(MARK) + len(MARK):]), minutes


def lesson_parser(doc: str, langs: list[str]) -> argparse.ArgumentParser:
    """The options every lesson benchmark takes: --langs (default ``langs``), --timeout, --save."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--langs", nargs="+", choices=LANGS, default=langs)
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    parser.add_argument("--save", type=Path, help="a folder for the executed notebooks")
    return parser


def print_machine() -> None:
    """The line that says under which profile and threads the numbers were measured."""
    print(f"profile: {os.environ.get('COURSE_PROFILE', 'full')}, "
          f"OMP_NUM_THREADS: {os.environ.get('OMP_NUM_THREADS', 'default')}, "
          f"CPUs: {os.cpu_count()}")


def print_lessons(stem: str, langs: list[str], timeout: int, save: Path | None,
                  rows: Callable[[dict, float], list[str]],
                  skip: frozenset[str] = frozenset()) -> None:
    """Run the lesson in each language and print its table rows (or why it failed)."""
    for lang in langs:
        try:
            results, minutes = run_lesson(stem, lang, timeout, save, skip)
        except CellExecutionError as error:
            print(f"{lang} | failed: {str(error).strip().splitlines()[-1]}", flush=True)
            continue
        for row in rows(results, minutes):
            print(row, flush=True)
