"""The local door: which council (or, in Northern Ireland, which Health and Social
Care Trust) runs children's social care for a postcode district, and which
body helps with housing.

Derived from data/councils/ (sources and credits in its README):
1. the district centre (data/places/uk_outcodes.csv) falls inside a 2013
   district polygon, or else the nearest one (centres just off the coast);
2. its GSS code maps to a register authority; `replaced-by` is followed to
   the current one (the 2019-2023 reorganisations merged whole districts);
3. in a two-tier English area the county runs children's services and the
   district runs housing; elsewhere one council does both; in Northern
   Ireland a Trust runs children's social work (NI_TRUSTS) and the Housing
   Executive helps with housing;
4. a centre near another authority's boundary is "probably": the other
   authority is kept too (at most MAX_OTHERS, nearest first), so both can be
   named. "Near" is NEAR_KM, or half the distance to the next district centre
   where districts are packed closer (a district reaches about that far).

The table is written into the directory file at build time (`outcode_council`
and `council_body`); `python -m bot directory councils` prints or exports it.
"""

from __future__ import annotations

import csv
import math
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional

from bot.directory.boundaries import Boundaries
from bot.directory.locations import PLACES_DIR, CROWN_DEPENDENCIES, outcode_area

COUNCILS_DIR = Path(__file__).resolve().parents[2] / "data" / "councils"
NEAR_KM = 2.0
MAX_OTHERS = 2
GOV_UK_FINDER = "https://www.gov.uk/find-local-council"
NATIONS = {"England": "england", "Wales": "wales", "Scotland": "scotland",
           "Northern Ireland": "northern_ireland"}

# Northern Ireland: children's social work is run by five Health and Social Care Trusts, whose
# areas follow the 26 districts in use before 2015. Sources (checked 2025): the Southern Trust
# serves the former Newry & Mourne, Banbridge, Armagh, Craigavon and Dungannon districts; the
# Western Trust five former council areas (Derry, Limavady, Strabane, Omagh, Fermanagh); the
# Belfast Trust Belfast and part of Castlereagh; the South Eastern Trust Lisburn, Down, North
# Down, Ards and the rest of Castlereagh; the Northern Trust the rest (data/councils/README.md).
TRUSTS = {
    "BHSCT": ("Belfast Health and Social Care Trust", "https://belfasttrust.hscni.net/"),
    "NHSCT": ("Northern Health and Social Care Trust", "https://www.northerntrust.hscni.net/"),
    "SEHSCT": ("South Eastern Health and Social Care Trust", "https://setrust.hscni.net/"),
    "SHSCT": ("Southern Health and Social Care Trust", "https://southerntrust.hscni.net/"),
    "WHSCT": ("Western Health and Social Care Trust", "https://westerntrust.hscni.net/"),
}
NIHE = ("NIHE", "Northern Ireland Housing Executive", "https://www.nihe.gov.uk/")
# 2015 district (register code) -> Trusts serving it, most people first.
NI_TRUSTS: dict[str, tuple[str, ...]] = {
    "ANN": ("NHSCT",), "MEA": ("NHSCT",), "BFS": ("BHSCT",), "AND": ("SEHSCT",),
    "LBC": ("SEHSCT", "BHSCT"), "ABC": ("SHSCT",), "DRS": ("WHSCT",), "FMO": ("WHSCT",),
    "CCG": ("NHSCT", "WHSCT"),     # Limavady was in the Western Trust
    "MUL": ("NHSCT", "SHSCT"),     # Dungannon was in the Southern Trust
    "NMD": ("SHSCT", "SEHSCT"),    # Newry & Mourne Southern, Down South Eastern
}
# Districts inside a split 2015 district whose former district (and so Trust) is clear.
NI_TRUST_BY_OUTCODE = {
    "BT49": "WHSCT",                                   # Limavady
    "BT51": "NHSCT", "BT52": "NHSCT", "BT53": "NHSCT", "BT54": "NHSCT", "BT56": "NHSCT",
    "BT57": "NHSCT",                                   # Coleraine, Ballymoney, Moyle
    "BT45": "NHSCT", "BT46": "NHSCT", "BT80": "NHSCT",  # Magherafelt, Maghera, Cookstown
    "BT70": "SHSCT", "BT71": "SHSCT",                  # Dungannon, Coalisland
    "BT34": "SHSCT", "BT35": "SHSCT",                  # Newry, Kilkeel, south Armagh
    "BT30": "SEHSCT", "BT31": "SEHSCT", "BT33": "SEHSCT", "BT24": "SEHSCT",  # Down
    "BT27": "SEHSCT", "BT28": "SEHSCT",                # Lisburn
}
CROWN_GOVERNMENTS = {
    "GY": ("States of Guernsey", "https://www.gov.gg/"),
    "JE": ("Government of Jersey", "https://www.gov.je/"),
    "IM": ("Isle of Man Government", "https://www.gov.im/"),
}


