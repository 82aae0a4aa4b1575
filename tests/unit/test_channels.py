"""The REST channel never answers a message with silence."""
from __future__ import annotations

from bot.channels import no_reply_message, with_reply_guaranteed
from bot.facts import load_facts, phone_numbers_in, recorded_numbers, digits


def test_replies_pass_through_unchanged() -> None:
    replies = [{"recipient_id": "a", "text": "Hello."}]
    assert with_reply_guaranteed(replies, "a") == replies


def test_no_reply_gets_the_kind_message_with_999_and_samaritans(caplog) -> None:
    out = with_reply_guaranteed([], "conversation-1")
    assert len(out) == 1 and out[0]["recipient_id"] == "conversation-1"
    assert "999" in out[0]["text"] and "116 123" in out[0]["text"]
    assert out[0]["buttons"] == [{"title": "Show me the menu", "payload": "/main_menu"}]
    assert "conversation-1" in caplog.text


def test_the_no_reply_numbers_are_recorded_facts() -> None:
    recorded = recorded_numbers(load_facts())
    assert all(digits(n) in recorded for n in phone_numbers_in(no_reply_message()["text"]))
