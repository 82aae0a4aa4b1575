"""How well phrasing the model never saw reaches the right intent.

tests/data/nlu_unseen.yml was written without looking at the training data,
the way people type on a phone. The figures are printed (run with -s) and
saved in test-artifacts/; the floor below is what the current model must keep.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, load_yaml, run_rasa

pytestmark = pytest.mark.slow

UNSEEN = ROOT / "tests" / "data" / "nlu_unseen.yml"
ACCURACY_FLOOR = 0.85


def _training_examples() -> set[str]:
    examples: set[str] = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in load_yaml(path).get("nlu", []):
            examples.update(_lines(block.get("examples", "")))
    return examples


def _lines(examples: str) -> list[str]:
    return [line[2:].strip().lower() for line in examples.splitlines() if line.startswith("- ")]


def test_held_out_messages_are_not_in_the_training_data() -> None:
    held_out = [m for block in load_yaml(UNSEEN)["nlu"] for m in _lines(block["examples"])]
    assert len(held_out) >= 200
    assert not set(held_out) & _training_examples()


@pytest.fixture(scope="module")
def intent_report(trained_model: Path, rasa_env: dict[str, str], tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("nlu-unseen")
    result = run_rasa(["test", "nlu", "--model", str(trained_model), "--nlu", str(UNSEEN),
                       "--no-plot", "--out", str(out)], rasa_env, timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    report = json.loads((out / "intent_report.json").read_text())
    errors = json.loads((out / "intent_errors.json").read_text())
    _save_summary(report, errors)
    return {"report": report, "errors": errors}


def _save_summary(report: dict, errors: list[dict]) -> None:
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    lines = [f"accuracy {report['accuracy']:.3f} over {int(report['weighted avg']['support'])} messages"]
    lines += [f"{e['intent']:<28} -> {e['intent_prediction']['name']:<28} {e['text']}" for e in errors]
    (artifacts / "nlu-unseen.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def test_unseen_messages_reach_the_right_intent(intent_report: dict) -> None:
    accuracy = intent_report["report"]["accuracy"]
    assert accuracy >= ACCURACY_FLOOR, (accuracy, intent_report["errors"][:40])


def _fallback_threshold() -> float:
    pipeline = load_yaml(ROOT / "config.yml")["pipeline"]
    return next(c["threshold"] for c in pipeline if c["name"] == "FallbackClassifier")


def test_no_everyday_message_is_taken_for_a_crisis(intent_report: dict) -> None:
    # `rasa test nlu` reports the intent behind a fallback; below the threshold
    # the user gets "please rephrase", not a crisis reply, so only count the rest.
    threshold = _fallback_threshold()
    false_alarms = [e for e in intent_report["errors"]
                    if e["intent_prediction"]["name"].startswith("crisis_")
                    and e["intent_prediction"]["confidence"] >= threshold]
    assert not false_alarms


def test_a_father_asking_for_a_group_is_never_answered_as_a_mother(intent_report: dict) -> None:
    fathers = intent_report["report"]["peer_fathers"]
    missed = [e for e in intent_report["errors"] if e["intent"] == "peer_fathers"]
    assert not [e for e in missed if e["intent_prediction"]["name"] == "peer_mothers"]
    # "any groups for dads round here" is a search for dads' groups near them
    # (bot/nlu/search_router.py), which is a right answer too. Any other miss may
    # land on the peer group menu, which asks who the group is for.
    wrong = [e for e in missed if e["intent_prediction"]["name"] != "find_service"]
    assert 1 - len(wrong) / fathers["support"] >= 2 / 3, missed
