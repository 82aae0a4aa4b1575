"""What the assistant keeps about a conversation, and what it drops.

Pure functions over Rasa event dictionaries (no Rasa imports), used by the
tracker store so they can be tested without a server.
"""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

FORGET_INTENT = "forget_conversation"

# A full UK postcode: district (e.g. LS6, SW1A) then sector+unit (e.g. 1AA).
_FULL_POSTCODE = re.compile(
    r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\b", re.IGNORECASE
)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
# UK phone numbers a person might type about themselves (07..., 01..., +44...).
_PHONE = re.compile(r"(?<!\d)(?:\+44\s?|0)\d(?:\s?\d){8,9}(?!\d)")


def redact_text(text: str) -> str:
    """Keep only the postcode district; drop email addresses and phone numbers."""
    text = _FULL_POSTCODE.sub(lambda m: m.group(1).upper(), text)
    text = _EMAIL.sub("[email removed]", text)
    return _PHONE.sub("[phone removed]", text)


def redact_event(event: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of a serialised event with personal details removed from user text."""
    data = dict(event)
    if data.get("event") != "user":
        return data
    if isinstance(data.get("text"), str):
        data["text"] = redact_text(data["text"])
    parse = data.get("parse_data")
    if isinstance(parse, dict):
        parse = dict(parse)
        if isinstance(parse.get("text"), str):
            parse["text"] = redact_text(parse["text"])
        parse["entities"] = [_redact_entity(e) for e in parse.get("entities", [])]
        data["parse_data"] = parse
    return data


def _redact_entity(entity: Mapping[str, Any]) -> dict[str, Any]:
    copy = dict(entity)
    if isinstance(copy.get("value"), str):
        copy["value"] = redact_text(copy["value"])
    return copy


def asked_to_forget(events: Iterable[Mapping[str, Any]]) -> bool:
    """True when the latest user message asked to forget and the restart ran.

    The forget rule ends in `action_restart`, so a `restart` event after the
    forget request means the conversation was reset and may now be erased.
    """
    last_intent = None
    restarted_after = False
    for event in events:
        kind = event.get("event")
        if kind == "user":
            last_intent = (event.get("parse_data") or {}).get("intent", {}).get("name")
            restarted_after = False
        elif kind == "restart":
            restarted_after = True
    return last_intent == FORGET_INTENT and restarted_after
