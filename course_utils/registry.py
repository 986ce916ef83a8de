"""The course's data files: where each one lives, and its size and sha256.

This table is the single source of truth for every download. Files with an
official upstream URL are fetched from it; the others (cleaned or joined by the
course) come from the course's own versioned data bundle, built by
``python -m tools.make_data_bundle``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from .links import DATA_BUNDLE_VERSION, REPO_URL

BUNDLE_URL = f"{REPO_URL}/releases/download/{DATA_BUNDLE_VERSION}"


@dataclass(frozen=True)
class DataFile:
    """One data file: ``path`` is relative to a data directory (or cache)."""

    name: str
    path: str
    url: str
    sha256: str
    size: int

    @property
    def filename(self) -> str:
        """The file's own name, as published in the data bundle."""
        return PurePosixPath(self.path).name

    @property
    def in_bundle(self) -> bool:
        """Whether the course's data bundle serves this file."""
        return self.url.startswith(BUNDLE_URL + "/")


def _bundled(name: str, path: str, sha256: str, size: int) -> DataFile:
    url = f"{BUNDLE_URL}/{PurePosixPath(path).name}"
    return DataFile(name, path, url, sha256, size)


_FILES = (
    DataFile(
        "imdb_official",
        "imdb/aclImdb_v1.tar.gz",
        "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz",
        "c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe",
        84_125_825,
    ),
    _bundled(
        "imdb_labeled",
        "imdb/aclImdb_labeled_v1.tar.gz",
        "dad5373669b6a1983c9720a7537a3de1af6d2e23c784bb11ab7ad6deb0cd7492",
        28_631_223,
    ),
    _bundled(
        "imdb_mini_3k",
        "imdb/aclImdb_mini_3k.tar.gz",
        "4f253432fb78e495d3c94a06dbf0b467946c33282f03a599c47693b23b143273",
        1_728_836,
    ),
    _bundled(
        "imdb_readme",
        "imdb/README.aclImdb.txt",
        "a69bd3b91235c7fa1d6aadab51e257b7fa3f7b68f32b607483a72bd67f95e557",
        4_037,
    ),
    DataFile(
        "en_tiny_shakespeare",
        "corpora/en_tiny_shakespeare.txt",
        "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/"
        "tinyshakespeare/input.txt",
        "86c4e6aa9db7c042ec79f339dcb96d42b0075e16b8fc2e86bf0ca57e2dc565ed",
        1_115_394,
    ),
    _bundled(
        "ru_pushkin_verse",
        "corpora/ru_pushkin_verse.txt",
        "b7b39b6b471d1455be51bd6adb5f05860957255c6d1f2d94cb5b0f9db1013b51",
        943_963,
    ),
    _bundled(
        "zh_tang_poems",
        "corpora/zh_tang_poems.txt",
        "43b0a7a6ef77ef99e0e3994d2c1d3382bc40d02a5b37939f92df7cfa83bf2d4f",
        1_817_337,
    ),
    _bundled(
        "hi_ramcharitmanas",
        "corpora/hi_ramcharitmanas.txt",
        "2e74ce76b715ba8bb30fecbd2297a49f5bf7bcd9a8af0116d37c078a65649cad",
        1_568_216,
    ),
    _bundled(
        "bn_tagore_poems",
        "corpora/bn_tagore_poems.txt",
        "2d4a5c0f5e8c13392126998579ca5c2e6023516e76211585b98db64cb4fdfb37",
        1_554_912,
    ),
    _bundled(
        "sentiment_zh_pos",
        "sentiment_zh/pos.txt",
        "70fe8507266d0ada82e0cd4ba65d408231b142c8b0a00233f3b7ecec793c683d",
        3_981_149,
    ),
    _bundled(
        "sentiment_zh_neg",
        "sentiment_zh/neg.txt",
        "35fa9388f9022b1bbe806fb61355ed484c304b002980bf0064c101f516b53392",
        3_439_883,
    ),
)

#: Every data file of the course, by name.
REGISTRY: dict[str, DataFile] = {f.name: f for f in _FILES}
