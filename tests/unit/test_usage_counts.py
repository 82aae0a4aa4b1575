"""Anonymous usage counts, from real Rasa trackers saved to a real SQLite tracker store."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot import usage_counts as uc
from bot.tracker_store import PrivateSQLTrackerStore
from bot.usage_counts import CountKey, count_new_events, iso_week
from bot.usage_store import read_counts

# Wednesday 2 December 2026, 10:00 UTC: ISO week 2026-W49.
WHEN = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc).timestamp()
WEEK = "2026-W49"
FULL_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}\b", re.IGNORECASE)
DISTRICT = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]?\b", re.IGNORECASE)
DOMAIN = Domain.from_yaml("""
version: "3.1"
slots:
  nation: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  location: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  help_category: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  service_search_offset: {type: float, influence_conversation: false, mappings: [{type: custom}]}
  last_search_local: {type: bool, influence_conversation: false, mappings: [{type: custom}]}
""")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[PrivateSQLTrackerStore]:
    tracker_store = PrivateSQLTrackerStore(DOMAIN, host=f"sqlite:///{tmp_path / 'tracker.db'}")
    yield tracker_store
    tracker_store.purge_schedule.stop()


def user(text: str, intent: str, at: float = WHEN) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 1.0}, timestamp=at)


def action(name: str, at: float = WHEN) -> ActionExecuted:
    return ActionExecuted(name, timestamp=at + 1)


def bot(response: str, text: str = "reply", at: float = WHEN) -> BotUttered:
    return BotUttered(text, metadata={"utter_action": response}, timestamp=at + 1)


def slot(name: str, value: Any, at: float = WHEN) -> SlotSet:
    return SlotSet(name, value, timestamp=at + 1)


def save(store: PrivateSQLTrackerStore, sender: str, events: list[Event]) -> None:
    """Add events to a stored conversation (or start one) and save, as the server does."""
    tracker = asyncio.run(store.retrieve(sender))
    if tracker is None:
        tracker = DialogueStateTracker.from_events(sender, [], slots=DOMAIN.slots)
    for event in events:
        tracker.update(event)
    asyncio.run(store.save(tracker))
    assert store.usage_counts.flush()  # counts are written on a background thread


def counts(store: PrivateSQLTrackerStore) -> dict[CountKey, int]:
    return dict(read_counts(store.engine))


def key(topic: str, outcome: str, nation: str = "", council: str = "", category: str = "") -> CountKey:
    return CountKey(WEEK, nation, council, topic, outcome, category)


# --- one conversation per outcome, each message typed by "a person" --------------------

CONVERSATIONS: dict[str, list[Event]] = {
    "answered": [action("action_listen"), user("what happens at a child protection conference", "cp_conference"),
                 action("utter_cp_conference"), bot("utter_cp_conference")],
    "disambiguated": [action("action_listen"), user("the meeting thing about my baby", "nlu_fallback"),
                      action("action_disambiguate"), bot("utter_disambiguate_offer"),
                      bot("utter_fallback_safety_line")],
    "clarified": [action("action_listen"), user("hmm purple elephant", "nlu_fallback"),
                  action("action_disambiguate"), bot("utter_disambiguate_clarify"),
                  bot("utter_fallback_safety_line")],
    "menu": [action("action_listen"), user("still no idea what to say", "nlu_fallback"),
             action("action_disambiguate"), bot("utter_disambiguate_menu"), bot("utter_main_menu")],
    "default_fallback": [action("action_listen"), user("zzz qqq", "cp_plo"),
                         action("action_default_fallback"), bot("utter_default")],
    "crisis": [action("action_listen"), user("I want to end my life tonight", "crisis_suicide"),
               action("action_deactivate_loop"), action("utter_crisis_suicide"),
               bot("utter_crisis_suicide"), action("utter_ask_safe_now")],
    "checkin": [action("action_listen"), user("years ago I thought about ending it", "crisis_checkin"),
                action("utter_crisis_checkin"), bot("utter_crisis_checkin")],
    "search_local": [action("action_listen"), user("peer group for dads near LS6 1AA please", "find_service"),
                     action("service_search_form"), slot("help_category", "peer_support"),
                     slot("location", "LS6"), slot("nation", "england"),
                     action("action_search_services"), slot("service_search_offset", 3.0),
                     slot(uc.LOCAL_SLOT, True), bot("", "Here are some services near LS6.")],
    "search_no_local": [action("action_listen"), user("I live in Inverness IV2 3AB", "inform_location"),
                        slot("help_category", "housing_homelessness"), slot("location", "Inverness"),
                        slot("nation", "scotland"), action("action_search_services"),
                        slot(uc.LOCAL_SLOT, False), bot("", "I could not find a service near Inverness.")],
}
SENDERS = {name: f"sender-{name}-5f2a9c1e7b" for name in CONVERSATIONS}
EXPECTED = {
    "answered": key("child_protection", uc.ANSWERED),
    "disambiguated": key("other", uc.DISAMBIGUATED),
    "clarified": key("other", uc.FELL_BACK),
    "menu": key("other", uc.FELL_BACK),
    "default_fallback": key("child_protection", uc.FELL_BACK),
    "crisis": key("crisis", uc.CRISIS),
    "checkin": key("crisis", uc.ANSWERED),
    "search_local": key("find_service", uc.SEARCH_LOCAL, "england", "", "peer_support"),
    "search_no_local": key("find_service", uc.SEARCH_NO_LOCAL, "scotland", "", "housing_homelessness"),
}


@pytest.fixture(autouse=True)
def no_council_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests fix the council to "" (nation only) whatever lookup is installed."""
    monkeypatch.setattr(uc, "council_area", lambda location, nation: "")


