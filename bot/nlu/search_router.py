"""Rasa graph component: "a dads group in Leeds" is a search, not a question about groups.

When a message asks for a kind of service (a group, a drug service, a
solicitor...) and names a place, or says "near me", "round here", "local",
the person wants to know what is near them: the intent becomes
`find_service`, so they get local results (the kind of help and who it is
for are then read by `ServiceNeedExtractor`). A question that names a place
but asks about a process ("im in belfast, what is a case conference") keeps
its intent: the place sets the nation only.
"""
from __future__ import annotations

import re
from typing import Any, Dict

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.base import MessageComponent

SEARCH_INTENT = "find_service"
# Intents whose answer is "here is a kind of service": with a place, they are searches.
SERVICE_INTENTS = frozenset({
    "topic_peer_support", "peer_mothers", "peer_fathers", "peer_whole_family",
    "peer_after_removal", "topic_drug_treatment", "drug_getting_started", "drug_naloxone",
    "drug_family_support", "mh_maternal_services", "mh_talking_therapies",
    "rights_find_solicitor", "rights_advocate", "housing_homeless", "da_helplines",
})
NEARBY = re.compile(r"\b(?:near me|nearby|near us|near here|round here|around here|local|locally|"
                    r"in my area|my area|in the area|close to me|close by|where i live)\b", re.I)


def wants_nearby(message: Message) -> bool:
    """The message names a place or asks for something near the person."""
    has_place = any(e.get("entity") == "location" for e in message.get(ENTITIES, []))
    return has_place or bool(NEARBY.search(message.get(TEXT) or ""))


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class SearchRouter(MessageComponent):
    """Turns a request for a kind of service near a place into a search."""

    def process_message(self, message: Message) -> None:
        intent = dict(message.get(INTENT) or {})
        if intent.get(INTENT_NAME_KEY) in SERVICE_INTENTS and wants_nearby(message):
            self._route(message, intent)

    @staticmethod
    def _route(message: Message, intent: Dict[str, Any]) -> None:
        search = {INTENT_NAME_KEY: SEARCH_INTENT, "confidence": intent.get("confidence", 0.0)}
        replaced = {SEARCH_INTENT, intent.get(INTENT_NAME_KEY)}  # it stands in for the original
        ranking = [e for e in message.get(INTENT_RANKING_KEY) or []
                   if e.get(INTENT_NAME_KEY) not in replaced]
        message.set(INTENT, search, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [search, *ranking], add_to_output=True)
