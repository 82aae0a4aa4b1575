"""Typed settings read from the environment and an optional `.env` file.

Every setting has a safe default for one machine with no external service.
A bad value raises `SettingsError` whose message is one line naming the setting,
so start-up can stop with that line and nothing else.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional
from urllib.parse import urlparse

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent
NATIONS = ("england", "wales", "scotland", "northern_ireland")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
TRACKER_DIALECTS = ("sqlite", "postgresql")
LOOPBACK = "127.0.0.1"
# How long a conversation's lock in Redis lasts (Rasa's default is 60 s). A
# server killed while handling a message leaves its lock behind, and the next
# message of that conversation waits for it to run out: 20 s keeps that wait
# inside the widget's 30-second limit, and is far longer than a normal turn.
LOCK_LIFETIME_SECONDS = 20


class SettingsError(ValueError):
    """A setting has a value the assistant cannot use."""


@dataclass(frozen=True)
class Settings:
    directory_source: Path
    directory_db: Path
    default_nation: Optional[str]
    stale_after_days: int
    tracker_store_url: str
    lock_store_url: str
    action_server_url: str
    rasa_port: int
    action_port: int
    widget_port: int
    widget_origin: str
    auth_token: str
    log_level: str
    retention_days: int
    crisis_alert_url: str = ""
    purge_every_hours: int = 6          # how often old conversations are deleted while running
    bind_host: str = LOOPBACK           # the Rasa server and the widget server listen here
    action_bind_host: str = LOOPBACK    # the action server: only the Rasa server may call it

    def rasa_environment(self) -> dict[str, str]:
        """Variables that endpoints.yml and the action server read."""
        lock = urlparse(self.lock_store_url) if self.lock_store_url else None
        # Rasa reads this only for the Redis lock store, and fails on an empty value.
        lifetime = {"TICKET_LOCK_LIFETIME": str(LOCK_LIFETIME_SECONDS)} if lock else {}
        return {
            **lifetime,
            "ACTION_SERVER_URL": self.action_server_url,
            "TRACKER_STORE_URL": self.tracker_store_url,
            "LOCK_STORE_TYPE": "redis" if lock else "in_memory",
            "LOCK_STORE_HOST": (lock.hostname or "localhost") if lock else "",
            "LOCK_STORE_PORT": str((lock.port or 6379) if lock else ""),
            "LOCK_STORE_DB": (lock.path.lstrip("/") or "1") if lock else "",
            "DIRECTORY_DB": str(self.directory_db),
            "RETENTION_DAYS": str(self.retention_days),
            "PURGE_EVERY_HOURS": str(self.purge_every_hours),
            "LOG_LEVEL": self.log_level,
            "CRISIS_ALERT_URL": self.crisis_alert_url,
        }


def load_settings(
    environ: Optional[Mapping[str, str]] = None,
    env_file: Optional[Path] = None,
) -> Settings:
    """Read settings from `.env` (if present) overlaid by the real environment."""
    values: dict[str, str] = {}
    env_path = env_file or PROJECT_ROOT / ".env"
    if env_path.is_file():
        values.update({k: v for k, v in dotenv_values(env_path).items() if v is not None})
    values.update(os.environ if environ is None else environ)
    return _parse(values)


def _parse(values: Mapping[str, str]) -> Settings:
    def get(name: str, default: str) -> str:
        return values.get(name, "").strip() or default

    return Settings(
        directory_source=_existing_dir("DIRECTORY_SOURCE", get("DIRECTORY_SOURCE", "data/directory")),
        directory_db=_path_in_existing_dir("DIRECTORY_DB", get("DIRECTORY_DB", "build/directory.sqlite")),
        default_nation=_nation("DEFAULT_NATION", get("DEFAULT_NATION", "")),
        stale_after_days=_int("STALE_AFTER_DAYS", get("STALE_AFTER_DAYS", "365"), 1, 3650),
        tracker_store_url=_tracker_url(get("TRACKER_STORE_URL", "sqlite:///build/tracker.db")),
        lock_store_url=_lock_url(get("LOCK_STORE_URL", "")),
        action_server_url=_http_url("ACTION_SERVER_URL", get("ACTION_SERVER_URL", "http://127.0.0.1:5055/webhook")),
        rasa_port=_int("RASA_PORT", get("RASA_PORT", "5005"), 1, 65535),
        action_port=_int("ACTION_PORT", get("ACTION_PORT", "5055"), 1, 65535),
        widget_port=_int("WIDGET_PORT", get("WIDGET_PORT", "8080"), 1, 65535),
        widget_origin=_http_url("WIDGET_ORIGIN", get("WIDGET_ORIGIN", "http://127.0.0.1:8080")),
        auth_token=get("AUTH_TOKEN", ""),
        log_level=_choice("LOG_LEVEL", get("LOG_LEVEL", "INFO").upper(), LOG_LEVELS),
        retention_days=_int("RETENTION_DAYS", get("RETENTION_DAYS", "30"), 1, 3650),
        crisis_alert_url=_optional_http_url("CRISIS_ALERT_URL", get("CRISIS_ALERT_URL", "")),
        purge_every_hours=_int("PURGE_EVERY_HOURS", get("PURGE_EVERY_HOURS", "6"), 1, 168),
        bind_host=_ip_address("BIND_HOST", get("BIND_HOST", LOOPBACK)),
        action_bind_host=_ip_address("ACTION_BIND_HOST", get("ACTION_BIND_HOST", LOOPBACK)),
    )


def _resolve(raw: str) -> Path:
    path = Path(raw)
    return path if path.is_absolute() else PROJECT_ROOT / path


def _existing_dir(name: str, raw: str) -> Path:
    path = _resolve(raw)
    if not path.is_dir():
        raise SettingsError(f"{name}: folder '{raw}' does not exist")
    return path


def _path_in_existing_dir(name: str, raw: str) -> Path:
    path = _resolve(raw)
    parent = path.parent
    # build/ is made by the build step; any other missing folder is a typo.
    if not parent.is_dir() and parent != PROJECT_ROOT / "build":
        raise SettingsError(f"{name}: folder '{parent}' for '{raw}' does not exist")
    return path


def _nation(name: str, raw: str) -> Optional[str]:
    if not raw:
        return None
    return _choice(name, raw.lower(), NATIONS)


def _choice(name: str, raw: str, allowed: tuple[str, ...]) -> str:
    if raw not in allowed:
        raise SettingsError(f"{name}: '{raw}' is not one of {', '.join(allowed)}")
    return raw


def _int(name: str, raw: str, low: int, high: int) -> int:
    try:
        number = int(raw)
    except ValueError:
        raise SettingsError(f"{name}: '{raw}' is not a whole number") from None
    if not low <= number <= high:
        raise SettingsError(f"{name}: {number} is outside {low}-{high}")
    return number


def _ip_address(name: str, raw: str) -> str:
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        raise SettingsError(f"{name}: '{raw}' is not an IP address; use 127.0.0.1 (this machine only) "
                            "or the address of one network interface") from None


def _optional_http_url(name: str, raw: str) -> str:
    return _http_url(name, raw) if raw else ""


def _http_url(name: str, raw: str) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise SettingsError(f"{name}: '{raw}' is not an http(s) URL")
    return raw


def _tracker_url(raw: str) -> str:
    parsed = urlparse(raw)
    dialect = parsed.scheme.split("+")[0]
    if dialect not in TRACKER_DIALECTS:
        raise SettingsError(
            f"TRACKER_STORE_URL: '{raw}' cannot be parsed; use sqlite:///path.db or "
            "postgresql://user:password@host:5432/db"
        )
    if dialect == "sqlite" and not parsed.path.lstrip("/"):
        raise SettingsError(f"TRACKER_STORE_URL: '{raw}' names no database file")
    if dialect == "postgresql" and not parsed.hostname:
        raise SettingsError(f"TRACKER_STORE_URL: '{raw}' names no database host")
    return raw


def _lock_url(raw: str) -> str:
    if raw and (urlparse(raw).scheme != "redis" or not urlparse(raw).hostname):
        raise SettingsError(f"LOCK_STORE_URL: '{raw}' is not empty or redis://host:port/db")
    return raw
