"""The project's own NLU components, on real Rasa messages (no trained model needed)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_classifier import LinearIntentClassifier
from bot.nlu.message_cap import FULL_TEXT_KEY, MessageCap, cap_text
from bot.nlu.place_extractor import PlaceExtractor
from bot.nlu.search_router import SearchRouter
from bot.nlu.service_need_extractor import ServiceNeedExtractor


def _message(text: str, intent: str = "greet", confidence: float = 0.9,
             entities: list[dict[str, Any]] | None = None) -> Message:
    message = Message(data={TEXT: text})
    message.set(INTENT, {"name": intent, "confidence": confidence})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": confidence},
                                     {"name": "greet", "confidence": 0.01}])
    message.set(ENTITIES, entities or [])
    return message


def _entities(message: Message) -> dict[str, str]:
    return {e["entity"]: e["value"] for e in message.get(ENTITIES)}


def test_a_long_message_is_cut_at_a_word_and_kept_whole_for_the_crisis_detector() -> None:
    text = "word " * 400 + "i want to die"
    [out] = MessageCap({"max_chars": 1000}).process([Message(data={TEXT: text})])
    assert len(out.get(TEXT)) <= 1000 and out.get(TEXT).endswith("word")
    assert out.get(FULL_TEXT_KEY) == text
    [short] = MessageCap({}).process([Message(data={TEXT: "hello"})])
    assert short.get(TEXT) == "hello" and short.get(FULL_TEXT_KEY) is None
    assert cap_text("a" * 3000, 1000) == "a" * 1000  # no space: a hard cut


def test_a_place_anywhere_sets_location_and_nation() -> None:
    [out] = PlaceExtractor().process([_message("im in belfast whats a case conference", "cp_conference")])
    assert _entities(out) == {"location": "Belfast", "nation": "northern_ireland"}
    [nation_only] = PlaceExtractor().process([_message("im in scotland", "set_nation")])
    assert _entities(nation_only) == {"nation": "scotland"}


def test_the_place_extractor_replaces_other_guesses_and_leaves_payloads() -> None:
    guess = [{"entity": "location", "value": "reading", "start": 0, "end": 7}]
    [out] = PlaceExtractor().process([_message("reading my letter", entities=guess)])
    assert _entities(out) == {}
    [payload] = PlaceExtractor().process([_message('/find_service{"location":"LS6"}', "find_service",
                                                   entities=[{"entity": "location", "value": "LS6"}])])
    assert _entities(payload) == {"location": "LS6"}


def test_a_kind_of_service_near_a_place_becomes_a_search() -> None:
    message = _message("is there a dads group in leeds", "peer_fathers", 0.6,
                       [{"entity": "location", "value": "Leeds"}])
    [out] = SearchRouter().process([message])
    assert out.get(INTENT) == {"name": "find_service", "confidence": 0.6}
    assert [r["name"] for r in out.get(INTENT_RANKING_KEY)] == ["find_service", "greet"]
    [near] = SearchRouter().process([_message("any mums groups near me", "peer_mothers")])
    assert near.get(INTENT)["name"] == "find_service"


def test_a_process_question_naming_a_place_keeps_its_intent() -> None:
    message = _message("im in belfast whats a case conference", "cp_conference",
                       entities=[{"entity": "location", "value": "Belfast"}])
    [out] = SearchRouter().process([message])
    assert out.get(INTENT)["name"] == "cp_conference"


def test_search_messages_get_the_kind_of_help_and_who_it_is_for() -> None:
    [out] = ServiceNeedExtractor().process([_message("a dads group near LS6", "find_service")])
    assert _entities(out) == {"help_category": "peer_support", "audience": "fathers"}
    span = next(e for e in out.get(ENTITIES) if e["entity"] == "audience")
    assert "a dads group near LS6"[span["start"]:span["end"]] == "dads"
    [other] = ServiceNeedExtractor().process([_message("my mum uses drugs", "drug_family_support")])
    assert _entities(other) == {}


def _featurised(text: str, vector: list[float], intent: str | None = None) -> Message:
    message = Message(data={TEXT: text, **({INTENT: intent} if intent else {})})
    message.add_features(Features(sp.coo_matrix([vector]), "sentence", TEXT, "test"))
    return message


def test_the_linear_classifier_trains_stores_loads_and_ranks(tmp_path, monkeypatch) -> None:
    topics = tmp_path / "topics.yml"
    topics.write_text("housing_homeless: housing\nhousing_eviction: housing\ngreet: greet\n")
    (tmp_path / "storage").mkdir()
    storage = LocalModelStorage(tmp_path / "storage")
    resource = Resource("classifier")
    config = {"topics": str(topics), "C": 10.0}
    examples = [_featurised(f"h{i}", [1, 0, 0, i % 2], "housing_homeless") for i in range(6)]
    examples += [_featurised(f"e{i}", [0, 1, 0, i % 2], "housing_eviction") for i in range(6)]
    examples += [_featurised(f"g{i}", [0, 0, 1, i % 2], "greet") for i in range(6)]
    trained = LinearIntentClassifier.create(config, storage, resource, None)
    trained.train(TrainingData(examples))
    loaded = LinearIntentClassifier.load({**LinearIntentClassifier.get_default_config(), **config},
                                         storage, resource, None)
    [out] = loaded.process([_featurised("new", [0, 1, 0, 0])])
    ranking = out.get(INTENT_RANKING_KEY)
    assert out.get(INTENT)["name"] == "housing_eviction"
    assert ranking[0]["confidence"] > 0.5
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0, abs=1e-5)
    assert [r["name"] for r in ranking][1] == "housing_homeless"  # same topic comes next
