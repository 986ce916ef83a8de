"""The machinery of lab checks: call the learner's function, compare, explain.

A check runs the learner's function on fixed inputs, compares the result with
stored expected values and says, in the learner's language, what is wrong
(type, shape, dtype, NaN, how many entries differ) without giving the answer.
A failing check raises :class:`CheckFailed`; a passing one prints a line.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from ..i18n import _

EXPECTED_DIR = Path(__file__).parent / "expected"


class CheckFailed(AssertionError):
    """A lab check found a problem; the message says which, in the learner's language."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the message is what matters.
        return [str(self)]


def fail(task: str, problem: str) -> None:
    """Stop the check of ``task`` with the explanation ``problem``."""
    raise CheckFailed(_("✗ {task}: {problem}", task=task, problem=problem))


def passed(task: str) -> None:
    """Report that ``task`` passed its check."""
    print(_("✓ {task}: passed. Well done!", task=task))


def call(task: str, fn: Callable[..., Any], *args: Any, copy_args: bool = True,
         when: str = "") -> Any:
    """Call the learner's ``fn`` on copies of ``args``, explaining any exception.

    Inputs are copied and compared afterwards, so a function that changes its
    arguments in place is caught too; ``copy_args=False`` passes them as they are
    (models, optimisers and data loaders, which the function is meant to use).
    ``when`` names the call in the message of an exception (``"build((N, D))"``)
    where "the function" would not say which of the learner's methods raised it.
    """
    if not copy_args:
        return _explained(task, fn, args, when)
    # A random generator is passed as is: the learner's draws must advance it.
    copies = tuple(a if isinstance(a, np.random.Generator) else copy.deepcopy(a)
                   for a in args)
    result = _explained(task, fn, copies, when)
    for before, after in zip(args, copies, strict=False):
        if not _same(before, after):
            fail(task, _("the function changed one of its inputs; work on a copy instead."))
    return result


def _explained(task: str, fn: Callable[..., Any], args: tuple, when: str = "") -> Any:
    """``fn(*args)``, with a not-yet-written stub or an exception turned into a failed check."""
    try:
        return fn(*args)
    except NotImplementedError:
        fail(task, _("not written yet: replace the todo() line with your code."))
    except CheckFailed:
        raise
    except Exception as error:
        if when:
            fail(task, _("{when} raised {error}: {message}", when=when,
                         error=type(error).__name__, message=_message(error)))
        fail(task, _("the function raised {error}: {message}",
                     error=type(error).__name__, message=_message(error)))


def _message(error: BaseException) -> str:
    """An exception's message, without the frame Keras wraps around errors in a layer."""
    text = str(error)
    bold = re.search(r"\x1b\[1m(.*?)\x1b\[0m", text, flags=re.DOTALL)
    return (bold.group(1) if bold else text).strip()


def _same(a: Any, b: Any) -> bool:
    """Whether ``b`` still equals ``a``, element by element for arrays and containers."""
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b)
    if type(a).__module__.startswith("torch") and hasattr(a, "shape"):
        import torch

        return isinstance(b, torch.Tensor) and a.shape == b.shape and torch.equal(a, b)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(
            _same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a is b or bool(a == b)


def expect_array(task: str, value: Any, name: str, *, shape: tuple[int, ...],
                 kind: str) -> np.ndarray:
    """Check that ``value`` is a finite NumPy array of ``shape`` and dtype kind.

    ``kind`` is a NumPy dtype kind: ``"f"`` (float) or ``"i"`` (integer).
    """
    if not isinstance(value, np.ndarray):
        fail(task, _("{name} should be a NumPy array, but it is {type}.",
                     name=name, type=type(value).__name__))
    if value.shape != tuple(shape):
        fail(task, _("{name} has shape {got}, expected {want}.",
                     name=name, got=value.shape, want=tuple(shape)))
    if value.dtype.kind != kind and not (kind == "i" and value.dtype.kind == "u"):
        wanted = {"f": "float", "i": "int"}[kind]
        fail(task, _("{name} has dtype {got}, expected a {want} dtype.",
                     name=name, got=value.dtype, want=wanted))
    if kind == "f" and not np.all(np.isfinite(value)):
        count = int(np.size(value) - np.count_nonzero(np.isfinite(value)))
        fail(task, _("{name} contains {count} NaN or infinite values.",
                     name=name, count=count))
    return value


def expect_tensor(task: str, value: Any, name: str, *, shape: tuple[int, ...]) -> Any:
    """Check that ``value`` is a torch tensor of ``shape``; return it."""
    import torch

    if not isinstance(value, torch.Tensor):
        fail(task, _("{name} should be a torch tensor, but it is {type}.",
                     name=name, type=type(value).__name__))
    if tuple(value.shape) != tuple(shape):
        fail(task, _("{name} has shape {got}, expected {want}.",
                     name=name, got=tuple(value.shape), want=tuple(shape)))
    return value


def expect_close(task: str, got: np.ndarray, want: np.ndarray, name: str, *,
                 rtol: float = 1e-6, atol: float = 1e-8) -> None:
    """Check ``got`` against the expected ``want``, saying how far off it is."""
    wrong = ~np.isclose(got, want, rtol=rtol, atol=atol)
    if wrong.any():
        first = tuple(int(i) for i in np.argwhere(wrong)[0])
        fail(task, _(
            "{name}: {count} of {total} values differ from the expected ones "
            "(largest difference {diff:.2e}, first at index {index}).",
            name=name, count=int(wrong.sum()), total=wrong.size,
            diff=float(np.max(np.abs(got - want))), index=first))


@cache
def load_expected(lab: str) -> dict[str, Any]:
    """The stored inputs and expected outputs of a lab (``expected/<lab>.json``)."""
    with (EXPECTED_DIR / f"{lab}.json").open(encoding="utf-8") as f:
        return json.load(f)
