"""The SQL tracker store the assistant uses, with its privacy rules applied.

- One URL setting (TRACKER_STORE_URL) instead of Rasa's separate fields.
- User text is stored redacted (postcode district only, no emails or phones).
- "Forget this conversation" deletes every stored event of that conversation.
- Events older than RETENTION_DAYS are deleted at start-up and then every
  PURGE_EVERY_HOURS while the server runs; each purge is recorded (`purge_runs`).
- With CRISIS_ALERT_URL set, a crisis message sends staff an alert without its text.
- Each save adds the new messages to the anonymous usage counts
  (`bot/usage_counts.py` says why here and not an event broker). Counting
  never breaks a save: a failure is logged without any text and ignored.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from typing import Any, Iterator, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, Restarted, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine.url import make_url

from bot.crisis_alert import crisis_alerts, send_in_background
from bot.privacy import asked_to_forget, redact_event
from bot.retention import SECONDS_PER_HOUR, PurgeSchedule, configured_retention_days, purge_every_hours
from bot.usage_counts import CountKey, count_new_events
from bot.usage_store import CountWriter, create_tables, record_purge

logger = logging.getLogger(__name__)
SECONDS_PER_DAY = 86_400
# The earlier events that decide the slot values a new message starts with.
SLOT_STATE_EVENTS = (SlotSet, Restarted, SessionStarted)


class PrivateSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore configured from one URL, with redaction and forgetting."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        **kwargs: Any,
    ) -> None:
        url = make_url(host or "sqlite:///build/tracker.db")
        super().__init__(
            domain=domain,
            dialect=url.get_backend_name(),
            host=url.host,
            port=url.port,
            db=url.database or "tracker.db",
            username=url.username,
            password=url.password,
            event_broker=event_broker,
        )
        self._pending_counts: dict[str, Counter[CountKey]] = {}
        self.usage_counts = CountWriter(self.engine)
        try:
            create_tables(self.engine)
        except Exception as exc:  # counting is optional; conversations are not
            logger.error("Usage count tables could not be created (%s)", type(exc).__name__)
        self.purge()
        self.purge_schedule = PurgeSchedule(
            self.purge, purge_every_hours() * SECONDS_PER_HOUR).start()

    async def save(self, tracker: DialogueStateTracker) -> None:
        if asked_to_forget(event.as_dict() for event in tracker.events):
            self.forget(tracker.sender_id)
            return
        try:
            await super().save(tracker)
            self._write_counts(self._pending_counts.pop(tracker.sender_id, None))
        finally:
            self._pending_counts.pop(tracker.sender_id, None)

    def _additional_events(
        self, session: Any, tracker: DialogueStateTracker
    ) -> Iterator[Event]:
        new_events = list(super()._additional_events(session, tracker))
        new_dicts = [event.as_dict() for event in new_events]
        self._alert_staff(tracker.sender_id, new_dicts)
        self._count_later(tracker, new_dicts)
        for event in new_events:
            yield Event.from_parameters(redact_event(event.as_dict())) or event

    def _count_later(self, tracker: DialogueStateTracker, new: list[dict[str, Any]]) -> None:
        """Work out the counts now (from the unredacted slots); write them after the save."""
        try:
            earlier = list(tracker.events)[: len(tracker.events) - len(new)]
            prior = [e.as_dict() for e in earlier if isinstance(e, SLOT_STATE_EVENTS)]
            self._pending_counts[tracker.sender_id] = count_new_events(prior, new)
        except Exception as exc:
            logger.error("Usage counts not worked out (%s); the conversation goes on",
                         type(exc).__name__)

    def _write_counts(self, counts: Optional[Counter[CountKey]]) -> None:
        if counts:
            self.usage_counts.submit(counts)  # written on a background thread

    @staticmethod
    def _alert_staff(sender_id: str, new_events: list[dict[str, Any]]) -> None:
        url = os.environ.get("CRISIS_ALERT_URL", "")
        if url:
            send_in_background(url, crisis_alerts(sender_id, new_events))

    def forget(self, sender_id: str) -> int:
        """Delete every stored event of one conversation; returns how many."""
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete()
            )
            session.commit()
        logger.info("Conversation forgotten on request (%d events deleted).", deleted)
        return deleted

    def purge(self) -> int:
        """Delete events older than RETENTION_DAYS and record that the purge ran."""
        days = configured_retention_days()
        deleted = self.prune(days)
        try:
            record_purge(self.engine, days, deleted)
        except Exception as exc:
            logger.error("Purge ran but was not recorded (%s)", type(exc).__name__)
        return deleted

    def prune(self, retention_days: int) -> int:
        """Delete events older than the retention period; returns how many."""
        cutoff = time.time() - retention_days * SECONDS_PER_DAY
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.timestamp < cutoff)
                .delete()
            )
            session.commit()
        if deleted:
            logger.info("Deleted %d events older than %d days.", deleted, retention_days)
        return deleted
