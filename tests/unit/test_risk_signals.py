"""The safety question: asked for unsure messages with risk-adjacent words, not for ordinary ones."""
from __future__ import annotations

import pytest

from bot.safety.signals import CHILD, SELF, child_danger_detail, safety_question
from tests.conftest import ROOT, load_yaml


@pytest.mark.parametrize("text, unsure, subject", [
    ("got my tablets lined up on the side", True, SELF),
    ("got my tablets lined up on the side", False, SELF),   # means and a plan: always asked
    ("wrote a letter for the kids and sorted my things", True, SELF),
    ("sorted my things, got the tablets ready", False, SELF),
    ("thinking about the bridge", True, SELF),
    ("the baby is all floppy", False, CHILD),
    ("my son fell down the stairs and hit his head", False, CHILD),
    ("my little one swallowed something i think", False, CHILD),
    ("can i take my tablets on methadone", True, SELF),      # unsure: ask, do not guess
])
def test_risk_adjacent_messages_get_the_right_question(text: str, unsure: bool, subject: str) -> None:
    assert safety_question(text, unsure=unsure) == subject


@pytest.mark.parametrize("text", [
    "can i take my tablets on methadone",
    "what happens at the final hearing",
    "where can i get naloxone",
    "my partner wont let me see my friends",
    "is it safe to breastfeed on a script",
    "what happens at the final hearing",
    "we had goodbye contact with my son today",
])
def test_a_clear_question_with_a_risk_word_gets_its_answer(text: str) -> None:
    assert safety_question(text, unsure=False) is None


def test_most_everyday_messages_raise_no_question_even_when_unsure() -> None:
    groups = load_yaml(ROOT / "tests" / "data" / "non_crisis_messages.yml")["groups"]
    messages = [m for group in groups.values() for m in group["messages"]]
    asked = [m for m in messages if safety_question(m, unsure=False)]
    assert len(asked) <= len(messages) * 0.05, asked


@pytest.mark.parametrize("text, detail", [
    ("my baby isnt breathing", "not_responding"),
    ("the baby is floppy and wont wake up", "not_responding"),
    ("my toddler swallowed my tablets", "swallowed"),
    ("i gave him too much calpol hes 2", "swallowed"),
    ("im scared im going to hurt my baby", "fear_of_harm"),
    ("my son fell and hit his head and is being sick", "other"),
])
def test_a_child_in_danger_gets_the_steps_for_what_is_happening(text: str, detail: str) -> None:
    assert child_danger_detail(text) == detail


def test_the_detector_tells_the_escalation_which_steps_fit() -> None:
    from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.crisis_detector import CrisisDetector

    message = Message(data={TEXT: "my baby isnt breathing"})
    message.set(INTENT, {"name": "greet", "confidence": 0.9})
    [out] = CrisisDetector({}).process([message])
    assert out.get(INTENT)["name"] == "crisis_child_danger"
    assert {e["entity"]: e["value"] for e in out.get(ENTITIES)} == {"crisis_detail": "not_responding"}
