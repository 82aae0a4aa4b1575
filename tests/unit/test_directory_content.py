"""Checks on the service directory's source CSVs (data/directory).

Reads the files with the csv module only, so the content can be checked
without the build code.
"""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

DIRECTORY = Path(__file__).resolve().parents[2] / "data" / "directory"

COLUMNS = {
    "organizations.csv": ["id", "name", "description", "url"],
    "services.csv": ["id", "organization_id", "name", "description", "url", "email", "eligibility",
                     "referral", "fees", "languages", "source_url", "last_verified", "status"],
    "locations.csv": ["id", "name", "address_1", "city", "postcode", "latitude", "longitude"],
    "service_at_locations.csv": ["id", "service_id", "location_id"],
    "phones.csv": ["id", "service_id", "number", "type", "description"],
    "schedules.csv": ["id", "service_id", "byday", "opens_at", "closes_at", "description"],
    "service_areas.csv": ["id", "service_id", "scope", "nation", "area_name", "radius_km"],
    "service_taxonomy.csv": ["id", "service_id", "taxonomy_term_id"],
}
CATEGORIES = {"child_protection_advice", "legal_advice_advocacy", "peer_support", "drug_alcohol_treatment",
              "harm_reduction", "housing_homelessness", "perinatal_mental_health", "mental_health",
              "domestic_abuse", "crisis_line"}
AUDIENCES = {"mothers", "fathers", "whole_family", "women_only", "men_only", "after_removal", "parents",
             "young_people", "anyone"}
