"""Unsure messages get the likeliest answers as buttons, never a loop or a crisis guess."""
from __future__ import annotations

import re
from typing import Any

from bot.disambiguation import CLARIFY, MENU, OFFER, choose, load_routing
from tests.conftest import ROOT, load_yaml


def _ranking(*pairs: tuple[str, float]) -> list[dict[str, Any]]:
    return [{"name": name, "confidence": score} for name, score in pairs]


def test_two_close_guesses_are_both_offered() -> None:
    choice = choose(_ranking(("cp_conference", 0.22), ("rights_meeting_support", 0.18), ("greet", 0.02)))
    assert choice.kind == OFFER
    assert [o.payload for o in choice.options] == ["/cp_conference", "/rights_meeting_support"]
    assert [o.title for o in choice.options] == ["Child protection conferences", "Bringing someone to meetings"]


def test_one_clear_guess_also_offers_its_topic() -> None:
    choice = choose(_ranking(("housing_eviction", 0.25), ("greet", 0.03)))
    assert [o.payload for o in choice.options] == ["/housing_eviction", "/topic_housing"]


def test_a_weak_guess_gets_one_short_question() -> None:
    assert choose(_ranking(("cp_plo", 0.05), ("drug_ost", 0.04))).kind == CLARIFY
    assert choose([]).kind == CLARIFY


def test_asked_once_already_means_the_menu_not_the_same_question() -> None:
    assert choose(_ranking(("cp_plo", 0.25)), asked_before=True).kind == MENU


def test_crisis_and_small_talk_are_never_offered_as_buttons() -> None:
    choice = choose(_ranking(("crisis_suicide", 0.3), ("greet", 0.2), ("mh_low_mood", 0.2)))
    assert [o.payload for o in choice.options] == ["/mh_low_mood", "/topic_mental_health"]


def test_no_more_than_three_options() -> None:
    choice = choose(_ranking(("cp_plo", 0.2), ("cp_conference", 0.19), ("cp_contact", 0.18),
                             ("cp_adoption", 0.17)))
    assert len(choice.options) == 3


def test_routing_names_only_real_intents_and_topics() -> None:
    routing = load_routing()
    domain = load_yaml(ROOT / "domain.yml")
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
    assert set(routing.intent_titles) <= intents
    assert routing.never_offered <= intents
    for option in routing.topic_options.values():
        assert re.fullmatch(r"/[a-z_]+", option.payload) and option.payload[1:] in intents
    offerable = {i for i in intents if i not in routing.never_offered}
    topic_menus = {o.payload[1:] for o in routing.topic_options.values()}
    untitled = offerable - set(routing.intent_titles) - topic_menus
    assert not untitled, f"give these a button title in bot/routing.yml: {sorted(untitled)}"
