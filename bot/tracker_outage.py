"""Conversations kept in memory while the tracker store's database is unreachable.

When PostgreSQL (or the SQLite file) cannot be reached, the tracker store
keeps each conversation it could not read or write here, so the assistant
still answers, crisis messages included, with what it knows. Staff get one
log line when the outage starts and one when it ends, naming only the error's
type (a database error's text can hold a stored message). When the database
answers again, the events held here are written after the ones it already has
(the anonymous usage counts skip those turns).
"""
from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Optional

from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

# Far more conversations than one server holds at once; the oldest go first.
MAX_HELD = 5000


class Outage:
    """Which conversations are held in memory, and whether the database is down."""

    def __init__(self, max_held: int = MAX_HELD) -> None:
        self.active = False
        self._held: "OrderedDict[str, DialogueStateTracker]" = OrderedDict()
        self._unread: set[str] = set()      # read failed: the database may hold older events
        self._saved_count: dict[str, int] = {}
        self.to_forget: set[str] = set()
        self._max_held = max_held

    def begin(self, error: BaseException) -> None:
        if not self.active:
            logger.error("Tracker store unreachable (%s): conversations are kept in memory "
                         "until the database answers again.", type(error).__name__)
        self.active = True

    def end(self, written: int) -> None:
        if self.active:
            logger.warning("Tracker store reachable again: %d conversation(s) kept in memory "
                           "were written to it.", written)
        self.active = False

    def read_failed(self, sender_id: str, error: BaseException) -> Optional[DialogueStateTracker]:
        self.begin(error)
        self._unread.add(sender_id)
        return self._held.get(sender_id)

    def hold(self, tracker: DialogueStateTracker) -> list[dict]:
        """Keep a tracker whose save failed; returns the events not held before."""
        start = self._saved_count.get(tracker.sender_id, 0)
        self._held[tracker.sender_id] = tracker
        self._held.move_to_end(tracker.sender_id)
        self._saved_count[tracker.sender_id] = len(tracker.events)
        while len(self._held) > self._max_held:
            dropped, _ = self._held.popitem(last=False)
            self._saved_count.pop(dropped, None)
            logger.error("Too many conversations held in memory; the oldest was dropped.")
        return [event.as_dict() for event in list(tracker.events)[start:]]

    def is_held(self, sender_id: str) -> bool:
        return sender_id in self._held or sender_id in self._unread

    def held(self) -> list[DialogueStateTracker]:
        return list(self._held.values())

    def release(self, sender_id: str) -> None:
        self._held.pop(sender_id, None)
        self._unread.discard(sender_id)
        self._saved_count.pop(sender_id, None)

    def forget_later(self, sender_id: str) -> None:
        self.release(sender_id)
        self.to_forget.add(sender_id)
