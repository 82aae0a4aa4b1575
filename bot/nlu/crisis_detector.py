"""Rasa graph component: the crisis detector from `bot.safety` on every message.

It runs last in the NLU pipeline. When `bot.safety.detect` finds a crisis it
sets the intent to `crisis_<most severe kind>` with confidence 1.0, whatever
DIET thought, and keeps DIET's ranking after it. A message with only past or
negated crisis words gets `crisis_checkin`, but only when DIET found nothing
more useful (a greeting, yes/no, thanks, out of scope or a fallback), so a real
question still gets its answer.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.safety import Detection, detect

logger = logging.getLogger(__name__)

CRISIS_KEY = "crisis"
CHECKIN_INTENT = "crisis_checkin"
# DIET intents that carry no question of their own: a past/negated crisis mention
# with one of these gets the gentle check-in instead.
LOW_INFORMATION_INTENTS = frozenset(
    {"nlu_fallback", "greet", "affirm", "deny", "out_of_scope", "thanks"}
)
# A button payload such as /main_menu or /find_service{"audience":"fathers"}.
_PAYLOAD = re.compile(r"^\s*/[A-Za-z0-9_]+(\{.*\})?(@[0-9.]+)?\s*$", re.DOTALL)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CrisisDetector(GraphComponent):
    """Sets a crisis intent with confidence 1.0 when a message suggests danger to life."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CrisisDetector":
        return cls(config)

    def __init__(self, config: Optional[Dict[Text, Any]] = None) -> None:
        self._config = config or {}

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Training data passes through unchanged: the detector does not learn."""
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            self._process_one(message)
        return messages

    def _process_one(self, message: Message) -> None:
        text = message.get(TEXT)
        if not isinstance(text, str) or _PAYLOAD.match(text):
            return
        try:
            detection = detect(text)
        except Exception:  # never break the pipeline; the rules still hold
            logger.exception("crisis detector failed on a message")
            return
        diet_intent = dict(message.get(INTENT) or {})
        intent_name = _crisis_intent(detection, diet_intent.get(INTENT_NAME_KEY))
        if intent_name is None:
            return
        crisis_intent = {INTENT_NAME_KEY: intent_name, "confidence": 1.0}
        ranking = [
            entry
            for entry in (message.get(INTENT_RANKING_KEY) or [])
            if entry.get(INTENT_NAME_KEY) != intent_name
        ]
        message.set(INTENT, crisis_intent, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [crisis_intent, *ranking], add_to_output=True)
        message.set(
            CRISIS_KEY,
            {
                "kinds": list(detection.kinds),
                "past_only": detection.past_only,
                "diet_intent": diet_intent,
            },
            add_to_output=True,
        )


def _crisis_intent(detection: Detection, diet_intent_name: Optional[str]) -> Optional[str]:
    if detection.kinds:
        return f"crisis_{detection.kinds[0]}"
    if detection.past_only and (
        diet_intent_name is None or diet_intent_name in LOW_INFORMATION_INTENTS
    ):
        return CHECKIN_INTENT
    return None
