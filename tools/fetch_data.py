"""Fetch the course's data files into a folder: ``python -m tools.fetch_data DIR [NAME ...]``.

Every file of the registry (or only the ``NAME``s given) is downloaded with the
course's own downloader, :func:`course_utils.data.download`: size and sha256
checked, written to ``DIR`` only once correct. ``DIR`` ends up laid out as
``COURSE_DATA_DIR`` expects (``DIR/corpora/…``, ``DIR/imdb/…``). Files already
there and correct are kept; a damaged one is downloaded again. ``--bundle-url``
takes the course's bundled files from a mirror of the data bundle (e.g. one
built with ``python -m tools.make_data_bundle``); their sha256 is checked all the same.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Iterable
from pathlib import Path

from course_utils.data import REGISTRY, DataError, DataFile, UnknownDataError, download


def entries(names: Iterable[str] = (), bundle_url: str | None = None) -> list[DataFile]:
    """The registry entries called ``names`` (all if none), bundled ones from ``bundle_url``."""
    chosen = list(names) or sorted(REGISTRY)
    unknown = [n for n in chosen if n not in REGISTRY]
    if unknown:
        raise UnknownDataError(f"Unknown data files: {', '.join(unknown)}. "
                               f"Known: {', '.join(sorted(REGISTRY))}.")
    found = [REGISTRY[n] for n in chosen]
    if bundle_url:
        base = bundle_url.rstrip("/")
        found = [dataclasses.replace(e, url=f"{base}/{e.filename}") if e.in_bundle else e
                 for e in found]
    return found


def fetch_all(folder: Path, wanted: list[DataFile]) -> tuple[list[Path], list[str]]:
    """Download ``wanted`` into ``folder``; the paths obtained and the errors met."""
    paths, errors = [], []
    for entry in wanted:
        try:
            paths.append(download(entry, folder))
        except DataError as err:  # try the others, report all at the end
            errors.append(str(err))
    return paths, errors


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point: 0 when every file is there and correct."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="where to put the files (COURSE_DATA_DIR)")
    parser.add_argument("names", nargs="*", help="registry names (default: every file)")
    parser.add_argument("--bundle-url", help="a mirror of the course's data bundle")
    args = parser.parse_args(argv)
    try:
        wanted = entries(args.names, args.bundle_url)
    except UnknownDataError as err:
        print(err, file=sys.stderr)
        return 2
    paths, errors = fetch_all(args.folder, wanted)
    for error in errors:
        print(error, file=sys.stderr)
    print(f"{len(paths)} of {len(wanted)} data files checked in {args.folder}",
          file=sys.stderr if errors else sys.stdout)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
