"""The blind set: messages written before any tuning, never trained on.

tests/data/blind/ (see its README) is parsed with the trained model and the
same disambiguation decision the assistant makes (bot/evaluation.py). The
figures are printed and saved in test-artifacts/blind-set.json; the floors
below guard what the current model reached, and each says what it guards.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from bot.evaluation import BLIND_DIR, Report, default_sets, evaluate, training_texts
from tests.conftest import ROOT, load_yaml

pytestmark = pytest.mark.slow

TOPIC_FLOOR = 0.85          # straight to the right topic
REACHED_FLOOR = 0.92        # right topic, or offered as a button
DEAD_END_CEILING = 0.03     # "tell me more" with no guess at all
CRISIS_RECALL_FLOOR = 0.95  # escalation or safety question for a crisis message
FALSE_ALARM_CEILING = 0.03  # crisis reply for a message that is not a crisis
NATION_FLOOR = 0.90         # a place named gives its nation


@pytest.fixture(scope="module")
def blind(trained_model: Path) -> Report:
    result = evaluate(trained_model, default_sets())
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "blind-set.json").write_text(json.dumps(asdict(result), indent=2) + "\n")
    print("\nblind set:", result.summary())
    return result


def test_the_blind_set_is_never_trained_on() -> None:
    """Only short everyday phrases ("hi", "thanks") may also be training examples;
    the evaluation leaves those out of every figure."""
    trained = training_texts()
    blind = [m["text"].strip().lower() for f in BLIND_DIR.glob("*.yml")
             for m in load_yaml(f)["messages"]]
    assert len(blind) >= 400
    shared = [t for t in blind if t in trained]
    assert all(len(t.split()) <= 7 for t in shared), [t for t in shared if len(t.split()) > 7]
    assert len(shared) <= 0.1 * len(blind), len(shared)


def test_messages_reach_the_right_topic(blind: Report) -> None:
    assert blind.topic_accuracy >= TOPIC_FLOOR, blind.misses[:40]
    assert blind.reached >= REACHED_FLOOR, blind.misses[:40]


def test_almost_no_message_dead_ends(blind: Report) -> None:
    assert blind.dead_ends <= DEAD_END_CEILING, blind.summary()


def test_crisis_messages_get_a_crisis_reply_and_others_do_not(blind: Report) -> None:
    assert blind.crisis_recall >= CRISIS_RECALL_FLOOR, [
        m for m in blind.misses if m["expected"] == "crisis"]
    assert blind.false_alarms <= FALSE_ALARM_CEILING, [
        m for m in blind.misses if m["got"] == "crisis"]


def test_a_place_named_sets_its_nation(blind: Report) -> None:
    assert blind.nation_accuracy >= NATION_FLOOR, blind.summary()
