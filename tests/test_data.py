"""Tests of course_utils.data: downloads from a local test server, never the network."""

from __future__ import annotations

import hashlib
import os
import re
import socket
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from course_utils import data, i18n
from course_utils.data import (
    REGISTRY,
    DataChecksumError,
    DataError,
    DataFile,
    DataUnavailableError,
    UnknownDataError,
    fetch,
    read_text,
)
from course_utils.registry import BUNDLE_URL
from tools import fetch_data
from tools.make_data_bundle import BundleError, build_bundle, main

# Read before the autouse fixture below clears the variable.
SHARED_DATA = Path(
    os.environ.get("COURSE_DATA_DIR")
    or Path(__file__).resolve().parents[2] / "shared" / "data"
)
PAYLOAD = "Мороз и солнце; день чудесный!\n".encode() * 500
NAME = "test_sample"
REL_PATH = "test/sample.txt"


class Server:
    """A tiny HTTP server on 127.0.0.1 serving the files in ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[str] = []
        self.truncate = False  # announce more bytes than are sent, then hang up
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                file = server.root / self.path.lstrip("/")
                if not file.is_file():
                    self.send_error(404)
                    return
                body = file.read_bytes()
                length = 2 * len(body) if server.truncate else len(body)
                self.send_response(200)
                self.send_header("Content-Length", str(length))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if server.truncate else body)
                self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, args=(0.05,), daemon=True
        )
        self.thread.start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}/{name}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No local data folder, a fresh cache, no proxy for 127.0.0.1."""
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.setenv("COURSE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    return tmp_path / "cache"


@pytest.fixture
def server(tmp_path: Path):
    root = tmp_path / "served"
    root.mkdir()
    (root / "sample.txt").write_bytes(PAYLOAD)
    srv = Server(root)
    yield srv
    srv.close()


def make_entry(url: str, content: bytes = PAYLOAD) -> DataFile:
    sha = hashlib.sha256(content).hexdigest()
    return DataFile(NAME, REL_PATH, url, sha, len(PAYLOAD))


@pytest.fixture
def register(monkeypatch: pytest.MonkeyPatch):
    """Add a test entry to the registry for the duration of one test."""

    def add(entry: DataFile) -> DataFile:
        monkeypatch.setitem(REGISTRY, entry.name, entry)
        return entry

    return add


@pytest.fixture
def russian(monkeypatch: pytest.MonkeyPatch):
    """Learner's language: Russian, with a stand-in catalog that marks its output."""
    asked: list[str] = []

    class Marked(dict):
        def get(self, message: str, default: str | None = None) -> str:
            return "[ru] " + message

    def fake_catalog(lang: str) -> dict[str, str]:
        asked.append(lang)
        return Marked()

    monkeypatch.setattr(i18n, "catalog", fake_catalog)
    i18n.set_language("ru")
    yield asked
    i18n.set_language("en")


def files_in(directory: Path) -> list[Path]:
    if not directory.exists():
        return []
    return [p for p in directory.rglob("*") if p.is_file()]


def test_good_download_is_cached(server, register, environment):
    register(make_entry(server.url("sample.txt")))
    path = fetch(NAME)
    assert path == environment / REL_PATH
    assert path.read_bytes() == PAYLOAD
    assert fetch(NAME) == path
    assert read_text(NAME) == PAYLOAD.decode()
    assert server.requests == ["/sample.txt"]
    assert files_in(environment) == [path]


def test_checksum_mismatch_keeps_nothing(server, register, environment):
    register(make_entry(server.url("sample.txt"), content=b"other" * 10))
    with pytest.raises(DataChecksumError):
        fetch(NAME)
    assert files_in(environment) == []


def test_interrupted_download_keeps_nothing(server, register, environment):
    register(make_entry(server.url("sample.txt")))
    server.truncate = True
    with pytest.raises(DataError) as err:
        fetch(NAME)
    assert isinstance(err.value, DataUnavailableError)
    assert "interrupted" in str(err.value)
    assert files_in(environment) == []
    server.truncate = False
    assert fetch(NAME).read_bytes() == PAYLOAD


def test_http_error_is_unavailable(server, register, environment):
    register(make_entry(server.url("absent.txt")))
    with pytest.raises(DataUnavailableError, match="404"):
        fetch(NAME)
    assert files_in(environment) == []


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/sample.txt"


def test_offline_names_the_variable(register):
    entry = register(make_entry(closed_port_url()))
    with pytest.raises(DataUnavailableError) as err:
        fetch(NAME)
    assert "COURSE_DATA_DIR" in str(err.value)
    assert entry.path in str(err.value)


def test_offline_message_is_localised(register, russian):
    register(make_entry(closed_port_url()))
    with pytest.raises(DataUnavailableError) as err:
        fetch(NAME)
    assert str(err.value).startswith("[ru] Cannot download")
    assert "COURSE_DATA_DIR" in str(err.value)
    assert russian and set(russian) == {"ru"}  # the download line and the error


def failing_entry(kind: str, server: Server) -> DataFile:
    """A registry entry whose download fails in the way ``kind`` names."""
    if kind == "offline":
        return make_entry(closed_port_url())
    if kind == "not_found":
        return make_entry(server.url("absent.txt"))
    if kind == "checksum":
        return make_entry(server.url("sample.txt"), content=b"other" * 10)
    server.truncate = True
    return make_entry(server.url("sample.txt"))


FAILURES = ["offline", "not_found", "checksum", "interrupted"]


@pytest.mark.parametrize("kind", FAILURES)
def test_failed_download_shows_the_message_alone(kind, server, register, capfd):
    register(failing_entry(kind, server))
    with pytest.raises(DataError) as err:
        fetch(NAME)
    message = str(err.value)
    # Notebooks show _render_traceback_: one line, the course's message.
    assert err.value._render_traceback_() == [message]
    assert "\n" not in message and "COURSE_DATA_DIR" in message
    # Plain Python: no library exception chained in front of it.
    assert err.value.__cause__ is None and err.value.__suppress_context__
    shown = "".join(traceback.format_exception(err.value))
    for library_text in ("During handling", "direct cause", "urllib3", "requests", "pooch"):
        assert library_text not in shown, library_text
    # pooch's English log line is replaced by the course's own.
    output = capfd.readouterr()
    assert "Downloading data from" not in output.out + output.err
    assert output.out.startswith(f"Downloading {NAME} (")


def test_notebook_shows_only_the_localised_message(register, russian, capfd, tmp_path,
                                                   monkeypatch):
    interactiveshell = pytest.importorskip("IPython.core.interactiveshell")
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    from traitlets.config import Config

    register(make_entry(closed_port_url()))
    config = Config()
    config.HistoryManager.enabled = False
    shell = interactiveshell.InteractiveShell.instance(config=config)
    try:
        result = shell.run_cell(f"from course_utils.data import fetch\nfetch({NAME!r})")
    finally:
        interactiveshell.InteractiveShell.clear_instance()
    assert isinstance(result.error_in_exec, DataUnavailableError)
    lines = capfd.readouterr().out.splitlines()
    assert lines[0].startswith("[ru] Downloading")
    assert len(lines) == 2 and lines[1].startswith("[ru] Cannot download"), lines


def test_unknown_name_is_one_line_in_a_notebook():
    with pytest.raises(UnknownDataError) as err:
        fetch("no_such_file")
    assert err.value._render_traceback_() == [str(err.value)]
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_unknown_name_lists_known_names():
    with pytest.raises(UnknownDataError) as err:
        fetch("no_such_file")
    assert isinstance(err.value, KeyError)
    assert "ru_pushkin_verse" in str(err.value)


def test_local_directory_is_used_in_place(server, register, tmp_path, monkeypatch):
    register(make_entry(server.url("sample.txt")))
    local = tmp_path / "local"
    (local / "test").mkdir(parents=True)
    (local / REL_PATH).write_bytes(PAYLOAD)
    monkeypatch.setenv("COURSE_DATA_DIR", str(local))
    assert fetch(NAME) == local / REL_PATH
    assert fetch(NAME) == local / REL_PATH
    assert server.requests == []


def test_local_directory_missing_file(register, tmp_path, monkeypatch):
    register(make_entry(closed_port_url()))
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(DataUnavailableError) as err:
        fetch(NAME)
    assert REL_PATH in str(err.value)
    assert "COURSE_DATA_DIR" in str(err.value)


def test_local_directory_corrupt_file(register, tmp_path, monkeypatch):
    register(make_entry(closed_port_url()))
    (tmp_path / "test").mkdir()
    (tmp_path / REL_PATH).write_bytes(PAYLOAD[:-1] + b"?")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    with pytest.raises(DataChecksumError):
        fetch(NAME)


def test_registry_entries_are_sane():
    assert len({e.path for e in REGISTRY.values()}) == len(REGISTRY)
    for name, entry in REGISTRY.items():
        assert entry.name == name
        assert re.fullmatch(r"[0-9a-f]{64}", entry.sha256), name
        assert entry.size > 0, name
        assert entry.url.startswith("https://"), name
    assert REGISTRY["ru_pushkin_verse"].url == f"{BUNDLE_URL}/ru_pushkin_verse.txt"


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason=f"no data folder {SHARED_DATA}")
def test_registry_matches_shared_data():
    present = [e for e in REGISTRY.values() if (SHARED_DATA / e.path).is_file()]
    assert len(present) >= len(REGISTRY) - 1  # all but the official IMDb tarball
    for entry in present:
        assert data.matches(SHARED_DATA / entry.path, entry), entry.path


