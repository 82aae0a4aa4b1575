"""The CrisisDetector graph component on real Rasa messages (no model is trained)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.crisis_detector import CrisisDetector
from bot.safety import detect
from bot.safety.lexicon import KINDS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def detector(tmp_path: Path) -> CrisisDetector:
    return CrisisDetector.create(
        CrisisDetector.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("crisis_detector"),
        ExecutionContext(GraphSchema({}), "test"),
    )


def _classified_message(text: str, ranking: list[tuple[str, float]]) -> Message:
    """A message as the classifier leaves it: top intent plus a ranking."""
    entries = [
        {"id": i, "name": name, "confidence": conf} for i, (name, conf) in enumerate(ranking)
    ]
    message = Message(data={TEXT: text})
    top = {"name": entries[0]["name"], "confidence": entries[0]["confidence"]}
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, entries, add_to_output=True)
    return message


def test_crisis_overrides_the_classifier_and_keeps_its_ranking(detector: CrisisDetector) -> None:
    message = _classified_message("honestly i cant go on anymore", [("mh_low_mood", 0.81), ("greet", 0.1)])
    classified_ranking = list(message.get(INTENT_RANKING_KEY))
    [out] = detector.process([message])
    assert out.get(INTENT) == {"name": "crisis_suicide", "confidence": 1.0}
    ranking = out.get(INTENT_RANKING_KEY)
    assert ranking[0] == {"name": "crisis_suicide", "confidence": 1.0}
    assert ranking[1:] == classified_ranking
    assert out.get("crisis") == {
        "kinds": ["suicide"],
        "past_only": False,
        "classified_intent": {"name": "mh_low_mood", "confidence": 0.81},
    }
    assert "crisis" in out.as_dict(only_output_properties=True)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("baby swallowed my methadone", "crisis_child_danger"),
        ("took all my tablets", "crisis_overdose"),
        ("hes outside with a knife", "crisis_danger"),
        ("i keep cutting myself", "crisis_self_harm"),
        ("my stepdad touches me", "crisis_abuse_disclosure"),
        ("kms", "crisis_suicide"),
    ],
)
def test_each_kind_sets_its_intent(detector: CrisisDetector, text: str, intent: str) -> None:
    [out] = detector.process([_classified_message(text, [("greet", 0.9)])])
    assert out.get(INTENT)["name"] == intent


def test_the_most_severe_kind_wins(detector: CrisisDetector) -> None:
    [out] = detector.process([_classified_message("took all my pills because i want to die", [("affirm", 0.5)])])
    assert out.get(INTENT)["name"] == "crisis_overdose"
    assert out.get("crisis")["kinds"] == ["overdose", "suicide"]


def test_crisis_after_the_fallback_classifier(detector: CrisisDetector, tmp_path: Path) -> None:
    """Classifier unsure -> FallbackClassifier sets nlu_fallback -> the crisis detector still wins."""
    fallback = FallbackClassifier.create(
        {**FallbackClassifier.get_default_config(), "threshold": 0.45},
        LocalModelStorage(tmp_path),
        Resource("fallback"),
        ExecutionContext(GraphSchema({}), "test"),
    )
    message = _classified_message("wanna die", [("peer_mothers", 0.2), ("greet", 0.19)])
    [after_fallback] = fallback.process([message])
    assert after_fallback.get(INTENT)["name"] == "nlu_fallback"
    [out] = detector.process([after_fallback])
    assert out.get(INTENT)["name"] == "crisis_suicide"
    assert out.get(INTENT_RANKING_KEY)[1]["name"] == "nlu_fallback"
    assert out.get("crisis")["classified_intent"]["name"] == "nlu_fallback"


@pytest.mark.parametrize(
    "classified_top", ["nlu_fallback", "greet", "affirm", "deny", "out_of_scope", "thanks"]
)
def test_past_mention_with_nothing_else_gets_a_check_in(detector: CrisisDetector, classified_top: str) -> None:
    message = _classified_message("I used to self-harm years ago, I'm fine now", [(classified_top, 0.4)])
    [out] = detector.process([message])
    assert out.get(INTENT) == {"name": "crisis_checkin", "confidence": 1.0}
    assert out.get("crisis")["past_only"] is True
    assert out.get("crisis")["kinds"] == []


def test_past_mention_with_a_real_question_keeps_the_answer(detector: CrisisDetector) -> None:
    message = _classified_message(
        "i tried to end my life years ago, will they use it against me in court",
        [("cp_care_proceedings", 0.77)],
    )
    [out] = detector.process([message])
    assert out.get(INTENT)["name"] == "cp_care_proceedings"
    assert out.get("crisis") is None


def test_message_without_classified_intent_still_gets_check_in(detector: CrisisDetector) -> None:
    [out] = detector.process([Message(data={TEXT: "im not suicidal"})])
    assert out.get(INTENT)["name"] == "crisis_checkin"


@pytest.mark.parametrize("text", ["what is naloxone", "this paperwork is killing me", "hello", ""])
def test_no_crisis_leaves_the_message_alone(detector: CrisisDetector, text: str) -> None:
    message = _classified_message(text, [("greet", 0.7), ("thanks", 0.2)])
    before = message.as_dict()
    [out] = detector.process([message])
    assert out.as_dict() == before


@pytest.mark.parametrize(
    "payload", ["/main_menu", '/find_service{"help_category":"crisis_line"}', "/safe_now"]
)
def test_button_payloads_are_not_scanned(detector: CrisisDetector, payload: str) -> None:
    message = _classified_message(payload, [("main_menu", 1.0)])
    [out] = detector.process([message])
    assert out.get(INTENT)["name"] == "main_menu"


def test_processes_every_message_in_a_batch(detector: CrisisDetector) -> None:
    messages = [_classified_message(t, [("greet", 0.9)]) for t in ("hi", "i want to die", "ok")]
    out = detector.process(messages)
    assert [m.get(INTENT)["name"] for m in out] == ["greet", "crisis_suicide", "greet"]


def test_training_data_passes_through(detector: CrisisDetector) -> None:
    data = TrainingData([Message(data={TEXT: "i want to die", INTENT: "crisis_suicide"})])
    assert detector.process_training_data(data) is data


def test_a_detector_error_never_breaks_the_pipeline(detector: CrisisDetector, monkeypatch: Any) -> None:
    def boom(_: str) -> None:
        raise RuntimeError("lexicon broken")

    monkeypatch.setattr("bot.nlu.crisis_detector.detect", boom)
    [out] = detector.process([_classified_message("i want to die", [("greet", 0.9)])])
    assert out.get(INTENT)["name"] == "greet"


def test_component_is_registered_and_last_in_the_pipeline() -> None:
    assert DefaultV1Recipe._from_registry("CrisisDetector").clazz is CrisisDetector
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    assert config["pipeline"][-1]["name"] == "bot.nlu.crisis_detector.CrisisDetector"


def test_every_intent_the_component_sets_is_in_the_domain() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    intents = {i if isinstance(i, str) else next(iter(i)) for i in domain["intents"]}
    produced = {f"crisis_{kind}" for kind in KINDS} | {"crisis_checkin"}
    assert produced <= intents


# --- The classifier's own crisis guesses (a second net behind the lexicon) ---

def test_an_unsure_crisis_guess_asks_the_safety_question(detector: CrisisDetector) -> None:
    text = "everything is sorted now, the dog is with my sister"  # no lexicon match
    message = _classified_message(text, [("nlu_fallback", 0.2), ("crisis_suicide", 0.17),
                                         ("mh_low_mood", 0.1)])
    [out] = detector.process([message])
    assert out.get(INTENT)["name"] == "crisis_check_self"


def test_an_unsure_child_danger_guess_asks_about_the_child(detector: CrisisDetector) -> None:
    message = _classified_message("the wee one is awful quiet the day", [
        ("nlu_fallback", 0.2), ("crisis_child_danger", 0.15), ("cp_contact", 0.1)])
    [out] = detector.process([message])
    assert out.get(INTENT)["name"] == "crisis_check_child"


def test_an_unsure_topic_guess_is_left_to_the_buttons(detector: CrisisDetector) -> None:
    message = _classified_message("the wee one is awful quiet the day", [
        ("nlu_fallback", 0.2), ("cp_contact", 0.15), ("crisis_child_danger", 0.1)])
    [out] = detector.process([message])
    assert out.get(INTENT)["name"] == "nlu_fallback"


def test_a_sure_crisis_guess_about_the_past_gets_the_next_answer(detector: CrisisDetector) -> None:
    text = "i took an overdose years ago, will the social worker bring it up"
    assert detect(text).past_only and not detect(text).kinds
    message = _classified_message(text, [("crisis_overdose", 0.6), ("cp_will_they_take_baby", 0.2),
                                         ("greet", 0.1)])
    [out] = detector.process([message])
    assert out.get(INTENT) == {"id": 1, "name": "cp_will_they_take_baby", "confidence": 0.2}
    assert out.get(INTENT_RANKING_KEY)[0]["name"] == "cp_will_they_take_baby"


def test_a_sure_crisis_guess_about_the_past_with_no_question_gets_the_check_in(
        detector: CrisisDetector) -> None:
    text = "i took an overdose years ago"
    message = _classified_message(text, [("crisis_overdose", 0.7), ("crisis_suicide", 0.2),
                                         ("greet", 0.1)])
    [out] = detector.process([message])
    assert out.get(INTENT)["name"] == "crisis_checkin"


def test_a_sure_crisis_guess_now_is_kept_with_the_childs_steps(detector: CrisisDetector) -> None:
    text = "the wee one is awful quiet the day"
    assert not detect(text).kinds and not detect(text).past_only
    message = _classified_message(text, [("crisis_child_danger", 0.55), ("cp_contact", 0.2)])
    [out] = detector.process([message])
    assert out.get(INTENT)["name"] == "crisis_child_danger"
    assert any(e["entity"] == "crisis_detail" for e in out.get("entities", []))