@pytest.mark.parametrize("name", sorted(CONVERSATIONS))
def test_each_outcome_is_counted_once(store: PrivateSQLTrackerStore, name: str) -> None:
    save(store, SENDERS[name], CONVERSATIONS[name])
    assert counts(store) == {EXPECTED[name]: 1}


def test_the_safety_question_then_yes_is_a_crisis(store: PrivateSQLTrackerStore) -> None:
    save(store, "s-safety", [action("action_listen"), user("everything is too much lately", "crisis_check_self"),
                             action("utter_safety_question_self"), action("utter_safety_question_help")])
    save(store, "s-safety", [action("action_listen"), user("yes", "affirm", WHEN + 5),
                             action("utter_crisis_suicide", WHEN + 5), bot("utter_crisis_suicide", at=WHEN + 5)])
    assert counts(store) == {key("crisis", uc.SAFETY_QUESTION): 1, key("other", uc.CRISIS): 1}


def test_saving_each_turn_counts_each_message_once(store: PrivateSQLTrackerStore) -> None:
    save(store, "s-many", CONVERSATIONS["answered"])
    save(store, "s-many", CONVERSATIONS["search_local"])
    save(store, "s-many", [action("action_listen"), user("how do I get legal aid", "rights_legal_aid"),
                           action("utter_rights_legal_aid")])
    save(store, "s-many", [])  # a save with nothing new adds nothing
    assert counts(store) == {
        key("child_protection", uc.ANSWERED): 1,
        key("find_service", uc.SEARCH_LOCAL, "england", "", "peer_support"): 1,
        # the nation given in the search carries on to later messages
        key("rights_advocacy", uc.ANSWERED, "england"): 1,
    }


def test_same_counter_adds_up_across_conversations(store: PrivateSQLTrackerStore) -> None:
    for n in range(3):
        save(store, f"s-{n}", CONVERSATIONS["crisis"])
    assert counts(store) == {EXPECTED["crisis"]: 3}


def test_counts_survive_a_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    first = PrivateSQLTrackerStore(DOMAIN, host=url)
    save(first, "s-a", CONVERSATIONS["crisis"])
    first.purge_schedule.stop()
    second = PrivateSQLTrackerStore(DOMAIN, host=url)
    save(second, "s-b", CONVERSATIONS["crisis"])
    second.purge_schedule.stop()
    assert counts(second) == {EXPECTED["crisis"]: 2}


def test_an_intent_typed_as_a_payload_is_only_a_topic(store: PrivateSQLTrackerStore) -> None:
    save(store, "s-payload", [action("action_listen"), user("/my_secret_name_is_jo", "my_secret_name_is_jo")])
    assert counts(store) == {key("other", uc.ANSWERED): 1}


