"""A place named anywhere in a message gives the nation, and nothing else does."""
from __future__ import annotations

import pytest

from bot.directory.mentions import find_place


@pytest.mark.parametrize("text, nation, label", [
    ("im in belfast and theres a case conference next week", "northern_ireland", "Belfast"),
    ("we live in Derry", "northern_ireland", "Derry"),
    ("social worker from the trust came out, were near BT9", "northern_ireland", "BT9"),
    ("BT48 7AB is my postcode", "northern_ireland", "BT48"),
    ("got a letter about a hearing, im in glasgow", "scotland", "Glasgow"),
    ("im in scotland and got a letter about a childrens hearing", "scotland", None),
    ("up here in fife the social are involved", "scotland", None),
    ("dad from wrexham looking for a group", "wales", "Wrexham"),
    ("CF10 is where i live", "wales", "CF10"),
    ("caerdydd", "wales", "Cardiff"),
    ("in the valleys, is there a group", "wales", None),
    ("here in NI is it different", "northern_ireland", None),
    ("down in cornwall", "england", None),
    ("near LS6", "england", "LS6"),
    ("stoke-on-trent", "england", "Stoke-on-Trent"),
    ("I live in Reading", "england", "Reading"),
])
def test_places_named_in_a_message_give_their_nation(text: str, nation: str, label: str) -> None:
    mention = find_place(text)
    assert mention is not None, text
    assert (mention.nation, mention.label) == (nation, label)


@pytest.mark.parametrize("text", [
    "what is a section 20",
    "they want me to sign an s20",
    "what happens at an s47",
    "my NI number is on the letter",
    "reading the letter made me cry",
    "giving the baby a bath",
    "i need b12 injections in pregnancy",
    "what does rugby mean",  # an everyday word, not said as a place
    "hello",
    "",
])
def test_everyday_words_and_official_codes_are_not_places(text: str) -> None:
    assert find_place(text) is None, find_place(text)


def test_two_nations_named_leave_the_nation_unset() -> None:
    assert find_place("we moved from scotland to england last year") is None


def test_a_town_in_two_nations_gives_no_nation() -> None:
    mention = find_place("bangor")
    assert mention is not None and mention.nation is None and mention.label is None


def test_a_full_postcode_keeps_only_the_district() -> None:
    mention = find_place("its BT9 5AB")
    assert mention.label == "BT9"
    assert "5AB" not in (mention.label or "")


def test_a_very_long_message_is_read_safely() -> None:
    assert find_place("word " * 5000 + " belfast") is None  # beyond what is read
    assert find_place("belfast " + "word " * 5000).nation == "northern_ireland"
