"""The service search's own messages (bot/directory/messages.yml): text and buttons."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

MESSAGES_FILE = Path(__file__).with_name("messages.yml")


@lru_cache(maxsize=1)
def load_messages(path: Path = MESSAGES_FILE) -> dict[str, dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def message(name: str, **values: str) -> dict[str, Any]:
    """{"text": ..., "buttons": [...]} ready for dispatcher.utter_message(**message(...))."""
    entry = load_messages()[name]
    buttons = []
    for button in entry.get("buttons", []):
        payload = button.get("payload") or "/inform_help_category" + json.dumps(
            {"help_category": button["help_category"]}, separators=(",", ":"))
        buttons.append({"title": button["title"], "payload": payload})
    return {"text": entry["text"].format(**values), "buttons": buttons}
