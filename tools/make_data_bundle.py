"""Build the course's data bundle: ``python -m tools.make_data_bundle SRC OUT``.

``SRC`` is laid out like the registry paths (e.g. ``/work/shared/data``). Every
registry file that the bundle serves is checked against its size and sha256,
then copied flat, by file name, into ``OUT`` together with ``SHA256SUMS``.
Upload the contents of ``OUT`` as the release ``DATA_BUNDLE_VERSION``.
Nothing is written unless every file is present and correct.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from course_utils.data import REGISTRY, matches


class BundleError(RuntimeError):
    """A source file is missing or differs from the registry."""


def build_bundle(src: Path, out: Path) -> list[Path]:
    """Check and copy the bundle's files from ``src`` to ``out``; return them."""
    entries = [e for e in REGISTRY.values() if e.in_bundle]
    entries.sort(key=lambda e: e.filename)
    names = [e.filename for e in entries]
    if len(set(names)) != len(names):
        raise BundleError(f"Two bundle files share a file name: {names}")
    problems = []
    for entry in entries:
        path = src / entry.path
        if not path.is_file():
            problems.append(f"missing: {path}")
        elif not matches(path, entry):
            problems.append(f"size or sha256 differs from the registry: {path}")
    if problems:
        raise BundleError("Cannot build the data bundle:\n  " + "\n  ".join(problems))
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for entry in entries:
        written.append(Path(shutil.copyfile(src / entry.path, out / entry.filename)))
    sums = "".join(f"{e.sha256}  {e.filename}\n" for e in entries)
    (out / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("src", type=Path, help="directory laid out like the registry")
    parser.add_argument("out", type=Path, help="directory to write the bundle into")
    args = parser.parse_args(argv)
    try:
        files = build_bundle(args.src, args.out)
    except BundleError as err:
        print(err, file=sys.stderr)
        return 1
    print(f"Wrote {len(files)} files and SHA256SUMS to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
