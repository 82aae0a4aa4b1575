"""Real servers on free local ports: the action server, the Rasa server, the widget."""

from __future__ import annotations

import json
import socket
import subprocess
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

import pytest

from bot.launcher import VENV_BIN, wait_for_http
from tests.conftest import ROOT, AlertInbox

SERVER_START_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Assistant:
    url: str
    tracker_db: Path

    def send(self, sender: str, message: str) -> list[dict]:
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(f"{self.url}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())


def _start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=ROOT, env=env, stdout=log.open("w"),
                            stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def _log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:] if log.is_file() else ""


@pytest.fixture(scope="session")
def action_server(rasa_env: dict[str, str], directory_db: Path,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    process = _start([str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                      "--port", str(port)],
                     {**rasa_env, "DIRECTORY_DB": str(directory_db), "SANIC_HOST": "127.0.0.1"}, log)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health", SERVER_START_SECONDS, process)
    except Exception as error:
        _stop(process)
        pytest.fail(f"action server did not start: {error}\n{_log_tail(log)}")
    yield f"http://127.0.0.1:{port}/webhook"
    _stop(process)


def _assistant(model: Path, rasa_env: dict[str, str], action_url: str,
               folder: Path, extra_env: Optional[dict[str, str]] = None) -> Iterator[Assistant]:
    port = free_port()
    tracker_db = folder / "tracker.db"
    env = {**rasa_env, "ACTION_SERVER_URL": action_url,
           "TRACKER_STORE_URL": f"sqlite:///{tracker_db}", **(extra_env or {})}
    log = folder / "rasa.log"
    process = _start([str(VENV_BIN / "rasa"), "run", "--model", str(model), "--port", str(port),
                      "--interface", "127.0.0.1",
                      "--endpoints", "endpoints.yml", "--credentials", "credentials.yml",
                      "--cors", "*"], env, log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{url}/", SERVER_START_SECONDS, process)
    except Exception as error:
        _stop(process)
        pytest.fail(f"Rasa server did not start: {error}\n{_log_tail(log)}")
    yield Assistant(url, tracker_db)
    _stop(process)
    print(f"Rasa server log: {log}")


@pytest.fixture(scope="session")
def assistant(trained_model: Path, rasa_env: dict[str, str], action_server: str,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    yield from _assistant(trained_model, rasa_env, action_server,
                          tmp_path_factory.mktemp("assistant"))


@pytest.fixture(scope="session")
def assistant_without_actions(trained_model: Path, rasa_env: dict[str, str],
                              alert_inbox: AlertInbox,
                              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """A Rasa server whose action server URL points at a port nobody listens on.

    Its staff alerts go to `alert_inbox`.
    """
    dead = f"http://127.0.0.1:{free_port()}/webhook"
    yield from _assistant(trained_model, rasa_env, dead,
                          tmp_path_factory.mktemp("assistant_no_actions"),
                          {"CRISIS_ALERT_URL": alert_inbox.url})


def texts(replies: list[dict]) -> list[str]:
    return [reply.get("text", "") for reply in replies]


def joined(replies: list[dict]) -> str:
    return "\n".join(texts(replies))


def first_text(replies: list[dict]) -> Optional[str]:
    return next((r["text"] for r in replies if r.get("text")), None)
