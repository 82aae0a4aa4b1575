"""Search on real SQLite files built from the example fixture and from data/directory."""

from __future__ import annotations

import math
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.directory.build import build
from bot.directory.format import service_card
from bot.directory.locations import PlaceResult, resolve_place
from bot.directory.ranking import (
    AUDIENCE_BITS, audiences_of, excluded, exclusion_masks, fit_tier, tier_sql,
)
from bot.directory.schema import AUDIENCES, CATEGORIES
from bot.directory.search import haversine_km, open_directory, search

ROOT = Path(__file__).resolve().parents[2]
UK = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("search") / "fixture.sqlite"
    build(ROOT / "tests" / "data" / "directory_fixture", path)
    return open_directory(path)


@pytest.fixture(scope="module")
def real_db(tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("search") / "real.sqlite"
    build(ROOT / "data" / "directory", path)
    return open_directory(path)


def names(results) -> list[str]:  # noqa: ANN001
    return [item.name for item in results.items]


def same_kind(results) -> list[str]:  # noqa: ANN001
    return [item.name for item in results.items if item.fit != "other_kind"]


def all_pages(conn: sqlite3.Connection, **kwargs) -> list[str]:  # noqa: ANN003
    found, offset = [], 0
    while True:
        page = search(conn, limit=2, offset=offset, **kwargs)
        found += names(page)
        offset += len(page.items)
        if not page.has_more:
            return found


def point_from(lat: float, lon: float, km_north: float) -> PlaceResult:
    return PlaceResult("found", kind="district", label="Test", latitude=lat + km_north / 111.195,
                       longitude=lon, nation="england", nations=("england",))


def test_father_gets_dads_and_mens_groups_first_and_never_women_only(db: sqlite3.Connection) -> None:
    found = all_pages(db, category="peer_support", audience="fathers", place="LS6")
    assert found == ["Example Dads Group Leeds", "Example Men's Group Bradford",
                     "Example Family Drop-in Leeds", "Example Parents Online Group"]
    assert "Example Mums Circle Leeds" not in found


def test_mother_gets_mums_group_first_and_never_men_only(db: sqlite3.Connection) -> None:
    found = all_pages(db, category="peer_support", audience="mothers", place="Leeds")
    assert found[0] == "Example Mums Circle Leeds"
    assert "Example Men's Group Bradford" not in found and "Example Dads Group Leeds" not in found


def test_local_results_come_first_then_national_ones(db: sqlite3.Connection) -> None:
    results = search(db, "peer_support", place="LS6", limit=10)
    scopes = [item.scope for item in results.items]
    assert results.local_found and scopes[-1] == "uk" and set(scopes[:-1]) == {"local"}
    assert [i.distance_km is None for i in results.items] == [s != "local" for s in scopes]


def test_never_a_service_from_another_nation(db: sqlite3.Connection) -> None:
    cardiff = search(db, "child_protection_advice", place="Cardiff", limit=10)
    assert same_kind(cardiff) == ["Example Wales Family Advice"]
    leeds = search(db, "child_protection_advice", place="Leeds", limit=10)
    assert same_kind(leeds) == ["Example England Family Advice"]
    for results in (cardiff, leeds):  # other kinds of help near the place come after, marked as such
        assert all(i.nations in ((), ("england",) if results is leeds else ("wales",)) for i in results.items)
    # CH5 (Deeside, Wales) is within the Chester group's 15 km but in another nation.
    deeside = resolve_place("CH5")
    assert deeside.nation == "wales"
    assert haversine_km(deeside.latitude, deeside.longitude, 53.20173, -2.90732) < 15
    assert "Example Chester Parents Group" not in all_pages(db, category="peer_support", place=deeside)
    assert "Example Chester Parents Group" in all_pages(db, category="peer_support", place="CH1")


def test_a_place_near_a_border_sees_both_nations(db: sqlite3.Connection) -> None:
    berwick = resolve_place("Berwick-upon-Tweed")
    assert berwick.nations == ("england", "scotland")
    found = all_pages(db, category="housing_homelessness", place=berwick)
    assert "Example Scotland Housing Line" in found


def test_local_services_only_within_their_radius(db: sqlite3.Connection) -> None:
    lat, lon = 53.81928, -1.56704  # the Leeds dads group, radius 15 km
    inside = all_pages(db, category="peer_support", audience="fathers", place=point_from(lat, lon, 14.5))
    outside = all_pages(db, category="peer_support", audience="fathers", place=point_from(lat, lon, 15.5))
    assert "Example Dads Group Leeds" in inside
    assert "Example Dads Group Leeds" not in outside


def test_nothing_local_is_said_honestly_and_national_services_still_come(db: sqlite3.Connection) -> None:
    results = search(db, "peer_support", audience="fathers", place="Inverness")
    assert not results.local_found
    assert names(results) == ["Example Parents Online Group"]


@pytest.mark.parametrize("place", ["LS6", "Cardiff", "Glasgow", "Belfast", "Inverness", "skip", "BT48", "CH5"])
@pytest.mark.parametrize("category", CATEGORIES)
def test_never_an_empty_answer(db: sqlite3.Connection, category: str, place: str) -> None:
    for audience in (None, "fathers", "mothers", "after_removal"):
        assert search(db, category, audience=audience, place=place).items, (category, place, audience)


def test_related_kinds_of_help_fill_a_gap(db: sqlite3.Connection) -> None:
    results = search(db, "perinatal_mental_health", audience="mothers", place="LS1", limit=10)
    assert names(results)[0] == "Example Leeds Perinatal Team"
    assert results.fallback_categories == ("crisis_line",)
    assert {i.category for i in results.items[1:]} == {"crisis_line"}


def test_unknown_nation_shows_nation_services_labelled(db: sqlite3.Connection) -> None:
    results = search(db, "child_protection_advice", place="skip", limit=10)
    assert {i.nations for i in results.items} == {("england",), ("wales",)}
    assert "For people in Wales." in service_card(next(i for i in results.items if i.nations == ("wales",)))


def test_inactive_services_never_show(db: sqlite3.Connection) -> None:
    for audience in (None, *AUDIENCES):
        assert "Example Closed Group Leeds" not in all_pages(db, category="peer_support", audience=audience,
                                                             place="LS6")


def test_pages_do_not_repeat_or_skip(db: sqlite3.Connection) -> None:
    whole = names(search(db, "peer_support", audience="fathers", place="LS6", limit=50))
    assert all_pages(db, category="peer_support", audience="fathers", place="LS6") == whole
    assert len(set(whole)) == len(whole)
    past_the_end = search(db, "peer_support", place="LS6", offset=40)
    assert past_the_end.items == () and not past_the_end.has_more


@pytest.mark.parametrize("moment,expected", [
    (datetime(2026, 11, 23, 10, 0, tzinfo=UK), True),    # Monday morning
    (datetime(2026, 11, 28, 10, 0, tzinfo=UK), False),   # Saturday
    (datetime(2026, 11, 23, 17, 0, tzinfo=UK), False),   # closes at 17:00
])
def test_open_now_from_opening_times(db: sqlite3.Connection, moment: datetime, expected: bool) -> None:
    item = search(db, "child_protection_advice", place="Leeds", now=moment).items[0]
    assert item.name == "Example England Family Advice" and item.open_now is expected
    assert item.schedule == "Monday to Friday, 9:30am to 5pm"


def test_open_now_past_midnight_and_all_day(db: sqlite3.Connection) -> None:
    saturday_1am = datetime(2026, 11, 28, 1, 0, tzinfo=UK)  # Friday night's line is still open
    sunday_1am = datetime(2026, 11, 29, 1, 0, tzinfo=UK)
    crisis = {i.name: i for i in search(db, "crisis_line", now=saturday_1am, limit=10).items}
    assert crisis["Example Night Line"].open_now is True and crisis["Example Listening Line"].open_now is True
    later = {i.name: i for i in search(db, "crisis_line", now=sunday_1am, limit=10).items}
    assert later["Example Night Line"].open_now is True  # Saturday night, too
    monday_1am = {i.name: i for i in search(db, "crisis_line", now=datetime(2026, 11, 30, 1, 0, tzinfo=UK),
                                            limit=10).items}
    assert monday_1am["Example Night Line"].open_now is False


def test_result_items_carry_what_a_reply_needs(db: sqlite3.Connection) -> None:
    item = search(db, "peer_support", audience="fathers", place="LS6").items[0]
    assert item.name == "Example Dads Group Leeds" and item.organisation == "Example Family Charity"
    assert item.phones[0].number == "0113 496 0001" and item.phones[0].type == "voice"
    assert item.url.startswith("https://") and item.source_url.startswith("https://")
    assert item.eligibility and item.referral == "self_referral" and item.last_verified == "2026-06-01"
    assert item.schedule == "Tuesday evenings, 6pm to 8pm" and item.distance_km == 0.0 and item.scope == "local"
    card = service_card(item)
    for part in ("Example Dads Group Leeds", "Phone: 0113 496 0001", "Website: https://",
                 "Who can use it:", "You can contact them yourself.", "When: Tuesday evenings",
                 "Less than 1 mile away", "Details checked: June 2026"):
        assert part in card


def test_unknown_category_is_refused(db: sqlite3.Connection) -> None:
    with pytest.raises(ValueError):
        search(db, "knitting")


def test_ranking_sql_matches_the_python_rules() -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (aud_mask INTEGER)")
    conn.executemany("INSERT INTO t VALUES (?)", [(m,) for m in range(1 << len(AUDIENCES))])
    for audience in (None, *AUDIENCES):
        never, only, unless = exclusion_masks(audience)
        rows = conn.execute(
            f"SELECT aud_mask, {tier_sql(audience)}, "
            f"(aud_mask & ?) != 0 OR ((aud_mask & ?) != 0 AND (aud_mask & ?) = 0) FROM t",
            (never, only, unless)).fetchall()
        for mask, tier, is_excluded in rows:
            audiences = audiences_of(mask)
            assert tier == fit_tier(audience, audiences), (audience, audiences)
            assert bool(is_excluded) == excluded(audience, audiences), (audience, audiences)
    assert excluded("fathers", frozenset({"women_only"})) and excluded("mothers", frozenset({"men_only"}))
    assert not excluded("fathers", frozenset({"whole_family"}))
    assert AUDIENCE_BITS["mothers"] != AUDIENCE_BITS["fathers"]


def test_distance_is_close_to_great_circle(db: sqlite3.Connection) -> None:
    item = next(i for i in search(db, "peer_support", audience="fathers", place="LS6", limit=5).items
                if i.name == "Example Men's Group Bradford")
    ls6 = resolve_place("LS6")
    bd1 = resolve_place("BD1")
    exact = haversine_km(ls6.latitude, ls6.longitude, bd1.latitude, bd1.longitude)
    assert math.isclose(item.distance_km, exact, rel_tol=0.01, abs_tol=0.1)


@pytest.mark.parametrize("place,nation", [("Leeds", "england"), ("Cardiff", "wales"), ("Glasgow", "scotland"),
                                          ("Belfast", "northern_ireland"), ("skip", None)])
@pytest.mark.parametrize("category", CATEGORIES)
def test_real_directory_always_answers_within_the_nation(real_db: sqlite3.Connection, category: str,
                                                         place: str, nation: str) -> None:
    results = search(real_db, category, place=place, limit=50)
    assert results.items, (category, place)
    if nation:
        for item in results.items:
            assert item.scope != "nation" or nation in item.nations, (item.name, item.nations, place)
