"""The facts responses rely on (phone numbers, hours, legal rules), with sources."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

import yaml

FACTS_FILE = Path(__file__).with_name("facts.yml")

# UK phone numbers as people write them: 0808 800 5000, 116 123, 999, 111, 85258.
PHONE_NUMBER = re.compile(
    r"(?<![\d£])(?:0\d{2,4}(?: ?\d){6,8}|116 ?\d{3}|999|111|\d{5})(?![\d%])"
)


def load_facts(path: Path = FACTS_FILE) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["facts"]


def digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def phone_numbers_in(text: str) -> list[str]:
    return [m.group(0) for m in PHONE_NUMBER.finditer(text)]


def recorded_numbers(facts: Iterable[dict[str, Any]]) -> set[str]:
    """Digits of every fact value that is itself a phone number."""
    return {digits(str(fact["value"])) for fact in facts
            if PHONE_NUMBER.fullmatch(str(fact["value"]).strip())}
