"""Every phone number the assistant says is a recorded fact with a source."""

import re
from pathlib import Path
from datetime import date
from typing import Any

import pytest

from bot.facts import digits, load_facts, phone_numbers_in, recorded_numbers
from tests.conftest import response_texts

FACTS = load_facts()


def test_phone_pattern_finds_uk_numbers() -> None:
    text = "Call 999, Samaritans on 116 123, text 85258 or 0808 800 5000. It is 26 weeks."
    assert phone_numbers_in(text) == ["999", "116 123", "85258", "0808 800 5000"]


@pytest.mark.parametrize("fact", FACTS, ids=[f["id"] for f in FACTS])
def test_fact_has_source_and_date(fact: dict[str, Any]) -> None:
    assert fact.get("value") and fact.get("what"), fact["id"]
    assert str(fact.get("source_url", "")).startswith("https://"), fact["id"]
    checked = date.fromisoformat(str(fact["checked"]))
    assert checked <= date.today(), fact["id"]


def test_fact_ids_are_unique() -> None:
    ids = [f["id"] for f in FACTS]
    assert len(ids) == len(set(ids))


def test_every_phone_number_in_a_response_is_recorded(domain: dict[str, Any]) -> None:
    known = recorded_numbers(FACTS)
    unknown = [(name, number) for name, text in response_texts(domain)
               for number in phone_numbers_in(text) if digits(number) not in known]
    assert not unknown, f"numbers with no entry in bot/facts.yml: {unknown}"


def test_recorded_numbers_are_written_the_same_way_everywhere(domain: dict[str, Any]) -> None:
    """A number written with other spacing than its fact is easy to misread."""
    spelled = {digits(str(f["value"])): str(f["value"]) for f in FACTS}
    odd = [(name, n) for name, text in response_texts(domain)
           for n in phone_numbers_in(text)
           if digits(n) in spelled and re.sub(r"\s+", " ", n) != spelled[digits(n)]]
    assert not odd, f"numbers spaced unlike bot/facts.yml: {odd}"


def test_every_phone_number_in_the_widget_is_recorded() -> None:
    """The widget's own texts (offline message, notes) hold numbers too."""
    known = recorded_numbers(FACTS)
    static = Path(__file__).resolve().parents[2] / "bot" / "web" / "static"
    texts = [(p.name, _visible_text(p)) for p in static.glob("*.*") if p.suffix in (".html", ".js")]
    unknown = [(name, n) for name, text in texts
               for n in phone_numbers_in(text) if digits(n) not in known]
    assert texts and not unknown, f"numbers with no entry in bot/facts.yml: {unknown}"


def _visible_text(path: Path) -> str:
    """What a person can read: string literals of a script, text of a page."""
    source = path.read_text(encoding="utf-8")
    if path.suffix == ".js":
        return "\n".join(re.findall(r"'([^'\\\n]*)'", source))
    return re.sub(r"<[^>]+>", " ", source)
