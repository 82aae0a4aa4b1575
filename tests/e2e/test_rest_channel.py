"""Talk to the running assistant over HTTP, as the widget does."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from tests.conftest import ROOT, load_yaml
from tests.e2e.conftest import AlertInbox, Assistant, first_text, joined

pytestmark = pytest.mark.slow


def _sender() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


def test_greeting_says_what_it_is_and_offers_the_menu(assistant: Assistant) -> None:
    replies = assistant.send(_sender(), "hello")
    text = joined(replies)
    assert "computer program" in text and "not a social worker" in text
    assert "999" in text and "name" in text
    buttons = [b["title"] for r in replies for b in r.get("buttons", [])]
    assert "Peer groups" in buttons and "Find services near me" in buttons


def test_menu_button_payload_opens_a_topic(assistant: Assistant) -> None:
    replies = assistant.send(_sender(), "/topic_housing")
    assert replies and replies[0]["text"]
    assert any(r.get("buttons") for r in replies)


@pytest.mark.parametrize("message", [
    "",
    " ",
    "x" * 10_000,
    "help " * 2_000,
    "😢😢😢",
    "🙂",
    "¿Dónde puedo encontrar ayuda para mi hijo?",
    "مرحبا أحتاج مساعدة",
    "<script>alert(1)</script>",
    "'; DROP TABLE events; --",
])
def test_bad_input_gets_a_kind_reply(assistant: Assistant, message: str) -> None:
    replies = assistant.send(_sender(), message)
    text = joined(replies)
    assert text.strip(), f"no reply to {message[:30]!r}"
    assert "Traceback" not in text and "Error" not in text


@pytest.mark.parametrize("message, steps", [
    ("my baby isnt breathing", "Put the phone on speaker"),
    ("my toddler swallowed my tablets", "what the child swallowed"),
    ("im scared im going to hurt my baby", "somewhere safe, like their cot"),
])
def test_a_child_in_danger_gets_the_steps_that_fit_and_no_others(
        assistant: Assistant, message: str, steps: str) -> None:
    text = joined(assistant.send(_sender(), message))
    assert text.startswith("Call 999 now") and steps in text
    others = {"Put the phone on speaker", "what the child swallowed", "somewhere safe, like their cot"}
    assert not [o for o in others - {steps} if o in text]


def test_crisis_message_gets_999_first(assistant: Assistant) -> None:
    replies = assistant.send(_sender(), "i want to kill myself tonight")
    assert "999" in (first_text(replies) or "")


def test_forget_deletes_the_conversation(assistant: Assistant) -> None:
    sender = _sender()
    assistant.send(sender, "hello")
    assistant.send(sender, "my baby is in care")
    replies = assistant.send(sender, "forget this conversation")
    assert "deleted" in joined(replies)
    with sqlite3.connect(assistant.tracker_db) as db:
        count = db.execute("SELECT COUNT(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()
    assert count == (0,)


def test_full_postcode_is_never_stored(assistant: Assistant) -> None:
    sender = _sender()
    assistant.send(sender, "my postcode is LS6 1AA")
    with sqlite3.connect(assistant.tracker_db) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ?", (sender,)).fetchall()
    assert rows and not any("1AA" in data.upper() for (data,) in rows)


def test_start_again_shows_the_menu(assistant: Assistant) -> None:
    sender = _sender()
    assistant.send(sender, "hello")
    replies = assistant.send(sender, "start again")
    assert any(b["title"] == "Peer groups" for r in replies for b in r.get("buttons", []))


CRISIS_MESSAGES = {
    "crisis_suicide": "i want to kill myself tonight",
    "crisis_self_harm": "i keep cutting myself and cant stop",
    "crisis_overdose": "my partner took too much gear and wont wake up",
    "crisis_danger": "hes outside the door and says hes going to kill me",
    "crisis_child_danger": "my baby isnt breathing",
    "crisis_abuse_disclosure": "im 14 and my stepdad touches me",
}


def _escalation_texts(domain: dict, intent: str) -> list[set[str]]:
    """For every response the crisis rule utters, the texts it may send with the nation
    unknown (the default, or a variation for what is happening, such as crisis_detail)."""
    rules = load_yaml(ROOT / "data" / "rules" / "crisis.yml")["rules"]
    rule = next(r for r in rules if r["steps"][0].get("intent") == intent)
    actions = [s["action"] for s in rule["steps"] if s.get("action", "").startswith("utter_")]
    return [{v["text"] for v in domain["responses"][a]
             if not any(c["name"] == "nation" for c in v.get("condition") or [])}
            for a in actions]


@pytest.mark.parametrize("intent", sorted(CRISIS_MESSAGES))
def test_crisis_works_without_the_action_server(
        assistant_without_actions: Assistant, domain: dict, intent: str) -> None:
    replies = assistant_without_actions.send(_sender(), CRISIS_MESSAGES[intent])
    texts = [r.get("text", "") for r in replies]
    expected = _escalation_texts(domain, intent)
    assert len(texts) == len(expected) and all(t in e for t, e in zip(texts, expected)), texts
    assert texts[-1] == "Are you safe right now?"
    assert "999" in texts[0]


def test_a_crisis_alerts_staff_without_the_message(
        assistant_without_actions: Assistant, alert_inbox: AlertInbox) -> None:
    sender = _sender()
    assistant_without_actions.send(sender, "hello")
    assistant_without_actions.send(sender, CRISIS_MESSAGES["crisis_overdose"])
    alerts = alert_inbox.wait_for(sender)
    assert [(a["crisis_kind"], sorted(a)) for a in alerts] == [
        ("overdose", ["conversation_id", "crisis_kind", "time"])]
