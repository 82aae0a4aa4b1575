"""Personal details are not stored, and "forget this conversation" erases it."""

import asyncio
from pathlib import Path
from typing import Iterator

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Restarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.privacy import asked_to_forget, redact_text
from bot.tracker_store import PrivateSQLTrackerStore


@pytest.mark.parametrize("text,expected", [
    ("I live at LS6 1AA", "I live at LS6"),
    ("postcode sw1a1aa please", "postcode SW1A please"),
    ("my email is jo.bloggs+x@mail.co.uk", "my email is [email removed]"),
    ("ring me on 07700 900123", "ring me on [phone removed]"),
    ("call 0808 800 5000 for me", "call [phone removed] for me"),
    ("LS6 is enough", "LS6 is enough"),
    ("I need 999", "I need 999"),
])
def test_redact_text(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def _user(text: str, intent: str) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0})


def test_forget_needs_the_request_and_the_restart() -> None:
    asked = [_user("forget me", "forget_conversation").as_dict()]
    assert not asked_to_forget(asked)
    assert asked_to_forget(asked + [Restarted().as_dict()])
    restart_only = [_user("start again", "start_again").as_dict(), Restarted().as_dict()]
    assert not asked_to_forget(restart_only)


@pytest.fixture
def store(tracker_url: str) -> Iterator[PrivateSQLTrackerStore]:
    """The real store on SQLite and on PostgreSQL: the rules hold on both."""
    tracker_store = PrivateSQLTrackerStore(Domain.empty(), host=tracker_url)
    yield tracker_store
    tracker_store.purge_schedule.stop()
    tracker_store.usage_counts.flush()
    tracker_store.engine.dispose()


def _saved_texts(store: PrivateSQLTrackerStore, sender: str) -> list[str]:
    tracker = asyncio.run(store.retrieve(sender))
    return [e.text for e in tracker.events if isinstance(e, UserUttered)] if tracker else []


def test_store_keeps_only_the_postcode_district(store: PrivateSQLTrackerStore) -> None:
    tracker = DialogueStateTracker.from_events("s1", [
        ActionExecuted("action_listen"), _user("I am in LS6 1AA", "inform_location")])
    asyncio.run(store.save(tracker))
    assert _saved_texts(store, "s1") == ["I am in LS6"]


def test_forgetting_deletes_every_event(store: PrivateSQLTrackerStore) -> None:
    first = DialogueStateTracker.from_events("s2", [
        ActionExecuted("action_listen"), _user("my baby is in care", "topic_child_protection")])
    asyncio.run(store.save(first))
    other = DialogueStateTracker.from_events("other", [_user("hello", "greet")])
    asyncio.run(store.save(other))

    tracker = asyncio.run(store.retrieve("s2"))
    tracker.update(_user("forget this conversation", "forget_conversation"))
    tracker.update(ActionExecuted("action_restart"))
    tracker.update(Restarted())
    asyncio.run(store.save(tracker))

    assert asyncio.run(store.retrieve("s2")) is None
    assert _saved_texts(store, "other") == ["hello"]


def test_prune_deletes_old_events_only(store: PrivateSQLTrackerStore) -> None:
    old = _user("old message", "greet")
    old.timestamp = 1_000.0
    asyncio.run(store.save(DialogueStateTracker.from_events("old", [old])))
    asyncio.run(store.save(DialogueStateTracker.from_events("new", [_user("hi", "greet")])))
    assert store.prune(retention_days=30) == 1
    assert asyncio.run(store.retrieve("old")) is None
    assert _saved_texts(store, "new") == ["hi"]
