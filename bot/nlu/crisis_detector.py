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
4. The classifier also learns crisis intents, from the crisis corpora
   (data/nlu/crisis_corpora.yml), as a second net. When it is unsure and its
   best guess is a crisis, the safety question is asked. When it is sure of a
   crisis that the lexicon finds only in the past or negated, its best other
   guess answers (or the check-in).
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

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
# The classifier's crisis intents that lead straight to an escalation.
ESCALATION_INTENTS = frozenset(
    {"crisis_suicide", "crisis_self_harm", "crisis_overdose", "crisis_danger",
     "crisis_child_danger", "crisis_abuse_disclosure"}
)
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
        ranking = list(message.get(INTENT_RANKING_KEY) or [])
        try:
            detection = detect(text)
            intent_name = (_crisis_intent(detection, classified.get(INTENT_NAME_KEY))
                           or _safety_check_intent(text, classified, self._config["unsure_below"])
                           or _unsure_crisis_guess(classified, ranking))
            instead = None if intent_name else _instead_of_past_crisis(detection, classified, ranking)
        except Exception:  # never break the pipeline; the rules still hold
            logger.exception("crisis detector failed on a message")
            return
        if instead is not None:
            _set_intent(message, instead, ranking)
            return
        if intent_name is None and _is_past_crisis_guess(detection, classified):
            intent_name = CHECKIN_INTENT
        if intent_name is None:
            if classified.get(INTENT_NAME_KEY) == CHILD_DANGER_INTENT:
                _add_detail(message, text)  # the classifier's own guess: steps that fit
            return
        _set_intent(message, {INTENT_NAME_KEY: intent_name, "confidence": 1.0}, ranking)
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


def _unsure_crisis_guess(classified: Dict[Text, Any], ranking: List[Dict[Text, Any]]) -> Optional[str]:
    """Unsure, with a crisis as the classifier's best guess: the safety question
    (the child's when it guessed a child in danger), never a topic answer."""
    if classified.get(INTENT_NAME_KEY) != FALLBACK_INTENT:
        return None
    best = next((e for e in ranking if e.get(INTENT_NAME_KEY) != FALLBACK_INTENT), {})
    guess = best.get(INTENT_NAME_KEY)
    if guess not in ESCALATION_INTENTS:
        return None
    return SAFETY_CHECK_INTENTS["child" if guess == CHILD_DANGER_INTENT else "self"]


def _is_past_crisis_guess(detection: Detection, classified: Dict[Text, Any]) -> bool:
    """The classifier is sure of a crisis, but the lexicon found only past or
    negated mentions ("I overdosed years ago, will it count against me")."""
    return classified.get(INTENT_NAME_KEY) in ESCALATION_INTENTS and detection.past_only


def _instead_of_past_crisis(detection: Detection, classified: Dict[Text, Any],
                            ranking: List[Dict[Text, Any]]) -> Optional[Dict[Text, Any]]:
    """For a past crisis mention, the classifier's best guess that is not a crisis
    (None: there is none, and the gentle check-in fits)."""
    if not _is_past_crisis_guess(detection, classified):
        return None
    return next((dict(e) for e in ranking if not str(e.get(INTENT_NAME_KEY)).startswith("crisis_")
                 and e.get(INTENT_NAME_KEY) not in LOW_INFORMATION_INTENTS), None)


def _set_intent(message: Message, intent: Dict[Text, Any], ranking: List[Dict[Text, Any]]) -> None:
    rest = [e for e in ranking if e.get(INTENT_NAME_KEY) != intent.get(INTENT_NAME_KEY)]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent, *rest], add_to_output=True)


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
