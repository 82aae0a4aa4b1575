"""Rasa graph component: the crisis detector from `bot.safety` on every message.

It runs last in the NLU pipeline, on the whole message (also when the NLU saw
only the first part of a very long one, see `bot.nlu.message_cap`).

1. When `bot.safety.detect` finds a crisis it sets the intent to
   `crisis_<most severe kind>` with confidence 1.0, whatever the classifier
   thought, and keeps the classifier's ranking after it.
2. Otherwise, when the message carries risk-adjacent signals (means, a plan or
   a time, a goodbye; a child not responding) and the classifier was unsure,
   or the signals are strong, it sets `crisis_check_child` or
   `crisis_check_self`: the assistant then asks a direct, kind safety question
   instead of guessing a topic (`bot.safety.signals`).
3. A message with only past or negated crisis words gets `crisis_checkin`, but
   only when the classifier found nothing more useful (a greeting, yes/no,
   thanks, out of scope or a fallback), so a real question still gets its answer.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, Optional, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.base import MessageComponent

from bot.nlu.message_cap import FULL_TEXT_KEY
from bot.nlu.payloads import is_payload
from bot.safety import Detection, detect
from bot.safety.signals import child_danger_detail, safety_question

logger = logging.getLogger(__name__)

CRISIS_KEY = "crisis"
CHECKIN_INTENT = "crisis_checkin"
CHILD_DANGER_INTENT = "crisis_child_danger"
# Entity (and slot) saying which steps fit a child in danger; the escalation's
# responses vary by it (domain.yml, utter_crisis_child_danger_steps).
DETAIL_ENTITY = "crisis_detail"
SAFETY_CHECK_INTENTS = {"child": "crisis_check_child", "self": "crisis_check_self"}
FALLBACK_INTENT = "nlu_fallback"
# Intents that carry no question of their own: a past/negated crisis mention
# with one of these gets the gentle check-in instead, and with one of these the
# message counts as unsure for the safety question.
LOW_INFORMATION_INTENTS = frozenset(
    {"nlu_fallback", "greet", "affirm", "deny", "out_of_scope", "thanks"}
)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class CrisisDetector(MessageComponent):
    """Sets a crisis intent with confidence 1.0 when a message suggests danger to life."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Below this confidence the classifier counts as unsure for the safety
        # question (the fallback threshold is lower: unsure enough to ask about
        # safety is not always unsure enough to offer buttons).
        return {"unsure_below": 0.0}

    def process_message(self, message: Message) -> None:
        text = message.get(FULL_TEXT_KEY) or message.get(TEXT)
        if not isinstance(text, str) or is_payload(text):
            return
        classified = dict(message.get(INTENT) or {})
        try:
            detection = detect(text)
            intent_name = _crisis_intent(detection, classified.get(INTENT_NAME_KEY))
            if intent_name is None:
                intent_name = _safety_check_intent(text, classified, self._config["unsure_below"])
        except Exception:  # never break the pipeline; the rules still hold
            logger.exception("crisis detector failed on a message")
            return
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
        if intent_name == CHILD_DANGER_INTENT:
            _add_detail(message, text)
        message.set(
            CRISIS_KEY,
            {
                "kinds": list(detection.kinds),
                "past_only": detection.past_only,
                "classified_intent": classified,
            },
            add_to_output=True,
        )


def _crisis_intent(detection: Detection, classified_name: Optional[str]) -> Optional[str]:
    if detection.kinds:
        return f"crisis_{detection.kinds[0]}"
    if detection.past_only and (
        classified_name is None or classified_name in LOW_INFORMATION_INTENTS
    ):
        return CHECKIN_INTENT
    return None


def _safety_check_intent(text: str, classified: Dict[Text, Any], unsure_below: float) -> Optional[str]:
    name = classified.get(INTENT_NAME_KEY)
    unsure = (name is None or name == FALLBACK_INTENT or name in LOW_INFORMATION_INTENTS
              or float(classified.get("confidence") or 0.0) < unsure_below)
    subject = safety_question(text, unsure=unsure)
    return SAFETY_CHECK_INTENTS.get(subject) if subject else None


def _add_detail(message: Message, text: str) -> None:
    detail = {"entity": DETAIL_ENTITY, "value": child_danger_detail(text), "start": 0,
              "end": len(message.get(TEXT) or ""), "confidence": 1.0,
              "extractor": "CrisisDetector"}
    kept = [e for e in message.get(ENTITIES, []) if e.get("entity") != DETAIL_ENTITY]
    message.set(ENTITIES, [*kept, detail], add_to_output=True)
