"""Rasa graph component: the place and nation named anywhere in a message.

"im in scotland and got a letter", "we're near BT9", "Belfast" mid-topic:
each adds a `nation` entity (and a `location` entity for a town or district),
so the `nation` slot is set silently and every answer after it is about the
right nation. The finding itself is `bot.directory.mentions` (pure Python).
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.directory.mentions import PlaceMention, find_place
from bot.nlu.base import MessageComponent
from bot.nlu.payloads import is_payload

logger = logging.getLogger(__name__)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False
)
class PlaceExtractor(MessageComponent, EntityExtractorMixin):
    """Adds `location` and `nation` entities for a place named in the message."""

    def process_message(self, message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str) or is_payload(text):
            return
        try:
            mention = find_place(text)
        except Exception:  # a place is a nicety; never break the pipeline for it
            logger.exception("place extractor failed on a message")
            return
        self._set(message, mention)

    def _set(self, message: Message, mention: Optional[PlaceMention]) -> None:
        """This extractor alone decides places: other extractors' guesses are dropped."""
        kept = [e for e in message.get(ENTITIES, []) if e.get("entity") not in ("location", "nation")]
        new = [] if mention is None else [
            entity for entity in (_entity(mention, "location", mention.label),
                                  _entity(mention, "nation", mention.nation)) if entity]
        message.set(ENTITIES, kept + self.add_extractor_name(new), add_to_output=True)


def _entity(mention: PlaceMention, name: str, value: Optional[str]) -> Optional[Dict[str, Any]]:
    if not value:
        return None
    return {"entity": name, "value": value, "start": mention.start, "end": mention.end,
            "confidence": 1.0}
