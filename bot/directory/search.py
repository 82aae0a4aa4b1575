"""Find services for a kind of help, a person and a place. Never comes back empty
when the directory has any national service ("no wrong door").

Order of results (honest matching: each item says how it fits, in `fit`):
1. local services of the kind of help asked for that fit the person best
   (a dads' group for a dad), whose area covers the place (within radius_km
   of the service's location, same nation), nearest first;
2. services of that kind for the whole of the person's nation, then UK-wide
   ones, that fit the person best;
3. local, then national, services of that kind open to a wider group
   (fit "broader": a family group for a dad);
4. when nothing local fitted in 1, local services of related kinds of help
   (fit "other_kind", see RELATED_CATEGORIES);
5. when the kind of help has no national service for this person at all,
   national services of the first related kind that has some ("other_kind"),
   ending with helplines.
With no audience given (or "anyone"), every service of the kind counts as a
best fit, so 3 is empty and 1 is ranked by distance plus fit.

Fit (bot/directory/ranking.py): a category match is required; the audience
rules some services out (a father never sees women-only services) and puts
the rest in tiers. For local services each tier down counts as
TIER_PENALTY_KM more distance.

Speed: local services come from an R*Tree of service locations per kind of
help, searched in growing rings around the place until the best ones are
certain; national services come from an order worked out at build time
(national_rank), so a search reads only the rows it shows.
"""

from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Optional, Sequence, Union
from zoneinfo import ZoneInfo

from bot.directory.build import points_table
from bot.directory.locations import PlaceResult, resolve_place
from bot.directory.ranking import (
    CATEGORY_INDEX, NATION_CONTEXTS, context_key, exclusion_masks, names_an_audience, tier_sql,
)
from bot.directory.schema import AUDIENCES, CATEGORIES, DAYS, RELATED_CATEGORIES

UK_TIME = ZoneInfo("Europe/London")
TIER_PENALTY_KM = 15.0
EARTH_RADIUS_KM = 6371.0
KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180
FIRST_RING_KM = 4.0
RING_GROWTH = 2.5
KNOWN_CONTEXTS = {context_key(c) for c in NATION_CONTEXTS}
ANY_TIER = (0, 1_000)
BEST, BROADER, OTHER_KIND = "best", "broader", "other_kind"

Db = Union[str, Path, sqlite3.Connection]


class DirectoryUnavailable(RuntimeError):
    """The directory file is missing or is not a built directory."""


@dataclass(frozen=True)
class Phone:
    number: str
    type: str
    description: str = ""


@dataclass(frozen=True)
class ServiceItem:
    service_id: str
    name: str
    organisation: str
    description: str
    phones: tuple[Phone, ...]
    url: str
    email: str
    eligibility: str
    referral: str
    fees: str
    schedule: str
    open_now: Optional[bool]
    distance_km: Optional[float]
    scope: str                      # local | nation | uk
    nations: tuple[str, ...]
    area_name: str
    category: str                   # the kind of help it was found for
    source_url: str
    last_verified: str
    fit: str = BEST                 # best | broader (wider audience) | other_kind (another kind of help)


@dataclass(frozen=True)
class SearchResults:
    items: tuple[ServiceItem, ...]
    has_more: bool
    offset: int
    limit: int
    local_found: bool               # a local service of this kind fits the person best
    category: str
    audience: Optional[str]
    place_label: Optional[str]
    nation: Optional[str]
    fallback_categories: tuple[str, ...]   # related kinds of help used for the national part
    place_found: bool = False       # the place was found on the map (so "near" can be said)


@dataclass(frozen=True)
class _Hit:
    key: int
    scope: str
    category: str
    distance_km: Optional[float]
    area_name: str
    fit: str = BEST


def open_directory(db_path: Union[str, Path]) -> sqlite3.Connection:
    """Open the built directory read-only. Raises DirectoryUnavailable with a precise reason."""
    path = Path(db_path)
    if not path.is_file():
        raise DirectoryUnavailable(f"directory file {path} does not exist; "
                                   "build it with: python -m bot directory build")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        # Keep the indexes in memory: lookups then cost no file reads.
        conn.execute("PRAGMA cache_size = -65536")
        conn.execute("PRAGMA mmap_size = 268435456")
    except sqlite3.Error as exc:
        raise DirectoryUnavailable(f"directory file {path} cannot be read ({exc}); "
                                   "rebuild it with: python -m bot directory build") from exc
    return conn


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def search(db: Db, category: str, audience: Optional[str] = None,
           place: Union[PlaceResult, str, None] = None, nation: Optional[str] = None,
           limit: int = 5, offset: int = 0, now: Optional[datetime] = None) -> SearchResults:
    if category not in CATEGORY_INDEX:
        raise ValueError(f"unknown category {category!r}; use one of {', '.join(CATEGORIES)}")
    audience = audience if audience in AUDIENCES else None
    if isinstance(place, str):
        place = resolve_place(place)
    nations = _nations(place, nation)
    limit, offset = max(limit, 0), max(offset, 0)
    conn, owned = (db, False) if isinstance(db, sqlite3.Connection) else (open_directory(db), True)
    try:
        need = offset + limit + 1  # one more than the page, to know if there is more
        finder = _Finder(conn, category, audience, place if place and place.found else None, nations)
        hits, local_found = finder.ordered(need)
        items = _items(conn, hits[offset:offset + limit], now)
    finally:
        if owned:
            conn.close()
    return SearchResults(
        items=tuple(items), has_more=len(hits) >= need, offset=offset, limit=limit,
        local_found=local_found, category=category, audience=audience,
        place_label=place.label if place else None, nation=nations[0] if nations else None,
        fallback_categories=tuple(c for c in finder.national_kinds if c != category),
        place_found=bool(place and place.found),
    )


