"""The counter tables, in the same database as the trackers.

- `usage_counts`: one row per week, nation, council area, topic, outcome and
  kind of help, with a count. Written with an upsert whose update is
  `count = count + n` in the database, so several replicas can add to the
  same row at once without losing a count.
- `purge_runs`: when each retention purge ran and how many events it deleted,
  so the report can show that purging happens.
- `CountWriter`: writes the counts on a background thread, off the save path.

SQLAlchemy Core only; works on SQLite (3.24 or later) and PostgreSQL.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Mapping, Optional, Union

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from bot.usage_counts import CountKey

logger = logging.getLogger(__name__)
METADATA = sa.MetaData()
KEY_COLUMNS = ("week", "nation", "council", "topic", "outcome", "help_category")
PURGE_RUNS_KEPT = 500

USAGE_COUNTS = sa.Table(
    "usage_counts", METADATA,
    sa.Column("week", sa.String(8), nullable=False),
    sa.Column("nation", sa.String(32), nullable=False, server_default=""),
    sa.Column("council", sa.String(128), nullable=False, server_default=""),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("outcome", sa.String(32), nullable=False),
    sa.Column("help_category", sa.String(64), nullable=False, server_default=""),
    sa.Column("count", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint(*KEY_COLUMNS, name="usage_counts_key"),
)

PURGE_RUNS = sa.Table(
    "purge_runs", METADATA,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("ran_at", sa.Float, nullable=False),          # seconds since 1970, UTC
    sa.Column("retention_days", sa.Integer, nullable=False),
    sa.Column("deleted_events", sa.Integer, nullable=False),
)


@dataclass(frozen=True)
class PurgeRun:
    ran_at: float
    retention_days: int
    deleted_events: int


def create_tables(engine: Engine) -> None:
    """Create the counter tables if missing (safe when replicas start together)."""
    try:
        METADATA.create_all(engine)
    except (sa.exc.OperationalError, sa.exc.ProgrammingError):
        # Another replica created them at the same moment; check they exist now.
        if not {"usage_counts", "purge_runs"} <= set(sa.inspect(engine).get_table_names()):
            raise


def add_counts(engine: Engine, counts: Mapping[CountKey, int]) -> None:
    """Add to the counters in one transaction: `count = count + n` per row."""
    rows = [{**{c: getattr(key, c) for c in KEY_COLUMNS}, "count": n}
            for key, n in counts.items() if n > 0]
    if not rows:
        return
    insert = _insert_for(engine)
    with engine.begin() as conn:
        for row in rows:
            statement = insert(USAGE_COUNTS).values(**row)
            conn.execute(statement.on_conflict_do_update(
                index_elements=list(KEY_COLUMNS),
                set_={"count": USAGE_COUNTS.c["count"] + statement.excluded["count"]}))


def _insert_for(engine: Engine):  # type: ignore[no-untyped-def]
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def read_counts(engine: Engine, weeks: Optional[Iterable[str]] = None) -> list[tuple[CountKey, int]]:
    """Every counter (optionally only for some weeks)."""
    query = sa.select(USAGE_COUNTS)
    if weeks is not None:
        query = query.where(USAGE_COUNTS.c.week.in_(list(weeks)))
    with engine.connect() as conn:
        return [(CountKey(**{c: row._mapping[c] for c in KEY_COLUMNS}), int(row._mapping["count"]))
                for row in conn.execute(query)]


def record_purge(engine: Engine, retention_days: int, deleted_events: int,
                 ran_at: Optional[float] = None) -> None:
    with engine.begin() as conn:
        conn.execute(sa.insert(PURGE_RUNS).values(
            ran_at=time.time() if ran_at is None else ran_at,
            retention_days=retention_days, deleted_events=deleted_events))
        keep = sa.select(PURGE_RUNS.c.id).order_by(PURGE_RUNS.c.id.desc()).limit(PURGE_RUNS_KEPT)
        conn.execute(sa.delete(PURGE_RUNS).where(PURGE_RUNS.c.id.not_in(keep.scalar_subquery())))


def last_purge(engine: Engine) -> Optional[PurgeRun]:
    query = sa.select(PURGE_RUNS).order_by(PURGE_RUNS.c.ran_at.desc()).limit(1)
    with engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    return PurgeRun(float(row.ran_at), int(row.retention_days), int(row.deleted_events))


def purge_runs(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(PURGE_RUNS)).scalar_one())


class CountWriter:
    """Writes counts on one background thread, so a save never waits for them.

    Counts arriving within `delay` seconds of each other are merged into one
    write, so a busy server adds one small transaction every few seconds, not
    one per message. A failed write is logged (the error's type only: never
    values or text) and dropped. `flush` writes at once and waits; counts still
    queued when the process is killed are lost.
    """

    def __init__(self, engine: Engine, delay: float = 2.0) -> None:
        self._engine = engine
        self._delay = delay
        self._queue: "queue.Queue[Union[Counter[CountKey], threading.Event]]" = queue.Queue()
        threading.Thread(target=self._loop, name="usage-counts", daemon=True).start()
        atexit.register(self.flush, 2.0)

    def submit(self, counts: Mapping[CountKey, int]) -> None:
        if counts:
            self._queue.put(Counter(counts))

    def flush(self, timeout: float = 10.0) -> bool:
        """Write everything submitted so far and wait for it; False on timeout."""
        done = threading.Event()
        self._queue.put(done)
        return done.wait(timeout)

    def _loop(self) -> None:
        while True:
            batch = self._collect()
            merged: Counter[CountKey] = Counter()
            for item in batch:
                if isinstance(item, Counter):
                    merged.update(item)
            try:
                add_counts(self._engine, merged)
            except Exception as exc:
                logger.error("Usage counts not recorded (%s); the conversation goes on",
                             type(exc).__name__)
            for item in batch:
                if isinstance(item, threading.Event):
                    item.set()

    def _collect(self) -> list[Union[Counter[CountKey], threading.Event]]:
        batch = [self._queue.get()]
        deadline = time.monotonic() + self._delay
        while not isinstance(batch[-1], threading.Event):
            try:
                batch.append(self._queue.get(timeout=max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                break
        while not self._queue.empty():  # anything else already waiting
            batch.append(self._queue.get_nowait())
        return batch