NATIONS = {"england", "wales", "scotland", "northern_ireland"}
DAYS = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}
TIME = re.compile(r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")
PHONE = re.compile(r"^\d+(?: \d+)*$")
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[A-Z]{2}$")


def read(name: str) -> list[dict[str, str]]:
    with open(DIRECTORY / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def header(name: str) -> list[str]:
    with open(DIRECTORY / name, newline="", encoding="utf-8") as handle:
        return next(csv.reader(handle))


def ids(name: str) -> set[str]:
    return {row["id"] for row in read(name)}


def tags_by_service() -> dict[str, set[str]]:
    tags: dict[str, set[str]] = defaultdict(set)
    for row in read("service_taxonomy.csv"):
        tags[row["service_id"]].add(row["taxonomy_term_id"])
    return tags


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_required_columns_present(name: str) -> None:
    missing = [col for col in COLUMNS[name] if col not in header(name)]
    assert not missing, f"{name} lacks columns {missing}"


@pytest.mark.parametrize("name", sorted(COLUMNS))
def test_ids_are_unique_slugs(name: str) -> None:
    rows = read(name)
    assert rows, f"{name} is empty"
    seen: set[str] = set()
    for row in rows:
        assert re.fullmatch(r"[a-z0-9][a-z0-9_-]*", row["id"]), f"{name}: bad id {row['id']!r}"
        assert row["id"] not in seen, f"{name}: duplicate id {row['id']}"
        seen.add(row["id"])


def test_every_service_has_https_source_and_verified_date() -> None:
    for row in read("services.csv"):
        assert row["source_url"].startswith("https://"), f"{row['id']}: source_url must be https"
        date.fromisoformat(row["last_verified"])  # raises on a bad or missing date
        assert row["status"] == "active", row["id"]
        assert row["name"].strip() and row["description"].strip() and row["eligibility"].strip(), row["id"]


def test_service_enums() -> None:
    for row in read("services.csv"):
        assert row["referral"] in {"self_referral", "professional_referral", "self_or_professional"}, row["id"]
        assert row["fees"] in {"free", "low_cost", "paid"}, row["id"]
        assert not row["url"] or row["url"].startswith("https://"), row["id"]
        assert not row["email"] or re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", row["email"]), row["id"]


def test_referenced_ids_exist() -> None:
    services, orgs, locations = ids("services.csv"), ids("organizations.csv"), ids("locations.csv")
    for row in read("services.csv"):
        assert row["organization_id"] in orgs, f"{row['id']}: unknown organisation {row['organization_id']}"
    for name in ("phones.csv", "schedules.csv", "service_areas.csv", "service_taxonomy.csv",
                 "service_at_locations.csv"):
        for row in read(name):
            assert row["service_id"] in services, f"{name} {row['id']}: unknown service {row['service_id']}"
    for row in read("service_at_locations.csv"):
        assert row["location_id"] in locations, f"{row['id']}: unknown location {row['location_id']}"
    linked = {row["location_id"] for row in read("service_at_locations.csv")}
    assert locations <= linked, f"locations used by no service: {locations - linked}"


def test_every_service_has_a_category_and_an_audience() -> None:
    tags = tags_by_service()
    for row in read("service_taxonomy.csv"):
        assert row["taxonomy_term_id"] in CATEGORIES | AUDIENCES, f"{row['id']}: unknown term"
    for service_id in ids("services.csv"):
        assert tags[service_id] & CATEGORIES, f"{service_id} has no category"
        assert tags[service_id] & AUDIENCES, f"{service_id} has no audience"


def test_service_areas_are_valid() -> None:
    areas: dict[str, list[dict[str, str]]] = defaultdict(list)
    located = {row["service_id"] for row in read("service_at_locations.csv")}
    for row in read("service_areas.csv"):
        areas[row["service_id"]].append(row)
        assert row["scope"] in {"uk", "nation", "local"}, row["id"]
        if row["scope"] in {"nation", "local"}:
            assert row["nation"] in NATIONS, f"{row['id']}: nation {row['nation']!r}"
        if row["scope"] == "local":
            assert float(row["radius_km"]) > 0, row["id"]
            assert row["service_id"] in located, f"{row['service_id']} is local but has no location"
    for service_id in ids("services.csv"):
        assert areas[service_id], f"{service_id} has no service area"


def test_each_category_has_a_national_service_in_each_nation() -> None:
    tags = tags_by_service()
    covered: dict[str, set[str]] = defaultdict(set)
    for row in read("service_areas.csv"):
        if row["scope"] == "uk":
            nations = NATIONS
        elif row["scope"] == "nation":
            nations = {row["nation"]}
        else:
            continue
        for category in tags[row["service_id"]] & CATEGORIES:
            covered[category] |= nations
    gaps = {cat: sorted(NATIONS - covered[cat]) for cat in CATEGORIES if NATIONS - covered[cat]}
    assert not gaps, f"no UK-wide or nation-wide service for: {gaps}"


def test_phone_numbers_are_well_formed() -> None:
    for row in read("phones.csv"):
        assert PHONE.fullmatch(row["number"]), f"{row['id']}: {row['number']!r}"
        assert row["type"] in {"voice", "text", "whatsapp"}, row["id"]
        assert row["description"].strip(), row["id"]


def test_no_phone_number_has_two_spellings() -> None:
    spellings: dict[str, set[str]] = defaultdict(set)
    for row in read("phones.csv"):
        spellings[row["number"].replace(" ", "")].add(row["number"])
    clashes = {digits: forms for digits, forms in spellings.items() if len(forms) > 1}
    assert not clashes, f"same number written differently: {clashes}"


def test_schedules_are_valid() -> None:
    for row in read("schedules.csv"):
        days = row["byday"].split(",")
        assert days and set(days) <= DAYS, f"{row['id']}: byday {row['byday']!r}"
        assert TIME.match(row["opens_at"]) and TIME.match(row["closes_at"]), row["id"]
        assert row["opens_at"] < row["closes_at"], f"{row['id']}: closes before it opens"
        assert row["description"].strip(), row["id"]


def test_locations_are_in_the_uk() -> None:
    for row in read("locations.csv"):
        if "centre of the area served" in row["name"]:  # a defined area, placed at a district centre
            assert not row["address_1"] and re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?", row["postcode"]), row["id"]
        else:
            assert POSTCODE.fullmatch(row["postcode"]), f"{row['id']}: postcode {row['postcode']!r}"
        lat, lon = float(row["latitude"]), float(row["longitude"])
        assert 49.8 <= lat <= 60.9 and -8.7 <= lon <= 1.8, f"{row['id']}: {lat},{lon} is outside the UK"