class _Finder:
    """The results in order, section by section, each read only as far as the page needs."""

    def __init__(self, conn: sqlite3.Connection, category: str, audience: Optional[str],
                 place: Optional[PlaceResult], nations: Sequence[str]) -> None:
        self.conn, self.category, self.audience = conn, category, audience
        self.place, self.nations = place, tuple(nations)
        self.best, self.broader = ((0, 0), (1, ANY_TIER[1])) if names_an_audience(audience) else (ANY_TIER, None)
        self.national_kinds: list[str] = []

    def ordered(self, need: int) -> tuple[list[_Hit], bool]:
        """Up to `need` hits in order, and whether a local service fits the person best."""
        hits: list[_Hit] = []
        seen: set[int] = set()
        local_best = self._local(self.category, self.best, need, BEST)
        kind = self._national_kind()
        sections = [lambda n: local_best]
        if kind == self.category:
            sections.append(lambda n: self._national(kind, self.best, n, BEST))
        if self.broader:
            sections.append(lambda n: self._local(self.category, self.broader, n, BROADER))
            if kind == self.category:
                sections.append(lambda n: self._national(kind, self.broader, n, BROADER))
        if not local_best:
            sections.append(self._local_other_kinds)
        if kind and kind != self.category:
            sections.append(lambda n: self._national(kind, ANY_TIER, n, OTHER_KIND))
        for section in sections:
            for hit in section(need - len(hits) + len(seen)):
                if hit.key not in seen:
                    seen.add(hit.key)
                    hits.append(hit)
            if len(hits) >= need:
                return hits[:need], bool(local_best)
        return hits, bool(local_best)

    def _local(self, category: str, tiers: tuple[int, int], need: int, fit: str) -> list[_Hit]:
        if self.place is None or need <= 0:
            return []
        rows = _local_hits(self.conn, category, self.audience, self.place, self.nations, need, tiers)
        return _local_page(self.conn, category, rows, fit)

    def _local_other_kinds(self, need: int) -> list[_Hit]:
        """Nearby services of related kinds of help, nearest best fit first."""
        found = [(hit_score, hit) for other in RELATED_CATEGORIES.get(self.category, ()) if other != self.category
                 for hit_score, hit in self._scored_local(other, need)]
        return [hit for _, hit in sorted(found, key=lambda pair: pair[0])]

    def _scored_local(self, category: str, need: int) -> list[tuple[tuple[float, float], _Hit]]:
        if self.place is None or need <= 0:
            return []
        rows = _local_hits(self.conn, category, self.audience, self.place, self.nations, need, ANY_TIER)
        hits = _local_page(self.conn, category, rows, OTHER_KIND)
        return [((row[1], row[2]), hit) for row, hit in zip(rows, hits)]

    def _national_kind(self) -> Optional[str]:
        """The kind of help the national part shows: the one asked for, else the first related
        kind with a national service for this person."""
        for candidate in (self.category, *RELATED_CATEGORIES.get(self.category, ())):
            if self._national(candidate, ANY_TIER, 1, BEST):
                self.national_kinds = [candidate]
                return candidate
        return None

    def _national(self, category: str, tiers: tuple[int, int], wanted: int, fit: str) -> list[_Hit]:
        if wanted <= 0:
            return []
        context = context_key(self.nations)
        if context not in KNOWN_CONTEXTS:
            context = context_key(self.nations[:1])
        rows = self.conn.execute(NATIONAL_SQL, (category, context, self.audience or "", *tiers, wanted))
        return [_Hit(key, scope, category, None, area or "", fit) for key, scope, area in rows]


def _nations(place: Optional[PlaceResult], nation: Optional[str]) -> tuple[str, ...]:
    if place is not None and place.nations:
        return place.nations
    return (nation,) if nation else ()


