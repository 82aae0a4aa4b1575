"""action_disambiguate with a real rasa_sdk Tracker and CollectingDispatcher."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.routing_actions import ACTION_NAME, ActionDisambiguate

DOMAIN_PATH = Path(__file__).resolve().parents[2] / "domain.yml"
UNSURE = [{"name": "nlu_fallback", "confidence": 0.3},
          {"name": "cp_conference", "confidence": 0.24},
          {"name": "rights_meeting_support", "confidence": 0.2}]


def _user(text: str, intent: str, ranking: List[Dict[str, Any]]) -> Dict[str, Any]:
    parse = {"text": text, "intent": {"name": intent, "confidence": ranking[0]["confidence"]},
             "intent_ranking": ranking, "entities": []}
    return {"event": "user", "text": text, "parse_data": parse}


def _tracker(events: List[Dict[str, Any]]) -> Tracker:
    latest = next(e for e in reversed(events) if e["event"] == "user")["parse_data"]
    return Tracker("test", {"nation": None}, latest, events, False, None, {}, "action_listen")


def _run(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    assert ActionDisambiguate().run(dispatcher, _tracker(events), domain={}) == []
    return dispatcher.messages


def test_the_action_and_its_responses_are_in_the_domain() -> None:
    domain = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))
    assert ACTION_NAME in domain["actions"]
    for name in ("utter_disambiguate_offer", "utter_disambiguate_clarify",
                 "utter_disambiguate_menu", "utter_fallback_safety_line", "utter_main_menu"):
        assert name in domain["responses"], name


def test_an_unsure_message_gets_its_likeliest_answers_then_the_safety_line() -> None:
    messages = _run([_user("the meeting thing next week", "nlu_fallback", UNSURE)])
    assert [m["response"] for m in messages] == ["utter_disambiguate_offer", "utter_fallback_safety_line"]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == ["/cp_conference", "/rights_meeting_support", "/main_menu"]


def test_a_weak_guess_gets_one_short_question() -> None:
    weak = [{"name": "nlu_fallback", "confidence": 0.2}, {"name": "cp_plo", "confidence": 0.04}]
    messages = _run([_user("hmm", "nlu_fallback", weak)])
    assert [m["response"] for m in messages] == ["utter_disambiguate_clarify", "utter_fallback_safety_line"]


def test_asked_twice_gets_the_whole_menu_not_the_same_question() -> None:
    events = [_user("the meeting thing", "nlu_fallback", UNSURE),
              {"event": "action", "name": ACTION_NAME},
              {"event": "bot", "text": "I want to get this right for you."},
              {"event": "action", "name": "action_listen"},
              _user("the other thing", "nlu_fallback", UNSURE)]
    messages = _run(events)
    assert [m["response"] for m in messages] == [
        "utter_disambiguate_menu", "utter_main_menu", "utter_fallback_safety_line"]


def test_after_i_am_safe_it_offers_what_the_first_message_was_about() -> None:
    check = [{"name": "crisis_check_self", "confidence": 1.0},
             {"name": "drug_ost", "confidence": 0.2}, {"name": "drug_naloxone", "confidence": 0.1}]
    events = [_user("got my tablets here", "crisis_check_self", check),
              {"event": "action", "name": "utter_safety_question_self"},
              {"event": "action", "name": "utter_safety_question_help"},
              {"event": "action", "name": "action_listen"},
              _user("/safe_now", "safe_now", [{"name": "safe_now", "confidence": 1.0}]),
              {"event": "action", "name": "utter_crisis_safe_now"}]
    messages = _run(events)
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[:2] == ["/drug_ost", "/drug_naloxone"]