@dataclass(frozen=True)
class Body:
    code: str
    name: str
    nation: str
    url: str


@dataclass(frozen=True)
class CouncilRow:
    """One postcode district: who runs children's social care and who helps with housing."""
    outcode: str
    nation: str                      # "" for Guernsey, Jersey and the Isle of Man
    social_care: tuple[str, ...]     # body codes, the likeliest first
    housing: tuple[str, ...]
    council_area: str                # the unitary / district / NI council, for coverage counts
    how: str                         # inside | nearest | sibling | crown_dependency


@dataclass(frozen=True)
class LocalDoor:
    """What a reply names for one place."""
    place: str
    nation: str
    social_care: tuple[Body, ...]
    housing: tuple[Body, ...]
    crown: Optional[tuple[str, str]] = None   # (government, website) outside the UK nations

    @property
    def probably(self) -> bool:
        return len(self.social_care) > 1 or len(self.housing) > 1


# --- the register --------------------------------------------------------------------------

@lru_cache(maxsize=2)
def load_register(directory: Path = COUNCILS_DIR) -> dict[str, dict[str, str]]:
    with open(directory / "uk_local_authorities.csv", encoding="utf-8") as handle:
        return {row["local-authority-code"]: row for row in csv.DictReader(handle)}


@lru_cache(maxsize=2)
def load_gss_lookup(directory: Path = COUNCILS_DIR) -> dict[str, str]:
    with open(directory / "lookup_gss_to_registry.csv", encoding="utf-8") as handle:
        return {row["gss-code"]: row["local-authority-code"] for row in csv.DictReader(handle)}


def current_code(code: str, register: dict[str, dict[str, str]]) -> str:
    """Follow `replaced-by` to the authority in place today."""
    seen = set()
    while register[code]["current-authority"] != "True" and register[code]["replaced-by"]:
        if code in seen:
            raise ValueError(f"replaced-by loops at {code}")
        seen.add(code)
        code = register[code]["replaced-by"].split(",")[0].strip()
    return code


def roles(code: str, register: dict[str, dict[str, str]]) -> tuple[tuple[str, ...], str]:
    """(children's social care bodies, housing body) for a current lower-tier or unitary code."""
    row = register[code]
    if row["nation"] == "Northern Ireland":
        return NI_TRUSTS[code], NIHE[0]
    county = row["county-la"].strip()
    return ((county if county else code),), code


def bodies(register: Optional[dict[str, dict[str, str]]] = None) -> dict[str, Body]:
    """Every body a reply can name, with its official name and a verified page."""
    register = register or load_register()
    found = {}
    for code, row in register.items():
        if row["current-authority"] != "True":
            continue
        slug = row["gov-uk-slug"].strip()
        url = f"{GOV_UK_FINDER}/{slug}" if slug else GOV_UK_FINDER
        found[code] = Body(code, row["official-name"], NATIONS.get(row["nation"], ""), url)
    for code, (name, url) in TRUSTS.items():
        found[code] = Body(code, name, "northern_ireland", url)
    found[NIHE[0]] = Body(NIHE[0], NIHE[1], "northern_ireland", NIHE[2])
    return found


# --- deriving the table ----------------------------------------------------------------------