# Local services within `ring` km of the place whose own radius reaches it, best first.
# Distance is equirectangular (within 0.5% of great-circle distance at these ranges).
LOCAL_SQL = """
SELECT service_key, MIN(score) AS score, distance, id FROM (
  SELECT id, service_key, sort_name, sqrt(d2) AS distance, sqrt(d2) + ? * tier AS score
  FROM (
    SELECT a.id, a.service_key, a.sort_name, a.radius_km, {tier} AS tier,
           ((a.lat - ?) * {km_lat}) * ((a.lat - ?) * {km_lat}) + ((a.lon - ?) * ?) * ((a.lon - ?) * ?) AS d2
    FROM {points} r JOIN local_area a ON a.id = r.id
    WHERE r.min_lat <= ? AND r.max_lat >= ? AND r.min_lon <= ? AND r.max_lon >= ? {nation_filter}
      AND (a.aud_mask & ?) = 0 AND NOT ((a.aud_mask & ?) != 0 AND (a.aud_mask & ?) = 0)
  ) WHERE d2 <= radius_km * radius_km AND d2 <= ? AND tier BETWEEN ? AND ?
)
GROUP BY service_key
ORDER BY score, distance, sort_name
LIMIT ?
"""


def _local_hits(conn: sqlite3.Connection, category: str, audience: Optional[str],
                place: PlaceResult, nations: Sequence[str], need: int,
                tiers: tuple[int, int] = ANY_TIER) -> list[tuple]:
    """Up to `need` rows (service_key, score, distance_km, local_area id), best first,
    of services whose fit tier for `audience` lies in `tiers`.

    Searched in growing rings: once the need-th best score is no more than the ring's
    radius, nothing outside the ring can beat it, so the answer is exact."""
    reach = conn.execute("SELECT max_radius_km FROM local_reach WHERE category = ?", (category,)).fetchone()
    if not reach:
        return []
    _ensure_math(conn)
    lat, lon = place.latitude, place.longitude
    km_lon = KM_PER_DEGREE * math.cos(math.radians(lat))
    never, only, unless = exclusion_masks(audience)
    nation_filter = ""
    if nations:
        nation_filter = f"AND (a.nation IS NULL OR a.nation IN ({', '.join('?' * len(nations))}))"
    sql = LOCAL_SQL.format(tier=tier_sql(audience, "a.aud_mask"), km_lat=KM_PER_DEGREE,
                           points=points_table(category), nation_filter=nation_filter)
    ring = min(FIRST_RING_KM, reach[0])
    while True:
        d_lat = ring / 111.0
        d_lon = ring / (111.0 * max(math.cos(math.radians(abs(lat) + d_lat)), 0.01))
        rows = conn.execute(sql, (
            TIER_PENALTY_KM, lat, lat, lon, km_lon, lon, km_lon,
            lat + d_lat, lat - d_lat, lon + d_lon, lon - d_lon, *nations,
            never, only, unless, ring * ring, *tiers, need)).fetchall()
        if ring >= reach[0] or (len(rows) >= need and rows[need - 1][1] <= ring):
            return rows
        ring = min(ring * RING_GROWTH, reach[0])


def _local_page(conn: sqlite3.Connection, category: str, rows: list[tuple], fit: str = BEST) -> list[_Hit]:
    if not rows:
        return []
    names = dict(conn.execute(
        f"SELECT id, area_name FROM local_area WHERE id IN ({', '.join('?' * len(rows))})",
        [r[3] for r in rows]).fetchall())
    return [_Hit(key, "local", category, round(distance, 1), names.get(area_id) or "", fit)
            for key, _, distance, area_id in rows]


_MATH_OK: Optional[bool] = None


def _ensure_math(conn: sqlite3.Connection) -> None:
    """Older SQLite builds lack sqrt(); give them Python's."""
    global _MATH_OK
    if _MATH_OK is None:
        try:
            conn.execute("SELECT sqrt(4)").fetchone()
            _MATH_OK = True
        except sqlite3.OperationalError:
            _MATH_OK = False
    if not _MATH_OK:
        conn.create_function("sqrt", 1, math.sqrt, deterministic=True)


NATIONAL_SQL = ("SELECT service_key, scope, area_name FROM national_rank "
                "WHERE category = ? AND context = ? AND audience = ? AND tier BETWEEN ? AND ? "
                "ORDER BY position LIMIT ?")


