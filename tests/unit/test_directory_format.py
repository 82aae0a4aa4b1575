"""Cards grouped by where they work, each group under a heading true of all its cards:
checked on real SQLite files built from data/directory and from the example fixture."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Optional

import pytest

from bot.directory.build import build
from bot.directory.format import coverage, group_by_coverage, group_heading, where_text
from bot.directory.locations import resolve_place
from bot.directory.schema import CATEGORIES
from bot.directory.search import ServiceItem, open_directory, search

ROOT = Path(__file__).resolve().parents[2]
PLACES = ["LS6", "Leeds", "Cardiff", "Inverness", "Belfast", "CH5", "Berwick-upon-Tweed", "anywhere"]


@pytest.fixture(scope="module", params=["data/directory", "tests/data/directory_fixture"])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> sqlite3.Connection:
    path = tmp_path_factory.mktemp("format") / "directory.sqlite"
    build(ROOT / request.param, path)
    return open_directory(path)


def pages(conn: sqlite3.Connection, category: str, audience: Optional[str], place: str,
          nation: Optional[str]) -> list[tuple[ServiceItem, ...]]:
    found, offset, resolved = [], 0, resolve_place(place)
    while True:
        page = search(conn, category, audience=audience, place=resolved, nation=nation, limit=3, offset=offset)
        found.append(page.items)
        offset += len(page.items)
        if not page.has_more or not page.items:
            return found


def claim_holds(heading: str, card_where: str) -> bool:
    if heading.startswith("Here are some services near "):
        return bool(re.fullmatch(r"(Less than 1 mile|About \d+ miles?) away( \(.*\))?\.", card_where))
    nations = re.fullmatch(r"Here are services for people in (.+)\.", heading)
    if nations:
        return card_where == f"For people in {nations[1]}."
    return heading == "Here are services that work anywhere in the UK." and card_where == "Works anywhere in the UK."


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_heading_is_true_of_every_card_in_its_group(db: sqlite3.Connection, category: str) -> None:
    for place in PLACES:
        for audience in (None, "fathers", "mothers", "women_only"):
            for nation in ((None, "england", "scotland") if place == "anywhere" else (None,)):
                for items in pages(db, category, audience, place, nation):
                    groups = group_by_coverage(items)
                    assert sorted(i.service_id for g in groups for i in g.items) == \
                        sorted(i.service_id for i in items), "no card is lost or repeated"
                    for group in groups:
                        heading = group_heading(group, place)["text"]
                        wrong = [where_text(i) for i in group.items if not claim_holds(heading, where_text(i))]
                        assert not wrong, (place, audience, nation, heading, wrong)


def test_groups_keep_the_order_they_first_appear_in(db: sqlite3.Connection) -> None:
    items = search(db, "child_protection_advice", place="anywhere", limit=10).items
    keys = [coverage(i) for i in items]
    groups = group_by_coverage(items)
    assert [g.coverage for g in groups] == list(dict.fromkeys(keys))
    assert len({g.coverage for g in groups}) == len(groups), "one group per kind of coverage"


def test_a_service_for_two_nations_is_headed_with_both(db: sqlite3.Connection) -> None:
    pairs = [i for c in CATEGORIES for i in search(db, c, place="anywhere", limit=50).items
             if i.scope == "nation" and len(i.nations) > 1]
    if not pairs:
        pytest.skip("this directory has no service for two nations")
    for item in pairs:
        [group] = group_by_coverage([item])
        heading = group_heading(group, None)["text"]
        assert heading.startswith("Here are services for people in ") and " and " in heading
        assert claim_holds(heading, where_text(item))
