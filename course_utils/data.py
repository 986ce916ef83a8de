"""Data files for the notebooks, always checked against the course's sha256.

``fetch(name)`` gives the local path of a file from :data:`REGISTRY`:

* if ``COURSE_DATA_DIR`` is set, the file is read in place from that folder
  (laid out like the registry paths, e.g. ``corpora/ru_pushkin_verse.txt``);
* otherwise it is downloaded once with pooch into ``COURSE_CACHE_DIR`` (default:
  the system cache folder ``rnn-course``) and reused from there afterwards.

``download(entry, folder)`` is that checked downloader; ``python -m
tools.fetch_data DIR`` uses it to fill a folder for ``COURSE_DATA_DIR``.

Every failure is a :class:`DataError` with a message in the learner's language.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pooch

from .i18n import _
from .registry import BUNDLE_URL, REGISTRY, DataFile

__all__ = [
    "BUNDLE_URL",
    "CACHE_DIR_VARIABLE",
    "DATA_DIR_VARIABLE",
    "REGISTRY",
    "DataChecksumError",
    "DataError",
    "DataFile",
    "DataUnavailableError",
    "UnknownDataError",
    "cache_dir",
    "download",
    "fetch",
    "file_sha256",
    "get_entry",
    "matches",
    "read_text",
]

DATA_DIR_VARIABLE = "COURSE_DATA_DIR"
CACHE_DIR_VARIABLE = "COURSE_CACHE_DIR"
_CHUNK = 1 << 20

# sha256 of files already hashed in this process, by (path, mtime, size).
_hashes: dict[tuple[str, int, int], str] = {}


class DataError(RuntimeError):
    """A data file could not be obtained."""

    def _render_traceback_(self) -> list[str]:
        # IPython shows this instead of a traceback: the message says what to do.
        return [str(self)]


class DataUnavailableError(DataError):
    """The file is missing locally and could not be downloaded."""


class DataChecksumError(DataError):
    """The file's size or sha256 differs from the course's registry."""


class UnknownDataError(KeyError):
    """No data file of that name in the registry."""

    def __str__(self) -> str:
        return str(self.args[0])

    def _render_traceback_(self) -> list[str]:
        return [str(self)]


def get_entry(name: str) -> DataFile:
    """The registry entry called ``name``."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise UnknownDataError(
            _(
                "There is no data file called {name!r}. Known names: {names}.",
                name=name,
                names=", ".join(sorted(REGISTRY)),
            )
        ) from None


def file_sha256(path: Path) -> str:
    """The sha256 of a file, as 64 hex digits (read in chunks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _key(path: Path) -> tuple[str, int, int]:
    st = path.stat()
    return str(path.resolve()), st.st_mtime_ns, st.st_size


def matches(path: Path, entry: DataFile) -> bool:
    """Whether ``path`` has ``entry``'s size and sha256 (hashed once per version)."""
    key = _key(path)
    if key[2] != entry.size:
        return False
    if key not in _hashes:
        _hashes[key] = file_sha256(path)
    return _hashes[key] == entry.sha256


def cache_dir() -> Path:
    """Where downloads are kept: ``$COURSE_CACHE_DIR`` or the system cache."""
    value = os.environ.get(CACHE_DIR_VARIABLE)
    return Path(value).expanduser() if value else Path(pooch.os_cache("rnn-course"))


def fetch(name: str) -> Path:
    """Local path of the verified data file ``name`` (downloaded if needed)."""
    entry = get_entry(name)
    local = os.environ.get(DATA_DIR_VARIABLE)
    if local:
        return _from_directory(entry, Path(local).expanduser())
    return download(entry)


def read_text(name: str) -> str:
    """The text of the data file ``name``, decoded as UTF-8."""
    return fetch(name).read_text(encoding="utf-8")


def _from_directory(entry: DataFile, directory: Path) -> Path:
    path = directory / entry.path
    if not path.is_file():
        raise DataUnavailableError(
            _(
                "{variable} is set to {directory}, but {path} is not there. "
                "Put the file at {expected}, or unset {variable} to download it.",
                variable=DATA_DIR_VARIABLE,
                directory=directory,
                path=entry.path,
                expected=path,
            )
        )
    if not matches(path, entry):
        raise DataChecksumError(
            _(
                "The local copy {file} (from {variable}) is damaged or a different "
                "version: its size or sha256 is not the course's. Replace it with "
                "a fresh copy of {path}, or unset {variable} to download it.",
                file=path,
                variable=DATA_DIR_VARIABLE,
                path=entry.path,
            )
        )
    return path


def _show_progress() -> bool:
    if importlib.util.find_spec("tqdm") is None:
        return False
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython else None
    in_notebook = hasattr(shell, "kernel")  # Jupyter or Colab, not a terminal
    return in_notebook or bool(sys.stderr and sys.stderr.isatty())


@contextmanager
def _quiet(logger: logging.Logger) -> Iterator[None]:
    """Hide ``logger``'s informational lines for the duration of the block."""
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def download(entry: DataFile, folder: Path | None = None) -> Path:
    """``entry``'s file in ``folder`` (default: the cache), downloaded if missing or wrong.

    The download lands in a temporary file that becomes ``folder / entry.path``
    only once its sha256 matches, so the folder never holds a damaged copy.
    """
    import requests

    target = Path(folder if folder is not None else cache_dir()) / entry.path
    if target.is_file():
        if matches(target, entry):
            return target
        target.unlink()  # a stale or damaged copy: download it afresh
    fields = {
        "name": entry.name,
        "url": entry.url,
        "variable": DATA_DIR_VARIABLE,
        "path": entry.path,
    }
    downloader = pooch.HTTPDownloader(
        progressbar=_show_progress(), chunk_size=1 << 16, timeout=30
    )
    print(_("Downloading {name} ({size} MB) from {url}", size=f"{entry.size / 1e6:.3g}",
            **fields))
    # Each error below replaces the library's chained traceback by one message in
    # the learner's language (``from None``); the original stays in ``__context__``.
    try:
        with _quiet(pooch.get_logger()):  # pooch's own line is English
            pooch.retrieve(
                entry.url,
                known_hash=f"sha256:{entry.sha256}",
                fname=target.name,
                path=target.parent,
                downloader=downloader,
            )
    except ValueError as err:  # pooch's hash mismatch; its temp file is gone
        if "hash" not in str(err).lower():
            raise
        raise DataChecksumError(
            _(
                "The file downloaded from {url} does not match the course's "
                "checksum (damaged, or changed on the server), so it was not kept. "
                "Run the cell again; if it keeps failing, set {variable} to a "
                "folder that holds a good copy of {path}.",
                **fields,
            )
        ) from None
    except requests.exceptions.HTTPError as err:
        status = err.response.status_code if err.response is not None else "?"
        raise DataUnavailableError(
            _(
                "Cannot download {name} from {url}: the server answered {status}. "
                "Try again later, or set {variable} to a folder that holds {path}.",
                status=status,
                **fields,
            )
        ) from None
    except requests.exceptions.ChunkedEncodingError:
        raise DataUnavailableError(
            _(
                "The download of {name} from {url} was interrupted; nothing was "
                "kept. Run the cell again, or set {variable} to a folder that "
                "holds {path}.",
                **fields,
            )
        ) from None
    except requests.exceptions.RequestException:
        raise DataUnavailableError(
            _(
                "Cannot download {name} from {url}: no network? Connect to the "
                "internet and run the cell again, or set {variable} to a folder "
                "that holds {path}.",
                **fields,
            )
        ) from None
    _hashes[_key(target)] = entry.sha256  # pooch has just checked it
    return target