def test_forgetting_a_conversation_keeps_the_anonymous_counts(store: PrivateSQLTrackerStore) -> None:
    save(store, "s-forget", CONVERSATIONS["answered"])
    save(store, "s-forget", [action("action_listen"), user("forget this conversation", "forget_conversation"),
                             action("action_restart")])
    tracker = asyncio.run(store.retrieve("s-forget"))
    from rasa.shared.core.events import Restarted
    tracker.update(Restarted())
    asyncio.run(store.save(tracker))
    assert store.usage_counts.flush()
    assert asyncio.run(store.retrieve("s-forget")) is None
    assert key("child_protection", uc.ANSWERED) in counts(store)


# --- nothing personal in the counter tables ---------------------------------------------

def _counter_table_text(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        rows = [repr(row) for table in tables if table != "events"
                for row in conn.execute(f"SELECT * FROM {table}")]  # noqa: S608 - names from sqlite_master
    return "\n".join(rows)


def test_counter_tables_hold_no_text_no_id_and_no_postcode(store: PrivateSQLTrackerStore, tmp_path: Path) -> None:
    for name, events in CONVERSATIONS.items():
        save(store, SENDERS[name], events)
    stored = _counter_table_text(tmp_path / "tracker.db")
    assert "2026-W49" in stored and "crisis_escalated" in stored  # the tables were really read
    for events in CONVERSATIONS.values():
        for event in events:
            if isinstance(event, (UserUttered, BotUttered)) and event.text:
                assert event.text not in stored
                assert event.text.lower() not in stored.lower()
    for sender in SENDERS.values():
        assert sender not in stored
    assert not FULL_POSTCODE.search(stored)
    assert not DISTRICT.search(stored.replace("2026-W49", ""))
    assert "Inverness" not in stored and "LS6" not in stored


def test_counter_table_has_no_id_or_time_column(store: PrivateSQLTrackerStore, tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "tracker.db") as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(usage_counts)")]
    assert columns == ["week", "nation", "council", "topic", "outcome", "help_category", "count"]


def test_only_known_values_are_kept() -> None:
    events = [user("x", "housing_homeless").as_dict(), slot("nation", "atlantis").as_dict(),
              slot("help_category", "my own words").as_dict(), action("action_search_services").as_dict(),
              slot(uc.LOCAL_SLOT, False).as_dict()]
    (only,) = count_new_events([], events)
    assert only == CountKey(WEEK, "", "", "find_service", uc.SEARCH_NO_LOCAL, "")


def test_the_week_is_the_iso_week() -> None:
    assert iso_week(datetime(2026, 12, 28, tzinfo=timezone.utc).timestamp()) == "2026-W53"
    assert iso_week(datetime(2027, 1, 4, tzinfo=timezone.utc).timestamp()) == "2027-W01"


def test_the_council_comes_from_the_lookup_never_the_place(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real council_area, with a stand-in lookup
    monkeypatch.setattr(uc, "_council_lookup", lambda: (lambda place, nation: "Leeds City Council"))
    assert uc.council_area("LS6", "england") == "Leeds City Council"
    monkeypatch.setattr(uc, "_council_lookup", lambda: (lambda place, nation: None))
    assert uc.council_area("LS6", "england") == ""
    monkeypatch.setattr(uc, "_council_lookup", lambda: None)
    assert uc.council_area("LS6", "england") == ""
    assert uc.council_area(None, "england") == ""


# --- counting never breaks a conversation -----------------------------------------------

def test_a_counting_failure_is_logged_without_text_and_the_save_goes_on(
        store: PrivateSQLTrackerStore, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(*_: Any) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr("bot.usage_store.add_counts", broken)
    with caplog.at_level(logging.ERROR):
        save(store, "s-broken", CONVERSATIONS["crisis"])
    tracker: Optional[DialogueStateTracker] = asyncio.run(store.retrieve("s-broken"))
    assert tracker is not None and tracker.latest_message.text == "I want to end my life tonight"
    assert "Usage counts not recorded (OperationalError)" in caplog.text
    assert "end my life" not in caplog.text and "s-broken" not in caplog.text


def test_a_missing_counter_table_does_not_stop_the_save(store: PrivateSQLTrackerStore, tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "tracker.db") as conn:
        conn.execute("DROP TABLE usage_counts")
    save(store, "s-no-table", CONVERSATIONS["answered"])
    assert asyncio.run(store.retrieve("s-no-table")) is not None


def test_start_again_forgets_the_nation_for_later_counts(store: PrivateSQLTrackerStore) -> None:
    from rasa.shared.core.events import Restarted
    save(store, "s-restart", CONVERSATIONS["search_no_local"])
    save(store, "s-restart", [action("action_listen"), user("start again", "start_again"),
                              action("action_restart"), Restarted(timestamp=WHEN + 2)])
    save(store, "s-restart", [action("action_listen"), user("hello there", "greet", WHEN + 3),
                              action("utter_greet", WHEN + 3)])
    assert counts(store)[key("greet", uc.ANSWERED)] == 1
    assert counts(store)[key("other", uc.ANSWERED)] == 1  # "start again" itself ends with no slots
    assert key("greet", uc.ANSWERED, "scotland") not in counts(store)


def test_the_council_of_the_place_is_counted(store: PrivateSQLTrackerStore, monkeypatch: pytest.MonkeyPatch) -> None:
    looked_up: list[tuple[str, Optional[str]]] = []

    def council(place: str, nation: Optional[str]) -> str:
        looked_up.append((place, nation))
        return "Highland Council" if place == "Inverness" else ""

    monkeypatch.setattr(uc, "council_area", council)
    save(store, "s-council", CONVERSATIONS["search_no_local"])
    assert counts(store) == {key("find_service", uc.SEARCH_NO_LOCAL, "scotland", "Highland Council",
                                 "housing_homelessness"): 1}
    assert looked_up == [("Inverness", "scotland")]


@pytest.fixture(scope="module")
def directory_with_councils(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from bot.directory.build import build
    path = tmp_path_factory.mktemp("directory") / "directory.sqlite"
    build(Path(__file__).resolve().parents[1] / "data" / "directory_fixture", path)
    return path


def test_real_council_lookup_keeps_the_council_and_never_the_place(
        tmp_path: Path, directory_with_councils: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()  # the real council_area
    monkeypatch.setenv("DIRECTORY_DB", str(directory_with_councils))
    uc._council_in_directory.cache_clear()
    assert uc.council_area("LS6", "england") == "Leeds City Council"
    assert uc.council_area("Bangor", "wales") == "Gwynedd Council"
    assert uc.council_area("anywhere", None) == uc.council_area("Wales", "wales") == ""
    store = PrivateSQLTrackerStore(DOMAIN, host=f"sqlite:///{tmp_path / 'tracker.db'}")
    try:
        save(store, SENDERS["search_local"], CONVERSATIONS["search_local"])
        save(store, SENDERS["search_no_local"], CONVERSATIONS["search_no_local"])
        assert counts(store) == {
            key("find_service", uc.SEARCH_LOCAL, "england", "Leeds City Council", "peer_support"): 1,
            key("find_service", uc.SEARCH_NO_LOCAL, "scotland", "The Highland Council", "housing_homelessness"): 1,
        }
        stored = _counter_table_text(tmp_path / "tracker.db")
        assert "Inverness" not in stored and not DISTRICT.search(stored.replace("2026-W49", ""))
    finally:
        store.purge_schedule.stop()
        uc._council_in_directory.cache_clear()


def test_a_slow_counter_write_does_not_hold_up_the_save(
        store: PrivateSQLTrackerStore, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading
    import time

    from bot import usage_store
    release, real = threading.Event(), usage_store.add_counts

    def slow(engine: Any, counts: Any) -> None:
        release.wait(10)
        real(engine, counts)

    monkeypatch.setattr(usage_store, "add_counts", slow)
    tracker = DialogueStateTracker.from_events("s-slow", CONVERSATIONS["crisis"], slots=DOMAIN.slots)
    started = time.monotonic()
    asyncio.run(store.save(tracker))
    assert time.monotonic() - started < 2
    assert asyncio.run(store.retrieve("s-slow")) is not None
    release.set()
    assert store.usage_counts.flush()
    assert counts(store) == {EXPECTED["crisis"]: 1}
