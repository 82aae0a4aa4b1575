"""Start and stop the whole cluster; stop or start one part of it (for fault tests)."""

from __future__ import annotations

import dataclasses
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bot.cluster.balancer import Balancer
from bot.cluster.debian import ensure_installed
from bot.cluster.postgres import LocalPostgres
from bot.cluster.redis_server import LocalRedis
from bot.cluster.settings import ClusterSettings
from bot.launcher import (PROJECT_ROOT, VENV_BIN, action_server_command, quiet_env, rasa_env,
                          rasa_server_command, wait_for_http)
from bot.settings import LOOPBACK, Settings

START_SECONDS = 240


@dataclass
class Cluster:
    settings: Settings
    cluster: ClusterSettings
    model: Path
    rasa: dict[int, subprocess.Popen] = field(default_factory=dict)
    actions: dict[int, subprocess.Popen] = field(default_factory=dict)
    widget: Optional[subprocess.Popen] = None

    def __post_init__(self) -> None:
        folder = self.cluster.folder
        self.postgres = LocalPostgres(folder / "postgres", self.cluster.postgres_port)
        self.redis = LocalRedis(folder / "redis", self.cluster.redis_port)
        self.balancer = Balancer(folder / "nginx", self.cluster.port, self.cluster.action_port,
                                 self.cluster.rasa_ports, self.cluster.action_ports,
                                 self.cluster.widget_port)
        (folder / "logs").mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        """Where people chat: the widget at /, the REST channel at /webhooks/rest/webhook."""
        return self.balancer.url

    def start(self) -> "Cluster":
        ensure_installed()
        self.postgres.start()
        self.redis.start()
        self.balancer.start()
        for port in self.cluster.action_ports:
            self.start_action_server(port, wait=False)
        for port in self.cluster.rasa_ports:
            self.start_rasa(port, wait=False)
        self._start_widget()
        self._wait_all()
        return self

    def stop(self) -> None:
        for process in [*self.rasa.values(), *self.actions.values(), self.widget]:
            _stop(process)
        self.balancer.stop()
        self.redis.stop()
        self.postgres.stop()

    def replica_settings(self, rasa_port: int) -> Settings:
        """One Rasa server's settings: shared PostgreSQL and Redis, actions through nginx."""
        return dataclasses.replace(
            self.settings, rasa_port=rasa_port, bind_host=LOOPBACK, widget_origin=self.url,
            tracker_store_url=self.postgres.url, lock_store_url=self.redis.url,
            action_server_url=self.balancer.action_url)

    def start_rasa(self, port: int, wait: bool = True) -> None:
        settings = self.replica_settings(port)
        self.rasa[port] = self._spawn(rasa_server_command(settings, self.model), settings,
                                      f"rasa-{port}")
        if wait:
            wait_for_http(f"http://{LOOPBACK}:{port}/", START_SECONDS, self.rasa[port])

    def stop_rasa(self, port: int, kill: bool = True) -> None:
        _stop(self.rasa.pop(port, None), kill=kill)

    def start_action_server(self, port: int, wait: bool = True) -> None:
        settings = dataclasses.replace(self.settings, action_port=port, action_bind_host=LOOPBACK)
        args, extra = action_server_command(settings)
        self.actions[port] = self._spawn(args, settings, f"actions-{port}", extra)
        if wait:
            wait_for_http(f"http://{LOOPBACK}:{port}/health", START_SECONDS, self.actions[port])

    def stop_action_server(self, port: int, kill: bool = True) -> None:
        _stop(self.actions.pop(port, None), kill=kill)

    def _start_widget(self) -> None:
        args = [str(VENV_BIN / "python"), "-m", "bot.web.server", "--host", LOOPBACK,
                "--port", str(self.cluster.widget_port), "--rasa-url", self.url]
        self.widget = self._spawn(args, self.settings, "widget")

    def _spawn(self, args: list[str], settings: Settings, name: str,
               extra: Optional[dict[str, str]] = None) -> subprocess.Popen:
        env = {**quiet_env(rasa_env(settings)), **(extra or {})}
        log = (self.cluster.folder / "logs" / f"{name}.log").open("a")
        return subprocess.Popen(args, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)

    def _wait_all(self) -> None:
        for port, process in self.actions.items():
            wait_for_http(f"http://{LOOPBACK}:{port}/health", START_SECONDS, process)
        for port, process in self.rasa.items():
            wait_for_http(f"http://{LOOPBACK}:{port}/", START_SECONDS, process)
        wait_for_http(f"{self.url}/", START_SECONDS, self.widget)


def _stop(process: Optional[subprocess.Popen], kill: bool = False) -> None:
    """Stop a process: SIGKILL (a crash, for fault tests) or SIGTERM (a clean stop)."""
    if process is None or process.poll() is not None:
        return
    process.kill() if kill else process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
