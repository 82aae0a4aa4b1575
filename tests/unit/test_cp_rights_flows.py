"""Child protection and rights flows: every flow is wired up, says which nation, and never
leaves a person without somewhere to go."""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Set

import pytest
import yaml

from tests.conftest import ROOT, load_yaml

SECTIONS = {"child_protection": "child_protection", "rights_advocacy": "rights_advocacy"}
HELP_CATEGORIES = {
    "child_protection_advice", "legal_advice_advocacy", "peer_support", "drug_alcohol_treatment",
    "harm_reduction", "housing_homelessness", "perinatal_mental_health", "mental_health",
    "domestic_abuse", "crisis_line",
}
AUDIENCES = {"mothers", "fathers", "whole_family", "women_only", "men_only", "after_removal", "anyone"}
PAYLOAD = re.compile(r"^/(?P<intent>[a-z_0-9]+)(?P<entities>\{.*\})?$")


def section_names(key: str, topic: str) -> List[str]:
    """Names listed under `# === topic ===` in one top-level key of domain.yml."""
    text = (ROOT / "domain.yml").read_text(encoding="utf-8")
    block = re.search(rf"^{key}:\n(.*?)(?=^\S)", text, re.S | re.M).group(1)
    part = re.search(rf"# === {topic} ===\n(.*?)(?=  # ===|\Z)", block, re.S).group(1)
    if key == "intents" or key == "actions" or key == "entities":
        return re.findall(r"^  - (\S+)", part, re.M)
    return re.findall(r"^  (\w+):", part, re.M)


MY_INTENTS = {t: section_names("intents", t) for t in SECTIONS}
MY_RESPONSES = [r for t in SECTIONS for r in section_names("responses", t)]
RULE_FILES = [ROOT / "data" / "rules" / f"{t}.yml" for t in SECTIONS]


@pytest.fixture(scope="module")
def nlu_counts() -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for item in load_yaml(path).get("nlu", []):
            if "intent" in item:
                lines = [ln for ln in item["examples"].splitlines() if ln.strip().startswith("- ")]
                counts[item["intent"]] = counts.get(item["intent"], 0) + len(lines)
    return counts


def rules_by_intent() -> Dict[str, List[str]]:
    found: Dict[str, List[str]] = {}
    for path in RULE_FILES:
        for rule in load_yaml(path)["rules"]:
            steps = rule["steps"]
            found[steps[0]["intent"]] = [s["action"] for s in steps[1:]]
    return found


def buttons(domain: Dict[str, Any], name: str) -> List[Dict[str, str]]:
    return [b for v in domain["responses"][name] for b in v.get("buttons") or []]


def test_sections_found() -> None:
    assert len(MY_INTENTS["child_protection"]) >= 20
    assert len(MY_INTENTS["rights_advocacy"]) >= 10
    assert "utter_topic_child_protection" in MY_RESPONSES and "utter_topic_rights" in MY_RESPONSES


@pytest.mark.parametrize("intent", [i for t in SECTIONS for i in MY_INTENTS[t]])
def test_intent_has_examples_topic_and_rule(intent: str, nlu_counts: Dict[str, int]) -> None:
    assert nlu_counts.get(intent, 0) >= 15, intent
    topics = load_yaml(ROOT / "bot" / "topics.yml")
    assert topics[intent] in SECTIONS.values()
    assert intent in rules_by_intent()


def test_rules_use_existing_responses_and_end_with_a_menu(domain: Dict[str, Any]) -> None:
    for intent, actions in rules_by_intent().items():
        for action in actions:
            assert action in domain["responses"] or action in domain["actions"], action
        last = actions[-1]
        if last.startswith("utter_"):
            assert buttons(domain, last), f"{intent} ends without buttons"


@pytest.mark.parametrize("name", MY_RESPONSES)
def test_button_payloads_point_somewhere_real(domain: Dict[str, Any], name: str) -> None:
    for button in buttons(domain, name):
        match = PAYLOAD.match(button["payload"])
        assert match, button
        assert match["intent"] in domain["intents"], button
        entities = json.loads(match["entities"]) if match["entities"] else {}
        for key, value in entities.items():
            # help_category and audience belong to the service search (find_service section).
            assert key in ("help_category", "audience") or key in domain["entities"], button
            if key == "help_category":
                assert value in HELP_CATEGORIES, button
            if key == "audience":
                assert value in AUDIENCES, button
            if key == "nation":
                assert value in domain["slots"]["nation"]["values"], button


