"""The postcode district -> council table (bot/directory/councils.py), checked against
answers worked out by hand from the register and local knowledge, not from the code."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.directory.councils import bodies, derive_table, local_door, write_council_tables
from bot.directory.council_text import door_text, no_place_text, search_door_text, templates
from bot.directory.locations import load_gazetteer, resolve_place
from bot.language import load_rules, longest_sentence, reading_grade, stigmatising_terms

ROOT = Path(__file__).resolve().parents[2]
TABLE = {row.outcode: row for row in derive_table()}
NAMES = bodies()
KENT, LANCS, SUFFOLK = "Kent County Council", "Lancashire County Council", "Suffolk County Council"
BELFAST, NORTHERN = "Belfast Health and Social Care Trust", "Northern Health and Social Care Trust"
SOUTH_EASTERN, SOUTHERN = "South Eastern Health and Social Care Trust", "Southern Health and Social Care Trust"
WESTERN, NIHE = "Western Health and Social Care Trust", "Northern Ireland Housing Executive"

# district: (runs children's services, helps with housing); None for housing = same council.
HAND_CHECKED = {
    # England: metropolitan, London and unitary
    "LS6": ("Leeds City Council", None), "B1": ("Birmingham City Council", None),
    "M1": ("Manchester City Council", None), "L1": ("Liverpool City Council", None),
    "S1": ("Sheffield City Council", None), "BS1": ("Bristol City Council", None),
    "E8": ("London Borough of Hackney", None), "SE1": ("London Borough of Southwark", None),
    "N1": ("London Borough of Islington", None), "FY1": ("Blackpool Borough Council", None),
    "DL1": ("Darlington Borough Council", None), "CH1": ("Cheshire West and Chester Council", None),
    "TR1": ("Cornwall Council", None), "TR21": ("Council of the Isles of Scilly", None),
    "PO30": ("Isle of Wight Council", None), "HR1": ("Herefordshire Council", None),
    "SY1": ("Shropshire Council", None), "TD15": ("Northumberland County Council", None),
    "NG1": ("Nottingham City Council", None), "DE1": ("Derby City Council", None),
    "BA1": ("Bath and North East Somerset Council", None), "YO1": ("City of York Council", None),
    # England: two-tier (county for children's services, district for housing)
    "ME14": (KENT, "Maidstone Borough Council"), "CT1": (KENT, "Canterbury City Council"),
    "TN1": (KENT, "Tunbridge Wells Borough Council"), "PR1": (LANCS, "Preston City Council"),
    "LA1": (LANCS, "Lancaster City Council"), "OX1": ("Oxfordshire County Council", "Oxford City Council"),
    "GL50": ("Gloucestershire County Council", "Cheltenham Borough Council"),
    "NG18": ("Nottinghamshire County Council", "Mansfield District Council"),
    "IP33": (SUFFOLK, "West Suffolk Council"), "NR32": (SUFFOLK, "East Suffolk Council"),
    # England: reorganised since 2019
    "HG1": ("North Yorkshire Council", None), "YO11": ("North Yorkshire Council", None),
    "CA1": ("Cumberland Council", None), "CA28": ("Cumberland Council", None),
    "LA9": ("Westmorland and Furness Council", None), "LA14": ("Westmorland and Furness Council", None),
    "TA1": ("Somerset Council", None), "BA20": ("Somerset Council", None),
    "HP20": ("Buckinghamshire Council", None), "HP11": ("Buckinghamshire Council", None),
    "DT1": ("Dorset Council", None), "BH1": ("Bournemouth, Christchurch and Poole Council", None),
    "NN1": ("West Northamptonshire Council", None), "NN16": ("North Northamptonshire Council", None),
    # Wales
    "CF10": ("City of Cardiff Council", None), "SA1": ("City and County of Swansea Council", None),
    "LL57": ("Gwynedd Council", None), "NP20": ("Newport City Council", None),
    "LL11": ("Wrexham County Borough Council", None), "SY23": ("Ceredigion County Council", None),
    "LD1": ("Powys County Council", None), "CH7": ("Flintshire County Council", None),
    # Scotland
    "G1": ("Glasgow City Council", None), "EH1": ("City of Edinburgh Council", None),
    "AB10": ("Aberdeen City Council", None), "DD1": ("Dundee City Council", None),
    "KW15": ("Orkney Islands Council", None), "ZE1": ("Shetland Islands Council", None),
    "KY1": ("Fife Council", None), "DG1": ("Dumfries and Galloway Council", None),
    "TD9": ("Scottish Borders Council", None), "PH1": ("Perth and Kinross Council", None),
    "ML3": ("South Lanarkshire Council", None),
    # Northern Ireland: the Trust, and the Housing Executive
    "BT1": (BELFAST, NIHE), "BT9": (BELFAST, NIHE), "BT48": (WESTERN, NIHE), "BT74": (WESTERN, NIHE),
    "BT79": (WESTERN, NIHE), "BT49": (WESTERN, NIHE), "BT52": (NORTHERN, NIHE), "BT43": (NORTHERN, NIHE),
    "BT41": (NORTHERN, NIHE), "BT80": (NORTHERN, NIHE), "BT71": (SOUTHERN, NIHE), "BT35": (SOUTHERN, NIHE),
    "BT61": (SOUTHERN, NIHE), "BT62": (SOUTHERN, NIHE), "BT30": (SOUTH_EASTERN, NIHE),
    "BT20": (SOUTH_EASTERN, NIHE), "BT28": (SOUTH_EASTERN, NIHE), "BT23": (SOUTH_EASTERN, NIHE),
}
TOWNS = {
    "Leeds": "Leeds City Council", "Maidstone": KENT, "Harrogate": "North Yorkshire Council",
    "Carlisle": "Cumberland Council", "Kendal": "Westmorland and Furness Council",
    "Taunton": "Somerset Council", "Aylesbury": "Buckinghamshire Council",
    "Northampton": "West Northamptonshire Council", "Cardiff": "City of Cardiff Council",
    "Glasgow": "Glasgow City Council", "Derry": WESTERN, "Newry": SOUTHERN,
}


def names(codes: tuple[str, ...]) -> list[str]:
    return [NAMES[c].name for c in codes]


def test_every_district_in_the_places_table_has_a_council_except_the_crown_dependencies() -> None:
    gazetteer = load_gazetteer()
    assert set(TABLE) == set(gazetteer.known_outcodes)
    without = {o for o, row in TABLE.items() if not row.social_care or not row.housing}
    assert without and all(o[:2] in ("GY", "JE", "IM") for o in without)
    assert all(TABLE[o].how == "crown_dependency" for o in without)
    assert all(row.nation in ("england", "wales", "scotland", "northern_ireland")
               for o, row in TABLE.items() if o not in without)


@pytest.mark.parametrize("outcode", sorted(HAND_CHECKED))
def test_hand_checked_districts(outcode: str) -> None:
    care, housing = HAND_CHECKED[outcode]
    row = TABLE[outcode]
    assert names(row.social_care)[0] == care
    assert names(row.housing)[0] == (housing or care)


@pytest.mark.parametrize("town", sorted(TOWNS))
def test_towns_resolve_through_their_district(town: str) -> None:
    place = resolve_place(town)
    assert place.found and names(TABLE[place.outcode].social_care)[0] == TOWNS[town]


def test_two_tier_districts_name_the_county_for_children_and_the_district_for_housing() -> None:
    two_tier = [r for r in TABLE.values() if r.social_care and r.social_care[0] != r.housing[0]
                and r.nation != "northern_ireland"]
    assert len(two_tier) > 300
    assert all(NAMES[r.social_care[0]].name.endswith("County Council") for r in two_tier
               if len(r.social_care) == 1 and len(r.housing) == 1)


def test_a_district_near_a_boundary_names_both_councils() -> None:
    assert names(TABLE["CH4"].social_care)[:2] == ["Flintshire County Council", "Cheshire West and Chester Council"]
    assert "Hampshire County Council" in names(TABLE["BH23"].social_care)
    probably = [r for r in TABLE.values() if len(r.social_care) > 1]
    assert 100 < len(probably) < 1000 and all(len(r.social_care) <= 3 for r in probably)


def test_split_northern_ireland_district_without_a_known_trust_names_both() -> None:
    # Mid Ulster: Magherafelt and Cookstown were Northern Trust, Dungannon Southern.
    mid_ulster = [r for r in TABLE.values() if r.council_area == "MUL" and r.outcode not in
                  ("BT45", "BT46", "BT80", "BT70", "BT71")]
    assert mid_ulster and all(set(names(r.social_care)[:2]) <= {NORTHERN, SOUTHERN, WESTERN}
                              for r in mid_ulster)


def test_districts_with_no_position_and_off_the_coast_still_get_a_council() -> None:
    assert TABLE["N1C"].how == "sibling" and names(TABLE["N1C"].social_care)[0] == "London Borough of Islington"
    assert TABLE["TR21"].how == "nearest"


def test_links_are_gov_uk_or_the_trusts_own_sites() -> None:
    for body in NAMES.values():
        assert body.url.startswith(("https://www.gov.uk/find-local-council", "https://www.nihe.gov.uk/")) \
            or body.url.endswith(".hscni.net/"), body
    assert NAMES["LDS"].url == "https://www.gov.uk/find-local-council/leeds"


@pytest.fixture(scope="module")
def conn() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    write_council_tables(db)
    return db


@pytest.mark.parametrize("typed", ["", "   ", "'; DROP TABLE outcode_council; --", "zz99", "NOWHERE"])
def test_bad_input_finds_no_door_and_breaks_nothing(conn: sqlite3.Connection, typed: str) -> None:
    assert local_door(conn, typed.strip() or None, typed) is None
    assert conn.execute("SELECT count(*) FROM outcode_council").fetchone()[0] == len(TABLE)


@pytest.mark.parametrize("typed", ["me14", " ME14 ", "Me14 1AA"])
def test_mixed_case_and_spaces_find_the_same_door(conn: sqlite3.Connection, typed: str) -> None:
    place = resolve_place(typed)
    door = local_door(conn, place.outcode, place.label)
    assert [b.name for b in door.social_care] == [KENT]
    assert [b.name for b in door.housing] == ["Maidstone Borough Council"]


def test_door_text_for_a_two_tier_area_names_both_with_links(conn: sqlite3.Connection) -> None:
    text = door_text(local_door(conn, "ME14", "ME14"))
    assert "Kent County Council" in text and "Maidstone Borough Council" in text
    assert "https://www.gov.uk/find-local-council/kent" in text
    assert "https://www.gov.uk/find-local-council/maidstone" in text


def test_door_text_for_northern_ireland_names_the_trust_and_the_housing_executive(conn: sqlite3.Connection) -> None:
    text = door_text(local_door(conn, "BT48", "Derry"))
    assert WESTERN in text and NIHE in text and "https://westerntrust.hscni.net/" in text
    assert "council" not in text.split("How to contact")[0].lower().replace("council system", "")


def test_door_text_for_the_crown_dependencies_says_there_is_no_uk_council(conn: sqlite3.Connection) -> None:
    text = door_text(local_door(conn, "JE2", "JE2"))
    assert "not part of the UK council system" in text and "https://www.gov.je/" in text


def test_search_line_follows_the_kind_of_help(conn: sqlite3.Connection) -> None:
    housing = search_door_text(conn, "housing_homelessness", "ME14", True, "england")
    care = search_door_text(conn, "child_protection_advice", "ME14", True, "england")
    assert "Maidstone Borough Council" in housing and "Kent County Council" not in housing
    assert "Kent County Council" in care and "Maidstone" not in care
    assert search_door_text(conn, "housing_homelessness", None, False, None) == no_place_text(None)
    assert search_door_text(conn, "crisis_line", None, False, None) is None


SAMPLES = ["ME14", "BH23", "CH4", "BT8", "BT48", "JE2", "LS6", "HS1"]


@pytest.mark.parametrize("outcode", SAMPLES)
def test_door_words_are_plain_and_kind(conn: sqlite3.Connection, outcode: str) -> None:
    rules = load_rules()
    for need in ("social_care", "housing", "both"):
        text = door_text(local_door(conn, outcode, outcode), need)
        assert not stigmatising_terms(text)
        assert reading_grade(text) <= rules.max_grade_per_response, (outcode, need, reading_grade(text))
        assert longest_sentence(text) <= rules.max_words_per_sentence


def test_templates_have_no_phone_numbers() -> None:
    from bot.facts import phone_numbers_in
    assert not [k for k, v in templates().items() if phone_numbers_in(v)]
