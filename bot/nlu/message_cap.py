"""Rasa graph component: the NLU reads at most the first part of a very long message.

A 10,000-character message cost the server over half a minute, slowing
everyone (someone in crisis too). This component, first in the pipeline, cuts
the text the classifier and extractors see to `max_chars` (at a word), and
keeps the whole text under `full_text` so the crisis detector still reads all
of it. The reply is the same kind reply a shorter message gets.
"""
from __future__ import annotations

from typing import Any, Dict, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.base import MessageComponent

FULL_TEXT_KEY = "full_text"
DEFAULT_MAX_CHARS = 1000


def cap_text(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The first `max_chars` characters, cut back to the last whole word."""
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars]
    space = cut.rfind(" ")
    return cut[:space] if space > max_chars // 2 else cut


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER], is_trainable=False
)
class MessageCap(MessageComponent):
    """Cuts very long messages for the NLU; keeps the whole text for the crisis detector."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"max_chars": DEFAULT_MAX_CHARS}

    def process_message(self, message: Message) -> None:
        text = message.get(TEXT)
        max_chars = int(self._config["max_chars"])
        if isinstance(text, str) and len(text) > max_chars:
            message.set(FULL_TEXT_KEY, text)
            message.set(TEXT, cap_text(text, max_chars))
