"""Service lookup: thin rasa-sdk adapters over bot.directory.

- action_prepare_service_search: clears what a new search, "Different area"
  or "Different kind of help" should ask again; keeps what came with the button.
- validate_service_search_form: reads the kind of help and the place; stores
  only a postcode district or a town (never a full postcode) and the nation.
- action_search_services / action_show_more_services: 3 results per message
  page, local first, then services that work anywhere. Cards are grouped by
  how they fit and where they work, each group under a heading true of every
  card in it (honest matching: bot/directory/format.py).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.directory.categories import match_audience, match_category
from bot.directory.format import (
    group_cards, group_heading, group_intros, none_near_message, service_card,
)
from bot.directory.council_text import search_door_text
from bot.directory.locations import resolve_place
from bot.directory.messages import message
from bot.directory.schema import CATEGORIES, NATION_LABELS, NATIONS
from bot.directory.search import DirectoryUnavailable, SearchResults, open_directory, search

logger = logging.getLogger(__name__)

PAGE_SIZE = 3
ANYWHERE = "anywhere"  # the location slot's value when the person skips the question
OFFSET_SLOT = "service_search_offset"
LOCAL_SLOT = "last_search_local"
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def directory_path() -> Path:
    """DIRECTORY_DB from the settings (.env or environment)."""
    try:
        from bot.settings import load_settings
        return load_settings().directory_db
    except Exception as exc:  # a settings problem must not take the chat down
        raw = os.environ.get("DIRECTORY_DB", "build/directory.sqlite")
        logger.warning("Settings could not be read (%s); using DIRECTORY_DB=%s", exc, raw)
        path = Path(raw)
        return path if path.is_absolute() else PROJECT_ROOT / path


def default_nation() -> Optional[str]:
    try:
        from bot.settings import load_settings
        return load_settings().default_nation
    except Exception:
        return None


class _Connections:
    """One read-only connection per directory file, reopened when the file is rebuilt."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[Path, tuple[tuple[int, int], sqlite3.Connection]] = {}

    def get(self, path: Path) -> sqlite3.Connection:
        try:
            stat = path.stat()
        except OSError:
            raise DirectoryUnavailable(f"directory file {path} does not exist; "
                                       "build it with: python -m bot directory build") from None
        signature = (stat.st_ino, stat.st_mtime_ns)
        with self._lock:
            cached = self._cache.get(path)
            if cached and cached[0] == signature:
                return cached[1]
            conn = open_directory(path)
            if cached:
                cached[1].close()
            self._cache[path] = (signature, conn)
            return conn


CONNECTIONS = _Connections()


def say(dispatcher: CollectingDispatcher, name: str, **values: str) -> None:
    """Send one of the messages in bot/directory/messages.yml."""
    dispatcher.utter_message(**message(name, **values))


def _latest_entity(tracker: Tracker, entity: str) -> Optional[str]:
    values = [v for v in tracker.get_latest_entity_values(entity) if isinstance(v, str) and v.strip()]
    return values[-1] if values else None


class ActionPrepareServiceSearch(Action):
    """Start a search, or change its place or kind of help, before the form runs."""

    def name(self) -> Text:
        return "action_prepare_service_search"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        events: List[EventType] = [SlotSet(OFFSET_SLOT, 0.0)]
        if intent == "change_location":
            return events + [SlotSet("location", None)]
        if intent in ("change_help_category", "inform_help_category"):
            events.append(SlotSet("help_category", _latest_entity(tracker, "help_category")))
            audience = _latest_entity(tracker, "audience")
            return events + ([SlotSet("audience", audience)] if audience else [])
        if intent == "inform_location":
            return events  # a place typed after a search: same kind of help, new place
        # A new search: keep only what this message brought (a topic button's payload).
        for slot in ("help_category", "audience"):
            events.append(SlotSet(slot, _latest_entity(tracker, slot)))
        return events


class ActionAskHelpCategory(Action):
    """The form's question for help_category (with a button for each kind of help)."""

    def name(self) -> Text:
        return "action_ask_help_category"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        say(dispatcher, "ask_help_category")
        return []


class ActionAskLocation(Action):
    """The form's question for location (with a Skip button)."""

    def name(self) -> Text:
        return "action_ask_location"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        say(dispatcher, "ask_location")
        return []


class ValidateServiceSearchForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_service_search_form"

    def validate_help_category(self, slot_value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = _latest_entity(tracker, "help_category") or slot_value
        if text in CATEGORIES:
            return {"help_category": text}
        category = match_category(text)
        if category is None:
            say(dispatcher, "help_category_not_understood")
            return {"help_category": None}
        slots: Dict[Text, Any] = {"help_category": category}
        audience = match_audience(text)
        if audience and not tracker.get_slot("audience"):
            slots["audience"] = audience
        return slots

    def validate_location(self, slot_value: Any, dispatcher: CollectingDispatcher,
                          tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = _latest_entity(tracker, "location") or slot_value
        place = resolve_place(text)
        if place.found:
            if place.corrected:
                say(dispatcher, "location_guess", place=place.label)
            return {"location": place.label, "nation": place.nation}
        if place.national:
            if place.nation:  # "Wales", or a district with no centre: keep the nation only
                return {"location": place.label or NATION_LABELS[place.nation], "nation": place.nation}
            say(dispatcher, "location_skipped")
            return {"location": ANYWHERE}
        logger.info("Place not recognised (%s); asking again", place.reason)
        say(dispatcher, "location_not_found")
        if place.suggestions:
            dispatcher.utter_message(text=message("location_suggestions")["text"], buttons=[
                {"title": label, "payload": "/inform_location" + json.dumps({"location": label})}
                for label in place.suggestions])
        return {"location": None}


def _run_search(dispatcher: CollectingDispatcher, tracker: Tracker, offset: int) -> Optional[SearchResults]:
    """Search, or tell the person kindly that the list cannot be read and log why for staff.

    The place is resolved once, here; the results say whether it was found."""
    category = tracker.get_slot("help_category")
    if category not in CATEGORIES:
        say(dispatcher, "help_category_not_understood")
        say(dispatcher, "ask_help_category")
        return None
    nation = tracker.get_slot("nation")
    try:
        conn = CONNECTIONS.get(directory_path())
        return search(conn, category, audience=tracker.get_slot("audience"),
                      place=resolve_place(tracker.get_slot("location") or ANYWHERE),
                      nation=nation if nation in NATIONS else default_nation(),
                      limit=PAGE_SIZE, offset=offset)
    except DirectoryUnavailable as exc:
        logger.error("Service directory unavailable: %s", exc)
    except sqlite3.Error as exc:
        logger.error("Service directory query failed (%s: %s); rebuild it with: "
                     "python -m bot directory build", type(exc).__name__, exc)
    except Exception:  # never a stack trace in the chat; the full one goes to the log
        logger.exception("Service search failed for category %s", category)
    say(dispatcher, "directory_unavailable")
    say(dispatcher, "directory_helplines")
    return None


def _show(dispatcher: CollectingDispatcher, results: SearchResults) -> None:
    """The cards in runs of the same fit and area, each run under its own heading; one
    sentence first when nothing near fits the kind of help and the person."""
    none_near = none_near_message(results)
    if none_near:
        dispatcher.utter_message(**none_near)
    said: set[str] = set()
    door_said = results.offset > 0  # the local door once, after the local services
    for group in group_cards(results.items):
        if group.coverage[0] != "local" and not door_said:
            door_said = _say_local_door(dispatcher, results)
        for intro in group_intros(group, results.audience, said):
            dispatcher.utter_message(**intro)
        dispatcher.utter_message(**group_heading(group, results.place_label))
        for item in group.items:
            dispatcher.utter_message(text=service_card(item))
    if not door_said:
        _say_local_door(dispatcher, results)
    say(dispatcher, "services_next_more" if results.has_more else "services_next")


def _say_local_door(dispatcher: CollectingDispatcher, results: SearchResults) -> bool:
    """The council (or NI Trust) for the place and the kind of help (bot/directory/council_text.py)."""
    try:
        text = search_door_text(CONNECTIONS.get(directory_path()), results.category,
                                results.place_label, results.place_found, results.nation)
    except (DirectoryUnavailable, sqlite3.Error) as exc:
        logger.error("Council look-up failed: %s", exc)
        return True
    if text:
        dispatcher.utter_message(text=text)
    return True


class ActionSearchServices(Action):
    def name(self) -> Text:
        return "action_search_services"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        results = _run_search(dispatcher, tracker, offset=0)
        if results is None:
            return [SlotSet(OFFSET_SLOT, 0.0)]
        if not results.items:
            say(dispatcher, "directory_helplines")
            say(dispatcher, "services_next")
            return [SlotSet(OFFSET_SLOT, 0.0), *_local_flag(results)]
        _show(dispatcher, results)
        return [SlotSet(OFFSET_SLOT, float(len(results.items))), *_local_flag(results)]


def _local_flag(results: SearchResults) -> List[EventType]:
    """For the anonymous usage counts: a found place, with or without a local service."""
    return [SlotSet(LOCAL_SLOT, results.local_found)] if results.place_found else []


class ActionShowMoreServices(Action):
    def name(self) -> Text:
        return "action_show_more_services"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        offset = int(tracker.get_slot(OFFSET_SLOT) or 0)
        results = _run_search(dispatcher, tracker, offset=offset)
        if results is None:
            return []
        if not results.items:
            say(dispatcher, "services_no_more")
            say(dispatcher, "services_next")
            return []
        _show(dispatcher, results)
        return [SlotSet(OFFSET_SLOT, float(offset + len(results.items)))]
