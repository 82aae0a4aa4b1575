"""Places: postcodes cut to districts, towns in all four nations, refusals, bad input."""

from __future__ import annotations

import csv
import dataclasses
import re

import pytest

from bot.directory.locations import (
    PLACES_DIR, district_of, load_gazetteer, nation_for_outcode, nations_for_outcode, resolve_place,
)

FULL_POSTCODE = re.compile(r"[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}", re.IGNORECASE)


def fields_text(result: object) -> str:
    return " ".join(str(v) for v in dataclasses.asdict(result).values())


@pytest.mark.parametrize("text,district,nation", [
    ("ls6 1aa", "LS6", "england"),
    ("LS61AA", "LS6", "england"),
    ("  Ls6   1Aa ", "LS6", "england"),
    ("sw1a 1aa", "SW1A", "england"),
    ("SW1A1AA", "SW1A", "england"),
    ("my postcode is cf10 1ab thanks", "CF10", "wales"),
    ("G1 1XQ", "G1", "scotland"),
    ("bt1 5gs", "BT1", "northern_ireland"),
    ("e81ab", "E8", "england"),
])
def test_full_postcode_keeps_only_the_district(text: str, district: str, nation: str) -> None:
    result = resolve_place(text)
    assert result.found and result.kind == "district"
    assert (result.label, result.outcode, result.nation) == (district, district, nation)
    assert not FULL_POSTCODE.search(fields_text(result)), "a full postcode was kept"


@pytest.mark.parametrize("text,district,nation", [
    ("LS6", "LS6", "england"), ("e8", "E8", "england"), ("cf10", "CF10", "wales"),
    ("BT1", "BT1", "northern_ireland"), ("EH1", "EH1", "scotland"), ("ls 6", "LS6", "england"),
    ("its NP20", "NP20", "wales"), ("ZE1", "ZE1", "scotland"), ("LL57", "LL57", "wales"),
])
def test_postcode_districts(text: str, district: str, nation: str) -> None:
    result = resolve_place(text)
    assert result.found and (result.label, result.nation) == (district, nation)
    assert result.latitude and result.longitude


@pytest.mark.parametrize("text,town,nation", [
    ("Leeds", "Leeds", "england"), ("near leeds", "Leeds", "england"), ("LEEDS", "Leeds", "england"),
    ("I live in Cardiff", "Cardiff", "wales"), ("Im in cardiff", "Cardiff", "wales"),
    ("Caerdydd", "Cardiff", "wales"), ("abertawe", "Swansea", "wales"), ("Wrecsam", "Wrexham", "wales"),
    ("find help in Glasgow", "Glasgow", "scotland"), ("edinburgh please", "Edinburgh", "scotland"),
    ("Inverness", "Inverness", "scotland"), ("Belfast", "Belfast", "northern_ireland"),
    ("Derry", "Derry", "northern_ireland"), ("londonderry", "Derry", "northern_ireland"),
    ("stoke-on-trent", "Stoke-on-Trent", "england"), ("kings lynn", "King's Lynn", "england"),
    ("Cwmbrân", "Cwmbran", "wales"), ("newcastle upon tyne", "Newcastle upon Tyne", "england"),
    ("Newcastle County Down", "Newcastle, County Down", "northern_ireland"),
    ("Bangor, Wales", "Bangor", "wales"), ("bangor northern ireland", "Bangor", "northern_ireland"),
])
def test_towns_in_all_four_nations(text: str, town: str, nation: str) -> None:
    result = resolve_place(text)
    assert result.found and result.kind == "town"
    assert (result.label, result.nation) == (town, nation)
    assert not result.corrected


@pytest.mark.parametrize("text,town", [
    ("manchstr", "Manchester"), ("Edinbrugh", "Edinburgh"), ("glasgw", "Glasgow"), ("birmingam", "Birmingham"),
])
def test_close_misspellings_are_corrected_and_marked(text: str, town: str) -> None:
    result = resolve_place(text)
    assert result.found and result.label == town and result.corrected


@pytest.mark.parametrize("text,suggestion", [("leads", "Leeds"), ("cardif wales", "Cardiff")])
def test_uncertain_spellings_give_suggestions(text: str, suggestion: str) -> None:
    result = resolve_place(text)
    if result.found:  # close enough to be certain is also right
        assert result.label == suggestion
    else:
        assert result.status == "unknown" and suggestion in result.suggestions


