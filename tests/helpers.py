"""Shared helpers of the tests: where things are, and loading notebook code."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tools import nbfiles
from tools.headers import is_header

ROOT = Path(__file__).resolve().parents[1]
LANGS = ("en", "ru", "zh", "hi", "bn")


def all_notebooks() -> list[Path]:
    """Every notebook of the course, in every language and folder."""
    return sorted(p for kind in ("notebooks", "solutions", "exercises")
                  for p in (ROOT / kind).glob("*/*.ipynb"))


def function_cells(path: Path) -> dict[str, Any]:
    """Run the cells of a lab notebook that define functions; return the namespace.

    Cells that call checks or compute results are skipped, so this works on
    exercise notebooks whose functions are still stubs.
    """
    namespace: dict[str, Any] = {}
    for cell in nbfiles.read(path)["cells"]:
        code = nbfiles.source(cell)
        if cell["cell_type"] != "code" or is_header(cell):
            continue
        if code.lstrip().startswith(("import", "from", "def ", "class ")):
            exec(compile(code, str(path), "exec"), namespace)
    return namespace


def failure_message(check: Callable[[Any], None], task: str, wrong: Any, hint: str,
                    ignore: str = "") -> str:
    """The message of ``check(wrong)``, which must fail naming ``task`` and ``hint``.

    A lab check never prints an expected value: no number with three decimals or more
    (``ignore`` is removed first: a float the message quotes on purpose).
    """
    from course_utils.checks import CheckFailed

    try:
        check(wrong)
    except CheckFailed as failure:
        message = str(failure)
    else:
        raise AssertionError(f"{task}: a wrong answer passed its check")
    assert message.startswith(f"✗ {task}:") and hint in message, message
    assert not re.search(r"\d\.\d{3,}(?!e)", message.replace(ignore, "") if ignore else message), \
        message
    return message
