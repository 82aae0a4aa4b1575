"""The crisis detector over hand-written corpora (tests/data/*crisis*.yml)."""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
import yaml

from bot.safety import Detection, detect
from bot.safety.lexicon import KINDS, load

DATA = Path(__file__).resolve().parents[1] / "data"


def _read(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _crisis(name: str = "crisis_messages.yml") -> list[tuple[str, list[str]]]:
    return [(m["text"], m["kinds"]) for m in _read(name)["messages"]]


def _non_crisis(name: str = "non_crisis_messages.yml") -> list[tuple[str, bool]]:
    groups = _read(name)["groups"].values()
    return [(text, bool(g["past_only"])) for g in groups for text in g["messages"]]


def _past(name: str = "crisis_past_only_messages.yml") -> list[str]:
    return list(_read(name)["messages"])


# The held-out files were written after the lexicon; they are regression tests now.
CRISIS = _crisis() + _crisis("crisis_holdout_messages.yml")
NON_CRISIS = _non_crisis() + _non_crisis("crisis_holdout_non_crisis_messages.yml")
PAST = _past() + _past("crisis_holdout_past_only_messages.yml")


def test_corpus_is_big_enough() -> None:
    crisis, non_crisis = _crisis(), _non_crisis()
    assert len(crisis) >= 180
    assert len(non_crisis) >= 180
    for kind in KINDS:
        assert sum(kind in kinds for _, kinds in crisis) >= 20, kind
    assert len(set(t for t, _ in crisis)) == len(crisis), "duplicate crisis messages"


@pytest.mark.parametrize(("text", "kinds"), CRISIS, ids=[t[:40] for t, _ in CRISIS])
def test_crisis_message_is_detected(text: str, kinds: list[str]) -> None:
    result = detect(text)
    assert set(kinds) <= set(result.kinds), result.evidence
    assert result.past_only is False


@pytest.mark.parametrize(("text", "past_only"), NON_CRISIS, ids=[t[:40] for t, _ in NON_CRISIS])
def test_non_crisis_message_is_not_a_crisis(text: str, past_only: bool) -> None:
    result = detect(text)
    assert result.kinds == (), result.evidence
    assert result.past_only is past_only, result.evidence


@pytest.mark.parametrize("text", PAST, ids=[t[:40] for t in PAST])
def test_past_or_negated_mention_gets_a_check_in_only(text: str) -> None:
    result = detect(text)
    assert result.kinds == (), result.evidence
    assert result.past_only is True, result.evidence


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("baby swallowed my methadone and hes not breathing", "child_danger"),
        ("took all my pills because i want to die", "overdose"),
        ("hes outside with a knife and i want to die", "danger"),
        ("i want to die and i keep cutting myself", "suicide"),
        ("my dad hits me and i cut myself", "self_harm"),
    ],
)
def test_most_severe_kind_comes_first(text: str, first: str) -> None:
    assert detect(text).kinds[0] == first


def test_kinds_follow_the_severity_order() -> None:
    severity = load().severity
    result = detect("my baby swallowed my tablets, he says hell kill me and i want to die")
    assert list(result.kinds) == sorted(result.kinds, key=severity.index)
    assert {"child_danger", "danger", "suicide"} <= set(result.kinds)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I\u2019m going to kill myself", "suicide"),  # curly apostrophe
        ("IM GOING TO KILL MYSELF", "suicide"),
        ("i want to diiiiie", "suicide"),
        ("killlll myself", "suicide"),
        ("KMS", "suicide"),
        ("he OD'd", "overdose"),
        ("she o.d.'d on gear", "overdose"),
        ("hes 0d'd", None),  # a zero is not an o: no guessing beyond the lexicon
        ("self-harming again", "self_harm"),
        ("wanna die", "suicide"),
        ("cant go on", "suicide"),
        ("he\u2019s going to kill me!!!", "danger"),
        ("i want to die \U0001F62D\U0001F62D", "suicide"),
    ],
)
def test_normalisation_handles_how_people_type(text: str, kind: str | None) -> None:
    result = detect(text)
    if kind is None:
        assert result.kinds == ()
    else:
        assert kind in result.kinds, result.evidence


@pytest.mark.parametrize(
    "text",
    ["", " ", "\n\t", "...", "!!!???", "\U0001F600", "a", "0" * 50, "\x00\x01", "'''", "o.d."],
)
def test_empty_and_odd_input_is_safe(text: str) -> None:
    assert detect(text) == Detection()


def test_non_string_input_is_safe() -> None:
    assert detect(None) == Detection()  # type: ignore[arg-type]
    assert detect(42) == Detection()  # type: ignore[arg-type]


def test_long_message_with_crisis_in_the_middle() -> None:
    filler = "we talked about the contact plan and the nursery and the bus times. " * 80
    text = (filler + " honestly i dont want to be here anymore " + filler)[:10_000]
    assert len(text) == 10_000
    start = time.perf_counter()
    result = detect(text)
    elapsed = time.perf_counter() - start
    assert "suicide" in result.kinds
    assert elapsed < 3.0  # generous: the machine running tests may be busy


def test_long_message_without_crisis() -> None:
    text = ("my phone is dead and this paperwork is killing me. " * 300)[:10_000]
    assert detect(text) == Detection()


def test_detection_is_frozen() -> None:
    result = detect("i want to die")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.kinds = ()  # type: ignore[misc]
    assert result.is_crisis
    assert all(item.count(":") == 2 for item in result.evidence)


def test_a_present_crisis_wins_over_a_past_one_in_the_same_message() -> None:
    result = detect("i used to self harm years ago but now im cutting again every night")
    assert result.kinds == ("self_harm",)
    assert result.past_only is False


def test_recent_overdose_is_never_resolved_by_feeling_ok() -> None:
    assert "overdose" in detect("i took too many pills but im ok now").kinds
