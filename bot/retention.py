"""Deleting old conversations on a schedule while the server runs.

The tracker store purges once at start-up and then every PURGE_EVERY_HOURS
(default 6) on a background thread, so a server that runs for months still
deletes conversations RETENTION_DAYS after their last message. Several
replicas may each purge: a purge is a plain DELETE of old rows, so running it
twice at once is harmless. A failed purge is logged and tried again next time.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Callable

logger = logging.getLogger(__name__)

DEFAULT_RETENTION_DAYS = 30
DEFAULT_PURGE_EVERY_HOURS = 6.0
SECONDS_PER_HOUR = 3600.0


def configured_retention_days() -> int:
    return _positive(os.environ.get("RETENTION_DAYS", ""), DEFAULT_RETENTION_DAYS, int)


def purge_every_hours() -> float:
    return _positive(os.environ.get("PURGE_EVERY_HOURS", ""), DEFAULT_PURGE_EVERY_HOURS, float)


def _positive(raw: str, default, kind):  # type: ignore[no-untyped-def]
    try:
        value = kind(raw)
    except ValueError:
        return default
    return value if value > 0 else default


class PurgeSchedule:
    """Calls `purge` every `interval_seconds` on a daemon thread until stopped."""

    def __init__(self, purge: Callable[[], object], interval_seconds: float) -> None:
        self._purge = purge
        self._interval = interval_seconds
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="retention-purge", daemon=True)

    def start(self) -> "PurgeSchedule":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopped.set()

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and not self._stopped.is_set()

    def _loop(self) -> None:
        while not self._stopped.wait(self._interval):
            try:
                self._purge()
            except Exception:  # the next run tries again; the chat is unaffected
                logger.exception("Scheduled retention purge failed")
