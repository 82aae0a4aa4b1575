"""What a simulated person says, in the order real conversations go.

Greeting, a question on a topic, a search with a place, an official word, a
crisis message, goodbye. Plain Python (no Locust) so the tests can check it.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

TOPICS = (
    "what happens at a child protection conference",
    "can social services take my baby at birth",
    "im on a methadone script and pregnant, will they tell social services",
    "where can i get help with housing",
    "my partner checks my phone and wont let me see my mum",
    "i feel low since the baby was born",
)
SEARCHES = (
    "is there a dads group in Leeds",
    "drug service near LS6",
    "perinatal mental health support in Bristol",
    "domestic abuse help in Cardiff",
    "housing advice in Glasgow",
    "support after my child was removed in Belfast",
)
WORDS = ("what does PLO mean", "what is a section 20", "what is a core group")
CRISIS = "i want to end my life tonight"
GREETING, GOODBYE = "hi", "bye"


@dataclass(frozen=True)
class Turn:
    text: str
    crisis: bool = False


def conversation(rng: random.Random) -> list[Turn]:
    return [Turn(GREETING), Turn(rng.choice(TOPICS)), Turn(rng.choice(SEARCHES)),
            Turn(rng.choice(WORDS)), Turn(CRISIS, crisis=True), Turn(GOODBYE)]


def reply_problem(status: int, replies: object, crisis: bool) -> str:
    """Why a reply is not good enough, or "" when it is. Silence is never good enough."""
    if status != 200:
        return f"HTTP {status}"
    if not isinstance(replies, list) or not any(
            isinstance(r, dict) and (r.get("text") or r.get("buttons")) for r in replies):
        return "no reply (silence)"
    if crisis and not any("999" in (r.get("text") or "") for r in replies):
        return "crisis message without 999"
    return ""


def is_retry_message(replies: list) -> bool:
    """The balancer's kind "please send it again", given while no server could answer."""
    return any("did not reach me" in (r.get("text") or "") for r in replies if isinstance(r, dict))
