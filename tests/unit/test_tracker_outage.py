"""The tracker store's database goes away and comes back: nothing is lost, nothing is said twice.

A real PostgreSQL server is stopped and started during each test.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Iterator

import pytest
import sqlalchemy as sa
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Restarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.cluster.postgres import LocalPostgres
from bot.tracker_store import PrivateSQLTrackerStore
from tests.conftest import AlertInbox

pytestmark = pytest.mark.slow
CRISIS_TEXT = "i have the tablets here and i am going to take them all"


@pytest.fixture
def server(postgres_server: LocalPostgres) -> Iterator[LocalPostgres]:
    """The shared server, started again after the test if the test left it stopped."""
    yield postgres_server
    if not _running(postgres_server):
        postgres_server.start()


@pytest.fixture
def store(server: LocalPostgres, tracker_url_pg: str) -> Iterator[PrivateSQLTrackerStore]:
    tracker_store = PrivateSQLTrackerStore(Domain.empty(), host=tracker_url_pg)
    yield tracker_store
    tracker_store.purge_schedule.stop()
    if _running(server):
        tracker_store.usage_counts.flush()
    tracker_store.engine.dispose()


@pytest.fixture
def tracker_url_pg(postgres_server: LocalPostgres) -> Iterator[str]:
    database = "outage_test"
    postgres_server.psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)", database="postgres")
    postgres_server.psql(f"CREATE DATABASE {database} OWNER assistant", database="postgres")
    yield postgres_server.url.rsplit("/", 1)[0] + f"/{database}"


def _running(server: LocalPostgres) -> bool:
    return (server.data / "postmaster.pid").is_file()


def _turn(text: str, intent: str, reply: str) -> list:
    return [UserUttered(text, {"name": intent, "confidence": 1.0}),
            ActionExecuted("utter_reply"), BotUttered(reply), ActionExecuted("action_listen")]


def _stored_texts(store: PrivateSQLTrackerStore, sender: str) -> list[str]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' "
                                    "ORDER BY id"), {"s": sender}).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


def test_a_crisis_turn_during_an_outage_is_answered_then_stored(
        store: PrivateSQLTrackerStore, server: LocalPostgres, caplog: pytest.LogCaptureFixture) -> None:
    tracker = DialogueStateTracker.from_events("c1", [ActionExecuted("action_listen"),
                                                      *_turn("hello", "greet", "Hello.")])
    asyncio.run(store.save(tracker))
    server.stop(mode="immediate")
    caplog.set_level(logging.WARNING)

    held = asyncio.run(store.retrieve("c1"))     # the database is down: no error reaches Rasa
    assert held is None                            # nothing held yet for this conversation
    for event in _turn(CRISIS_TEXT, "crisis_suicide", "Call 999 now."):
        tracker.update(event)
    asyncio.run(store.save(tracker))               # kept in memory, no exception
    assert asyncio.run(store.retrieve("c1")) is tracker

    outage_lines = [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(outage_lines) == 1 and "OperationalError" in outage_lines[0]
    assert not any("tablets" in r.getMessage() for r in caplog.records)

    server.start()
    for event in _turn("thank you", "thanks", "You are welcome."):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert _stored_texts(store, "c1") == ["hello", CRISIS_TEXT, "thank you"]
    assert any("reachable again" in r.getMessage() for r in caplog.records)
    assert len(asyncio.run(store.retrieve("c1")).events) == len(tracker.events)


def test_staff_still_hear_of_a_crisis_during_an_outage(
        store: PrivateSQLTrackerStore, server: LocalPostgres, alert_inbox: AlertInbox,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRISIS_ALERT_URL", alert_inbox.url)
    server.stop(mode="immediate")
    tracker = DialogueStateTracker.from_events("c2", _turn(CRISIS_TEXT, "crisis_suicide", "Call 999."))
    asyncio.run(store.save(tracker))
    alerts = alert_inbox.wait_for("c2")
    assert [a["crisis_kind"] for a in alerts] == ["suicide"]
    assert CRISIS_TEXT not in str(alerts)


def test_a_turn_after_a_failed_read_is_added_after_the_stored_ones(
        store: PrivateSQLTrackerStore, server: LocalPostgres) -> None:
    asyncio.run(store.save(DialogueStateTracker.from_events("c3", _turn("first", "greet", "Hi."))))
    server.stop(mode="immediate")
    assert asyncio.run(store.retrieve("c3")) is None   # Rasa then starts a new tracker
    fresh = DialogueStateTracker.from_events("c3", _turn("second", "greet", "Hi again."))
    asyncio.run(store.save(fresh))
    server.start()
    asyncio.run(store.save(fresh))
    assert _stored_texts(store, "c3") == ["first", "second"]


def test_forgetting_asked_during_an_outage_happens_when_the_database_is_back(
        store: PrivateSQLTrackerStore, server: LocalPostgres) -> None:
    tracker = DialogueStateTracker.from_events("c4", _turn("my baby is in care", "cp_topic", "I see."))
    asyncio.run(store.save(tracker))
    server.stop(mode="immediate")
    for event in [UserUttered("forget this conversation", {"name": "forget_conversation"}),
                  ActionExecuted("action_restart"), Restarted()]:
        tracker.update(event)
    asyncio.run(store.save(tracker))
    server.start()
    asyncio.run(store.save(DialogueStateTracker.from_events("other", _turn("hi", "greet", "Hi."))))
    assert _stored_texts(store, "c4") == []
    assert _stored_texts(store, "other") == ["hi"]


def test_a_database_restart_between_messages_costs_nothing(
        store: PrivateSQLTrackerStore, server: LocalPostgres, caplog: pytest.LogCaptureFixture) -> None:
    tracker = DialogueStateTracker.from_events("c5", _turn("one", "greet", "Hi."))
    asyncio.run(store.save(tracker))
    server.restart()                                # the pool's connections are now dead
    caplog.set_level(logging.WARNING)
    for event in _turn("two", "greet", "Hi."):
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert _stored_texts(store, "c5") == ["one", "two"]
    assert not store.outage.active
    assert not [r for r in caplog.records if "unreachable" in r.getMessage()]
