"""Build one SQLite file from the directory's CSV files.

The file holds the source tables exactly as written (so `export` gives the
CSVs back), plus tables made for fast lookups:

- service_card: one row per active service with everything a reply shows;
- local_area + local_points_<kind of help>: one row per (service, kind of
  help, location) with the radius it serves, and an R*Tree of those
  locations for each kind of help;
- local_reach: the widest radius for each kind of help (where ring searches stop);
- national_area: nation- and UK-wide rows; national_rank: the order they are
  shown in for each kind of help, nation context and audience, with each one's
  fit tier (0 = the best fit for that audience);
- service_card_fts: FTS5 over service name, description, organisation and
  eligibility, for staff search.

The file is written to a temporary name and renamed at the end, so a running
assistant never sees a half-built directory and a failed build keeps the old one.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

import sqlite_utils

from bot.directory.councils import write_council_tables
from bot.directory.locations import district_of, nation_for_outcode
from bot.directory.ranking import (
    AUDIENCE_BITS, CATEGORY_INDEX, NATION_CONTEXTS, audiences_of, context_key, excluded, fit_tier,
)
from bot.directory.schema import AUDIENCES, CATEGORIES, TABLES
from bot.directory.validate import (
    DEFAULT_OUTCODES, DirectoryValidationError, Row, SourceTables, load_outcodes, location_coordinates,
    validate_source,
)

SCHEMA_VERSION = "1"
CARD_COLUMNS = (
    "service_key", "service_id", "name", "organisation", "description", "url", "email", "eligibility",
    "referral", "fees", "languages", "source_url", "last_verified", "categories", "audiences", "nations",
    "area_names", "phones_json", "schedules_json",
)


@dataclass
class BuildReport:
    db_path: Path
    seconds: float
    counts: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.counts.items())
        return f"Built {self.db_path} in {self.seconds:.2f}s ({counts})"


def build(source_dir: Path, db_path: Path, outcodes_csv: Optional[Path] = DEFAULT_OUTCODES,
          today: Any = None) -> BuildReport:
    """Validate the CSVs, then write db_path atomically. Raises DirectoryValidationError."""
    started = time.perf_counter()
    source_dir, db_path = Path(source_dir), Path(db_path)
    outcodes = load_outcodes(outcodes_csv)
    tables, errors = validate_source(source_dir, outcodes=outcodes, today=today)
    if errors:
        raise DirectoryValidationError(errors)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = db_path.with_name(f".{db_path.name}.{os.getpid()}.tmp")
    tmp_path.unlink(missing_ok=True)
    try:
        counts = _write(tmp_path, tables, outcodes, source_dir)
        os.replace(tmp_path, db_path)
    finally:
        tmp_path.unlink(missing_ok=True)
    return BuildReport(db_path, time.perf_counter() - started, counts)


def _write(path: Path, tables: SourceTables, outcodes: Mapping[str, tuple[float, float]],
           source_dir: Path) -> dict[str, int]:
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode = OFF")
    db.execute("PRAGMA synchronous = OFF")
    with db.conn:
        _write_source_tables(db, tables)
        cards, areas = _derive(tables, outcodes)
        _write_cards(db, cards)
        _write_areas(db, areas)
        _write_meta(db, source_dir, len(cards), len(areas))
        write_council_tables(db.conn)  # postcode district -> council (bot/directory/councils.py)
    db["service_card"].enable_fts(["name", "description", "organisation", "eligibility"],
                                  fts_version="FTS5", create_triggers=False, tokenize="porter")
    db.execute("ANALYZE")
    db.conn.close()
    return {"services": len(cards), "search rows": len(areas),
            "local rows": sum(1 for a in areas if a["scope"] == "local")}


def _insert(db: sqlite_utils.Database, table: str, columns: list[str], rows: Iterable[Iterable[Any]]) -> None:
    """Plain executemany: sqlite-utils' insert_all is several times slower at 100,000 rows."""
    names = ", ".join(f"[{c}]" for c in columns)
    marks = ", ".join("?" * len(columns))
    db.conn.executemany(f"INSERT INTO [{table}] ({names}) VALUES ({marks})", rows)


def _write_source_tables(db: sqlite_utils.Database, tables: SourceTables) -> None:
    db["source_columns"].create({"table_name": str, "position": int, "column_name": str},
                                pk=("table_name", "position"))
    for table in TABLES:
        header = [h for h in tables.headers[table.name] if h]
        db["source_columns"].insert_all(
            {"table_name": table.name, "position": i, "column_name": name} for i, name in enumerate(header))
        db[table.name].create({name: str for name in header}, pk="id")
        _insert(db, table.name, header,
                ([row.get(name, "") for name in header] for row in tables.rows[table.name] if row))
    for table in TABLES:
        for column in table.columns:
            if column.ref:
                db[table.name].create_index([column.name], if_not_exists=True)


