"""Read a kind of help and an audience from the words people type.

Used when the form asks "what kind of help?" and the person types instead of
tapping a button ("a dads group", "somewhere to live", "methadone script").
"""

from __future__ import annotations

import re
from typing import Optional

from bot.directory.locations import normalise
from bot.directory.schema import AUDIENCES, CATEGORIES

# Checked in this order: the more specific kinds first.
CATEGORY_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("crisis_line", ("crisis", "crisis line", "talk to someone now", "someone to talk to now",
                     "cant cope", "cannot cope", "listening line")),
    ("perinatal_mental_health", ("perinatal", "postnatal", "post natal", "antenatal", "postpartum",
                                 "after birth", "after the birth", "baby blues", "pnd",
                                 "pregnancy mental", "mental health in pregnancy", "birth trauma")),
    ("harm_reduction", ("harm reduction", "needle", "needles", "syringe", "naloxone", "safer use",
                        "needle exchange", "syringe exchange")),
    ("drug_alcohol_treatment", ("drug", "drugs", "alcohol", "drink", "drinking", "methadone",
                                "buprenorphine", "subutex", "script", "detox", "rehab", "treatment",
                                "substance", "heroin", "crack", "cocaine", "opiate", "opioid")),
    ("domestic_abuse", ("domestic abuse", "domestic violence", "abuse", "abusive", "violence",
                        "violent", "refuge", "controlling", "coercive", "hits me", "hurts me")),
    ("housing_homelessness", ("housing", "homeless", "homelessness", "somewhere to live",
                              "place to live", "house", "flat", "home", "rent", "evicted", "eviction",
                              "hostel", "landlord", "sofa surfing")),
    ("legal_advice_advocacy", ("solicitor", "lawyer", "legal", "law", "advocate", "advocacy",
                               "court", "rights", "legal aid", "complain", "complaint")),
    ("child_protection_advice", ("social worker", "social services", "childrens services",
                                 "child protection", "social care", "safeguarding", "child in need",
                                 "conference", "care proceedings", "plo", "section 20", "section 76",
                                 "childrens hearing", "family rights")),
    ("mental_health", ("mental health", "mental", "anxiety", "anxious", "depression", "depressed",
                       "stress", "stressed", "low mood", "counselling", "counsellor", "therapy",
                       "wellbeing", "panic", "feel low", "feeling low")),
    ("peer_support", ("peer", "group", "groups", "support group", "meet people", "others like me",
                      "people like me", "been through", "dads group", "mums group", "drop in",
                      "meet other", "talk to other", "lived experience")),
)

AUDIENCE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("after_removal", ("removed", "taken into care", "taken away", "adopted", "adoption",
                       "after removal", "separated from my baby", "baby was taken", "lost my baby",
                       "children were taken", "kids were taken", "recurrent care")),
    ("men_only", ("men only", "mens group", "male only", "just men", "only men")),
    ("women_only", ("women only", "womens group", "female only", "just women", "only women", "ladies")),
    ("fathers", ("dad", "dads", "daddy", "father", "fathers", "fatherhood", "new dad", "dad to be")),
    ("mothers", ("mum", "mums", "mam", "mams", "mom", "moms", "mummy", "mother", "mothers",
                 "pregnant", "expecting", "mum to be")),
    ("whole_family", ("family", "families", "whole family", "kids welcome", "children welcome")),
    ("young_people", ("young people", "young person", "teenager", "teen", "teens", "youth")),
    ("parents", ("parent", "parents", "carer", "carers", "kinship", "grandparent", "grandparents")),
    ("anyone", ("anyone", "anybody", "everyone")),
)


def _first_match(text: str, table: tuple[tuple[str, tuple[str, ...]], ...],
                 allowed: tuple[str, ...]) -> Optional[str]:
    clean = normalise(text)
    if not clean:
        return None
    for value in allowed:  # a button payload or a value typed exactly
        if clean.replace(" ", "_") == value:
            return value
    padded = f" {clean} "
    for value, words in table:
        if any(re.search(rf" {re.escape(w)} ", padded) for w in words):
            return value
    return None


def match_category(text: object) -> Optional[str]:
    """The kind of help the words point to, or None."""
    return _first_match(text, CATEGORY_WORDS, CATEGORIES) if isinstance(text, str) else None


def match_audience(text: object) -> Optional[str]:
    """Who the help is for, if the words say so, or None."""
    return _first_match(text, AUDIENCE_WORDS, AUDIENCES) if isinstance(text, str) else None
