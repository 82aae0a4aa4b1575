"""Fixtures shared by every test: the project's files, a trained model, servers."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import yaml

from bot import launcher
from bot.settings import PROJECT_ROOT, load_settings

ROOT = PROJECT_ROOT


def wait_for(condition: Callable[[], bool], seconds: float = 10.0) -> bool:
    """Poll `condition` every 50 ms until it holds (True) or `seconds` pass (False)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def run_rasa(args: list[str], env: dict[str, str], timeout: int = 1800) -> subprocess.CompletedProcess:
    """Run the venv's `rasa` command in the project root, capturing its output."""
    return subprocess.run([str(launcher.VENV_BIN / "rasa"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def rendered_payload(payload: str) -> str:
    """A button payload as Rasa sends it: domain.yml doubles the braces of entity JSON
    so the slot filler leaves it alone (tests/unit/test_response_rendering.py)."""
    return payload.replace("{{", "{").replace("}}", "}")


@pytest.fixture(scope="session")
def domain() -> dict[str, Any]:
    """domain.yml, with button payloads as Rasa renders them."""
    loaded = load_yaml(ROOT / "domain.yml")
    for variations in (loaded.get("responses") or {}).values():
        for variation in variations:
            for button in variation.get("buttons") or []:
                button["payload"] = rendered_payload(button["payload"])
    return loaded


def response_texts(domain: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(response name, text) for every text variation in the domain."""
    for name, variations in (domain.get("responses") or {}).items():
        for variation in variations:
            if variation.get("text"):
                yield name, variation["text"]


def button_titles(domain: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for name, variations in (domain.get("responses") or {}).items():
        for variation in variations:
            for button in variation.get("buttons") or []:
                yield name, button["title"]


@pytest.fixture(scope="session")
def rasa_env() -> dict[str, str]:
    return launcher.rasa_env(load_settings())


@pytest.fixture(scope="session")
def trained_model(rasa_env: dict[str, str]) -> Path:
    """The model for the current data; trains only when its inputs changed."""
    return launcher.ensure_model(rasa_env)


@pytest.fixture(scope="session")
def directory_db() -> Path:
    """The real directory, built from data/directory by the real build command."""
    settings = load_settings()
    launcher.ensure_directory(settings)
    return settings.directory_db


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Fast tests first, then dialogue (training), then servers and the browser.
    order = {"dialogue": 1, "e2e": 2}
    items.sort(key=lambda item: next(
        (rank for part, rank in order.items() if f"{os.sep}{part}{os.sep}" in str(item.fspath)), 0))


@dataclass
class AlertInbox:
    """A stand-in for the staff alert endpoint: keeps every JSON body it receives."""
    url: str = ""
    received: list[dict] = field(default_factory=list)

    def wait_for(self, conversation_id: str, seconds: float = 10) -> list[dict]:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [a for a in self.received if a.get("conversation_id") == conversation_id]
            if found:
                return found
            time.sleep(0.1)
        return []


@pytest.fixture(scope="session")
def alert_inbox() -> Iterator[AlertInbox]:
    inbox = AlertInbox()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            inbox.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    inbox.url = f"http://127.0.0.1:{server.server_address[1]}/alerts"
    yield inbox
    server.shutdown()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator["LocalPostgres"]:
    """A real PostgreSQL server of the tests' own (Debian's package, run as its own user)."""
    from bot.cluster.debian import ensure_installed
    from bot.cluster.postgres import LocalPostgres

    ensure_installed()
    # Not pytest's tmp_path: its folders are closed to the server's own user.
    folder = Path(tempfile.mkdtemp(prefix="assistant-tests-pg-"))
    folder.chmod(0o755)
    server = LocalPostgres(folder / "server", _free_port()).start()
    yield server
    server.stop(mode="immediate")
    shutil.rmtree(folder, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)])
def tracker_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A tracker store URL for an empty database: SQLite, and PostgreSQL (slow)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    database = f"test_{uuid.uuid4().hex[:12]}"
    server.psql(f"CREATE DATABASE {database} OWNER assistant", database="postgres")
    yield server.url.rsplit("/", 1)[0] + f"/{database}"
    server.psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)", database="postgres")