def _derive(tables: SourceTables, outcodes: Mapping[str, tuple[float, float]]) \
        -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows = {t.name: [r for r in tables.rows[t.name] if r] for t in TABLES}
    orgs = {r["id"]: r for r in rows["organizations"]}
    terms = {r["id"]: r for r in rows["taxonomy_terms"]}
    locations = {r["id"]: r for r in rows["locations"]}
    by_service = {name: _group(rows[name], "service_id")
                  for name in ("phones", "schedules", "service_areas", "service_taxonomy",
                               "service_at_locations")}
    cards: list[dict[str, Any]] = []
    areas: list[dict[str, Any]] = []
    for service in rows["services"]:
        if service.get("status") != "active":
            continue
        key = len(cards) + 1
        sid = service["id"]
        service_terms = [terms[t["taxonomy_term_id"]] for t in by_service["service_taxonomy"].get(sid, [])]
        categories = sorted({t["term"] for t in service_terms if t["vocabulary"] == "category"},
                            key=CATEGORY_INDEX.get)
        audiences = sorted({t["term"] for t in service_terms if t["vocabulary"] == "audience"},
                           key=AUDIENCES.index)
        service_areas = by_service["service_areas"].get(sid, [])
        cards.append(_card(key, service, orgs.get(service["organization_id"], {}), categories, audiences,
                           by_service, service_areas))
        points = []
        for link in by_service["service_at_locations"].get(sid, []):
            location = locations.get(link["location_id"])
            point = location_coordinates(location, outcodes) if location else None
            if point:
                points.append((point, _location_nation(location)))
        mask = sum(AUDIENCE_BITS[a] for a in audiences) or AUDIENCE_BITS["anyone"]
        covered = _covered_nations(service_areas)
        for area in service_areas:
            areas.extend(_area_rows(key, service["name"], categories, mask, area, points, covered))
    return cards, areas


