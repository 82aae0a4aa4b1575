"""action_talk_to_person with real rasa_sdk Trackers and CollectingDispatchers, against
real SQLite files built by the real build, at fixed moments (day and night)."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional
from zoneinfo import ZoneInfo

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import person_actions
from actions.person_actions import FIXED_NOW_ENV, ActionTalkToPerson
from bot.directory.build import build

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
UK = ZoneInfo("Europe/London")
DAY = datetime(2026, 11, 24, 11, 0, tzinfo=UK)     # a Tuesday
NIGHT = datetime(2026, 11, 24, 3, 0, tzinfo=UK)
BUTTONS = [{"title": "Find services near me", "payload": "/find_service"},
           {"title": "Back to the menu", "payload": "/main_menu"}]


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("person") / "fixture.sqlite"
    build(ROOT / "tests" / "data" / "directory_fixture", path)
    return path


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("person") / "real.sqlite"
    build(ROOT / "data" / "directory", path)
    return path


@pytest.fixture(autouse=True)
def use_fixture_db(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIRECTORY_DB", str(fixture_db))
    monkeypatch.delenv("DEFAULT_NATION", raising=False)
    monkeypatch.delenv(FIXED_NOW_ENV, raising=False)


def make_tracker(nation: Optional[str] = None) -> Tracker:
    message = {"text": "can I talk to a real person", "intent": {"name": "talk_to_person", "confidence": 0.9},
               "entities": []}
    return Tracker(sender_id="test", slots={"nation": nation}, latest_message=message,
                   events=[{"event": "user", "text": message["text"], "parse_data": message}], paused=False,
                   followup_action=None, active_loop={}, latest_action_name="action_listen")


def talk(monkeypatch: pytest.MonkeyPatch, when: Optional[datetime], nation: Optional[str] = None) \
        -> tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    if when is not None:
        monkeypatch.setattr(person_actions, "now", lambda: when)
    dispatcher = CollectingDispatcher()
    events = ActionTalkToPerson().run(dispatcher, make_tracker(nation), DOMAIN)
    return events, dispatcher.messages


def texts(messages: List[Dict[str, Any]]) -> List[str]:
    return [m.get("text") or "" for m in messages]


def test_day_with_a_nation(monkeypatch: pytest.MonkeyPatch) -> None:
    events, messages = talk(monkeypatch, DAY, "england")
    said = texts(messages)
    assert events == []
    assert said[0].startswith("I am a computer program, not a person.")
    assert said[1].splitlines() == [
        "Open now in England:",
        "Samaritans: call 116 123. Free. Open 24 hours.",
        "Example Listening Line: call 0808 157 0002, or text 85258. Free. Open 24 hours.",
        "Example England Family Advice: call 0808 157 0004. Free. Open until 5pm.",
    ]
    assert said[2].startswith("These lines are closed now.") and "Example Night Line: opens on Friday at 7pm" in said[2]
    assert said[-1] == "If you or a child are in danger now, call 999."
    assert messages[-1]["buttons"] == BUTTONS


def test_night_with_a_nation(monkeypatch: pytest.MonkeyPatch) -> None:
    _, messages = talk(monkeypatch, NIGHT, "england")
    said = texts(messages)
    assert "Example England Family Advice" not in said[1]
    assert "Samaritans: call 116 123. Free. Open 24 hours." in said[1]
    assert said[2].splitlines()[:2] == [
        "It is night, so some lines are closed. These open later:",
        "Example England Family Advice: opens today at 9:30am. Call 0808 157 0004.",
    ]
    assert said[-1] == "If you or a child are in danger now, call 999."


@pytest.mark.parametrize("when", [DAY, NIGHT])
def test_without_a_nation_only_uk_wide_lines(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    _, messages = talk(monkeypatch, when, None)
    open_now = texts(messages)[1]
    assert open_now.startswith("Open now, anywhere in the UK:")
    assert "Example England Family Advice" not in open_now and "Lifeline" not in open_now
    assert "Samaritans: call 116 123" in open_now
    assert open_now.endswith("I can show more lines.")


def test_default_nation_is_used_when_the_slot_is_empty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAULT_NATION", "england")
    _, messages = talk(monkeypatch, DAY, None)
    assert texts(messages)[1].startswith("Open now in England:")


@pytest.mark.parametrize("when", [DAY, NIGHT])
def test_northern_ireland_gets_lifeline(monkeypatch: pytest.MonkeyPatch, real_db: Path, when: datetime) -> None:
    monkeypatch.setenv("DIRECTORY_DB", str(real_db))
    _, messages = talk(monkeypatch, when, "northern_ireland")
    open_now = texts(messages)[1].splitlines()
    assert open_now[:3] == ["Open now in Northern Ireland:", "Lifeline: call 0808 808 8000. Free. Open 24 hours.",
                            "Samaritans: call 116 123. Free. Open 24 hours."]


def test_real_directory_day_and_night_in_england(monkeypatch: pytest.MonkeyPatch, real_db: Path) -> None:
    monkeypatch.setenv("DIRECTORY_DB", str(real_db))
    _, day = talk(monkeypatch, datetime(2026, 11, 24, 14, 0, tzinfo=UK), "england")
    assert "Family Rights Group advice line: call 0808 801 0366. Free. Open until 3pm." in texts(day)[1]
    _, night = talk(monkeypatch, NIGHT, "england")
    assert "Family Rights Group advice line: opens today at 9:30am." in texts(night)[2]


def test_directory_missing_still_names_samaritans_and_999(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("DIRECTORY_DB", str(tmp_path / "missing.sqlite"))
    caplog.set_level(logging.ERROR, logger="actions.person_actions")
    _, messages = talk(monkeypatch, NIGHT, "northern_ireland")
    said = "\n".join(texts(messages))
    assert "Samaritans: call 116 123" in said and "Lifeline: call 0808 808 8000" in said
    assert "I cannot check the other lines right now." in said and said.endswith("call 999.")
    assert messages[-1]["buttons"] == BUTTONS
    assert any("Service directory unavailable" in r.getMessage() for r in caplog.records)


def test_fixed_clock_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                          caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv(FIXED_NOW_ENV, "2026-11-24T03:00:00Z")
    caplog.set_level(logging.WARNING, logger="actions.person_actions")
    assert person_actions.now() == datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc)
    assert any(FIXED_NOW_ENV in r.getMessage() for r in caplog.records)
    _, night = talk(monkeypatch, None, "england")
    assert texts(night)[2].startswith("It is night")
    monkeypatch.setenv(FIXED_NOW_ENV, "2026-07-06T10:00")  # no offset: UK time (BST here)
    assert person_actions.now() == datetime(2026, 7, 6, 10, 0, tzinfo=UK)
    _, day = talk(monkeypatch, None, "england")
    assert "Example England Family Advice: call 0808 157 0004. Free. Open until 5pm." in texts(day)[1]


def test_bad_fixed_clock_falls_back_to_the_real_time(monkeypatch: pytest.MonkeyPatch,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv(FIXED_NOW_ENV, "tomorrow at 3")
    caplog.set_level(logging.ERROR, logger="actions.person_actions")
    before = datetime.now(timezone.utc)
    assert before <= person_actions.now() <= datetime.now(timezone.utc)
    assert any("is not an ISO 8601 time" in r.getMessage() for r in caplog.records)
