"""The blind sets: messages written before any tuning, never trained on.

tests/data/blind/ (see its README) is parsed with the trained model and the
same disambiguation decision the assistant makes (bot/evaluation.py). The
figures are printed and saved in test-artifacts/blind-set.json. The floors
below guard what the current model reached (README, "Understanding
messages"); each says what it guards. They are floors, not targets.
"""
from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from bot.evaluation import BLIND_DIR, Report, default_sets, evaluate, training_texts
from tests.conftest import ROOT, load_yaml

pytestmark = pytest.mark.slow

# messages.yml: every topic, written before tuning.
TOPIC_FLOOR = 0.89          # straight to the right topic
REACHED_FLOOR = 0.91        # right topic, or offered as a button
DEAD_END_CEILING = 0.03     # "tell me more" with no guess at all
CRISIS_RECALL_FLOOR = 0.95  # escalation or safety question for a crisis message
FALSE_ALARM_CEILING = 0.03  # crisis reply for a message that is not a crisis
NATION_FLOOR = 0.95         # a place named gives its nation
# messages_new_answers.yml: the answers added after the first set was written.
NEW_ANSWERS_TOPIC_FLOOR = 0.76
# messages_round2.yml: written after the first set had been used for tuning.
ROUND2_TOPIC_FLOOR = 0.78
ROUND2_NATION_FLOOR = 0.85
# messages_round3.yml: written before any tuning against it; its misses then guided the
# examples of the fourth round, so it now counts as tuned against (80.3%, 81.9%, 89.6%).
ROUND3_TOPIC_FLOOR = 0.87
ROUND3_NATION_FLOOR = 0.93
ROUND3_CRISIS_RECALL_FLOOR = 0.93
# messages_round4.yml: committed before the fourth round of examples, the crisis corpora as
# training data and the lexicon's third round; never used to choose anything. 73.9% before,
# 74.9% after (76.2% before 19 examples repeating blind or held-out messages were taken out).
ROUND4_TOPIC_FLOOR = 0.72
ROUND4_NATION_FLOOR = 0.95
ROUND4_CRISIS_RECALL_FLOOR = 0.93
# The detector's blind sets (all four rounds), through the whole pipeline: 80.0% and
# 14.4% before the classifier learned the crisis corpora, 96.6% and 14.8% after.
CRISIS_SET_RECALL_FLOOR = 0.94
LOOK_ALIKE_FALSE_ALARM_CEILING = 0.16


@pytest.fixture(scope="module")
def blind(trained_model: Path) -> dict[str, Report]:
    reports = evaluate(trained_model, default_sets())
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "blind-set.json").write_text(
        json.dumps({name: asdict(r) for name, r in reports.items()}, indent=2) + "\n")
    for name, result in reports.items():
        print(f"\nblind set {name}: {result.summary()}")
    return reports


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


def test_messages_reach_the_right_topic(blind: dict[str, Report]) -> None:
    main = blind["messages.yml"]
    assert main.topic_accuracy >= TOPIC_FLOOR, main.misses[:40]
    assert main.reached >= REACHED_FLOOR, main.misses[:40]


def test_the_newer_answers_are_reached_too(blind: dict[str, Report]) -> None:
    newer = blind["messages_new_answers.yml"]
    assert newer.topic_accuracy >= NEW_ANSWERS_TOPIC_FLOOR, newer.misses


def test_a_set_written_after_tuning_is_reached_too(blind: dict[str, Report]) -> None:
    second = blind["messages_round2.yml"]
    assert second.topic_accuracy >= ROUND2_TOPIC_FLOOR, second.misses
    assert second.nation_accuracy >= ROUND2_NATION_FLOOR, second.summary()
    assert second.crisis_recall >= CRISIS_RECALL_FLOOR, second.summary()


@pytest.mark.parametrize(("name", "topic_floor", "nation_floor", "crisis_floor"), [
    ("messages_round3.yml", ROUND3_TOPIC_FLOOR, ROUND3_NATION_FLOOR, ROUND3_CRISIS_RECALL_FLOOR),
    ("messages_round4.yml", ROUND4_TOPIC_FLOOR, ROUND4_NATION_FLOOR, ROUND4_CRISIS_RECALL_FLOOR),
])
def test_the_later_blind_sets_are_reached_too(blind: dict[str, Report], name: str, topic_floor: float,
                                              nation_floor: float, crisis_floor: float) -> None:
    later = blind[name]
    assert later.topic_accuracy >= topic_floor, later.misses
    assert later.nation_accuracy >= nation_floor, later.summary()
    assert later.crisis_recall >= crisis_floor, later.summary()
    assert later.false_alarms <= FALSE_ALARM_CEILING, later.summary()


def test_almost_no_message_dead_ends(blind: dict[str, Report]) -> None:
    for name, result in blind.items():
        assert result.dead_ends <= DEAD_END_CEILING, (name, result.summary())


def test_crisis_messages_get_a_crisis_reply_and_others_do_not(blind: dict[str, Report]) -> None:
    main = blind["messages.yml"]
    assert main.crisis_recall >= CRISIS_RECALL_FLOOR, [
        m for m in main.misses if m["expected"] == "crisis"]
    assert main.false_alarms <= FALSE_ALARM_CEILING, [
        m for m in main.misses if m["got"] == "crisis"]
    assert main.crisis_set_recall >= CRISIS_SET_RECALL_FLOOR, main.summary()
    assert main.not_crisis_set_false_alarms <= LOOK_ALIKE_FALSE_ALARM_CEILING, main.summary()


def test_a_place_named_sets_its_nation(blind: dict[str, Report]) -> None:
    main = blind["messages.yml"]
    assert main.nation_accuracy >= NATION_FLOOR, main.summary()
