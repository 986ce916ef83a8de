"""Lesson 06 in every language: validation bits per grapheme and ms per generated token.

    python benchmarks/char_generation.py                     # full profile, all languages
    python benchmarks/char_generation.py --langs en hi
    COURSE_PROFILE=ci python benchmarks/char_generation.py --langs en

Runs the lesson notebook itself (``notebooks/<lang>/06_char_generation_keras.ipynb``,
top to bottom, in a fresh kernel), so the numbers are the lesson's, with no second copy
of its code; then reads the ``results`` dict the lesson fills. Prints one row per
language and kind of token trained: vocabulary size V, minutes of training, validation
nats per token, bits per grapheme, the share q of ill-formed clusters in generated text,
and, for the kind that generates, ms per generated token of the three samplers (a)
``model.predict`` on a 100-token window, (b) stateful layers, (c) states passed
explicitly, with the speed-up of (b) over (a). The last column is the notebook's minutes.
Set ``COURSE_DATA_DIR`` to read the corpora offline.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from lesson_runner import (  # the folder of this script is on sys.path
    LANGS,
    print_lessons,
    print_machine,
)

STEM = "06_char_generation_keras"


def rows(results: dict, minutes: float) -> list[str]:
    """The table rows of one language."""
    out = []
    for kind in ("code points", "clusters"):
        if kind not in results:
            continue
        r = results[kind]
        cells = [results["lang"], kind, r["V"], f"{r['minutes']:.1f}", f"{r['nats']:.3f}",
                 f"{r['bits_per_grapheme']:.3f}", f"{100 * r.get('ill_formed', 0):.2f}"]
        if kind == results["kind"]:
            ms = results["ms"]
            cells += [f"{ms['a']:.1f}", f"{ms['b']:.2f}", f"{ms['c']:.2f}",
                      f"{ms['a'] / ms['b']:.0f}", f"{minutes:.1f}"]
        else:
            cells += [""] * 6
        out.append(" | ".join(str(c) for c in cells))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--langs", nargs="+", choices=LANGS, default=list(LANGS))
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per cell")
    parser.add_argument("--save", type=Path, help="a folder for the executed notebooks")
    args = parser.parse_args()
    print_machine()
    print("lang | tokens | V | train min | nats/token | bits/grapheme | q % | "
          "ms (a) | ms (b) | ms (c) | (a)/(b) | notebook min")
    print_lessons(STEM, args.langs, args.timeout, args.save, rows)


if __name__ == "__main__":
    main()