def test_a_name_shared_by_two_nations_asks_which() -> None:
    result = resolve_place("bangor")
    assert result.status == "unknown"
    assert set(result.suggestions) == {"Bangor (Wales)", "Bangor (Northern Ireland)"}
    for label in result.suggestions:  # each suggestion resolves when tapped
        assert resolve_place(label).found


@pytest.mark.parametrize("text", [
    "I'd rather not say", "skip", "Skip", "no", "dont want to say", "don't want to say", "anywhere",
    "prefer not to say", "rather not", "nah", "I would rather not tell you",
])
def test_refusals_mean_national_only(text: str) -> None:
    result = resolve_place(text)
    assert result.status == "national" and result.label is None and result.latitude is None


def test_a_nation_alone_is_kept_without_a_place() -> None:
    result = resolve_place("I'm in Wales")
    assert result.status == "national" and result.nation == "wales" and result.latitude is None


@pytest.mark.parametrize("text", [
    "", "   ", "😀😀😀", "x" * 10_000, "'; DROP TABLE services; --", "1 OR 1=1", "<script>alert(1)</script>",
    "the moon", "ZZ1 1AA", None, 12345, "\x00\x01",
])
def test_bad_input_never_raises_and_is_unknown(text: object) -> None:
    result = resolve_place(text)
    assert result.status == "unknown"
    assert result.latitude is None


def test_a_place_inside_a_long_message_is_still_found() -> None:
    assert resolve_place("hi " * 20 + "i live in leeds").label == "Leeds"


def test_unknown_place_with_close_matches() -> None:
    result = resolve_place("Brimingham")
    assert result.found or "Birmingham" in result.suggestions


@pytest.mark.parametrize("district,nations", [
    ("BT48", ("northern_ireland",)), ("AB10", ("scotland",)), ("HS1", ("scotland",)), ("ZE1", ("scotland",)),
    ("CF10", ("wales",)), ("LL57", ("wales",)), ("SA1", ("wales",)), ("LD1", ("wales",)),
    ("SY23", ("wales",)), ("SY1", ("england",)), ("CH1", ("england",)), ("CH7", ("wales",)),
    ("CH41", ("england",)), ("TD1", ("scotland",)), ("TD15", ("england", "scotland")),
    ("DG16", ("scotland", "england")), ("CA1", ("england",)), ("CA6", ("england", "scotland")),
    ("HR3", ("england", "wales")), ("NP16", ("wales", "england")), ("LS6", ("england",)),
    ("JE2", ()), ("IM1", ()),
])
def test_nation_from_postcode_district(district: str, nations: tuple[str, ...]) -> None:
    assert nations_for_outcode(district) == nations
    assert nation_for_outcode(district) == (nations[0] if nations else None)


def test_district_of() -> None:
    assert district_of("ls6 1aa") == "LS6"
    assert district_of("SW1A1AA") == "SW1A"
    assert district_of("EH1") == "EH1"
    assert district_of("not a postcode") is None


def test_towns_table_covers_all_nations_and_agrees_with_postcodes() -> None:
    gazetteer = load_gazetteer()
    with open(PLACES_DIR / "towns.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 250
    counts = {n: sum(r["nation"] == n for r in rows) for n in ("england", "wales", "scotland", "northern_ireland")}
    assert min(counts.values()) >= 25, counts
    for row in rows:
        assert row["outcode"] in gazetteer.outcodes, f"{row['name']}: {row['outcode']} has no position"
        assert row["nation"] in nations_for_outcode(row["outcode"]), row["name"]
    welsh = {alt for r in rows for alt in r["alt_names"].split("|")}
    assert {"Caerdydd", "Abertawe", "Casnewydd"} <= welsh


def test_places_provenance_note_credits_the_data() -> None:
    note = (PLACES_DIR / "README.md").read_text(encoding="utf-8")
    assert "Contains OS data © Crown copyright and database right" in note
    assert "Contains Royal Mail data © Royal Mail copyright and database right" in note
    assert "RFOxbury/air_quality" in note
    with open(PLACES_DIR / "uk_outcodes.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["outcode", "latitude", "longitude"] and len(rows) > 2900
