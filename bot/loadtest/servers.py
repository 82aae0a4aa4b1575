"""The servers a load test talks to: moodbot (the anchor), this assistant, the cluster."""

from __future__ import annotations

import dataclasses
import shutil
import socket
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from bot.launcher import (PROJECT_ROOT, VENV_BIN, action_server_command, quiet_env, rasa_env,
                          rasa_server_command, stop_processes, wait_for_http)
from bot.settings import LOOPBACK, Settings
from bot.training_bench import moodbot

START_SECONDS = 240


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def trained_moodbot(folder: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """A fresh `rasa init` moodbot trained in this venv (kept between runs); (project, model)."""
    project, model = folder / "moodbot", folder / "mood-models" / "moodbot.tar.gz"
    if not model.is_file():
        shutil.rmtree(project, ignore_errors=True)
        train, project = moodbot(folder)
        subprocess.run([*train, "--fixed-model-name", "moodbot"], cwd=project, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return project, model


def _spawn(args: list[str], cwd: Path, env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, cwd=cwd, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)


@contextmanager
def moodbot_server(folder: Path, env: dict[str, str]) -> Iterator[str]:
    """moodbot on one Rasa server, as `rasa init` leaves it (REST channel, in-memory trackers)."""
    project, model = trained_moodbot(folder, env)
    port = free_port()
    process = _spawn([str(VENV_BIN / "rasa"), "run", "--model", str(model), "--port", str(port),
                      "--interface", LOOPBACK], project, quiet_env(env), folder / "moodbot.log")
    try:
        wait_for_http(f"http://{LOOPBACK}:{port}/", START_SECONDS, process)
        yield f"http://{LOOPBACK}:{port}"
    finally:
        stop_processes([process])


@contextmanager
def assistant_server(folder: Path, settings: Settings, model: Path) -> Iterator[str]:
    """This assistant as `make run` starts it: one Rasa server, one action server, SQLite."""
    action_port, rasa_port = free_port(), free_port()
    tracker = folder / "tracker.db"
    tracker.unlink(missing_ok=True)
    settings = dataclasses.replace(
        settings, rasa_port=rasa_port, action_port=action_port,
        action_server_url=f"http://{LOOPBACK}:{action_port}/webhook",
        tracker_store_url=f"sqlite:///{tracker}", bind_host=LOOPBACK, action_bind_host=LOOPBACK)
    env = quiet_env(rasa_env(settings))
    args, extra = action_server_command(settings)
    actions = _spawn(args, PROJECT_ROOT, {**env, **extra}, folder / "actions.log")
    rasa = _spawn(rasa_server_command(settings, model), PROJECT_ROOT, env, folder / "rasa.log")
    try:
        wait_for_http(f"http://{LOOPBACK}:{action_port}/health", START_SECONDS, actions)
        wait_for_http(f"http://{LOOPBACK}:{rasa_port}/", START_SECONDS, rasa)
        yield f"http://{LOOPBACK}:{rasa_port}"
    finally:
        stop_processes([rasa, actions])