@lru_cache(maxsize=1)
def load_boundaries(directory: Path = COUNCILS_DIR) -> Boundaries:
    return (Boundaries().load(directory / "gb_lad_2013.topojson", "LAD13CD")
            .load(directory / "ni_lgd.topojson", "LGDCode"))


def read_outcodes(path: Path) -> dict[str, Optional[tuple[float, float]]]:
    """Every district -> (lat, lon), or None for the few with no position (0,0)."""
    found: dict[str, Optional[tuple[float, float]]] = {}
    with open(path, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            lat, lon = float(row["latitude"]), float(row["longitude"])
            found[row["outcode"].strip().upper()] = None if (lat, lon) == (0.0, 0.0) else (lat, lon)
    return found


@lru_cache(maxsize=2)
def derive_table(outcodes_csv: Path = PLACES_DIR / "uk_outcodes.csv",
                 directory: Path = COUNCILS_DIR) -> tuple[CouncilRow, ...]:
    register, lookup = load_register(directory), load_gss_lookup(directory)
    shapes = load_boundaries(directory)
    council_of = {r.code: current_code(lookup[r.code], register) for r in shapes.regions}
    positions = read_outcodes(outcodes_csv)
    spacing = _spacing({o: p for o, p in positions.items() if p is not None})
    rows = {}
    for outcode, position in positions.items():
        if outcode_area(outcode) in CROWN_DEPENDENCIES:
            rows[outcode] = CouncilRow(outcode, "", (), (), "", "crown_dependency")
        elif position is not None:
            near_km = min(NEAR_KM, spacing.get(outcode, 2 * NEAR_KM) / 2)
            rows[outcode] = _row_at(outcode, position, shapes, council_of, register, near_km)
    for outcode, position in positions.items():
        if outcode not in rows:
            rows[outcode] = _sibling_row(outcode, rows)
    return tuple(rows[o] for o in sorted(rows, key=_outcode_sort_key))


def _row_at(outcode: str, position: tuple[float, float], shapes: Boundaries,
            council_of: dict[str, str], register: dict[str, dict[str, str]], near_km: float) -> CouncilRow:
    lat, lon = position
    region, how = shapes.containing(lon, lat), "inside"
    if region is None:
        region, how = shapes.nearest(lon, lat)[0], "nearest"
    area = council_of[region]
    care, housing = roles(area, register)
    if area in NI_TRUSTS and outcode in NI_TRUST_BY_OUTCODE:
        care = (NI_TRUST_BY_OUTCODE[outcode],)
    care_list, housing_list = list(care), [housing]
    near = shapes.distances(lon, lat, near_km)
    for other in sorted(near, key=lambda code: (near[code], code)):
        other_area = council_of[other]
        if other_area == area:
            continue
        other_care, other_housing = roles(other_area, register)
        if len(other_care) == 1 and not _ni_pinned(outcode, area):  # a split NI district's
            care_list += [c for c in other_care if c not in care_list]  # Trusts are named inside it
        if other_housing not in housing_list:
            housing_list.append(other_housing)
    return CouncilRow(outcode, NATIONS[register[area]["nation"]], tuple(care_list[:1 + MAX_OTHERS]),
                      tuple(housing_list[:1 + MAX_OTHERS]), area, how)


def _spacing(positions: dict[str, tuple[float, float]]) -> dict[str, float]:
    """Each district centre -> km to the next nearest centre (up to about 20 km; farther is left out)."""
    cell = 0.1
    grid: dict[tuple[int, int], list[tuple[str, float, float]]] = {}
    for code, (lat, lon) in positions.items():
        grid.setdefault((int(lat // cell), int(lon // cell)), []).append((code, lat, lon))
    found = {}
    for code, (lat, lon) in positions.items():
        r, c = int(lat // cell), int(lon // cell)
        km_lon = 111.32 * math.cos(math.radians(lat))
        best = math.inf
        for dr in (-2, -1, 0, 1, 2):
            for dc in (-2, -1, 0, 1, 2):
                for other, olat, olon in grid.get((r + dr, c + dc), ()):
                    if other != code:
                        best = min(best, math.hypot((olat - lat) * 110.57, (olon - lon) * km_lon))
        if best < math.inf:
            found[code] = best
    return found


def _ni_pinned(outcode: str, area: str) -> bool:
    """An NI district whose Trust is known from its former district (no second Trust to name)."""
    return area in NI_TRUSTS and outcode in NI_TRUST_BY_OUTCODE


def _sibling_row(outcode: str, rows: dict[str, CouncilRow]) -> CouncilRow:
    """A district with no position (N1C, or a PO-box district such as BS0): the nearest-numbered
    district in the same postcode area, marked as a guess."""
    area = outcode_area(outcode)
    number = _outcode_number(outcode)
    siblings = [r for o, r in rows.items() if outcode_area(o) == area and r.how != "sibling"]
    best = min(siblings, key=lambda r: (abs(_outcode_number(r.outcode) - number), r.outcode))
    return CouncilRow(outcode, best.nation, best.social_care, best.housing, best.council_area, "sibling")


def _outcode_number(outcode: str) -> int:
    match = re.match(r"[A-Z]+(\d+)", outcode)
    return int(match.group(1)) if match else 0


def _outcode_sort_key(outcode: str) -> tuple[str, int, str]:
    return outcode_area(outcode), _outcode_number(outcode), outcode


# --- the table in the directory file ---------------------------------------------------------

COUNCIL_TABLES = (
    "CREATE TABLE outcode_council (outcode TEXT PRIMARY KEY, nation TEXT, social_care TEXT, "
    "housing TEXT, council_area TEXT, how TEXT)",
    "CREATE TABLE council_body (code TEXT PRIMARY KEY, name TEXT, nation TEXT, url TEXT)",
)


def write_council_tables(conn: sqlite3.Connection, directory: Path = COUNCILS_DIR) -> int:
    """Write the derived table into a directory file being built. Returns the row count."""
    rows = derive_table(directory=directory)
    for statement in COUNCIL_TABLES:
        conn.execute(statement)
    conn.executemany("INSERT INTO outcode_council VALUES (?, ?, ?, ?, ?, ?)", (
        (r.outcode, r.nation, ",".join(r.social_care), ",".join(r.housing), r.council_area, r.how)
        for r in rows))
    used = {c for r in rows for c in (*r.social_care, *r.housing, r.council_area) if c}
    conn.executemany("INSERT INTO council_body VALUES (?, ?, ?, ?)", (
        (b.code, b.name, b.nation, b.url) for b in bodies(load_register(directory)).values()
        if b.code in used))
    return len(rows)


def local_door(conn: sqlite3.Connection, outcode: Optional[str], place: str) -> Optional[LocalDoor]:
    """The bodies to name for a postcode district; None if unknown or the file has no table."""
    if not outcode:
        return None
    try:
        row = conn.execute("SELECT nation, social_care, housing, how FROM outcode_council "
                           "WHERE outcode = ?", (outcode.upper(),)).fetchone()
        if row is None:
            return None
        if row[3] == "crown_dependency":
            return LocalDoor(place, "", (), (), CROWN_GOVERNMENTS.get(outcode_area(outcode)))
        codes = [c for c in f"{row[1]},{row[2]}".split(",") if c]
        found = {r[0]: Body(*r) for r in conn.execute(
            f"SELECT code, name, nation, url FROM council_body WHERE code IN ({','.join('?' * len(codes))})",
            codes)}
    except sqlite3.OperationalError:  # a directory built before councils were added
        return None
    return LocalDoor(place, row[0], _bodies(row[1], found), _bodies(row[2], found))


def _bodies(codes: str, found: dict[str, Body]) -> tuple[Body, ...]:
    return tuple(found[c] for c in codes.split(",") if c in found)


def table_rows(rows: Iterable[CouncilRow], names: dict[str, Body]) -> Iterable[list[str]]:
    """The table as CSV rows with names, for staff (`python -m bot directory councils`)."""
    yield ["outcode", "nation", "social_care", "housing", "council_area", "how"]
    for r in rows:
        yield [r.outcode, r.nation, " | ".join(names[c].name for c in r.social_care),
               " | ".join(names[c].name for c in r.housing),
               names[r.council_area].name if r.council_area else "", r.how]
