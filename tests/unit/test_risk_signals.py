"""The safety question: asked for unsure messages with risk-adjacent words, not for ordinary ones."""
from __future__ import annotations

import pytest

from bot.safety.signals import CHILD, SELF, safety_question
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
