"""The SQL tracker store the assistant uses, with its privacy rules applied.

- One URL setting (TRACKER_STORE_URL) instead of Rasa's separate fields.
- User text is stored redacted (postcode district only, no emails or phones).
- "Forget this conversation" deletes every stored event of that conversation.
- Events older than RETENTION_DAYS are deleted at start-up.
- With CRISIS_ALERT_URL set, a crisis message sends staff an alert without its text.
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any, Iterator, Optional

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine.url import make_url

from bot.crisis_alert import crisis_alerts, send_in_background
from bot.privacy import asked_to_forget, redact_event

logger = logging.getLogger(__name__)
SECONDS_PER_DAY = 86_400


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
        self.prune(int(os.environ.get("RETENTION_DAYS", "30")))

    async def save(self, tracker: DialogueStateTracker) -> None:
        if asked_to_forget(event.as_dict() for event in tracker.events):
            self.forget(tracker.sender_id)
            return
        await super().save(tracker)

    def _additional_events(
        self, session: Any, tracker: DialogueStateTracker
    ) -> Iterator[Event]:
        new_events = list(super()._additional_events(session, tracker))
        self._alert_staff(tracker.sender_id, [event.as_dict() for event in new_events])
        for event in new_events:
            yield Event.from_parameters(redact_event(event.as_dict())) or event

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
