"""Anonymous usage counts: what each message was about and how it went.

Where the counts come from: the tracker store's new events. The project's
own SQL tracker store (`bot/tracker_store.py`) already sees, in each `save`,
exactly the events that are new since the last save of that conversation.
Counting there needs no extra service (a Rasa event broker would need a
message queue and a consumer process to run and watch), writes into the
same database as the trackers, and works unchanged with several Rasa
replicas sharing one database: the lock store lets one replica at a time
handle a conversation, so each new event is seen by exactly one save.

Pure functions over Rasa event dictionaries (no Rasa imports). Every value
kept comes from a fixed list (weeks, nations, council names, topics from
`bot/topics.yml`, kinds of help, outcomes), so no message text, conversation
id, postcode or time finer than an ISO week can reach the counter table.
"""

from __future__ import annotations

import importlib.util
import os
import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

import yaml

from bot.directory.schema import CATEGORIES, NATIONS

TOPICS_PATH = Path(__file__).with_name("topics.yml")
PROJECT_ROOT = Path(__file__).resolve().parent.parent

ANSWERED = "answered"
DISAMBIGUATED = "disambiguated"
FELL_BACK = "fell_back"
SAFETY_QUESTION = "safety_question"
CRISIS = "crisis_escalated"
SEARCH_LOCAL = "search_local"
SEARCH_NO_LOCAL = "search_no_local"
OUTCOMES = (ANSWERED, DISAMBIGUATED, FELL_BACK, SAFETY_QUESTION, CRISIS, SEARCH_LOCAL, SEARCH_NO_LOCAL)

# The crisis detector's intents that start an escalation. crisis_checkin is a
# gentle check-in after a past or negated mention; crisis_check_self and
# crisis_check_child ask the safety question, which escalates only on "yes"
# (then one of ESCALATION_RESPONSES runs, and that is counted as a crisis).
CRISIS_INTENTS = frozenset({"crisis_suicide", "crisis_self_harm", "crisis_overdose", "crisis_danger",
                            "crisis_child_danger", "crisis_abuse_disclosure"})
SAFETY_QUESTION_INTENTS = frozenset({"crisis_check_self", "crisis_check_child"})
ESCALATION_RESPONSES = frozenset(f"utter_{intent}" for intent in CRISIS_INTENTS)

FALLBACK_INTENT = "nlu_fallback"
DEFAULT_FALLBACK_ACTION = "action_default_fallback"
DISAMBIGUATE_ACTION = "action_disambiguate"
OFFER_RESPONSE = "utter_disambiguate_offer"   # clarify and menu replies count as falling back
SEARCH_ACTION = "action_search_services"
LOCAL_SLOT = "last_search_local"              # set by action_search_services when a place was found
NATION_SLOT, LOCATION_SLOT, CATEGORY_SLOT = "nation", "location", "help_category"
OTHER_TOPIC, SEARCH_TOPIC = "other", "find_service"


@dataclass(frozen=True)
class CountKey:
    """One counter: every field is from a fixed list; "" means not known."""

    week: str          # ISO week, e.g. "2026-W49"
    nation: str        # one of NATIONS or ""
    council: str       # a council area's name or "" (never finer than a council)
    topic: str         # a topic from bot/topics.yml
    outcome: str       # one of OUTCOMES
    help_category: str = ""  # the kind of help searched for (searches only)


@lru_cache(maxsize=1)
def topic_map(path: Path = TOPICS_PATH) -> dict[str, str]:
    return dict(yaml.safe_load(path.read_text(encoding="utf-8")))


def iso_week(timestamp: float) -> str:
    year, week, _ = datetime.fromtimestamp(timestamp, timezone.utc).isocalendar()
    return f"{year}-W{week:02d}"


def council_area(location: Optional[str], nation: Optional[str]) -> str:
    """The council area of a town or postcode district, or "" when unknown.

    The one place the council lookup plugs in: the district (a town's is its
    main district) is looked up in the `outcode_council` table that
    `bot.directory.councils` writes into the directory file. Only a council's
    name is returned, never the place the person typed; with no lookup (or an
    older directory file) counts carry the nation only.
    """
    if not location or not isinstance(location, str):
        return ""
    lookup = _council_lookup()
    if lookup is None:
        return ""
    try:
        council = lookup(location, nation)
    except Exception:  # a lookup problem must never stop counting
        return ""
    return council if isinstance(council, str) else ""


@lru_cache(maxsize=1)
def _council_lookup() -> Optional[Callable[[str, Optional[str]], str]]:
    if importlib.util.find_spec("bot.directory.councils") is None:
        return None
    return _council_in_directory