def _items(conn: sqlite3.Connection, hits: list[_Hit], now: Optional[datetime]) -> list[ServiceItem]:
    if not hits:
        return []
    keys = [h.key for h in hits]
    marks = ",".join("?" * len(keys))
    cursor = conn.cursor()
    cursor.row_factory = sqlite3.Row
    cards = {row["service_key"]: row for row in
             cursor.execute(f"SELECT * FROM service_card WHERE service_key IN ({marks})", keys)}
    moment = _uk_time(now)
    items = []
    for hit in hits:
        card = cards[hit.key]
        schedules = json.loads(card["schedules_json"] or "[]")
        items.append(ServiceItem(
            service_id=card["service_id"], name=card["name"], organisation=card["organisation"],
            description=card["description"],
            phones=tuple(Phone(p["number"], p["type"], p.get("description", ""))
                         for p in json.loads(card["phones_json"] or "[]")),
            url=card["url"], email=card["email"], eligibility=card["eligibility"],
            referral=card["referral"], fees=card["fees"], schedule=schedule_text(schedules),
            open_now=open_now(schedules, moment), distance_km=hit.distance_km, scope=hit.scope,
            nations=tuple(n for n in (card["nations"] or "").split(",") if n),
            area_name=hit.area_name, category=hit.category, source_url=card["source_url"],
            last_verified=card["last_verified"], fit=hit.fit,
        ))
    return items


def _uk_time(now: Optional[datetime]) -> datetime:
    if now is None:
        return datetime.now(UK_TIME)
    if now.tzinfo is None:
        return now.replace(tzinfo=UK_TIME)
    return now.astimezone(UK_TIME)


def _minutes(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


def open_now(schedules: list[dict[str, str]], moment: datetime) -> Optional[bool]:
    """True/False from the opening times; None when no times are given."""
    timed = [s for s in schedules if s.get("opens_at") and s.get("closes_at") and s.get("byday")]
    if not timed:
        return None
    today = DAYS[moment.weekday()]
    yesterday = DAYS[(moment - timedelta(days=1)).weekday()]
    minute = moment.hour * 60 + moment.minute
    for schedule in timed:
        days = {d.strip().upper() for d in schedule["byday"].split(",")}
        opens, closes = _minutes(schedule["opens_at"]), _minutes(schedule["closes_at"])
        if opens < closes:
            if today in days and opens <= minute < closes:
                return True
        elif (today in days and minute >= opens) or (yesterday in days and minute < closes):
            return True  # open past midnight
    return False


DAY_NAMES = dict(zip(DAYS, ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")))


def schedule_text(schedules: list[dict[str, str]]) -> str:
    """Plain words for the opening times: the written description, or one made from the times."""
    parts = []
    for schedule in schedules:
        if schedule.get("description"):
            parts.append(schedule["description"].rstrip("."))
        elif schedule.get("opens_at") == "00:00" and schedule.get("closes_at") == "24:00":
            parts.append(f"{_days_text(schedule.get('byday', ''))}, 24 hours")
        elif schedule.get("opens_at") and schedule.get("byday"):
            parts.append(f"{_days_text(schedule['byday'])}, {_time_text(schedule['opens_at'])} "
                         f"to {_time_text(schedule['closes_at'])}")
    return ". ".join(dict.fromkeys(parts))


def _days_text(byday: str) -> str:
    days = [d.strip().upper() for d in byday.split(",") if d.strip().upper() in DAY_NAMES]
    if len(days) == 7:
        return "Every day"
    indexes = [DAYS.index(d) for d in days]
    if len(days) > 2 and indexes == list(range(indexes[0], indexes[0] + len(days))):
        return f"{DAY_NAMES[days[0]]} to {DAY_NAMES[days[-1]]}"
    return ", ".join(DAY_NAMES[d] for d in days)


def _time_text(value: str) -> str:
    if value in ("24:00", "00:00"):
        return "midnight"
    hours, minutes = (int(x) for x in value.split(":"))
    suffix = "am" if hours < 12 else "pm"
    hours12 = hours % 12 or 12
    return f"{hours12}{suffix}" if minutes == 0 else f"{hours12}:{minutes:02d}{suffix}"


def text_search(db: Db, query: str, limit: int = 10) -> list[dict[str, Any]]:
    """Staff search over names, descriptions, organisations and eligibility (FTS5)."""
    words = [w for w in "".join(c if c.isalnum() else " " for c in query).split() if w][:10]
    if not words:
        return []
    expression = " ".join(f'"{w}"' for w in words)
    conn, owned = (db, False) if isinstance(db, sqlite3.Connection) else (open_directory(db), True)
    try:
        rows = conn.execute(
            "SELECT c.service_id, c.name, c.organisation FROM service_card_fts f "
            "JOIN service_card c ON c.service_key = f.rowid WHERE service_card_fts MATCH ? "
            "ORDER BY rank LIMIT ?", (expression, limit)).fetchall()
    finally:
        if owned:
            conn.close()
    return [{"service_id": r[0], "name": r[1], "organisation": r[2]} for r in rows]
