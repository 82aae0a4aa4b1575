"""Phone lines open now: the nation- and UK-wide lines of the directory that are
open at a given moment, and when the closed ones open next.

The clock is a parameter: nothing here reads the time. Opening times in the
directory are UK wall-clock times, so a moment is first turned into
Europe/London time (BST in summer, GMT in winter), then compared with the
times as written, including times past midnight.

A line with no opening times, or with times that cannot be read, is never
said to be open: it is left out, and staff get one warning naming the
service (never any message text).

Order of open lines: lines for everyone before lines for one group (like
Childline, for young people); then crisis lines that listen to anything,
other crisis lines, and other lines; then lines open all week; then lines
for the person's own nation before UK-wide ones; then by name. Closed lines:
lines for everyone first, then the one that opens soonest.

When the nation is not known, only UK-wide lines are looked at: a line for one
nation is never offered to someone who may live in another.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, Optional, Union
from zoneinfo import ZoneInfo

from bot.directory.ranking import fit_tier
from bot.directory.schema import DAYS, NATIONS
from bot.directory.search import Phone, open_directory

logger = logging.getLogger(__name__)

UK_TIME = ZoneInfo("Europe/London")
CRISIS = "crisis_line"
LISTENING = "mental_health"
LOOKAHEAD_DAYS = 8          # far enough to find the next opening of a weekly line
ALL_WEEK = timedelta(days=7)
MIDNIGHT = time(0, 0)

Db = Union[str, Path, sqlite3.Connection]
Interval = tuple[datetime, datetime]  # UK wall-clock times, naive


class ScheduleError(ValueError):
    """Opening times that are missing or cannot be read."""


@dataclass(frozen=True)
class Line:
    service_id: str
    name: str
    phones: tuple[Phone, ...]
    free: bool
    categories: tuple[str, ...]
    audiences: frozenset[str]
    nations: tuple[str, ...]   # the nations it serves as a whole; () when only UK-wide
    closed_on_bank_holidays: bool = False   # its opening times say so (bank holidays are not known here)

    @property
    def crisis(self) -> bool:
        return CRISIS in self.categories

    @property
    def for_everyone(self) -> bool:
        return not self.audiences or fit_tier(None, self.audiences) == 0

    @property
    def kind_rank(self) -> int:
        """0: a crisis line that listens to anything; 1: another crisis line; 2: any other line."""
        if self.crisis:
            return 0 if LISTENING in self.categories else 1
        return 2


@dataclass(frozen=True)
class OpenLine:
    line: Line
    all_week: bool               # open every hour of the coming week ("open 24 hours")
    closes: Optional[datetime]   # UK wall-clock time it closes; None when all_week


@dataclass(frozen=True)
class LaterLine:
    line: Line
    opens: datetime              # UK wall-clock time it opens next


@dataclass(frozen=True)
class LineState:
    is_open: bool
    until: Optional[datetime] = None          # open: when it closes (None: open all week)
    next_opening: Optional[datetime] = None   # closed: when it opens (None: not this week)


@dataclass(frozen=True)
class LinesNow:
    moment: datetime             # the moment asked about, in UK time
    nation: Optional[str]
    open: tuple[OpenLine, ...]
    later: tuple[LaterLine, ...]


def uk_time(now: datetime) -> datetime:
    """The moment in UK time. A naive datetime is taken as UK wall-clock time already."""
    if now.tzinfo is None:
        return now.replace(tzinfo=UK_TIME)
    return now.astimezone(UK_TIME)


def lines_now(db: Db, now: datetime, nation: Optional[str] = None,
              limit: int = 5, later_limit: int = 3) -> LinesNow:
    """Lines open at `now` (at most `limit`) and closed lines with their next opening."""
    moment = uk_time(now)
    nation = nation if nation in NATIONS else None
    wall = moment.replace(tzinfo=None)
    opened: list[OpenLine] = []
    later: list[LaterLine] = []
    for line, schedules in _candidates(db, nation):
        try:
            state = line_state(schedules, wall)
        except ScheduleError as exc:
            _warn_once(line.service_id, str(exc))
            continue
        if state.is_open:
            opened.append(OpenLine(line, all_week=state.until is None, closes=state.until))
        elif state.next_opening is not None:
            later.append(LaterLine(line, opens=state.next_opening))
    opened.sort(key=lambda o: (not o.line.for_everyone, o.line.kind_rank, not o.all_week,
                               nation not in o.line.nations, o.line.name.lower()))
    later.sort(key=lambda c: (not c.line.for_everyone, c.opens, c.line.kind_rank, c.line.name.lower()))
    return LinesNow(moment, nation, tuple(opened[:max(limit, 0)]), tuple(later[:max(later_limit, 0)]))


def lines_open_now(db: Db, now: datetime, nation: Optional[str] = None, limit: int = 5) -> list[OpenLine]:
    return list(lines_now(db, now, nation, limit=limit).open)


def lines_opening_later(db: Db, now: datetime, nation: Optional[str] = None,
                        limit: int = 3) -> list[LaterLine]:
    return list(lines_now(db, now, nation, later_limit=limit).later)


# --- opening times -------------------------------------------------------------

def line_state(schedules: list[dict[str, Any]], wall: datetime) -> LineState:
    """Open or closed at UK wall-clock time `wall`, with when that changes.
    Raises ScheduleError when there are no opening times or they cannot be read."""
    for start, end in opening_intervals(schedules, wall.date()):
        if start <= wall < end:
            return LineState(True, until=None if end - wall >= ALL_WEEK else end)
        if start > wall:
            return LineState(False, next_opening=start)
    return LineState(False)


def opening_intervals(schedules: list[dict[str, Any]], today: date) -> list[Interval]:
    """Merged opening spans from the day before `today` to LOOKAHEAD_DAYS after it."""
    rows = [_parse_row(s) for s in schedules if (s.get("opens_at") or s.get("closes_at"))]
    if not rows:
        raise ScheduleError("has no opening times")
    spans: list[Interval] = []
    for offset in range(-1, LOOKAHEAD_DAYS):
        day = today + timedelta(days=offset)
        for days, opens, closes in rows:
            if DAYS[day.weekday()] in days:
                start = datetime.combine(day, opens)
                end = datetime.combine(day + timedelta(days=1), closes) if closes <= opens \
                    else datetime.combine(day, closes)
                spans.append((start, end))
    return _merge(spans)


def _parse_row(schedule: dict[str, Any]) -> tuple[frozenset[str], time, time]:
    byday = str(schedule.get("byday") or "")
    days = frozenset(d.strip().upper() for d in byday.split(",") if d.strip())
    if not days:
        raise ScheduleError("has opening times but no days (byday)")
    unknown = days - set(DAYS)
    if unknown:
        raise ScheduleError(f"has days that cannot be read: {', '.join(sorted(unknown))}")
    opens = _clock(schedule.get("opens_at"), "opens_at")
    closes = _clock(schedule.get("closes_at"), "closes_at")
    return days, opens, closes


def _clock(value: Any, field: str) -> time:
    """HH:MM on the 24-hour clock; closes_at may be 24:00 (read as midnight, the day after)."""
    text = str(value or "").strip()
    try:
        hours, minutes = (int(part) for part in text.split(":"))
    except ValueError:
        raise ScheduleError(f"{field} {text!r} is not a time written HH:MM") from None
    if field == "closes_at" and (hours, minutes) == (24, 0):
        return MIDNIGHT
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise ScheduleError(f"{field} {text!r} is not a real time")
    return time(hours, minutes)


def _merge(spans: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


# --- the directory ---------------------------------------------------------------

CANDIDATES_SQL = """
SELECT c.service_id, c.name, c.categories, c.audiences, c.nations, c.fees, c.phones_json, c.schedules_json
FROM service_card c
WHERE c.service_key IN (SELECT service_key FROM national_area WHERE scope = 'uk' OR nation = ?)
ORDER BY c.service_key
"""


def _candidates(db: Db, nation: Optional[str]) -> list[tuple[Line, list[dict[str, Any]]]]:
    """Nation- and UK-wide services with a phone, text or WhatsApp number, for this nation
    (UK-wide ones only when the nation is not known)."""
    conn, owned = (db, False) if isinstance(db, sqlite3.Connection) else (open_directory(db), True)
    try:
        rows = conn.execute(CANDIDATES_SQL, (nation,)).fetchall()
    finally:
        if owned:
            conn.close()
    found = []
    for service_id, name, categories, audiences, nations, fees, phones_json, schedules_json in rows:
        phones = tuple(Phone(p["number"], p["type"], p.get("description", ""))
                       for p in json.loads(phones_json or "[]") if p.get("number"))
        if not phones:
            continue  # a website or an app, not a line
        schedules = json.loads(schedules_json or "[]")
        line = Line(service_id=service_id, name=name, phones=phones, free=fees == "free",
                    categories=_split(categories), audiences=frozenset(_split(audiences)),
                    nations=_split(nations), closed_on_bank_holidays=_closed_on_bank_holidays(schedules))
        found.append((line, schedules))
    return found


def _closed_on_bank_holidays(schedules: list[dict[str, Any]]) -> bool:
    words = " ".join(str(s.get("description") or "") for s in schedules).lower()
    return "bank holiday" in words and "closed" in words


def _split(value: Optional[str]) -> tuple[str, ...]:
    return tuple(v for v in (value or "").split(",") if v)


@lru_cache(maxsize=None)
def _warn_once(service_id: str, problem: str) -> None:
    """One warning per service and problem for each process, not one per conversation."""
    logger.warning("Directory service %s %s, so it is not listed among lines open now. "
                   "Add opens_at, closes_at and byday for it in schedules.csv, then rebuild "
                   "the directory (python -m bot directory build).", service_id, problem)
