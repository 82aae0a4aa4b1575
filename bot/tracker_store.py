"""The SQL tracker store the assistant uses, with its privacy rules applied.

- One URL setting (TRACKER_STORE_URL) instead of Rasa's separate fields.
- User text is stored redacted (postcode district only, no emails or phones).
- "Forget this conversation" deletes every stored event of that conversation.
- Events older than RETENTION_DAYS are deleted at start-up and then every
  PURGE_EVERY_HOURS while the server runs; each purge is recorded (`purge_runs`).
- With CRISIS_ALERT_URL set, a crisis message sends staff an alert without its text.
- If the database cannot be reached, conversations are kept in memory for as
  long as it is down (`bot/tracker_outage.py`), so every message, a crisis
  message above all, still gets its full answer; they are written to the
  database when it answers again. PostgreSQL connections are checked before
  use, so a restarted database costs no message.
- Each save adds the new messages to the anonymous usage counts
  (`bot/usage_counts.py` says why here and not an event broker). Counting
  never breaks a save: a failure is logged without any text and ignored.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import Counter
from typing import Any, Iterator, Optional

import sqlalchemy as sa

from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, Restarted, SessionStarted, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine.url import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import sessionmaker

from bot import action_reply_check
from bot.crisis_alert import crisis_alerts, send_in_background
from bot.privacy import asked_to_forget, redact_event
from bot.tracker_outage import Outage
from bot.retention import SECONDS_PER_HOUR, PurgeSchedule, configured_retention_days, purge_every_hours
from bot.usage_counts import CountKey, count_new_events
from bot.usage_store import CountWriter, create_tables, record_purge

logger = logging.getLogger(__name__)
# Every Rasa server loads this tracker store, so the faster reply check goes in here.
action_reply_check.install()
SECONDS_PER_DAY = 86_400
# The earlier events that decide the slot values a new message starts with.
SLOT_STATE_EVENTS = (SlotSet, Restarted, SessionStarted)
# A PostgreSQL server that does not answer is given up on after this long.
CONNECT_TIMEOUT_SECONDS = 3
# While the database is away, how often to try writing what is held in memory.
RECOVER_EVERY_SECONDS = 2.0


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
        self._check_connections_before_use()
        self.outage = Outage()
        # The event loop and the recovery thread both change `outage`.
        self._outage_lock = threading.RLock()
        self._recovery = PurgeSchedule(self._recover_in_background, RECOVER_EVERY_SECONDS).start()
        self._pending_counts: dict[str, Counter[CountKey]] = {}
        self.usage_counts = CountWriter(self.engine)
        try:
            create_tables(self.engine)
        except Exception as exc:  # counting is optional; conversations are not
            logger.error("Usage count tables could not be created (%s)", type(exc).__name__)
        self.purge()
        self.purge_schedule = PurgeSchedule(
            self.purge, purge_every_hours() * SECONDS_PER_HOUR).start()

    def _check_connections_before_use(self) -> None:
        """PostgreSQL: test a pooled connection before each use (a restart leaves dead ones)."""
        if self.engine.dialect.name != "postgresql":
            return
        kwargs = create_engine_kwargs(self.engine.url)
        kwargs["connect_args"] = {**kwargs.get("connect_args", {}),
                                  "connect_timeout": CONNECT_TIMEOUT_SECONDS}
        old, self.engine = self.engine, sa.create_engine(self.engine.url, pool_pre_ping=True, **kwargs)
        self.sessionmaker = sessionmaker(bind=self.engine)
        old.dispose()

    async def _retrieve(self, sender_id: str,
                        fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        try:
            if self.outage.active or self.outage.is_held(sender_id):
                self._recover()
            return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        except SQLAlchemyError as error:
            with self._outage_lock:
                return self.outage.read_failed(sender_id, error)

    async def save(self, tracker: DialogueStateTracker) -> None:
        if asked_to_forget(event.as_dict() for event in tracker.events):
            self._forget_when_possible(tracker.sender_id)
            return
        try:
            if self.outage.active or self.outage.to_forget:
                self._recover()
            if self.outage.is_held(tracker.sender_id):
                with self._outage_lock:
                    self._write_missing_events(tracker)
                    self.outage.release(tracker.sender_id)
                return
            await super().save(tracker)
            self._write_counts(self._pending_counts.pop(tracker.sender_id, None))
        except SQLAlchemyError as error:
            with self._outage_lock:
                self.outage.begin(error)
                new_events = self.outage.hold(tracker)
            # Staff still hear of a crisis (rarely twice, if the database failed after alerting).
            self._alert_staff(tracker.sender_id, new_events)
        finally:
            self._pending_counts.pop(tracker.sender_id, None)

    def _recover_in_background(self) -> None:
        """Write what was held as soon as the database is back, not at this server's next message."""
        if self.outage.active:
            try:
                self._recover()
            except SQLAlchemyError:
                pass  # still away: the outage was logged once when it began

    def _recover(self) -> None:
        """Once the database answers: forget what was asked, write what was held."""
        with self._outage_lock:
            with self.engine.connect() as connection:  # raises while the database is still away
                connection.execute(sa.text("SELECT 1"))
            for sender_id in list(self.outage.to_forget):
                self.forget(sender_id)
                self.outage.to_forget.discard(sender_id)
            held = self.outage.held()
            for tracker in held:
                self._write_missing_events(tracker)
                self.outage.release(tracker.sender_id)
            self.outage.end(len(held))

    def _write_missing_events(self, tracker: DialogueStateTracker) -> None:
        """Add the tracker's events the database does not have yet (redacted).

        Another server may have stored newer turns of the same conversation
        meanwhile, so this compares timestamps rather than counting events.
        """
        with self.session_scope() as session:
            stored = {ts for (ts,) in session.query(self.SQLEvent.timestamp)
                      .filter(self.SQLEvent.sender_id == tracker.sender_id)}
            for event in tracker.events:
                if event.timestamp not in stored:
                    session.add(self._row(tracker.sender_id, redact_event(event.as_dict())))
            session.commit()

    def _row(self, sender_id: str, data: dict[str, Any]) -> Any:
        """One events row, the way SQLTrackerStore.save writes it."""
        return self.SQLEvent(
            sender_id=sender_id, type_name=data.get("event"), timestamp=data.get("timestamp"),
            intent_name=(data.get("parse_data") or {}).get("intent", {}).get("name"),
            action_name=data.get("name"), data=json.dumps(data))

    def _forget_when_possible(self, sender_id: str) -> None:
        with self._outage_lock:
            self.outage.release(sender_id)
        try:
            self.forget(sender_id)
        except SQLAlchemyError as error:
            with self._outage_lock:
                self.outage.begin(error)
                self.outage.forget_later(sender_id)
            logger.error("A conversation asked to be forgotten; it will be deleted when the "
                         "database answers again.")

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
