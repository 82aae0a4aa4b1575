"""action_tell_council: "Who is my council?", "how do I contact children's services
in Leeds". Thin adapter over bot.directory.councils (the table in the directory
file) and bot.directory.council_text (the words).

The place comes from the message's `location` entity, then a town or district
named in the message, then the `location` slot. With none, it asks for one and
sets `council_place_asked`, so the next place typed comes back here
(data/rules/find_service.yml) instead of starting a service search.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.directory_actions import ANYWHERE, CONNECTIONS, directory_path, say
from bot.directory.categories import match_category
from bot.directory.council_text import BOTH, HOUSING, SOCIAL_CARE, door_text, need_for, no_place_text, templates
from bot.directory.councils import local_door
from bot.directory.locations import PlaceResult, resolve_place
from bot.directory.search import DirectoryUnavailable

logger = logging.getLogger(__name__)

ASKED_SLOT = "council_place_asked"


def _place(tracker: Tracker) -> tuple[PlaceResult, bool]:
    """The place, and whether the person tried to name one (so "not found" is worth saying)."""
    entities = [v for v in tracker.get_latest_entity_values("location") if isinstance(v, str) and v.strip()]
    if entities:
        return resolve_place(entities[-1]), True
    text = tracker.latest_message.get("text") or ""
    in_text = resolve_place(text) if not text.startswith("/") else PlaceResult("unknown")
    if in_text.found and not in_text.corrected:
        return in_text, True
    if tracker.get_slot(ASKED_SLOT) and text.strip() and not text.startswith("/"):
        return in_text, True  # the answer to "which place?", even if it cannot be found
    slot = tracker.get_slot("location")
    if slot and slot != ANYWHERE:
        return resolve_place(slot), False
    return PlaceResult("unknown", reason="no place"), False


def _need(text: str) -> str:
    """Housing, children's services, or both (when the question names neither)."""
    category = match_category(text) if text and not text.startswith("/") else None
    if category is None:
        return BOTH
    return HOUSING if need_for(category) == HOUSING else SOCIAL_CARE


class ActionTellCouncil(Action):
    def name(self) -> Text:
        return "action_tell_council"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        place, tried = _place(tracker)
        if not place.found:
            return self._ask(dispatcher, place if tried else None)
        door = self._door(place)
        if door is None:
            dispatcher.utter_message(text=templates()["no_place"])
            return [SlotSet(ASKED_SLOT, False)]
        dispatcher.utter_message(text=door_text(door, _need(tracker.latest_message.get("text") or "")))
        return [SlotSet(ASKED_SLOT, False), SlotSet("location", place.label), SlotSet("nation", place.nation)]

    @staticmethod
    def _door(place: PlaceResult):  # noqa: ANN205 - Optional[LocalDoor]
        try:
            return local_door(CONNECTIONS.get(directory_path()), place.outcode, place.label or "")
        except (DirectoryUnavailable, sqlite3.Error) as exc:
            logger.error("Council look-up unavailable: %s", exc)
            return None

    @staticmethod
    def _ask(dispatcher: CollectingDispatcher, place: Optional[PlaceResult]) -> List[EventType]:
        if place is not None and place.national and place.nation:  # a nation only: say how it works
            dispatcher.utter_message(text=no_place_text(place.nation))
        elif place is not None and not place.found:
            logger.info("Place for the council not recognised (%s)", place.reason)
            say(dispatcher, "location_not_found")
            if place.suggestions:
                dispatcher.utter_message(text=templates()["suggestions"], buttons=[
                    {"title": label, "payload": "/ask_council" + json.dumps({"location": label})}
                    for label in place.suggestions])
        dispatcher.utter_message(text=templates()["ask_place"])
        return [SlotSet(ASKED_SLOT, True)]
