"""action_talk_to_person: "Can I talk to a person?" Thin adapter over
bot.directory.open_now (which lines are open) and bot.directory.talk_to_person
(the words).

The clock: `now()` below is the only place the time is read. Tests patch it,
or set ASSISTANT_FIXED_NOW in the action server's environment to an ISO 8601
time (2026-11-24T03:00+00:00; without an offset it is UK time), so a running
action server answers as if it were that moment. Never set it in production:
every use is logged as a warning.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime, timezone
from typing import List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.directory_actions import CONNECTIONS, default_nation, directory_path
from bot.directory.open_now import UK_TIME, LinesNow, lines_now
from bot.directory.schema import NATIONS
from bot.directory.search import DirectoryUnavailable
from bot.directory.talk_to_person import MAX_LINES, talk_to_person_messages

logger = logging.getLogger(__name__)

FIXED_NOW_ENV = "ASSISTANT_FIXED_NOW"


def now() -> datetime:
    """The current time, or ASSISTANT_FIXED_NOW when it is set (read on every call)."""
    raw = os.environ.get(FIXED_NOW_ENV, "").strip()
    if not raw:
        return datetime.now(timezone.utc)
    try:
        moment = datetime.fromisoformat(raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw)
    except ValueError:
        logger.error("%s=%r is not an ISO 8601 time (like 2026-11-24T03:00+00:00); "
                     "using the real clock", FIXED_NOW_ENV, raw)
        return datetime.now(timezone.utc)
    logger.warning("%s is set: lines open now are worked out for %s, not the real time",
                   FIXED_NOW_ENV, raw)
    return moment if moment.tzinfo else moment.replace(tzinfo=UK_TIME)


def _nation(tracker: Tracker) -> Optional[str]:
    nation = tracker.get_slot("nation")
    return nation if nation in NATIONS else default_nation()


def _lines(nation: Optional[str]) -> Optional[LinesNow]:
    """The lines open now, or None (logged for staff) when the directory cannot be read."""
    try:
        return lines_now(CONNECTIONS.get(directory_path()), now(), nation, limit=MAX_LINES)
    except DirectoryUnavailable as exc:
        logger.error("Service directory unavailable: %s", exc)
    except sqlite3.Error as exc:
        logger.error("Service directory query failed (%s: %s); rebuild it with: "
                     "python -m bot directory build", type(exc).__name__, exc)
    except Exception:  # never a stack trace in the chat; the full one goes to the log
        logger.exception("Looking up lines open now failed")
    return None


class ActionTalkToPerson(Action):
    def name(self) -> Text:
        return "action_talk_to_person"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: DomainDict) -> List[EventType]:
        nation = _nation(tracker)
        for message in talk_to_person_messages(_lines(nation), nation):
            dispatcher.utter_message(**message)
        return []
