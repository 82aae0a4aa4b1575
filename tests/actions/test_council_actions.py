"""action_tell_council and the council line in search results, with real rasa_sdk Trackers
against a real SQLite directory built from the example fixture (council tables included)."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.council_actions import ActionTellCouncil
from actions.directory_actions import ActionSearchServices, ActionShowMoreServices
from tests.actions.test_directory_actions import (  # noqa: F401 - fixtures
    DOMAIN, entity, fixture_db, make_tracker, slot_sets, texts, use_fixture_db,
)


def tell(text: str, intent: str = "ask_council", **kwargs: Any) -> tuple[dict, CollectingDispatcher]:
    dispatcher = CollectingDispatcher()
    events = ActionTellCouncil().run(dispatcher, make_tracker(text, intent=intent, **kwargs), DOMAIN)
    return slot_sets(events), dispatcher


def test_town_in_the_question_names_the_council_and_keeps_the_place() -> None:
    slots, dispatcher = tell("how do I contact children's services in Leeds",
                             entities=[entity("location", "Leeds")])
    assert "Leeds City Council" in texts(dispatcher)[0]
    assert "https://www.gov.uk/find-local-council/leeds" in texts(dispatcher)[0]
    assert slots == {"council_place_asked": False, "location": "Leeds", "nation": "england"}


def test_a_place_named_in_the_text_without_an_entity_is_found() -> None:
    _, dispatcher = tell("who runs social services in Maidstone")
    assert "Kent County Council" in texts(dispatcher)[0]
    assert "Maidstone Borough Council" not in texts(dispatcher)[0]  # a social care question


def test_housing_question_in_a_two_tier_area_names_the_district() -> None:
    _, dispatcher = tell("who do I ask about housing in ME14", entities=[entity("location", "ME14")])
    assert "Maidstone Borough Council" in texts(dispatcher)[0]
    assert "Kent County Council" not in texts(dispatcher)[0]


def test_who_is_my_council_with_no_place_asks_for_one_then_answers() -> None:
    slots, dispatcher = tell("who is my council")
    assert slots == {"council_place_asked": True}
    assert "first half of your postcode" in texts(dispatcher)[-1]
    slots, dispatcher = tell("bt48", intent="inform_location", slots={"council_place_asked": True})
    assert "Western Health and Social Care Trust" in texts(dispatcher)[0]
    assert "Northern Ireland Housing Executive" in texts(dispatcher)[0]
    assert slots["council_place_asked"] is False and slots["location"] == "BT48"


def test_the_place_from_an_earlier_search_is_used() -> None:
    _, dispatcher = tell("who is my council", slots={"location": "Cardiff", "nation": "wales"})
    assert "City of Cardiff Council" in texts(dispatcher)[0]


@pytest.mark.parametrize("typed", ["'; DROP TABLE outcode_council; --", "qwertyuiop", "ZZ99 9ZZ"])
def test_an_unknown_place_is_asked_again_kindly(typed: str) -> None:
    slots, dispatcher = tell(typed, intent="inform_location", slots={"council_place_asked": True})
    assert slots == {"council_place_asked": True}
    assert texts(dispatcher)[0].startswith("Sorry, I could not find that place.")
    _, again = tell("who is my council")  # and the table is still there
    _, found = tell("LS6", intent="inform_location", slots={"council_place_asked": True})
    assert "Leeds City Council" in texts(found)[0]


def test_a_close_spelling_offers_buttons_that_come_back_here() -> None:
    _, dispatcher = tell("leads", intent="inform_location", slots={"council_place_asked": True})
    buttons = [b for m in dispatcher.messages for b in m.get("buttons") or []]
    assert {"title": "Leeds", "payload": '/ask_council{"location": "Leeds"}'} in buttons


def test_a_nation_only_explains_and_asks_for_a_town() -> None:
    slots, dispatcher = tell("northern ireland", intent="inform_location", slots={"council_place_asked": True})
    assert "Health and Social Care Trust" in texts(dispatcher)[0]
    assert slots == {"council_place_asked": True}


@pytest.mark.parametrize("typed", ["GY1", "JE2", "IM1"])
def test_crown_dependencies_have_no_uk_council(typed: str) -> None:
    _, dispatcher = tell(typed, intent="inform_location", slots={"council_place_asked": True})
    assert "not part of the UK council system" in texts(dispatcher)[0]


def search_texts(category: str, location: str, **extra: Any) -> list[str]:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("/search", intent="find_service",
                           slots={"help_category": category, "location": location, **extra})
    ActionSearchServices().run(dispatcher, tracker, DOMAIN)
    return texts(dispatcher)


def test_search_names_the_housing_council_before_the_national_lines() -> None:
    shown = search_texts("housing_homelessness", "ME14")
    door = next(i for i, t in enumerate(shown) if "Maidstone Borough Council" in t)
    national = next(i for i, t in enumerate(shown) if t.startswith("Here are services") and "near" not in t)
    assert door < national
    assert not any("Kent County Council" in t for t in shown)


def test_search_names_childrens_services_for_social_care_in_northern_ireland() -> None:
    shown = search_texts("child_protection_advice", "Newry")
    assert any("Southern Health and Social Care Trust" in t for t in shown)


def test_search_with_no_place_points_to_the_council_finder_for_housing() -> None:
    shown = search_texts("housing_homelessness", "anywhere")
    assert any("https://www.gov.uk/find-local-council" in t for t in shown)


def test_show_more_does_not_repeat_the_council() -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("/show_more_services", intent="show_more_services",
                           slots={"help_category": "housing_homelessness", "location": "ME14",
                                  "service_search_offset": 3.0})
    ActionShowMoreServices().run(dispatcher, tracker, DOMAIN)
    assert not any("Maidstone Borough Council" in t for t in texts(dispatcher))
