"""The cluster's own settings (`CLUSTER_*` in `.env`); every other setting is shared."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

from dotenv import dotenv_values

from bot.settings import PROJECT_ROOT, SettingsError, _int, _resolve

DEFAULTS = {
    "CLUSTER_FOLDER": "build/cluster",
    "CLUSTER_PORT": "8090",
    "CLUSTER_ACTION_PORT": "5150",
    "CLUSTER_RASA_PORTS": "5101,5102",
    "CLUSTER_ACTION_PORTS": "5151,5152",
    "CLUSTER_WIDGET_PORT": "8091",
    "CLUSTER_POSTGRES_PORT": "5433",
    "CLUSTER_REDIS_PORT": "6380",
}


@dataclass(frozen=True)
class ClusterSettings:
    folder: Path             # PostgreSQL's data, logs, nginx's configuration
    port: int                # nginx: the widget and the REST channel
    action_port: int         # nginx: the Rasa servers' action calls
    rasa_ports: list[int]
    action_ports: list[int]
    widget_port: int
    postgres_port: int
    redis_port: int


def load_cluster_settings(environ: Optional[Mapping[str, str]] = None,
                          env_file: Optional[Path] = None) -> ClusterSettings:
    values = dict(DEFAULTS)
    env_path = env_file or PROJECT_ROOT / ".env"
    if env_path.is_file():
        values.update({k: v for k, v in dotenv_values(env_path).items() if v and k in DEFAULTS})
    values.update({k: v for k, v in (environ or {}).items() if v and k in DEFAULTS})
    return _parse(values)


def _parse(values: Mapping[str, str]) -> ClusterSettings:
    settings = ClusterSettings(
        folder=_resolve(values["CLUSTER_FOLDER"]),
        port=_port("CLUSTER_PORT", values["CLUSTER_PORT"]),
        action_port=_port("CLUSTER_ACTION_PORT", values["CLUSTER_ACTION_PORT"]),
        rasa_ports=_ports("CLUSTER_RASA_PORTS", values["CLUSTER_RASA_PORTS"]),
        action_ports=_ports("CLUSTER_ACTION_PORTS", values["CLUSTER_ACTION_PORTS"]),
        widget_port=_port("CLUSTER_WIDGET_PORT", values["CLUSTER_WIDGET_PORT"]),
        postgres_port=_port("CLUSTER_POSTGRES_PORT", values["CLUSTER_POSTGRES_PORT"]),
        redis_port=_port("CLUSTER_REDIS_PORT", values["CLUSTER_REDIS_PORT"]),
    )
    used = [settings.port, settings.action_port, *settings.rasa_ports, *settings.action_ports,
            settings.widget_port, settings.postgres_port, settings.redis_port]
    if len(set(used)) != len(used):
        raise SettingsError("CLUSTER_*: two cluster settings name the same port")
    return settings


def _port(name: str, raw: str) -> int:
    return _int(name, raw.strip(), 1, 65535)


def _ports(name: str, raw: str) -> list[int]:
    ports = [_port(name, part) for part in raw.split(",") if part.strip()]
    if len(ports) < 2:
        raise SettingsError(f"{name}: '{raw}' must list at least two ports, comma-separated")
    return ports
