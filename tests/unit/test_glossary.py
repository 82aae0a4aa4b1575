"""bot/glossary.py and bot/glossary.yml: every term and every alias is found, kindly."""

from __future__ import annotations

import re
from pathlib import Path
from typing import List, Tuple

import pytest
import textstat
import yaml

from bot.glossary import (
    Glossary,
    Term,
    default_glossary,
    load_terms,
    lookup,
    lookup_table_entries,
    normalise,
    strip_question,
)

ROOT = Path(__file__).resolve().parents[2]
NLU_GLOSSARY = ROOT / "data" / "nlu" / "glossary.yml"
NATIONS = {"england", "wales", "england_wales", "scotland"}
BANNED = ["addict", "junkie", "clean", "dirty", "substance abuse", "abuser", "drug-seeking",
          "non-compliant", "failed", "bad mother"]

TERMS = load_terms()
ALIASES: List[Tuple[str, str]] = [(t.id, a) for t in TERMS for a in t.aliases]


def sentences(text: str) -> List[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def test_glossary_covers_at_least_45_terms() -> None:
    assert len(TERMS) >= 45


@pytest.mark.parametrize(
    "term_id",
    ["icpc", "rcpc", "cin", "cp_plan", "core_group", "plo", "letter_before_proceedings", "s20", "s76",
     "s47", "s17", "ico", "sgo", "cao", "placement_order", "looked_after", "pba", "fgc", "cso",
     "reporter", "safeguarding", "mash", "lado", "childrens_guardian", "cafcass", "cafcass_cymru",
     "iro", "kinship_care", "connected_person", "early_permanence", "parenting_assessment",
     "residential_assessment", "hair_strand_test", "threshold", "significant_harm",
     "parental_responsibility", "core_assessment", "care_plan", "care_order", "supervision_order",
     "contact", "childrens_hearing", "panel_member", "grounds_hearing", "interim_cso", "named_person",
     "advocate", "cin_plan", "strategy_meeting", "pre_birth_conference", "discharge"],
)
def test_required_terms_are_present(term_id: str) -> None:
    assert default_glossary().get(term_id) is not None


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.id)
def test_term_is_plain_and_sourced(term: Term) -> None:
    parts = sentences(term.explanation)
    assert 1 <= len(parts) <= 3, term.explanation
    assert all(len(s.split()) <= 20 for s in parts), term.explanation
    assert textstat.flesch_kincaid_grade(term.explanation) <= 10
    lowered = term.explanation.lower()
    assert not [w for w in BANNED if re.search(rf"\b{re.escape(w)}\b", lowered)]
    assert term.nation is None or term.nation in NATIONS
    assert term.source_url is None or term.source_url.startswith("https://")
    assert term.aliases, "every term needs at least one alias"


def test_nation_specific_terms_say_so() -> None:
    """A term used in one nation only must say so in its title, explanation or note."""
    for term in TERMS:
        if term.nation == "scotland":
            assert "Scotland" in term.answer(), term.id
        if term.nation == "wales":
            assert "Wales" in term.answer() or "Cymru" in term.answer(), term.id


@pytest.mark.parametrize("term_id,alias", ALIASES)
def test_every_alias_finds_its_term(term_id: str, alias: str) -> None:
    assert lookup(alias).id == term_id
    assert lookup(alias.upper()).id == term_id


@pytest.mark.parametrize("term_id,alias", ALIASES)
def test_every_alias_inside_a_question(term_id: str, alias: str) -> None:
    assert lookup(f"what does {alias} mean").id == term_id
    assert lookup(f"whats {alias}?").id == term_id


@pytest.mark.parametrize("term", TERMS, ids=lambda t: t.id)
def test_every_term_by_its_title(term: Term) -> None:
    # The official name as printed in letters, e.g. "Special guardianship order (SGO)".
    assert lookup(term.title).id == term.id


