"""action_explain_term with a real rasa_sdk Tracker and CollectingDispatcher."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.glossary_actions import (
    FIND_ADVICE_PAYLOAD,
    TERM_SLOT,
    ActionExplainTerm,
)

DOMAIN_PATH = Path(__file__).resolve().parents[2] / "domain.yml"


def make_tracker(text: str, entities: Optional[List[Dict[str, Any]]] = None,
                 intent: str = "ask_term") -> Tracker:
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
    }
    return Tracker(
        sender_id="test",
        slots={"nation": None, TERM_SLOT: None},
        latest_message=message,
        events=[{"event": "user", "text": text, "parse_data": message}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def run(text: str, entities: Optional[List[Dict[str, Any]]] = None):
    dispatcher = CollectingDispatcher()
    events = ActionExplainTerm().run(dispatcher, make_tracker(text, entities), domain={})
    return dispatcher.messages, events


def entity(value: str) -> Dict[str, Any]:
    return {"entity": "term", "value": value, "start": 0, "end": len(value)}


def test_action_name_matches_domain() -> None:
    domain = yaml.safe_load(DOMAIN_PATH.read_text(encoding="utf-8"))
    assert ActionExplainTerm().name() == "action_explain_term"
    assert "action_explain_term" in domain["actions"]
    assert TERM_SLOT in domain["slots"]
    assert "term" in domain["entities"]
    assert "ask_term" in domain["intents"]


def test_explains_term_from_entity() -> None:
    messages, events = run("what does ICPC mean", [entity("ICPC")])
    assert len(messages) == 1
    assert messages[0]["text"].startswith("Initial child protection conference (ICPC):")
    assert "meeting about a child's safety" in messages[0]["text"]
    assert events == [SlotSet(TERM_SLOT, "icpc")]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert FIND_ADVICE_PAYLOAD in payloads and "/main_menu" in payloads


def test_entity_with_misspelling_is_found() -> None:
    messages, events = run("whats speshal guardianship", [entity("speshal guardianship")])
    assert "Special guardianship order" in messages[0]["text"]
    assert events == [SlotSet(TERM_SLOT, "sgo")]


def test_falls_back_to_whole_message_without_entity() -> None:
    messages, events = run("my letter says s.20 what is that")
    assert messages[0]["text"].startswith("Section 20")
    assert events == [SlotSet(TERM_SLOT, "s20")]


def test_falls_back_to_message_when_entity_is_unknown() -> None:
    messages, events = run("what does the reporter do", [entity("do")])
    assert "Children's reporter" in messages[0]["text"]
    assert events == [SlotSet(TERM_SLOT, "reporter")]


def test_answer_says_which_nation() -> None:
    messages, _ = run("what is a cso", [entity("cso")])
    assert "Scotland" in messages[0]["text"]


def test_unknown_word_gets_kind_answer_and_advice_buttons() -> None:
    messages, events = run("what does flibbertigibbet mean", [entity("flibbertigibbet")])
    assert messages[0]["text"].startswith("I do not know that word yet.")
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == [FIND_ADVICE_PAYLOAD, "/main_menu"]
    assert events == [SlotSet(TERM_SLOT, None)]


def test_button_without_a_word_asks_which_word() -> None:
    messages, events = run("/ask_term")
    assert "Which word" in messages[0]["text"]
    assert "buttons" not in messages[0] or not messages[0]["buttons"]
    assert events == [SlotSet(TERM_SLOT, None)]