def _group(rows: Iterable[Row], column: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = {}
    for row in rows:
        grouped.setdefault(row[column], []).append(row)
    return grouped


def _card(key: int, service: Row, org: Row, categories: list[str], audiences: list[str],
          by_service: dict[str, dict[str, list[Row]]], areas: list[Row]) -> dict[str, Any]:
    sid = service["id"]
    phones = [{"number": p["number"], "type": p["type"], "description": p.get("description", "")}
              for p in by_service["phones"].get(sid, [])]
    schedules = [{k: s.get(k, "") for k in ("byday", "opens_at", "closes_at", "description")}
                 for s in by_service["schedules"].get(sid, [])]
    return {
        "service_key": key, "service_id": sid, "name": service["name"],
        "organisation": org.get("name", ""), "description": service["description"],
        "url": service.get("url", "") or org.get("url", ""), "email": service.get("email", ""),
        "eligibility": service.get("eligibility", ""), "referral": service.get("referral", ""),
        "fees": service.get("fees", ""), "languages": service.get("languages", ""),
        "source_url": service["source_url"], "last_verified": service["last_verified"],
        "categories": ",".join(categories), "audiences": ",".join(audiences),
        "nations": ",".join(sorted({a["nation"] for a in areas if a.get("nation") and a["scope"] == "nation"})),
        "area_names": "; ".join(dict.fromkeys(a["area_name"] for a in areas if a.get("area_name"))),
        "phones_json": json.dumps(phones), "schedules_json": json.dumps(schedules),
    }


def _location_nation(location: Row) -> Optional[str]:
    district = district_of(location.get("postcode", ""))
    return nation_for_outcode(district) if district else None


def _covered_nations(areas: list[Row]) -> set[str]:
    """Nations where a service already works everywhere ("uk" stands for all of them)."""
    covered = {a["nation"] for a in areas if a["scope"] == "nation" and a.get("nation")}
    return covered | ({"uk"} if any(a["scope"] == "uk" for a in areas) else set())


def _area_rows(key: int, name: str, categories: list[str], mask: int, area: Row,
               points: list[tuple[tuple[float, float], Optional[str]]], covered: set[str]) \
        -> list[dict[str, Any]]:
    """Search rows for one area. A local row is left out where the service already works
    nation- or UK-wide, so a service is never listed twice."""
    base = {"service_key": key, "scope": area["scope"], "aud_mask": mask,
            "area_name": area.get("area_name", ""), "sort_name": name.lower()}
    rows = []
    for category in categories:
        if area["scope"] != "local":
            rows.append({**base, "category": category, "nation": area.get("nation") or None,
                         "lat": None, "lon": None, "radius_km": None})
            continue
        radius = float(area["radius_km"])
        for (lat, lon), location_nation in points:
            nation = area.get("nation") or location_nation
            if "uk" in covered or nation in covered:
                continue
            rows.append({**base, "category": category, "nation": nation,
                         "lat": lat, "lon": lon, "radius_km": radius})
    return rows


def _write_cards(db: sqlite_utils.Database, cards: list[dict[str, Any]]) -> None:
    columns = list(CARD_COLUMNS)
    db["service_card"].create({c: (int if c == "service_key" else str) for c in columns}, pk="service_key")
    _insert(db, "service_card", columns, ([card[c] for c in columns] for card in cards))
    db["service_card"].create_index(["service_id"], unique=True)


def points_table(category: str) -> str:
    return f"local_points_{category}"


def _write_areas(db: sqlite_utils.Database, areas: list[dict[str, Any]]) -> None:
    _write_local(db, [a for a in areas if a["scope"] == "local"])
    national = [a for a in areas if a["scope"] != "local"]
    db["national_area"].create({"service_key": int, "category": str, "scope": str, "nation": str,
                                "aud_mask": int, "area_name": str, "sort_name": str})
    columns = ["service_key", "category", "scope", "nation", "aud_mask", "area_name", "sort_name"]
    _insert(db, "national_area", columns, ([a[c] for c in columns] for a in national))
    _write_national_rank(db, national)
    db.execute("CREATE VIEW search_area AS "
               "SELECT service_key, category, 'local' AS scope, nation FROM local_area UNION ALL "
               "SELECT service_key, category, scope, nation FROM national_area")


def _write_local(db: sqlite_utils.Database, local: list[dict[str, Any]]) -> None:
    """local_area rows, an R*Tree of their locations per kind of help, and each kind's widest radius."""
    db["local_area"].create({
        "id": int, "service_key": int, "category": str, "nation": str, "lat": float, "lon": float,
        "radius_km": float, "aud_mask": int, "area_name": str, "sort_name": str}, pk="id")
    numbered = [{"id": i + 1, **a} for i, a in enumerate(local)]
    columns = ["id", "service_key", "category", "nation", "lat", "lon", "radius_km", "aud_mask",
               "area_name", "sort_name"]
    _insert(db, "local_area", columns, ([a[c] for c in columns] for a in numbered))
    for category in CATEGORIES:
        db.execute(f"CREATE VIRTUAL TABLE {points_table(category)} USING rtree(id, min_lat, max_lat, min_lon, max_lon)")
        db.conn.executemany(f"INSERT INTO {points_table(category)} VALUES (?, ?, ?, ?, ?)",
                            ((a["id"], a["lat"], a["lat"], a["lon"], a["lon"])
                             for a in numbered if a["category"] == category))
    db["local_reach"].create({"category": str, "max_radius_km": float}, pk="category")
    reach: dict[str, float] = {}
    for a in numbered:
        reach[a["category"]] = max(reach.get(a["category"], 0.0), a["radius_km"])
    _insert(db, "local_reach", ["category", "max_radius_km"], reach.items())


def _write_national_rank(db: sqlite_utils.Database, national: list[dict[str, Any]]) -> None:
    """The order nation- and UK-wide services are shown in, for every kind of help, nation
    (or pair of nations near a border, or none known) and audience, worked out once here."""
    db.execute("CREATE TABLE national_rank (category TEXT NOT NULL, context TEXT NOT NULL, "
               "audience TEXT NOT NULL, position INTEGER NOT NULL, service_key INTEGER NOT NULL, "
               "scope TEXT NOT NULL, area_name TEXT, tier INTEGER NOT NULL, "
               "PRIMARY KEY (category, context, audience, position)) WITHOUT ROWID")
    by_category: dict[str, dict[int, list[dict[str, Any]]]] = {}
    for area in national:
        by_category.setdefault(area["category"], {}).setdefault(area["service_key"], []).append(area)
    rows = []
    for category, services in by_category.items():
        for nations in NATION_CONTEXTS:
            placed = [p for p in (_placement(areas, nations) for areas in services.values()) if p]
            for p in placed:
                p["audiences"] = audiences_of(p["aud_mask"])
            for audience in (None, *AUDIENCES):
                ranked = sorted(
                    (fit_tier(audience, p["audiences"]), p["scope_rank"], p["sort_name"], p["key"], p)
                    for p in placed if not excluded(audience, p["audiences"]))
                rows.extend((category, context_key(nations), audience or "", position, p["key"], p["scope"],
                             p["area_name"], tier) for position, (tier, *_, p) in enumerate(ranked))
    db.conn.executemany("INSERT INTO national_rank VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


def _placement(areas: list[dict[str, Any]], nations: tuple[str, ...]) -> Optional[dict[str, Any]]:
    """How one service shows for people in `nations`: own-nation areas first, then UK-wide;
    with no nation known, UK-wide first. None when it does not serve them."""
    own = [a for a in areas if a["scope"] == "nation" and (not nations or a["nation"] in nations)]
    uk = [a for a in areas if a["scope"] == "uk"]
    order = (own, uk) if nations else (uk, own)
    for rank, group in enumerate(order):
        if group:
            area = group[0]
            return {"key": area["service_key"], "scope": area["scope"], "scope_rank": rank,
                    "area_name": area["area_name"], "sort_name": area["sort_name"], "aud_mask": area["aud_mask"]}
    return None


def _write_meta(db: sqlite_utils.Database, source_dir: Path, n_cards: int, n_areas: int) -> None:
    db["meta"].insert_all([
        {"key": "schema_version", "value": SCHEMA_VERSION},
        {"key": "built_at", "value": datetime.now(timezone.utc).isoformat(timespec="seconds")},
        {"key": "source", "value": str(source_dir)},
        {"key": "active_services", "value": str(n_cards)},
        {"key": "search_rows", "value": str(n_areas)},
    ], pk="key")
