"""Turn a solved lab into an exercise: solution blocks become stubs."""

from __future__ import annotations

import re

BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*$")
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def strip_solutions(code: str) -> str:
    """Replace each ``### BEGIN SOLUTION`` ... ``### END SOLUTION`` block by a stub.

    The stub keeps the block's indentation and calls ``todo()``, which raises
    ``NotImplementedError`` with a message in the learner's language.
    """
    out: list[str] = []
    indent: str | None = None
    for line in code.splitlines():
        begin = BEGIN.match(line)
        if begin:
            if indent is not None:
                raise ValueError("nested '### BEGIN SOLUTION'")
            indent = begin["indent"]
            out += [f"{indent}# YOUR CODE HERE", f"{indent}todo()"]
        elif END.match(line):
            if indent is None:
                raise ValueError("'### END SOLUTION' without a BEGIN")
            indent = None
        elif indent is None:
            out.append(line)
    if indent is not None:
        raise ValueError("'### BEGIN SOLUTION' without an END")
    return "\n".join(out) + ("\n" if code.endswith("\n") else "")


def has_solution(code: str) -> bool:
    """Whether ``code`` holds a solution block."""
    return any(BEGIN.match(line) for line in code.splitlines())
