"""The optional staff alert: only id, kind and time, sent without delaying the chat."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.crisis_alert import crisis_alerts, post
from bot.settings import SettingsError, load_settings
from bot.tracker_store import PrivateSQLTrackerStore
from tests.conftest import AlertInbox

CRISIS_TEXT = "i want to kill myself tonight, i live at 12 Oak Road LS6 1AA"


def _user(text: str, intent: str, timestamp: float = 1_700_000_000.0) -> dict:
    return {"event": "user", "text": text, "timestamp": timestamp,
            "parse_data": {"text": text, "intent": {"name": intent, "confidence": 1.0}}}


def test_an_alert_holds_only_id_kind_and_time() -> None:
    alerts = crisis_alerts("conv-1", [_user(CRISIS_TEXT, "crisis_suicide")])
    assert alerts == [{"conversation_id": "conv-1", "crisis_kind": "suicide",
                       "time": "2023-11-14T22:13:20+00:00"}]


def test_no_alert_for_everyday_messages_check_ins_or_bot_events() -> None:
    events = [_user("hello", "greet"), _user("i used to self harm", "crisis_checkin"),
              {"event": "bot", "text": "Call 999", "timestamp": 1.0},
              {"event": "action", "name": "utter_crisis_suicide", "timestamp": 1.0}]
    assert crisis_alerts("conv-1", events) == []


def test_post_delivers_json(alert_inbox: AlertInbox) -> None:
    assert post(alert_inbox.url, {"conversation_id": "c-post", "crisis_kind": "overdose", "time": "t"})
    assert alert_inbox.wait_for("c-post") == [
        {"conversation_id": "c-post", "crisis_kind": "overdose", "time": "t"}]


def test_a_dead_endpoint_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    assert post("http://127.0.0.1:9/alert", {"conversation_id": "c"}) is False
    assert "Crisis alert" in caplog.text and "kill" not in caplog.text


def test_saving_a_crisis_message_alerts_staff_without_its_text(
        alert_inbox: AlertInbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRISIS_ALERT_URL", alert_inbox.url)
    store = PrivateSQLTrackerStore(Domain.empty(), host=f"sqlite:///{tmp_path / 'tracker.db'}")
    message = UserUttered(CRISIS_TEXT, {"name": "crisis_suicide", "confidence": 1.0})
    tracker = DialogueStateTracker.from_events("conv-9", [message])
    asyncio.run(store.save(tracker))
    (alert,) = alert_inbox.wait_for("conv-9")
    assert set(alert) == {"conversation_id", "crisis_kind", "time"}
    assert alert["conversation_id"] == "conv-9" and alert["crisis_kind"] == "suicide"
    asyncio.run(store.save(tracker))  # saving again adds no new event, so no second alert
    time.sleep(0.5)
    assert len(alert_inbox.wait_for("conv-9")) == 1


def test_alerts_are_off_by_default(tmp_path: Path) -> None:
    settings = load_settings(environ={}, env_file=tmp_path / "none.env")
    assert settings.crisis_alert_url == ""


def test_a_bad_alert_url_names_the_setting(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="^CRISIS_ALERT_URL: "):
        load_settings(environ={"CRISIS_ALERT_URL": "alerts.example"}, env_file=tmp_path / "x.env")
