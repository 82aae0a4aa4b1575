"""Checks that the assistant's words are plain and free of judgement.

Rules and word lists live in bot/language.yml so they can be reviewed
without reading code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import textstat
import yaml

RULES_FILE = Path(__file__).with_name("language.yml")
_EXPLAINS = ("(", " means ", " is a ", " is an ", " is when ", " is the ")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class LanguageRules:
    banned: dict[str, re.Pattern[str]]
    official_terms: tuple[str, ...]
    max_grade_per_response: float
    max_mean_grade: float
    max_words_per_sentence: int


@lru_cache(maxsize=1)
def load_rules(path: Path = RULES_FILE) -> LanguageRules:
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    banned = {name: re.compile(rf"\b(?:{pattern})\b", re.IGNORECASE)
              for name, pattern in raw["banned"].items()}
    # Longest first, so "care order" does not cut "interim care order" in half.
    terms = tuple(sorted(raw["official_terms"], key=len, reverse=True))
    return LanguageRules(banned, terms, float(raw["max_grade_per_response"]),
                         float(raw["max_mean_grade"]), int(raw["max_words_per_sentence"]))


def stigmatising_terms(text: str, rules: LanguageRules | None = None) -> list[str]:
    """Names of the banned terms found in the text."""
    rules = rules or load_rules()
    return [name for name, pattern in rules.banned.items() if pattern.search(text)]


def explains_a_term(text: str) -> bool:
    return any(marker in text for marker in _EXPLAINS)


def scoring_text(text: str, rules: LanguageRules | None = None) -> str:
    """The text as scored: links dropped, explained official terms shortened."""
    rules = rules or load_rules()
    text = re.sub(r"https?://\S+|www\.\S+", "link", text)
    if explains_a_term(text):
        for term in rules.official_terms:
            text = re.sub(re.escape(term), "term", text, flags=re.IGNORECASE)
    return text


def reading_grade(text: str, rules: LanguageRules | None = None) -> float:
    return float(textstat.flesch_kincaid_grade(scoring_text(text, rules)))


def sentences(text: str) -> list[str]:
    """The text split where the length limit splits it: after . ! ? and at line breaks."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def longest_sentence(text: str) -> int:
    return max((len(s.split()) for s in sentences(text)), default=0)


def hard_words(text: str, min_syllables: int = 3) -> list[str]:
    """Words of `min_syllables` or more, which push the Flesch-Kincaid grade up most."""
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    return list(dict.fromkeys(w for w in words if textstat.syllable_count(w) >= min_syllables))
