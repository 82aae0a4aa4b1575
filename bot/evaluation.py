"""How well a trained model routes messages nobody tuned it on.

`python -m bot.evaluation MODEL [SET ...]` parses every message of the blind
sets (tests/data/blind/, see its README) with the real NLU pipeline, applies
the same disambiguation decision the running assistant makes
(`bot.disambiguation.choose`), and reports:

- topic accuracy: the reply goes straight to the right topic;
- reached: straight there, or the right topic is among the offered buttons;
- dead ends: the assistant could only ask the person to say more;
- crisis recall and false alarms (a crisis reply, or a safety question, for
  a message that is not a crisis);
- nation: messages naming a place get the right nation.

The figures are written to test-artifacts/ by the tests and `make bench`.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

import yaml

from bot.disambiguation import CLARIFY, OFFER, choose, load_routing

ROOT = Path(__file__).resolve().parents[1]
BLIND_DIR = ROOT / "tests" / "data" / "blind"
ROUTING_GLOB = "messages*.yml"  # the routing sets
CRISIS_GLOB, NOT_CRISIS_GLOB = "crisis_messages*.yml", "non_crisis_messages*.yml"  # the detector's
NLU_DIR = ROOT / "data" / "nlu"
SAFETY_CHECKS = ("crisis_check_self", "crisis_check_child")


@dataclass(frozen=True)
class Case:
    text: str
    topic: str
    nation: Optional[str] = None


@dataclass(frozen=True)
class Outcome:
    case: Case
    intent: str
    topic: str                    # topic of the reply ("crisis" for escalations and safety questions)
    kind: str                     # answer | offer | clarify | crisis
    offered: tuple[str, ...] = ()
    nation: Optional[str] = None


@dataclass
class Report:
    messages: int = 0
    excluded_as_trained: int = 0   # blind messages that also stand in the training data
    topic_accuracy: float = 0.0
    reached: float = 0.0
    dead_ends: float = 0.0
    offered: float = 0.0
    crisis_messages: int = 0
    crisis_recall: float = 0.0
    false_alarms: float = 0.0
    nation_messages: int = 0
    nation_accuracy: float = 0.0
    # The detector's blind sets, through the whole pipeline (classifier, detector, safety question).
    crisis_set_messages: int = 0
    crisis_set_recall: float = 0.0
    not_crisis_set_messages: int = 0
    not_crisis_set_false_alarms: float = 0.0
    by_topic: dict[str, dict[str, float]] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def summary(self) -> str:
        crisis_sets = (f"; crisis set: {self.crisis_set_recall:.1%} of {self.crisis_set_messages} "
                       f"get a crisis reply, {self.not_crisis_set_false_alarms:.1%} of "
                       f"{self.not_crisis_set_messages} look-alikes do"
                       if self.crisis_set_messages else "")
        return (f"{self.messages} messages ({self.excluded_as_trained} left out: also in the "
                f"training data): right topic {self.topic_accuracy:.1%}, "
                f"reached (right topic or offered) {self.reached:.1%}, "
                f"offered {self.offered:.1%}, dead ends {self.dead_ends:.1%}; "
                f"crisis recall {self.crisis_recall:.1%} of {self.crisis_messages}, "
                f"false alarms {self.false_alarms:.1%}; "
                f"nation right {self.nation_accuracy:.1%} of {self.nation_messages}"
                + crisis_sets)


def load_cases(paths: Iterable[Path]) -> list[Case]:
    cases = []
    for path in paths:
        for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]:
            cases.append(Case(entry["text"], entry["topic"], entry.get("nation")))
    return cases


def training_texts(nlu_dir: Path = NLU_DIR) -> set[str]:
    """Every training example, lower-cased (short phrases like "hi" are in both sets)."""
    texts: set[str] = set()
    for path in nlu_dir.glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            texts |= {line[2:].strip().lower() for line in block.get("examples", "").splitlines()
                      if line.startswith("- ")}
    return texts


def outcome(case: Case, parse: dict[str, Any]) -> Outcome:
    """What the person would get for this parse result."""
    routing = load_routing()
    intent = (parse.get("intent") or {}).get("name") or "nlu_fallback"
    nation = next((e["value"] for e in parse.get("entities") or [] if e.get("entity") == "nation"), None)
    if intent.startswith("crisis_") and intent != "crisis_checkin":
        return Outcome(case, intent, "crisis", "crisis", nation=nation)
    if intent == "nlu_fallback":
        ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
        choice = choose(ranking)
        if choice.kind == OFFER:
            return Outcome(case, intent, "other", OFFER, choice.topics, nation)
        return Outcome(case, intent, "other", CLARIFY, nation=nation)
    return Outcome(case, intent, routing.topic_of.get(intent, "other"), "answer", nation=nation)


def report(outcomes: list[Outcome]) -> Report:
    n = len(outcomes) or 1
    right = [o for o in outcomes if o.topic == o.case.topic]
    reached = [o for o in outcomes if o.topic == o.case.topic or o.case.topic in o.offered]
    crisis = [o for o in outcomes if o.case.topic == "crisis"]
    not_crisis = [o for o in outcomes if o.case.topic != "crisis"]
    with_nation = [o for o in outcomes if o.case.nation]
    by_topic: dict[str, dict[str, float]] = {}
    for topic, count in Counter(o.case.topic for o in outcomes).items():
        hits = sum(1 for o in right if o.case.topic == topic)
        by_topic[topic] = {"messages": count, "right": round(hits / count, 3)}
    return Report(
        messages=len(outcomes),
        topic_accuracy=len(right) / n,
        reached=len(reached) / n,
        dead_ends=sum(1 for o in outcomes if o.kind == CLARIFY) / n,
        offered=sum(1 for o in outcomes if o.kind == OFFER) / n,
        crisis_messages=len(crisis),
        crisis_recall=sum(1 for o in crisis if o.kind == "crisis") / (len(crisis) or 1),
        false_alarms=sum(1 for o in not_crisis if o.kind == "crisis") / (len(not_crisis) or 1),
        nation_messages=len(with_nation),
        nation_accuracy=sum(1 for o in with_nation if o.nation == o.case.nation) / (len(with_nation) or 1),
        by_topic=dict(sorted(by_topic.items())),
        misses=[{"text": o.case.text, "expected": o.case.topic, "got": o.topic, "intent": o.intent,
                 "kind": o.kind, "offered": list(o.offered)}
                for o in outcomes if o.topic != o.case.topic],
    )


def quiet_rasa_logs() -> None:
    """Rasa logs each parse, message text included, at debug level: keep warnings only."""
    import logging

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)


async def _parse_all(model: Path, texts: list[str]) -> list[dict[str, Any]]:
    from rasa.core.agent import Agent

    quiet_rasa_logs()
    agent = Agent.load(str(model))
    return [await agent.parse_message(text) for text in texts]


def _detector_cases(pattern: str, topic: str) -> list[Case]:
    return [Case(entry["text"], topic) for path in sorted(BLIND_DIR.glob(pattern))
            for entry in yaml.safe_load(path.read_text(encoding="utf-8"))["messages"]]


def evaluate(model: Path, sets: Iterable[Path], with_crisis_sets: bool = True) -> dict[str, Report]:
    """One report per routing set (the detector's blind sets ride on the first), for
    every message the model was not trained on. The model is loaded once."""
    trained = training_texts()
    groups: dict[str, tuple[list[Case], int]] = {}
    for path in sets:
        cases = load_cases([path])
        kept = [c for c in cases if c.text.strip().lower() not in trained]
        groups[path.name] = (kept, len(cases) - len(kept))
    crisis = _detector_cases(CRISIS_GLOB, "crisis") if with_crisis_sets else []
    not_crisis = _detector_cases(NOT_CRISIS_GLOB, "not_crisis") if with_crisis_sets else []
    everything = [c for kept, _ in groups.values() for c in kept] + crisis + not_crisis
    parses = iter(asyncio.run(_parse_all(model, [c.text for c in everything])))
    reports = {}
    for name, (kept, excluded) in groups.items():
        reports[name] = report([outcome(case, next(parses)) for case in kept])
        reports[name].excluded_as_trained = excluded
    detector = [outcome(case, next(parses)) for case in crisis + not_crisis]
    if reports and detector:
        _add_crisis_sets(next(iter(reports.values())), detector)
    return reports


def _add_crisis_sets(result: Report, outcomes: list[Outcome]) -> None:
    crisis = [o for o in outcomes if o.case.topic == "crisis"]
    looks_like = [o for o in outcomes if o.case.topic != "crisis"]
    result.crisis_set_messages, result.not_crisis_set_messages = len(crisis), len(looks_like)
    result.crisis_set_recall = sum(o.kind == "crisis" for o in crisis) / (len(crisis) or 1)
    result.not_crisis_set_false_alarms = (sum(o.kind == "crisis" for o in looks_like)
                                          / (len(looks_like) or 1))
    result.misses += [{"text": o.case.text, "expected": o.case.topic, "got": o.topic,
                       "intent": o.intent, "kind": o.kind, "offered": list(o.offered)}
                      for o in outcomes if (o.kind == "crisis") != (o.case.topic == "crisis")]


def default_sets() -> list[Path]:
    return sorted(BLIND_DIR.glob(ROUTING_GLOB))


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.evaluation")
    parser.add_argument("model", type=Path)
    parser.add_argument("sets", type=Path, nargs="*")
    parser.add_argument("--json", type=Path, help="also write the whole report here")
    parser.add_argument("--misses", action="store_true", help="print every message that missed")
    args = parser.parse_args(argv)
    reports = evaluate(args.model, args.sets or default_sets())
    for name, result in reports.items():
        print(f"{name}: {result.summary()}")
        for miss in result.misses if args.misses else []:
            print(f"  {miss['expected']:<16} -> {miss['got']:<16} {miss['kind']:<7} "
                  f"{miss['intent']:<24} {miss['text']}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({n: asdict(r) for n, r in reports.items()}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