@pytest.fixture
def fake_registry(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Replace the registry by two bundled files and one upstream file in ``src``."""
    for name in list(REGISTRY):
        monkeypatch.delitem(REGISTRY, name)
    src = tmp_path / "src"
    files = {
        "a": ("corpora/a.txt", f"{BUNDLE_URL}/a.txt", b"alpha\n"),
        "b": ("imdb/b.tar.gz", f"{BUNDLE_URL}/b.tar.gz", b"\x1f\x8bbeta"),
        "up": ("corpora/up.txt", "https://example.org/up.txt", b"upstream\n"),
    }
    for name, (path, url, content) in files.items():
        (src / path).parent.mkdir(parents=True, exist_ok=True)
        (src / path).write_bytes(content)
        sha = hashlib.sha256(content).hexdigest()
        entry = DataFile(name, path, url, sha, len(content))
        monkeypatch.setitem(REGISTRY, name, entry)
    return src


def test_bundle_is_built(fake_registry, tmp_path):
    out = tmp_path / "out"
    written = build_bundle(fake_registry, out)
    assert sorted(p.name for p in written) == ["a.txt", "b.tar.gz"]
    assert (out / "a.txt").read_bytes() == b"alpha\n"
    assert not (out / "up.txt").exists()
    sums = (out / "SHA256SUMS").read_text().splitlines()
    assert sums == [
        f"{REGISTRY['a'].sha256}  a.txt",
        f"{REGISTRY['b'].sha256}  b.tar.gz",
    ]


def test_bundle_refuses_corrupt_or_missing_file(fake_registry, tmp_path, capsys):
    (fake_registry / "corpora/a.txt").write_bytes(b"alphA\n")
    (fake_registry / "imdb/b.tar.gz").unlink()
    out = tmp_path / "out"
    with pytest.raises(BundleError, match=r"a\.txt"):
        build_bundle(fake_registry, out)
    assert main([str(fake_registry), str(out)]) == 1
    assert "missing" in capsys.readouterr().err
    assert not out.exists()


@pytest.fixture
def served_registry(monkeypatch: pytest.MonkeyPatch, server: Server) -> dict[str, bytes]:
    """A registry of one bundled and one upstream file, both served by ``server``."""
    for name in list(REGISTRY):
        monkeypatch.delitem(REGISTRY, name)
    files = {
        "a": ("corpora/a.txt", f"{BUNDLE_URL}/a.txt", "Буря мглою небо кроет\n".encode()),
        "up": ("imdb/up.tar.gz", server.url("up.tar.gz"), b"\x1f\x8bupstream" * 100),
    }
    for name, (path, url, content) in files.items():
        (server.root / Path(path).name).write_bytes(content)
        sha = hashlib.sha256(content).hexdigest()
        monkeypatch.setitem(REGISTRY, name, DataFile(name, path, url, sha, len(content)))
    return {REGISTRY[n].path: content for n, (_, _, content) in files.items()}


def mirror(server: Server) -> list[str]:
    return ["--bundle-url", server.url("")]


def test_fetch_data_fills_a_folder_that_course_data_dir_reads(
    served_registry, server, tmp_path, monkeypatch
):
    folder = tmp_path / "data"
    assert fetch_data.main([str(folder), *mirror(server)]) == 0
    assert sorted(server.requests) == ["/a.txt", "/up.tar.gz"]
    assert {str(p.relative_to(folder)): p.read_bytes() for p in files_in(folder)} == (
        served_registry)
    monkeypatch.setenv("COURSE_DATA_DIR", str(folder))
    for name in REGISTRY:
        assert fetch(name) == folder / REGISTRY[name].path
    # A second run keeps the good files and downloads only a damaged one again.
    (folder / "corpora/a.txt").write_bytes("Буря мглою небо кроет?".encode())
    assert fetch_data.main([str(folder), *mirror(server)]) == 0
    assert sorted(server.requests) == ["/a.txt", "/a.txt", "/up.tar.gz"]
    assert (folder / "corpora/a.txt").read_bytes() == served_registry["corpora/a.txt"]


def test_fetch_data_reports_every_failure_and_keeps_no_bad_file(
    served_registry, server, tmp_path, capsys
):
    (server.root / "a.txt").write_bytes(b"changed on the server\n")
    (server.root / "up.tar.gz").unlink()
    folder = tmp_path / "data"
    assert fetch_data.main([str(folder), *mirror(server)]) == 1
    err = capsys.readouterr().err
    assert "does not match the course's checksum" in err and "404" in err
    assert "0 of 2" in err and "Traceback" not in err
    assert files_in(folder) == []


def test_fetch_data_names_and_default_bundle(served_registry, server, tmp_path, capsys):
    folder = tmp_path / "data"
    assert fetch_data.main([str(folder), "up"]) == 0
    assert [p.relative_to(folder).as_posix() for p in files_in(folder)] == ["imdb/up.tar.gz"]
    assert [e.url for e in fetch_data.entries(["a"])] == [f"{BUNDLE_URL}/a.txt"]
    assert fetch_data.main([str(folder), "a", "nope"]) == 2
    assert "nope" in capsys.readouterr().err
    assert server.requests == ["/up.tar.gz"]


def test_ci_workflow_tests_with_the_data_that_make_data_fetched():
    yaml = pytest.importorskip("yaml")
    root = Path(__file__).resolve().parents[1]
    job = yaml.safe_load((root / ".github/workflows/tests.yml").read_text())["jobs"]["test"]
    steps = job["steps"]
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python"))
    assert python["with"]["python-version"] == "3.11" and python["with"]["cache"] == "pip"
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache"))
    assert job["env"]["DATA"] == "${{ github.workspace }}/" + cache["with"]["path"]
    assert "hashFiles('course_utils/registry.py')" in cache["with"]["key"]
    fetch_step, test_step = steps[-2:]
    assert fetch_step["if"] == f"steps.{cache['id']}.outputs.cache-hit != 'true'"
    assert fetch_step["run"] == 'make data DATA="$DATA"'
    assert test_step["run"] == 'make test DATA="$DATA"'
    makefile = (root / "Makefile").read_text()
    assert re.search(r"^data: .*\n\t\$\(PY\) -m tools\.fetch_data \$\(DATA\)", makefile, re.M)
    assert "COURSE_DATA_DIR=$(DATA)" in makefile