def test_every_flow_offers_advice_near_the_person(domain: Dict[str, Any]) -> None:
    for intent, actions in rules_by_intent().items():
        payloads = [b["payload"] for a in actions if a in domain["responses"] for b in buttons(domain, a)]
        if intent in ("set_nation", "ask_term"):
            continue
        assert any(p.startswith("/find_service") for p in payloads), intent
        assert "/main_menu" in payloads, intent


def test_topic_menus_prefill_the_help_category(domain: Dict[str, Any]) -> None:
    cp = [b["payload"] for b in buttons(domain, "utter_topic_child_protection")]
    rights = [b["payload"] for b in buttons(domain, "utter_topic_rights")]
    assert '/find_service{"help_category":"child_protection_advice"}' in cp
    assert '/find_service{"help_category":"legal_advice_advocacy"}' in rights
    assert "/main_menu" in cp and "/main_menu" in rights


def nation_values(variation: Dict[str, Any]) -> Set[str]:
    return {c["value"] for c in variation.get("condition") or [] if c.get("name") == "nation"}


@pytest.mark.parametrize("name", MY_RESPONSES)
def test_nation_variations_are_well_formed(domain: Dict[str, Any], name: str) -> None:
    variations = domain["responses"][name]
    defaults = [v for v in variations if not v.get("condition")]
    assert len(defaults) == 1, f"{name} needs exactly one default variation"
    conditioned = [v for v in variations if v.get("condition")]
    if not conditioned or name.endswith("_menu") or name in ("utter_nation_set", "utter_cp_advice_line"):
        return
    if re.search(r"_\d$", name):
        return  # follow-up bubble: the flow's earlier bubble already named the nation
    # Where the answer differs by nation, the default says which nations it is about,
    # and each variation names its own nation.
    assert re.search(r"England|Wales", defaults[0]["text"]), name
    for variation in conditioned:
        (value,) = nation_values(variation)
        spoken = {"scotland": "Scotland", "northern_ireland": "Northern Ireland", "wales": "Wales",
                  "england": "England"}[value]
        assert spoken in variation["text"], name


def test_flows_that_differ_by_nation_offer_the_other_answer(domain: Dict[str, Any]) -> None:
    """Default menu: a button for the Scottish answer; Scottish menu: one back to England and Wales."""
    for intent, actions in rules_by_intent().items():
        menu = actions[-1]
        differs = any("scotland" in nation_values(v)
                      for a in actions[:-1] if a in domain["responses"] and a != "utter_cp_advice_line"
                      for v in domain["responses"][a])
        if not differs or intent == "set_nation":
            continue
        by_nation = {frozenset(nation_values(v)): [b["payload"] for b in v.get("buttons") or []]
                     for v in domain["responses"][menu]}
        assert f'/{intent}{{"nation":"scotland"}}' in by_nation[frozenset()], intent
        assert f'/{intent}{{"nation":"england"}}' in by_nation[frozenset({"scotland"})], intent


@pytest.mark.parametrize(
    "text,forbidden",
    [("they won't take", "promise"), ("will not take your baby", "promise"),
     ("you will get your", "promise"), ("don't worry", "false comfort")],
)
def test_no_promised_outcomes(domain: Dict[str, Any], text: str, forbidden: str) -> None:
    for name in MY_RESPONSES:
        for variation in domain["responses"][name]:
            assert text not in variation.get("text", "").lower(), (name, forbidden)


def test_crisis_rules_not_shadowed() -> None:
    """Our rules never claim crisis intents; the crisis layer answers those first."""
    for intent in rules_by_intent():
        assert not intent.startswith("crisis")


def test_stories_only_use_rule_sequences() -> None:
    """Stories repeat the rules' action sequences, so rules and stories never disagree."""
    expected = rules_by_intent()
    for topic in SECTIONS:
        for story in load_yaml(ROOT / "data" / "stories" / f"{topic}.yml")["stories"]:
            steps = story["steps"]
            for i, step in enumerate(steps):
                if "intent" not in step:
                    continue
                actions = []
                for later in steps[i + 1:]:
                    if "intent" in later:
                        break
                    if "action" in later:
                        actions.append(later["action"])
                assert actions == expected[step["intent"]], (story["story"], step["intent"])


def test_test_stories_cover_every_flow() -> None:
    covered: Set[str] = set()
    for topic in SECTIONS:
        data = yaml.safe_load((ROOT / "tests" / "stories" / f"test_{topic}.yml").read_text())
        for story in data["stories"]:
            covered |= {s["intent"] for s in story["steps"] if "intent" in s}
    assert set(rules_by_intent()) - covered == set()
