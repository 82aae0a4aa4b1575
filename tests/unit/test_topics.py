"""Every intent in the domain maps to exactly one known topic."""

from typing import Any

from tests.conftest import ROOT, load_yaml

TOPICS = {
    "child_protection", "rights_advocacy", "peer_support", "drug_treatment", "housing",
    "mental_health", "domestic_abuse", "young_person", "privacy", "find_service", "crisis", "greet", "goodbye",
    "thanks", "bot_challenge", "out_of_scope", "talk_to_person", "other",
}


def _topic_map() -> dict[str, str]:
    return load_yaml(ROOT / "bot" / "topics.yml")


def _intents(domain: dict[str, Any]) -> list[str]:
    return [i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]]


def test_every_intent_has_a_topic(domain: dict[str, Any]) -> None:
    unmapped = sorted(set(_intents(domain)) - set(_topic_map()))
    assert not unmapped, f"intents with no topic in bot/topics.yml: {unmapped}"


def test_every_topic_is_known() -> None:
    unknown = {intent: topic for intent, topic in _topic_map().items() if topic not in TOPICS}
    assert not unknown, f"unknown topics: {unknown}"


def test_topic_map_names_no_missing_intent(domain: dict[str, Any]) -> None:
    stale = sorted(set(_topic_map()) - set(_intents(domain)))
    assert not stale, f"bot/topics.yml names intents not in domain.yml: {stale}"


def test_crisis_intents_map_to_crisis(domain: dict[str, Any]) -> None:
    topics = _topic_map()
    crisis = [i for i in _intents(domain) if i.startswith("crisis_")]
    assert crisis, "the domain has no crisis intents"
    assert all(topics[i] == "crisis" for i in crisis)