@lru_cache(maxsize=4096)
def _council_in_directory(location: str, nation: Optional[str]) -> str:
    from bot.directory.locations import resolve_place
    from bot.directory.schema import NATION_LABELS

    # The nation tells apart towns with one name in two nations (Bangor).
    place = resolve_place(f"{location} {NATION_LABELS.get(nation or '', '')}".strip())
    if not place.found or not place.outcode:
        return ""
    try:
        with closing(sqlite3.connect(f"file:{_directory_db()}?mode=ro", uri=True)) as conn:
            row = conn.execute(
                "SELECT b.name FROM outcode_council o JOIN council_body b ON b.code = o.council_area "
                "WHERE o.outcode = ?", (place.outcode.upper(),)).fetchone()
    except sqlite3.Error:  # no directory file, or one built before councils were added
        return ""
    return row[0] if row and isinstance(row[0], str) else ""


def _directory_db() -> Path:
    path = Path(os.environ.get("DIRECTORY_DB", "") or "build/directory.sqlite")
    return path if path.is_absolute() else PROJECT_ROOT / path


def count_new_events(prior: Sequence[Mapping[str, Any]],
                     new: Sequence[Mapping[str, Any]]) -> Counter[CountKey]:
    """One count for each user message among the new events.

    `prior` are the conversation's events already stored (for the slot values
    a message starts with), `new` the events this save adds. A message's turn
    is its user event and everything up to the next user event.
    """
    slots = _replay_slots({}, prior)
    counts: Counter[CountKey] = Counter()
    for turn in _turns(new):
        slots = _replay_slots(slots, turn)
        counts[_key(turn, slots)] += 1
    return counts


def _turns(events: Sequence[Mapping[str, Any]]) -> Iterable[list[Mapping[str, Any]]]:
    turn: list[Mapping[str, Any]] = []
    for event in events:
        if event.get("event") == "user":
            if turn:
                yield turn
            turn = [event]
        elif turn:
            turn.append(event)
    if turn:
        yield turn


def _replay_slots(start: Mapping[str, Any], events: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Slot values after the events (a restart or new session clears them)."""
    slots = dict(start)
    for event in events:
        kind = event.get("event")
        if kind == "slot":
            slots[str(event.get("name"))] = event.get("value")
        elif kind in ("restart", "session_started"):
            slots = {}
    return slots


def _key(turn: Sequence[Mapping[str, Any]], slots: Mapping[str, Any]) -> CountKey:
    intent = _intent(turn[0])
    outcome = _outcome(intent, turn)
    searched = outcome in (SEARCH_LOCAL, SEARCH_NO_LOCAL) or _ran(turn, SEARCH_ACTION)
    nation = slots.get(NATION_SLOT) if slots.get(NATION_SLOT) in NATIONS else ""
    category = slots.get(CATEGORY_SLOT) if searched and slots.get(CATEGORY_SLOT) in CATEGORIES else ""
    return CountKey(
        week=iso_week(float(turn[0].get("timestamp") or 0.0)),
        nation=nation,
        council=council_area(slots.get(LOCATION_SLOT), nation or None),
        # A place typed as free text in the search form may get any intent.
        topic=SEARCH_TOPIC if searched else topic_map().get(intent, OTHER_TOPIC),
        outcome=outcome,
        help_category=category,
    )


def _intent(user_event: Mapping[str, Any]) -> str:
    intent = (user_event.get("parse_data") or {}).get("intent") or {}
    name = intent.get("name")
    return name if isinstance(name, str) else ""


def _ran(turn: Sequence[Mapping[str, Any]], action: str) -> bool:
    return any(e.get("event") == "action" and e.get("name") == action for e in turn)


def _responses(turn: Sequence[Mapping[str, Any]]) -> set[str]:
    """Names of the responses the turn sent (actions and bot messages)."""
    names = {str(e.get("name")) for e in turn if e.get("event") == "action"}
    names |= {str((e.get("metadata") or {}).get("utter_action"))
              for e in turn if e.get("event") == "bot"}
    return names


def _outcome(intent: str, turn: Sequence[Mapping[str, Any]]) -> str:
    responses = _responses(turn)
    if intent in CRISIS_INTENTS or responses & ESCALATION_RESPONSES:
        return CRISIS
    if intent in SAFETY_QUESTION_INTENTS:
        return SAFETY_QUESTION
    local = [e.get("value") for e in turn if e.get("event") == "slot" and e.get("name") == LOCAL_SLOT]
    if local and local[-1] is not None:
        return SEARCH_LOCAL if local[-1] else SEARCH_NO_LOCAL
    if DISAMBIGUATE_ACTION in responses:
        return DISAMBIGUATED if OFFER_RESPONSE in responses else FELL_BACK
    if intent == FALLBACK_INTENT or DEFAULT_FALLBACK_ACTION in responses:
        return FELL_BACK
    return ANSWERED
