"""Rasa graph component: the kind of help and who it is for, in a search message.

"is there a dads group near LS6" -> help_category=peer_support, audience=fathers,
so the search form does not ask again what the person already said. Only for
the search intents: "my mum uses drugs" in another question must not start a
search for mothers. The word lists are `bot.directory.categories`.
"""
from __future__ import annotations

import re
from typing import Any, Dict, Tuple

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.directory.categories import AUDIENCE_WORDS, CATEGORY_WORDS, match_audience, match_category
from bot.nlu.base import MessageComponent
from bot.nlu.payloads import is_payload

SEARCH_INTENTS = frozenset({"find_service", "inform_help_category", "change_help_category"})


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class ServiceNeedExtractor(MessageComponent, EntityExtractorMixin):
    """Adds `help_category` and `audience` entities to search messages."""

    def process_message(self, message: Message) -> None:
        text = message.get(TEXT)
        intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        if isinstance(text, str) and not is_payload(text) and intent in SEARCH_INTENTS:
            self._add(message, text)

    def _add(self, message: Message, text: str) -> None:
        entities = list(message.get(ENTITIES, []))
        present = {e.get("entity") for e in entities}
        found = {"help_category": match_category(text), "audience": match_audience(text)}
        new = [_entity(name, value, text) for name, value in found.items()
               if value and name not in present]
        if new:
            message.set(ENTITIES, entities + self.add_extractor_name(new), add_to_output=True)


def _entity(name: str, value: str, text: str) -> Dict[str, Any]:
    start, end = _span(name, value, text)
    return {"entity": name, "value": value, "start": start, "end": end, "confidence": 1.0}


def _span(name: str, value: str, text: str) -> Tuple[int, int]:
    """Where the words for `value` stand in the text (the whole text if not found as written)."""
    table = dict(CATEGORY_WORDS if name == "help_category" else AUDIENCE_WORDS)
    lowered = text.lower()
    for word in sorted(table.get(value, ()), key=len, reverse=True):
        match = re.search(rf"\b{re.escape(word)}\b", lowered)
        if match:
            return match.start(), match.end()
    return 0, len(text)
