"""Floors on the development corpus (tests/data/crisis_dev_*.yml, 2026-12-01).

The development corpus was written by hand, in the way people type on a phone at
night, before the lexicon was widened for it. Unlike the main corpus it is not
held to perfection: these floors guard what the widened lexicon reached
(recall 0.997, no false positives), so a later change cannot quietly lose it.
"""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from bot.safety import detect
from bot.safety.lexicon import KINDS, LEXICON_PATH, build
from bot.safety.report import CORPORA, STRICT, evaluate, load_corpus

DATA = Path(__file__).resolve().parents[1] / "data"
DEV = "development corpus (2026-12-01)"

# Reached: overall recall 0.997 (379 of 380), 0 false positives of 323.
RECALL_FLOOR = 0.98  # at most 7 crisis messages of 380 missed
KIND_RECALL_FLOOR = 0.95  # every kind, so one kind cannot collapse behind the total
FPR_CEILING = 0.01  # at most 3 false alarms of 323
PAST_ONLY_FLOOR = 0.98


@pytest.fixture(scope="module")
def result() -> dict:
    return evaluate(load_corpus(DATA, CORPORA[DEV]))


def test_dev_corpus_is_big_enough_and_covers_every_kind() -> None:
    corpus = load_corpus(DATA, CORPORA[DEV])
    assert len(corpus.crisis) >= 170
    assert len(corpus.non_crisis) >= 170
    for kind in KINDS:
        assert sum(kind in kinds for _, kinds in corpus.crisis) >= 20, kind
    texts = [text for text, _ in corpus.crisis] + [text for text, _ in corpus.non_crisis]
    assert len(set(texts)) == len(texts), "duplicate development messages"


def test_dev_recall_does_not_drop(result: dict) -> None:
    assert result["overall_recall"] >= RECALL_FLOOR, [f for f in result["failures"] if "MISSED" in f]


def test_dev_recall_per_kind_does_not_drop(result: dict) -> None:
    for kind, (recall, count) in result["recall"].items():
        assert count and recall >= KIND_RECALL_FLOOR, (kind, recall, count)


def test_dev_false_alarms_do_not_rise(result: dict) -> None:
    assert result["fpr"] <= FPR_CEILING, [f for f in result["failures"] if "FALSE+" in f]


def test_dev_past_only_stays_right(result: dict) -> None:
    assert result["past_only_accuracy"] >= PAST_ONLY_FLOOR


def test_strict_mode_holds_only_the_regression_corpora() -> None:
    assert STRICT == {"main corpus", "held-out corpus"}
    assert DEV in CORPORA and DEV not in STRICT


def _with_rule(spec: dict) -> object:
    data = yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))
    edited = copy.deepcopy(data)
    edited["rules"]["suicide"].append(spec)
    return build(edited)


def test_message_has_needs_its_pattern_anywhere_in_the_message() -> None:
    lex = _with_rule({"pattern": "\\bswim out\\b", "message_has": "\\bshore\\b"})
    assert detect("i will swim out. i cant see the shore", lex).kinds == ("suicide",)
    assert detect("i will swim out to the boat", lex).kinds == ()


def test_message_lacks_cancels_the_rule_when_found() -> None:
    lex = _with_rule({"pattern": "\\bswim out\\b", "message_lacks": "\\blifeguard\\b"})
    assert detect("i will swim out tonight", lex).kinds == ("suicide",)
    assert detect("i will swim out, the lifeguard is with us", lex).kinds == ()


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("how many of my methadone would it take to not wake up", "suicide"),
        ("tonight when the boys are at their dads im going to do it", "suicide"),
        ("my partner makes me use gear with him and hes in the next room", "danger"),
        ("the wean is no breathing right and is all floppy", "child_danger"),
        ("im 13 and theres been no food since friday, i look after my wee sister", "abuse_disclosure"),
    ],
)
def test_the_kinds_the_dev_corpus_added(text: str, kind: str) -> None:
    assert kind in detect(text).kinds


@pytest.mark.parametrize(
    "text",
    [
        "where do i get naloxone",
        "we have the final hearing next week, what happens",
        "my daughter choked on a crisp but coughed it up, shes fine",
        "my son loves the rope swing at the park",
        "my sister will kill me if i forget her birthday",
    ],
)
def test_lookalikes_the_dev_corpus_added_stay_calm(text: str) -> None:
    assert detect(text).kinds == ()


DEV2 = "second development corpus (2026-12-01)"


def test_second_dev_corpus_floors() -> None:
    # Written before it was measured: recall 0.821 and 10 false alarms of 150 then;
    # after widening the lexicon for it, recall 1.0 and 1 false alarm.
    corpus = load_corpus(DATA, CORPORA[DEV2])
    assert len(corpus.crisis) >= 150 and len(corpus.non_crisis) >= 150
    result = evaluate(corpus)
    assert result["overall_recall"] >= RECALL_FLOOR, [f for f in result["failures"] if "MISSED" in f]
    for kind, (recall, count) in result["recall"].items():
        assert count >= 20 and recall >= KIND_RECALL_FLOOR, (kind, recall, count)
    assert result["false_positives"] <= 2, [f for f in result["failures"] if "FALSE+" in f]


DEV3 = "third development corpus (2026-12-01)"


def test_third_dev_corpus_floors() -> None:
    # Written before it was measured, by someone who had not opened the lexicon:
    # 0.555 of 200 with every kind found, 9 false alarms of 200. After the rules it
    # led to: 0.835 (0.915 escalated at all), still 9 false alarms. The classifier,
    # which learns these messages too, is the second net (bot/nlu/crisis_detector.py).
    corpus = load_corpus(DATA, CORPORA[DEV3])
    assert len(corpus.crisis) >= 200 and len(corpus.non_crisis) >= 200
    result = evaluate(corpus)
    assert result["overall_recall"] >= 0.82, [f for f in result["failures"] if "MISSED" in f]
    assert result["any_kind"] >= 0.90, [f for f in result["failures"] if "MISSED" in f]
    for kind, (recall, count) in result["recall"].items():
        assert count >= 20 and recall >= 0.70, (kind, recall, count)
    assert result["false_positives"] <= 10, [f for f in result["failures"] if "FALSE+" in f]
