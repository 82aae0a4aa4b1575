"""The service search's own messages and NLU data meet the same rules as domain responses."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.directory.categories import match_audience, match_category
from bot.directory.format import KIND_PHRASES, WHO_PHRASES
from bot.directory.locations import normalise, resolve_place
from bot.directory.messages import load_messages, message
from bot.directory.schema import AUDIENCES, CATEGORIES
from bot.facts import digits, load_facts, phone_numbers_in, recorded_numbers
from bot.language import load_rules, longest_sentence, reading_grade, stigmatising_terms

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = load_messages()
SAMPLE = {"place": "Leeds", "nation_name": "Wales", "kind": "a peer group", "who": "dads"}
TEXTS = [(name, entry["text"].format(**SAMPLE)) for name, entry in MESSAGES.items()]
BUTTONS = [(name, b["title"]) for name, entry in MESSAGES.items() for b in entry.get("buttons", [])]


@pytest.mark.parametrize("name,text", TEXTS, ids=[n for n, _ in TEXTS])
def test_messages_are_plain_and_kind(name: str, text: str) -> None:
    rules = load_rules()
    assert not stigmatising_terms(text), name
    assert reading_grade(text) <= rules.max_grade_per_response, (name, reading_grade(text))
    assert longest_sentence(text) <= rules.max_words_per_sentence, name


@pytest.mark.parametrize("category", CATEGORIES)
def test_every_no_match_sentence_is_plain_and_one_sentence(category: str) -> None:
    rules = load_rules()
    assert set(KIND_PHRASES) == set(CATEGORIES)
    for who in (None, *WHO_PHRASES.values()):
        name = "services_none_near_for" if who else "services_none_near"
        text = MESSAGES[name]["text"].format(kind=KIND_PHRASES[category], who=who, place="Berwick-upon-Tweed")
        assert text.count(".") == 1 and text.endswith("."), text
        assert not stigmatising_terms(text), text
        assert reading_grade(text) <= rules.max_grade_per_response, (text, reading_grade(text))
        assert longest_sentence(text) <= rules.max_words_per_sentence, text
    for who in WHO_PHRASES.values():
        assert not stigmatising_terms(MESSAGES["services_broader"]["text"].format(who=who))


def test_button_titles_are_free_of_stigmatising_words() -> None:
    assert not [(n, t) for n, t in BUTTONS if stigmatising_terms(t)]


def test_every_phone_number_in_a_message_is_a_recorded_fact() -> None:
    known = recorded_numbers(load_facts())
    unknown = [(n, num) for n, text in TEXTS for num in phone_numbers_in(text) if digits(num) not in known]
    assert not unknown
    assert phone_numbers_in(MESSAGES["directory_helplines"]["text"]) == ["116 123", "999"]


def test_category_buttons_cover_every_kind_of_help_with_valid_payloads() -> None:
    payloads = [b["payload"] for b in message("ask_help_category")["buttons"]]
    values = [json.loads(p[len("/inform_help_category"):])["help_category"] for p in payloads]
    assert sorted(values) == sorted(CATEGORIES)


def test_ask_location_has_a_skip_button_that_means_anywhere() -> None:
    button = message("ask_location")["buttons"][0]
    assert button["title"] == "Skip"
    entities = json.loads(button["payload"][len("/inform_location"):])
    assert resolve_place(entities["location"]).status == "national"
    assert "LS6" in message("ask_location")["text"]


@pytest.mark.parametrize("text,category,audience", [
    ("a dads group", "peer_support", "fathers"), ("somewhere to live", "housing_homelessness", None),
    ("methadone script", "drug_alcohol_treatment", None), ("needle exchange", "harm_reduction", None),
    ("I need a solicitor", "legal_advice_advocacy", None), ("help with social services", "child_protection_advice", None),
    ("mental health after birth", "perinatal_mental_health", None), ("domestic abuse", "domestic_abuse", None),
    ("someone to talk to now", "crisis_line", None), ("feeling low", "mental_health", None),
    ("mums group after my baby was taken", "peer_support", "after_removal"), ("peer_support", "peer_support", None),
    ("asdfgh", None, None), ("", None, None),
])
def test_typed_kinds_of_help(text: str, category: str, audience: str) -> None:
    assert match_category(text) == category
    assert match_audience(text) == audience


def _nlu() -> list[dict[str, Any]]:
    return yaml.safe_load((ROOT / "data" / "nlu" / "find_service.yml").read_text(encoding="utf-8"))["nlu"]


def test_nlu_has_fifteen_examples_per_intent_and_valid_entity_values() -> None:
    for item in _nlu():
        if "intent" in item:
            examples = [l for l in item["examples"].splitlines() if l.strip().startswith("- ")]
            assert len(examples) >= 15, item["intent"]
            for value in re.findall(r'"entity": "help_category", "value": "([a-z_]+)"', item["examples"]):
                assert value in CATEGORIES
            for value in re.findall(r'"entity": "audience", "value": "([a-z_]+)"', item["examples"]):
                assert value in AUDIENCES


def test_location_lookup_names_are_known_places() -> None:
    lookup = next(i for i in _nlu() if i.get("lookup") == "location")
    names = [l.strip()[2:] for l in lookup["examples"].splitlines() if l.strip()]
    assert len(names) > 250
    assert all(resolve_place(n).found or resolve_place(n).suggestions for n in names)
    assert "reading" not in {normalise(n) for n in names}  # everyday words are left out


def test_annotated_locations_in_nlu_resolve() -> None:
    for item in _nlu():
        for place in re.findall(r"\[([^\]]+)\]\(location\)", item.get("examples", "")):
            assert resolve_place(place).found, place
