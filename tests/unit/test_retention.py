"""Old conversations are deleted on a schedule while the server runs, and each purge is recorded."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Iterator

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.retention import PurgeSchedule, configured_retention_days, purge_every_hours
from bot.tracker_store import PrivateSQLTrackerStore
from bot.usage_store import PURGE_RUNS, last_purge, purge_runs
from tests.conftest import wait_for

DAY = 86_400


@pytest.fixture
def store(tracker_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateSQLTrackerStore]:
    """The real store on SQLite and on PostgreSQL, purging every 0.36 seconds."""
    monkeypatch.setenv("RETENTION_DAYS", "30")
    monkeypatch.setenv("PURGE_EVERY_HOURS", "0.0001")
    tracker_store = PrivateSQLTrackerStore(Domain.empty(), host=tracker_url)
    yield tracker_store
    tracker_store.purge_schedule.stop()
    tracker_store.usage_counts.flush()
    tracker_store.engine.dispose()


def _save(store: PrivateSQLTrackerStore, sender: str, at: float) -> None:
    message = UserUttered("hello", {"name": "greet", "confidence": 1.0}, timestamp=at)
    asyncio.run(store.save(DialogueStateTracker.from_events(sender, [message])))


def test_start_up_purge_is_recorded(store: PrivateSQLTrackerStore) -> None:
    run = last_purge(store.engine)
    assert run is not None and run.retention_days == 30 and run.deleted_events == 0
    assert abs(run.ran_at - time.time()) < 60


def test_the_running_store_purges_on_its_schedule(store: PrivateSQLTrackerStore) -> None:
    assert store.purge_schedule.running
    _save(store, "old", time.time() - 31 * DAY)   # saved after the start-up purge
    _save(store, "recent", time.time() - 29 * DAY)
    assert wait_for(lambda: asyncio.run(store.retrieve("old")) is None)
    assert asyncio.run(store.retrieve("recent")) is not None
    assert wait_for(lambda: purge_runs(store.engine) >= 3)


def test_a_scheduled_purge_records_what_it_deleted(store: PrivateSQLTrackerStore) -> None:
    store.purge_schedule.stop()
    _save(store, "old", time.time() - 40 * DAY)
    schedule = PurgeSchedule(store.purge, interval_seconds=0.05).start()
    try:
        # Later purges record 0, so look at every run, not only the last one.
        assert wait_for(lambda: _deleted_in_all_runs(store) == 1)
    finally:
        schedule.stop()


def _deleted_in_all_runs(store: PrivateSQLTrackerStore) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.sum(PURGE_RUNS.c.deleted_events))).scalar() or 0)


def test_a_failing_purge_is_tried_again() -> None:
    calls: list[int] = []

    def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("database is down")

    schedule = PurgeSchedule(flaky, interval_seconds=0.02).start()
    try:
        assert wait_for(lambda: len(calls) >= 3)
        assert schedule.running
    finally:
        schedule.stop()
    assert wait_for(lambda: not schedule.running)


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RETENTION_DAYS", "14")
    monkeypatch.setenv("PURGE_EVERY_HOURS", "3")
    assert (configured_retention_days(), purge_every_hours()) == (14, 3.0)
    monkeypatch.setenv("PURGE_EVERY_HOURS", "soon")
    monkeypatch.delenv("RETENTION_DAYS")
    assert (configured_retention_days(), purge_every_hours()) == (30, 6.0)
