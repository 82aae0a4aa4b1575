"""When the assistant is not sure: offer the likeliest topics, never a dead end.

A thin adapter over `bot.disambiguation`: it reads the intent ranking of the
unsure message, sends the plain buttons (or one short question, or the whole
menu when the person was already asked), then the short safety line that
every unsure reply carries. After "No, I am safe" to a safety question it
offers the topics of the message that raised the question.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.disambiguation import CLARIFY, MENU, choose

ACTION_NAME = "action_disambiguate"
SAFETY_CHECK_INTENTS = ("crisis_check_self", "crisis_check_child")
RESPONSES = {"offer": "utter_disambiguate_offer", CLARIFY: "utter_disambiguate_clarify",
             MENU: "utter_disambiguate_menu"}
SOMETHING_ELSE = {"title": "Something else", "payload": "/main_menu"}


class ActionDisambiguate(Action):
    def name(self) -> Text:
        return ACTION_NAME

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        ranking = _ranking_to_offer(tracker)
        choice = choose(ranking, asked_before=_asked_before(tracker))
        if choice.kind == MENU:
            dispatcher.utter_message(response=RESPONSES[MENU])
            dispatcher.utter_message(response="utter_main_menu")
        elif choice.kind == CLARIFY:
            dispatcher.utter_message(response=RESPONSES[CLARIFY])
        else:
            buttons = [{"title": o.title, "payload": o.payload} for o in choice.options]
            dispatcher.utter_message(response=RESPONSES["offer"],
                                     buttons=buttons + [SOMETHING_ELSE])
        dispatcher.utter_message(response="utter_fallback_safety_line")
        return []


def _ranking_to_offer(tracker: Tracker) -> List[Dict[str, Any]]:
    """The ranking of the latest message, or of the one that raised a safety question."""
    latest = tracker.latest_message or {}
    if (latest.get("intent") or {}).get("name") in ("deny", "safe_now", "affirm", "nlu_fallback"):
        earlier = _message_before_safety_question(tracker)
        if earlier is not None:
            return earlier.get("intent_ranking") or []
    return latest.get("intent_ranking") or []


def _message_before_safety_question(tracker: Tracker) -> Optional[Dict[str, Any]]:
    users = [e for e in tracker.events if e.get("event") == "user"]
    if len(users) < 2:
        return None
    previous = users[-2].get("parse_data") or {}
    if (previous.get("intent") or {}).get("name") in SAFETY_CHECK_INTENTS:
        return previous
    return None


def _asked_before(tracker: Tracker) -> bool:
    """Was the bot's last action before this message also "I am not sure"?"""
    seen_latest_user = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if seen_latest_user:
                return False
            seen_latest_user = True
        elif seen_latest_user and event.get("event") == "action" \
                and event.get("name") not in ("action_listen", None):
            return event.get("name") == ACTION_NAME
    return False
