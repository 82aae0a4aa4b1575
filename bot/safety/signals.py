"""Risk-adjacent signals: when a direct safety question is better than a guess.

`safety_question(text, unsure)` returns "child" ("Is the child breathing and
awake?"), "self" ("Are you thinking about ending your life?") or None. The
words and the combinations are in risk_signals.yml for staff to review.
The crisis detector still decides real escalations; this is the net under it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

from bot.safety.lexicon import load as load_lexicon
from bot.safety.normalise import normalise_variants

SIGNALS_PATH = Path(__file__).with_name("risk_signals.yml")
CHILD, SELF = "child", "self"


@dataclass(frozen=True)
class Signals:
    patterns: dict[str, re.Pattern[str]]
    questions: dict[str, dict[str, tuple[frozenset[str], ...]]]
    child_danger_details: dict[str, re.Pattern[str]]


@lru_cache(maxsize=2)
def load_signals(path: Path = SIGNALS_PATH) -> Signals:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    patterns = {name: re.compile(pattern) for name, pattern in spec["signals"].items()}
    questions = {
        subject: {mode: tuple(frozenset(combo) for combo in combos)
                  for mode, combos in modes.items()}
        for subject, modes in spec["questions"].items()
    }
    for modes in questions.values():
        for combos in modes.values():
            unknown = set().union(*combos) - patterns.keys()
            if unknown:
                raise ValueError(f"risk_signals.yml: unknown signal(s) {sorted(unknown)}")
    details = {name: re.compile(pattern)
               for name, pattern in (spec.get("child_danger_details") or {}).items()}
    return Signals(patterns, questions, details)


def signals_in(text: str, signals: Optional[Signals] = None) -> frozenset[str]:
    """The names of the signals present anywhere in the text."""
    signals = signals or load_signals()
    forms = normalise_variants(text, load_lexicon().tables)
    return frozenset(name for name, pattern in signals.patterns.items()
                     if any(pattern.search(form) for form in forms))


def safety_question(text: str, unsure: bool, signals: Optional[Signals] = None) -> Optional[str]:
    """Which safety question to ask about this message, if any (the child first)."""
    signals = signals or load_signals()
    found = signals_in(text, signals)
    for subject in (CHILD, SELF):
        modes = signals.questions.get(subject, {})
        combos = modes.get("always", ()) + (modes.get("when_unsure", ()) if unsure else ())
        if any(combo <= found for combo in combos):
            return subject
    return None


def child_danger_detail(text: str, signals: Optional[Signals] = None) -> str:
    """fear_of_harm, not_responding, swallowed or other: which steps fit a child in danger."""
    signals = signals or load_signals()
    forms = normalise_variants(text, load_lexicon().tables)
    for name, pattern in signals.child_danger_details.items():
        if any(pattern.search(form) for form in forms):
            return name
    return "other"
