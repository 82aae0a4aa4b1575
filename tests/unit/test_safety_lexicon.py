"""The lexicon file, text normalisation and the recall report."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from bot.safety import detect
from bot.safety.lexicon import KINDS, LEXICON_PATH, build, expand, load
from bot.safety.normalise import normalise_variants
from bot.safety.report import Corpus, evaluate, load_corpus, main

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(LEXICON_PATH.read_text(encoding="utf-8"))


def test_lexicon_covers_every_kind(raw: dict) -> None:
    lex = load()
    assert set(raw["rules"]) == set(KINDS)
    assert sorted(lex.severity) == sorted(KINDS)
    assert {rule.kind for rule in lex.rules} == set(KINDS)
    assert len({rule.rule_id for rule in lex.rules}) == len(lex.rules)


def test_unknown_kind_is_refused(raw: dict) -> None:
    bad = copy.deepcopy(raw)
    bad["rules"]["sadness"] = ["\\bsad\\b"]
    with pytest.raises(ValueError, match="unknown kind"):
        build(bad)


def test_incomplete_severity_is_refused(raw: dict) -> None:
    bad = copy.deepcopy(raw)
    bad["severity"] = bad["severity"][:-1]
    with pytest.raises(ValueError, match="severity"):
        build(bad)


def test_broken_pattern_names_the_pattern(raw: dict) -> None:
    bad = copy.deepcopy(raw)
    bad["rules"]["suicide"].append("(unclosed")
    with pytest.raises(ValueError, match="unclosed"):
        build(bad)


def test_macros_expand_inside_macros() -> None:
    assert expand("<A> x", {"A": "a|<B>", "B": "b"}) == "(?:a|(?:b)) x"


def test_staff_can_add_a_phrase_without_touching_code(raw: dict) -> None:
    text = "i am going to swim out until i cant see the shore"
    assert detect(text).kinds == ()
    edited = copy.deepcopy(raw)
    edited["rules"]["suicide"].append("\\bswim out until\\b")
    assert detect(text, build(edited)).kinds == ("suicide",)


def test_staff_can_add_an_idiom_exclusion(raw: dict) -> None:
    text = "i could kill myself laughing"
    assert "suicide" in detect(text).kinds  # recall first: not an idiom we know
    edited = copy.deepcopy(raw)
    edited["exclusions"].append("\\bkill myself laughing\\b")
    assert detect(text, build(edited)).kinds == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He\u2019s going to kill me!", "hes going to kill me ."),
        ("he'll kill me", "he will kill me"),
        ("Don't want to be here anymore", "dont want to be here anymore"),
        ("i used to cut, but now i'm cutting again", "i used to cut , . but now im cutting again"),
        ("self-harm", "self harm"),
        ("10 kms away", "10 kms away"),
        ("kms", "kill myself"),
        ("wanna die", "want to die"),
        ("i OD'd", "i overdosed"),
        ("she o.d.'d on her meds", "she overdosed on her meds"),
        ("the odd drink at weekends", "the odd drink at weekends"),  # "odd" is not "od'd"
        ("killl my self", "kill myself"),
    ],
)
def test_normalisation(text: str, expected: str) -> None:
    assert expected in normalise_variants(text, load().tables)


@pytest.mark.parametrize("text", [
    "the odd drink at weekends",
    "i had the odd slip last month",
    "her breathing is odd",
    "tried to get in touch with my social worker",
    "i tried to get into a refuge",
    "the social want me to sign an agreement saying he cant come round",
    "i need to cut my losses now and move on",
    "banging my head against a wall with the council, cant stop thinking about it",
    "weve been shut in the house all weekend with the rain, they are driving me mad",
    "hes coming round for us at 6 to take us to contact",
    "hes not allowed near the kids, can i still let him come here for christmas",
    "can my 15 year old stay home alone while im in hospital for my op",
    "she dropped the baby off at nursery",
    "he pushed my son on the swing",
    "the room is burning hot and the baby wont settle",
    "im worried ill get put out of my flat or lose my kids",
    "i think ill get burnt out with all these appointments",
    "trying to open the window at night cos its roasting",
])
def test_everyday_phrases_that_once_escalated_do_not(text: str) -> None:
    assert detect(text).kinds == ()


def test_squeezed_letters_give_a_second_form() -> None:
    forms = normalise_variants("i want to diiie", load().tables)
    assert "i want to die" in forms and "i want to diie" in forms


def test_report_on_the_corpora_is_perfect_in_strict_mode(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--strict"]) == 0
    out = capsys.readouterr().out
    assert "recall overall          1.000" in out
    assert "false-positive rate     0.000" in out


def test_report_counts_misses_and_false_positives() -> None:
    corpus = Corpus(
        crisis=[("i want to die", ("suicide",)), ("a perfectly calm message", ("overdose",))],
        non_crisis=[("what is naloxone", False), ("i want to die", False)],
    )
    result = evaluate(corpus)
    assert result["recall"]["suicide"] == (1.0, 1)
    assert result["recall"]["overdose"] == (0.0, 1)
    assert result["overall_recall"] == 0.5
    assert result["false_positives"] == 1
    assert result["fpr"] == 0.5


def test_corpus_loader_reads_all_three_files() -> None:
    corpus = load_corpus(DATA)
    assert len(corpus.crisis) >= 180
    past = sum(1 for _, want_past in corpus.non_crisis if want_past)
    assert past >= 40 and len(corpus.non_crisis) - past >= 180
