"""What to offer when the assistant is not sure what a message is about.

`choose(ranking)` turns the intent ranking of an unsure message into one of:

- offer: two or three plain buttons for the likeliest answers or topics
  ("Child protection conferences", "Finding a solicitor"), then "Something
  else" (the menu);
- clarify: the guess is too weak to offer anything: one short question with
  the main topics;
- menu: the person was already asked once and it is still unclear: the whole
  menu, never the same question again.

Pure Python (no Rasa), so the blind-set evaluation uses the same decision as
the running assistant. Titles and thresholds are in bot/routing.yml.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping, Optional

import yaml

ROUTING_PATH = Path(__file__).with_name("routing.yml")
TOPICS_PATH = Path(__file__).with_name("topics.yml")
OFFER, CLARIFY, MENU = "offer", "clarify", "menu"


@dataclass(frozen=True)
class Option:
    title: str
    payload: str
    topic: str


@dataclass(frozen=True)
class Choice:
    kind: str                      # offer | clarify | menu
    options: tuple[Option, ...] = ()

    @property
    def topics(self) -> tuple[str, ...]:
        return tuple(option.topic for option in self.options)


@dataclass(frozen=True)
class Routing:
    topic_of: Mapping[str, str]
    topic_options: Mapping[str, Option]
    intent_titles: Mapping[str, str]
    never_offered: frozenset[str]
    clarify_below: float
    option_at_least: float
    max_options: int


@lru_cache(maxsize=2)
def load_routing(routing_path: Path = ROUTING_PATH, topics_path: Path = TOPICS_PATH) -> Routing:
    spec = yaml.safe_load(routing_path.read_text(encoding="utf-8"))
    topic_of = yaml.safe_load(topics_path.read_text(encoding="utf-8"))
    return Routing(
        topic_of=topic_of,
        topic_options={name: Option(t["title"], t["payload"], name)
                       for name, t in spec["topics"].items()},
        intent_titles=spec["intents"],
        never_offered=frozenset(spec["never_offered"]),
        clarify_below=float(spec["clarify_below"]),
        option_at_least=float(spec["option_at_least"]),
        max_options=int(spec["max_options"]),
    )


def choose(ranking: Iterable[Mapping[str, Any]], asked_before: bool = False,
           routing: Optional[Routing] = None) -> Choice:
    """The reply to an unsure message, from its intent ranking (best first)."""
    routing = routing or load_routing()
    if asked_before:
        return Choice(MENU)
    candidates = _candidates(ranking, routing)
    if not candidates or candidates[0][1] < routing.clarify_below:
        return Choice(CLARIFY)
    best = candidates[0][1]
    strong = [(name, score) for name, score in candidates if score >= best * routing.option_at_least]
    return Choice(OFFER, _options(strong, routing))


def _candidates(ranking: Iterable[Mapping[str, Any]], routing: Routing) -> list[tuple[str, float]]:
    out = []
    for entry in ranking:
        name, score = entry.get("name"), float(entry.get("confidence") or 0.0)
        if name and name not in routing.never_offered and name in routing.topic_of:
            out.append((name, score))
    return sorted(out, key=lambda pair: -pair[1])


def _options(strong: list[tuple[str, float]], routing: Routing) -> tuple[Option, ...]:
    """The best answers, or their topics when answers of several topics compete."""
    options: list[Option] = []
    seen_payloads: set[str] = set()
    for name, _ in strong:
        option = _option_for(name, routing)
        if option.payload not in seen_payloads:
            options.append(option)
            seen_payloads.add(option.payload)
        if len(options) == routing.max_options:
            break
    if len(options) == 1:  # one clear guess: offer its topic as the other way in
        topic = routing.topic_options.get(options[0].topic)
        if topic and topic.payload not in seen_payloads:
            options.append(topic)
    return tuple(options)


def _option_for(intent: str, routing: Routing) -> Option:
    topic = routing.topic_of[intent]
    title = routing.intent_titles.get(intent)
    if title:
        return Option(title, f"/{intent}", topic)
    fallback = routing.topic_options.get(topic)
    return fallback or Option(topic.replace("_", " ").capitalize(), f"/{intent}", topic)
