"""Service search actions with real rasa_sdk Trackers and CollectingDispatchers,
against a real SQLite file built from the example fixture by the real build."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.directory_actions import (
    ActionAskHelpCategory, ActionAskLocation, ActionPrepareServiceSearch, ActionSearchServices,
    ActionShowMoreServices, ValidateServiceSearchForm,
)
from bot.directory.build import build
from bot.directory.council_text import is_door_text
from bot.directory.schema import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
FULL_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}", re.IGNORECASE)
SLOTS = ("help_category", "audience", "location", "nation", "service_search_offset", "requested_slot")


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("actions") / "directory.sqlite"
    build(ROOT / "tests" / "data" / "directory_fixture", path)
    return path


@pytest.fixture(autouse=True)
def use_fixture_db(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIRECTORY_DB", str(fixture_db))
    monkeypatch.delenv("DEFAULT_NATION", raising=False)


def make_tracker(text: str = "", intent: str = "inform_location",
                 entities: Optional[List[Dict[str, Any]]] = None, slots: Optional[Dict[str, Any]] = None,
                 slot_events: Optional[Dict[str, Any]] = None, active_loop: Optional[str] = None) -> Tracker:
    message = {"text": text, "intent": {"name": intent, "confidence": 0.95}, "entities": entities or []}
    values = {name: None for name in SLOTS}
    values.update(slots or {})
    values.update(slot_events or {})
    events = [{"event": "user", "text": text, "parse_data": message}]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (slot_events or {}).items()]
    return Tracker(sender_id="test", slots=values, latest_message=message, events=events, paused=False,
                   followup_action=None, active_loop={"name": active_loop} if active_loop else {},
                   latest_action_name="action_listen")


def entity(name: str, value: str) -> Dict[str, Any]:
    return {"entity": name, "value": value, "start": 0, "end": len(value)}


def slot_sets(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def texts(dispatcher: CollectingDispatcher) -> List[str]:
    return [m.get("text") or "" for m in dispatcher.messages]


def without_door(messages: List[str]) -> List[str]:
    """The messages without the council line (tests/actions/test_council_actions.py checks it)."""
    return [m for m in messages if not is_door_text(m)]


def validate(slot_events: Dict[str, Any], text: str, entities: Optional[List[Dict[str, Any]]] = None,
             slots: Optional[Dict[str, Any]] = None) -> tuple[Dict[str, Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker(text, entities=entities, slots=slots, slot_events=slot_events,
                           active_loop="service_search_form")
    events = asyncio.run(ValidateServiceSearchForm().run(dispatcher, tracker, DOMAIN))
    return slot_sets(events), dispatcher


def run_action(action: Any, **kwargs: Any) -> tuple[Dict[str, Any], CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, make_tracker(**kwargs), DOMAIN)
    return slot_sets(events), dispatcher


# --- the form: place ---------------------------------------------------------------

@pytest.mark.parametrize("typed", ["ls6 1aa", "LS61AA", "my postcode is LS6 1AA"])
def test_full_postcode_is_stored_as_its_district_only(typed: str) -> None:
    slots, dispatcher = validate({"location": typed}, typed)
    assert slots["location"] == "LS6" and slots["nation"] == "england"
    assert not any(FULL_POSTCODE.search(str(v)) for v in slots.values())
    assert not any(FULL_POSTCODE.search(t) for t in texts(dispatcher))


def test_town_sets_location_and_nation() -> None:
    slots, _ = validate({"location": "I live in Cardiff"}, "I live in Cardiff")
    assert slots == {"location": "Cardiff", "nation": "wales"}


def test_entity_from_a_suggestion_button_wins_over_the_payload_text() -> None:
    payload = '/inform_location{"location":"Bangor (Northern Ireland)"}'
    slots, _ = validate({"location": "Bangor (Northern Ireland)"}, payload,
                        entities=[entity("location", "Bangor (Northern Ireland)")])
    assert slots == {"location": "Bangor", "nation": "northern_ireland"}


def test_unknown_place_is_asked_again_kindly_with_close_matches_as_buttons() -> None:
    slots, dispatcher = validate({"location": "leads"}, "leads")
    assert slots["location"] is None
    assert "Sorry, I could not find that place." in texts(dispatcher)[0]
    buttons = dispatcher.messages[1]["buttons"]
    assert {"title": "Leeds", "payload": '/inform_location{"location": "Leeds"}'} in buttons


def test_place_nobody_knows_is_asked_again_without_buttons() -> None:
    slots, dispatcher = validate({"location": "'; DROP TABLE services; --"}, "'; DROP TABLE services; --")
    assert slots["location"] is None and len(dispatcher.messages) == 1


@pytest.mark.parametrize("typed", ["skip", "I'd rather not say", "no", "anywhere"])
def test_refusal_means_services_for_a_wider_area(typed: str) -> None:
    slots, dispatcher = validate({"location": typed}, typed, slots={"nation": "scotland"})
    assert slots == {"location": "anywhere"}  # the nation already known is kept
    # Not "anywhere in the UK": a nation's own services may follow.
    assert texts(dispatcher) == ["That is fine. I will show services that are not just for one town or city."]


def test_a_misspelt_town_is_accepted_and_said_back() -> None:
    slots, dispatcher = validate({"location": "manchstr"}, "manchstr")
    assert slots["location"] == "Manchester"
    assert texts(dispatcher) == ["I think you mean Manchester. If not, you can change the area after the results."]


# --- the form: kind of help ------------------------------------------------------------

def test_help_category_from_a_button() -> None:
    payload = '/inform_help_category{"help_category":"housing_homelessness"}'
    slots, _ = validate({"help_category": "housing_homelessness"}, payload,
                        entities=[entity("help_category", "housing_homelessness")])
    assert slots == {"help_category": "housing_homelessness"}


def test_help_category_typed_in_own_words_also_reads_the_audience() -> None:
    slots, _ = validate({"help_category": "a dads group"}, "a dads group")
    assert slots == {"help_category": "peer_support", "audience": "fathers"}


def test_help_category_not_understood_is_asked_again() -> None:
    slots, dispatcher = validate({"help_category": "blah blah"}, "blah blah")
    assert slots == {"help_category": None}
    assert texts(dispatcher)[0].startswith("Sorry, I did not catch what kind of help")


def test_form_questions_have_their_buttons() -> None:
    _, dispatcher = run_action(ActionAskHelpCategory())
    assert len(dispatcher.messages[0]["buttons"]) == 10
    _, dispatcher = run_action(ActionAskLocation())
    assert "first half of your postcode, like LS6" in texts(dispatcher)[0]
    assert dispatcher.messages[0]["buttons"][0]["title"] == "Skip"


# --- starting and changing a search ----------------------------------------------------

def test_a_topic_button_prefills_the_search() -> None:
    slots, _ = run_action(ActionPrepareServiceSearch(), intent="find_service",
                          text='/find_service{"help_category":"peer_support","audience":"fathers"}',
                          entities=[entity("help_category", "peer_support"), entity("audience", "fathers")],
                          slots={"help_category": "housing_homelessness", "location": "LS6"})
    assert slots == {"service_search_offset": 0.0, "help_category": "peer_support", "audience": "fathers"}


def test_a_new_search_from_the_menu_forgets_the_old_kind_of_help() -> None:
    slots, _ = run_action(ActionPrepareServiceSearch(), intent="find_service", text="/find_service",
                          slots={"help_category": "housing_homelessness", "audience": "fathers"})
    assert slots["help_category"] is None and slots["audience"] is None and "location" not in slots


def test_different_area_and_different_kind_of_help() -> None:
    slots, _ = run_action(ActionPrepareServiceSearch(), intent="change_location", text="/change_location",
                          slots={"location": "Leeds", "help_category": "peer_support"})
    assert slots == {"service_search_offset": 0.0, "location": None}
    slots, _ = run_action(ActionPrepareServiceSearch(), intent="change_help_category",
                          text="/change_help_category", slots={"location": "Leeds", "help_category": "peer_support"})
    assert slots == {"service_search_offset": 0.0, "help_category": None}


def test_a_place_typed_after_a_search_keeps_the_kind_of_help() -> None:
    slots, _ = run_action(ActionPrepareServiceSearch(), intent="inform_location", text="cardiff",
                          entities=[entity("location", "cardiff")],
                          slots={"location": "cardiff", "help_category": "peer_support", "audience": "fathers"})
    assert slots == {"service_search_offset": 0.0}


# --- results ---------------------------------------------------------------------------

def test_search_shows_three_local_results_then_the_next_step_buttons() -> None:
    slots, dispatcher = run_action(ActionSearchServices(), intent="inform_location",
                                   slots={"help_category": "peer_support", "audience": "fathers",
                                          "location": "LS6", "nation": "england"})
    messages = texts(dispatcher)
    assert messages[0] == "Here are some services near LS6."
    # Dads' and men's groups first; the family group is for more people than dads, and says so.
    assert messages[3:5] == ["These are not just for dads, but they may still help.",
                             "Here are some services near LS6."]
    cards = messages[1:3] + messages[5:6]
    assert [c.splitlines()[0] for c in cards] == [
        "Example Dads Group Leeds (Example Family Charity)", "Example Men's Group Bradford (Example Family Charity)",
        "Example Family Drop-in Leeds (Example Family Charity)"]
    for card in cards:
        assert "Phone: " in card and "Website: https://" in card and "Who can use it:" in card
        assert "How to get in:" in card
    assert "When: Tuesday evenings, 6pm to 8pm." in cards[0]
    titles = [b["title"] for b in dispatcher.messages[-1]["buttons"]]
    assert titles == ["Show more", "Different area", "Different kind of help", "Back to the menu"]
    assert [b["payload"] for b in dispatcher.messages[-1]["buttons"]] == [
        "/show_more_services", "/change_location", "/change_help_category", "/main_menu"]
    assert slots == {"service_search_offset": 3.0, "last_search_local": True}
    assert not any("Mums Circle" in t for t in messages)


def test_show_more_continues_where_the_last_page_ended() -> None:
    slots, dispatcher = run_action(ActionShowMoreServices(), intent="show_more_services",
                                   slots={"help_category": "peer_support", "audience": "fathers",
                                          "location": "LS6", "service_search_offset": 3.0})
    messages = texts(dispatcher)
    assert messages[0] == "These are not just for dads, but they may still help."
    assert messages[1] == "Here are services that work anywhere in the UK."
    assert messages[2].startswith("Example Parents Online Group") and "Works anywhere in the UK." in messages[2]
    assert [b["title"] for b in dispatcher.messages[-1]["buttons"]][0] == "Different area"  # no more to show
    assert slots == {"service_search_offset": 4.0}
    slots, dispatcher = run_action(ActionShowMoreServices(), intent="show_more_services",
                                   slots={"help_category": "peer_support", "audience": "fathers",
                                          "location": "LS6", "service_search_offset": 4.0})
    assert texts(dispatcher)[0] == "That is everything I found." and slots == {}


def test_nothing_near_is_said_honestly_and_national_services_follow() -> None:
    _, dispatcher = run_action(ActionSearchServices(), slots={"help_category": "peer_support",
                                                              "location": "Inverness"})
    messages = without_door(texts(dispatcher))
    assert messages[0] == "I could not find a peer group near Inverness."
    assert messages[1] == "Here are services that work anywhere in the UK."
    assert messages[2].startswith("Example Parents Online Group")


def test_skipped_place_shows_services_that_work_anywhere() -> None:
    _, dispatcher = run_action(ActionSearchServices(), slots={"help_category": "crisis_line", "location": "anywhere"})
    messages = texts(dispatcher)
    assert messages[0] == "Here are services that work anywhere in the UK."
    assert any("Example Listening Line" in m for m in messages)


def test_known_nation_without_a_place_limits_nation_services() -> None:
    _, dispatcher = run_action(ActionSearchServices(), slots={"help_category": "child_protection_advice",
                                                              "location": "anywhere", "nation": "wales"})
    messages = without_door(texts(dispatcher))
    assert messages[0] == "Here are services for people in Wales."
    assert any("Example Wales Family Advice" in m for m in messages)
    assert not any("Example England Family Advice" in m for m in messages)


def test_related_help_is_offered_when_nothing_national_exists() -> None:
    _, dispatcher = run_action(ActionSearchServices(), slots={"help_category": "domestic_abuse",
                                                              "location": "Leeds"})
    messages = without_door(texts(dispatcher))
    assert messages[0] == "I could not find domestic abuse help near Leeds."
    assert messages[1].startswith("I could not find this kind of help that works everywhere.")
    assert messages[2] == "Here are services that work anywhere in the UK."
    assert "Example Listening Line" in messages[3]


# --- headings: each one true of every card under it ----------------------------------------

HEADING = re.compile(r"Here are (?:some services near (?P<near>.+)|services for people in (?P<nations>.+)"
                     r"|(?P<uk>services that work anywhere in the UK))\.|(?P<other>Other help near you, of a different kind:)")
NEAR = r"(?:Less than 1 mile|About \d+ miles?) away(?: \(.*\))?\."
WHERE = re.compile(NEAR + r"|For people in .+\.|Works anywhere in the UK\.")


def cards_with_headings(messages: List[str]) -> List[tuple[str, str]]:
    """(heading, where line) for every card; fails if a card has no heading above it."""
    pairs, heading = [], None
    for text in messages:
        if HEADING.fullmatch(text):
            heading = text
        elif "\n" in text and not is_door_text(text):  # a service card (others are one line)
            assert heading, f"card without a heading: {text.splitlines()[0]}"
            pairs.append((heading, next(l for l in text.splitlines() if WHERE.fullmatch(l))))
        else:
            heading = None  # an introduction or the next step ends the group
    return pairs


def heading_is_true(heading: str, where: str) -> bool:
    match = HEADING.fullmatch(heading)
    if match["near"] or match["other"]:
        return bool(re.fullmatch(NEAR, where))
    if match["nations"]:
        return where == f"For people in {match['nations']}."
    return where == "Works anywhere in the UK."


def every_page(slots: Dict[str, Any]) -> List[str]:
    events, dispatcher = run_action(ActionSearchServices(), slots=slots)
    messages = texts(dispatcher)
    while dispatcher.messages[-1]["buttons"][0]["payload"] == "/show_more_services":
        events, dispatcher = run_action(ActionShowMoreServices(), intent="show_more_services",
                                        slots={**slots, **events})
        messages += texts(dispatcher)
    return messages


PLACES = [("LS6", "england"), ("Cardiff", "wales"), ("Inverness", "scotland"), ("CH5", "wales"),
          ("Berwick-upon-Tweed", "england"), ("anywhere", None), ("anywhere", "wales"), ("anywhere", "northern_ireland")]


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("audience", [None, "fathers", "mothers"])
def test_every_heading_is_true_of_every_card_under_it(category: str, audience: Optional[str]) -> None:
    for location, nation in PLACES:
        messages = every_page({"help_category": category, "audience": audience,
                               "location": location, "nation": nation})
        pairs = cards_with_headings(messages)
        assert pairs, (location, nation)
        wrong = [(h, w) for h, w in pairs if not heading_is_true(h, w)]
        assert not wrong, (location, nation, wrong)


def test_nation_services_are_not_called_uk_wide_when_no_place_is_known() -> None:
    # The reported case: "services that work anywhere in the UK" above an England-only service.
    messages = every_page({"help_category": "child_protection_advice", "location": "anywhere"})
    assert "Here are services that work anywhere in the UK." not in messages
    england = messages.index("Here are services for people in England.")
    wales = messages.index("Here are services for people in Wales.")
    assert messages[england + 1].startswith("Example England Family Advice")
    assert messages[wales + 1].startswith("Example Wales Family Advice")


def test_a_page_with_local_and_uk_wide_cards_has_a_heading_for_each() -> None:
    _, dispatcher = run_action(ActionSearchServices(), slots={"help_category": "peer_support",
                                                              "location": "Cardiff", "nation": "wales"})
    assert is_door_text(texts(dispatcher)[2])  # the council: after local cards, before UK-wide ones
    first_lines = [t.splitlines()[0] for t in without_door(texts(dispatcher))]
    assert first_lines[:4] == [
        "Here are some services near Cardiff.", "Example Cardiff Parents Group (Example Wales Project)",
        "Here are services that work anywhere in the UK.", "Example Parents Online Group (Example Family Charity)"]


# --- the place is resolved once per search ---------------------------------------------------

@pytest.mark.parametrize("action,slots", [
    (ActionSearchServices(), {"location": "LS6"}),
    (ActionSearchServices(), {"location": "anywhere"}),
    (ActionSearchServices(), {"location": "Inverness"}),
    (ActionShowMoreServices(), {"location": "LS6", "service_search_offset": 3.0}),
])
def test_the_place_is_resolved_once_per_search(action: Any, slots: Dict[str, Any],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import actions.directory_actions as actions_module
    import bot.directory.search as search_module
    calls: List[str] = []

    def counting(real: Any) -> Any:
        def resolve(text: str, *args: Any, **kwargs: Any) -> Any:
            calls.append(text)
            return real(text, *args, **kwargs)
        return resolve

    for module in (actions_module, search_module):
        monkeypatch.setattr(module, "resolve_place", counting(module.resolve_place))
    _, dispatcher = run_action(action, slots={"help_category": "peer_support", **slots})
    assert any("\n" in t for t in texts(dispatcher)), "the search showed services"
    assert calls == [slots["location"]]


@pytest.mark.parametrize("broken", ["missing", "corrupt"])
def test_missing_or_broken_directory_gets_a_kind_message_and_a_precise_log(
        broken: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "directory.sqlite"
    if broken == "corrupt":
        path.write_bytes(b"not a database" * 200)
    monkeypatch.setenv("DIRECTORY_DB", str(path))
    with caplog.at_level(logging.ERROR, logger="actions.directory_actions"):
        slots, dispatcher = run_action(ActionSearchServices(), slots={"help_category": "peer_support",
                                                                      "location": "LS6"})
    messages = texts(dispatcher)
    assert messages[0] == "Sorry, I cannot look up local services right now. You can still get help."
    assert "116 123" in messages[1] and "999" in messages[1]
    assert not any("Traceback" in m or "sqlite" in m.lower() for m in messages)
    assert str(path) in caplog.text and "python -m bot directory build" in caplog.text
    assert slots == {"service_search_offset": 0.0}


def test_a_rebuilt_directory_is_picked_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "directory.sqlite"
    monkeypatch.setenv("DIRECTORY_DB", str(path))
    build(ROOT / "tests" / "data" / "directory_fixture", path)
    _, first = run_action(ActionSearchServices(), slots={"help_category": "crisis_line", "location": "anywhere"})
    build(ROOT / "data" / "directory", path)
    _, second = run_action(ActionSearchServices(), slots={"help_category": "crisis_line", "location": "anywhere"})
    assert any("Example" in t for t in texts(first))
    assert not any("Example" in t for t in texts(second))
