"""Plain words for the local door (bot/directory/council_messages.yml): who runs
children's services and who helps with housing for a place, with a verified
page for each body (GOV.UK's council finder, or a Northern Ireland Trust's own site)."""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from bot.directory.councils import Body, LocalDoor, local_door
from bot.directory.locations import resolve_place

MESSAGES_FILE = Path(__file__).with_name("council_messages.yml")
SOCIAL_CARE, HOUSING, BOTH = "social_care", "housing", "both"
HOUSING_CATEGORIES = {"housing_homelessness"}
# With no place, the general "find your council" line is worth showing only for these.
COUNCIL_CATEGORIES = {"housing_homelessness", "child_protection_advice"}


@lru_cache(maxsize=1)
def templates() -> dict[str, str]:
    return yaml.safe_load(MESSAGES_FILE.read_text(encoding="utf-8"))


def need_for(category: Optional[str]) -> str:
    """Which door a search for this kind of help names: housing, or children's services."""
    return HOUSING if category in HOUSING_CATEGORIES else SOCIAL_CARE


def door_text(door: LocalDoor, need: str = BOTH) -> str:
    """One chat bubble: who to contact for `need`, then a link for each body named."""
    t = templates()
    if door.crown:
        government, url = door.crown
        return f"{t['crown'].format(place=door.place, council=government)}\n{government}: {url}"
    care = door.social_care if need in (SOCIAL_CARE, BOTH) else ()
    housing = door.housing if need in (HOUSING, BOTH) else ()
    if care and care == housing and len(care) == 1:
        parts = [t["both_same"].format(place=door.place, council=care[0].name)]
    else:
        parts = [p for p in (_care_text(door, care), _housing_text(door, housing)) if p]
    named = list(dict.fromkeys((*care, *housing)))
    links = [f"{body.name}: {body.url}" for body in named]
    return "\n".join([" ".join(parts), t["links"], *links])


def _care_text(door: LocalDoor, care: tuple[Body, ...]) -> str:
    if not care:
        return ""
    t = templates()
    trust = door.nation == "northern_ireland"
    key = ("trust_social_care" if trust else "social_care") + ("_probably" if len(care) > 1 else "")
    others = _or_list([b.name for b in care[1:]])
    return t[key].format(place=door.place, council=care[0].name, others=others)


def _housing_text(door: LocalDoor, housing: tuple[Body, ...]) -> str:
    if not housing:
        return ""
    t = templates()
    if door.nation == "northern_ireland":
        return t["ni_housing"]
    key = "housing_probably" if len(housing) > 1 else "housing"
    return t[key].format(place=door.place, council=housing[0].name,
                         others=_or_list([b.name for b in housing[1:]]))


def no_place_text(nation: Optional[str]) -> str:
    """For a search with no town or district: how to find the council, or the NI bodies."""
    return templates()["no_place_ni" if nation == "northern_ireland" else "no_place"]


def _or_list(words: list[str]) -> str:
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} or {words[-1]}"


def search_door_text(conn: sqlite3.Connection, category: str, place_label: Optional[str],
                     place_found: bool, nation: Optional[str]) -> Optional[str]:
    """The local door to show with search results: the council for the place and the kind of
    help, or how to find one when no place was given. None when there is nothing useful to add."""
    if place_found and place_label:
        place = resolve_place(place_label)
        door = local_door(conn, place.outcode, place.label or place_label) if place.found else None
        if door is not None:
            return door_text(door, need_for(category))
    if category in COUNCIL_CATEGORIES:
        return no_place_text(nation)
    return None


def is_door_text(text: str) -> bool:
    """True for a message made here (tests and tools use it to set the door line aside)."""
    t = templates()
    return f"\n{t['links']}\n" in text or text in (t["no_place"], t["no_place_ni"])
