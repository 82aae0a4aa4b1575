"""The REST channel, with one promise added: every message gets a reply.

Same URL and JSON as Rasa's own REST channel (`/webhooks/rest/webhook`, used
by the widget and `rasa shell`). If handling a message produced no reply at
all (the action server is down, a custom action failed, anything else), the
person gets a short kind message with 999 and Samaritans and a way back to the
menu, never silence. Staff get one log line naming the conversation, never
the message text (Rasa's own channel logs the text on errors).
"""
from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.facts import load_facts

logger = logging.getLogger(__name__)

MENU_BUTTON = {"title": "Show me the menu", "payload": "/main_menu"}


@lru_cache(maxsize=1)
def no_reply_message() -> Dict[str, Any]:
    """What a person gets when nothing else answered. Numbers from bot/facts.yml."""
    facts = {fact["id"]: fact["value"] for fact in load_facts()}
    text = (f"Sorry, I cannot look that up right now. That is my fault, not yours. "
            f"If you or a child are in danger, call {facts['emergency_999']}. "
            f"Samaritans is free, day or night: {facts['crisis_samaritans']}. "
            f"The menu still has the national lines for each topic.")
    return {"text": text, "buttons": [MENU_BUTTON]}


def with_reply_guaranteed(messages: List[Dict[str, Any]], sender_id: str) -> List[Dict[str, Any]]:
    """The replies, or the kind no-reply message when there are none."""
    if any(m.get("text") or m.get("buttons") or m.get("custom") or m.get("image") for m in messages):
        return messages
    logger.error("No reply for a message in conversation %s; sent the no-reply message. "
                 "Check the action server and the Rasa server log.", sender_id)
    return [*messages, {"recipient_id": sender_id, **no_reply_message()}]


class SafeRestInput(RestInput):
    """Rasa's REST channel, guaranteed never to answer with silence."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            sender_id = await self._extract_sender(request)
            collector = CollectingOutputChannel()
            message = UserMessage(self._extract_message(request), collector, sender_id,
                                  input_channel=self._extract_input_channel(request),
                                  metadata=self.get_metadata(request))
            try:
                await on_new_message(message)
            except asyncio.CancelledError:
                logger.error("Handling a message timed out in conversation %s", sender_id)
            except Exception as error:  # the person still gets a reply below
                logger.error("Handling a message failed in conversation %s: %s",
                             sender_id, type(error).__name__)
            return response.json(with_reply_guaranteed(collector.messages, sender_id))

        return webhook