@pytest.mark.parametrize(
    "text,term_id",
    [
        ("what does ICPC mean", "icpc"),
        ("whats a sgo", "sgo"),
        ("what is the reporter", "reporter"),
        ("what does s20 mean", "s20"),
        ("s.20", "s20"),
        ("S. 20", "s20"),
        ("section twenty", "s20"),
        ("what is a sec 47", "s47"),
        ("speshal guardianship", "sgo"),
        ("what does special guardianshp mean", "sgo"),
        ("plo letter", "letter_before_proceedings"),
        ("what's a P.L.O letter?", "letter_before_proceedings"),
        ("residental assesment", "residential_assessment"),
        ("wat is a core grup", "core_group"),
        ("i got a letter about a child protection conferance", "icpc"),
        ("what does supervison order mean", "supervision_order"),
        ("what does the IRO do", "iro"),
        ("my sw said pre birth assesment what is that", "pba"),
        ("what is a placment order", "placement_order"),
        ("what does Children's Guardian mean", "childrens_guardian"),
        ("what does cafcas do", "cafcass"),
        ("hair strand tests", "hair_strand_test"),
        ("what is an interim supervision order", "iso"),
        ("what does compulsary supervision order mean", "cso"),
        ("can you explain kinship please", "kinship_care"),
        ("what is the named person in scotland", "named_person"),
        ("i dont understand the word threshold", "threshold"),
    ],
)
def test_real_phrasings_and_misspellings(text: str, term_id: str) -> None:
    found = lookup(text)
    assert found is not None and found.id == term_id


@pytest.mark.parametrize(
    "text",
    ["", "   ", "hello", "what does it mean", "what is a quantum flux", "ic", "banana bread",
     "what time is it"],
)
def test_unknown_words_are_not_guessed(text: str) -> None:
    assert lookup(text) is None


def test_short_abbreviations_are_never_fuzzy_matched() -> None:
    # "icp" is close to "icpc" and "ico" but a guess could mislead; say we do not know.
    assert lookup("icp") is None
    assert lookup("sgx") is None


def test_normalise_and_strip_question() -> None:
    assert normalise("S.20 ") == "s20"
    assert normalise("Section Twenty") == "section 20"
    assert normalise("Children's  Guardian?") == "childrens guardian"
    assert normalise("sect 76") == "s76"
    assert strip_question(normalise("What's a SGO?")) == "sgo"
    assert strip_question(normalise("what does ICPC stand for")) == "icpc"
    assert strip_question(normalise("what is the reporter")) == "reporter"


def test_answer_includes_nation_note() -> None:
    answer = default_glossary().get("s20").answer()
    assert answer.startswith("Section 20")
    assert "section 76" in answer and "section 25" in answer


def test_duplicate_alias_is_refused() -> None:
    one = Term(id="one", title="One", explanation="x.", aliases=("same",))
    two = Term(id="two", title="Two", explanation="y.", aliases=("SAME",))
    with pytest.raises(ValueError, match="same"):
        Glossary([one, two])


def test_duplicate_id_is_refused() -> None:
    one = Term(id="one", title="One", explanation="x.", aliases=("a",))
    with pytest.raises(ValueError, match="duplicate"):
        Glossary([one, one])


def test_missing_field_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "glossary.yml"
    bad.write_text("terms:\n  - id: x\n    title: X\n", encoding="utf-8")
    with pytest.raises(ValueError, match="explanation"):
        load_terms(bad)


def test_nlu_lookup_table_matches_glossary() -> None:
    data = yaml.safe_load(NLU_GLOSSARY.read_text(encoding="utf-8"))
    tables = [item for item in data["nlu"] if item.get("lookup") == "term"]
    assert len(tables) == 1
    entries = [line[2:].strip() for line in tables[0]["examples"].splitlines() if line.strip()]
    assert entries == lookup_table_entries(TERMS)


def test_every_annotated_term_in_nlu_is_known() -> None:
    data = yaml.safe_load(NLU_GLOSSARY.read_text(encoding="utf-8"))
    examples = next(i for i in data["nlu"] if i.get("intent") == "ask_term")["examples"]
    annotated = re.findall(r"\[([^\]]+)\]\(term\)", examples)
    assert len(annotated) >= 45
    unknown = [a for a in annotated if lookup(a) is None]
    assert unknown == []
