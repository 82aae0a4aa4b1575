"""What the tracker store holds in memory while its database is away (no database needed)."""

from __future__ import annotations

import logging

import pytest
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.exc import OperationalError

from bot.tracker_outage import Outage

DOWN = OperationalError("SELECT 1", {}, Exception("connection refused"))


def _tracker(sender: str, *texts: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [UserUttered(t) for t in texts])


def test_the_outage_is_logged_once_with_the_error_type_only(caplog: pytest.LogCaptureFixture) -> None:
    outage = Outage()
    caplog.set_level(logging.WARNING)
    for _ in range(3):
        outage.begin(DOWN)
    outage.end(written=2)
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2 and "OperationalError" in messages[0] and "2 conversation" in messages[1]
    assert "connection refused" not in " ".join(messages) and "SELECT" not in " ".join(messages)


def test_hold_returns_only_the_events_not_held_before() -> None:
    outage = Outage()
    tracker = _tracker("a", "one")
    assert [e["text"] for e in outage.hold(tracker)] == ["one"]
    tracker.update(UserUttered("two"))
    assert [e["text"] for e in outage.hold(tracker)] == ["two"]
    assert outage.is_held("a") and outage.held() == [tracker]


def test_a_failed_read_marks_the_conversation_and_returns_what_is_held() -> None:
    outage = Outage()
    assert outage.read_failed("b", DOWN) is None and outage.is_held("b") and outage.active
    held = _tracker("b", "hi")
    outage.hold(held)
    assert outage.read_failed("b", DOWN) is held
    outage.release("b")
    assert not outage.is_held("b")


def test_only_so_many_conversations_are_held_and_the_oldest_go_first(
        caplog: pytest.LogCaptureFixture) -> None:
    outage = Outage(max_held=2)
    for sender in ("a", "b", "c"):
        outage.hold(_tracker(sender, "hi"))
    assert [t.sender_id for t in outage.held()] == ["b", "c"]
    assert any("oldest was dropped" in r.getMessage() for r in caplog.records)


def test_forget_later_drops_what_is_held() -> None:
    outage = Outage()
    outage.hold(_tracker("d", "forget me"))
    outage.forget_later("d")
    assert not outage.is_held("d") and outage.to_forget == {"d"}
