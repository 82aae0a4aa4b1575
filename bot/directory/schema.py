"""The directory's source tables: Open Referral UK (HSDS) shaped CSV files.

This module is the contract between the people who write the CSV rows and
the code that builds, searches and exports the directory. Column names follow
Open Referral UK; a few columns (eligibility as plain words, referral, fees,
source_url, last_verified) are this project's own plain-language additions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

NATIONS = ("england", "wales", "scotland", "northern_ireland")
NATION_LABELS = {
    "england": "England",
    "wales": "Wales",
    "scotland": "Scotland",
    "northern_ireland": "Northern Ireland",
}

CATEGORIES = (
    "child_protection_advice",
    "legal_advice_advocacy",
    "peer_support",
    "drug_alcohol_treatment",
    "harm_reduction",
    "housing_homelessness",
    "perinatal_mental_health",
    "mental_health",
    "domestic_abuse",
    "crisis_line",
)
AUDIENCES = (
    "mothers",
    "fathers",
    "whole_family",
    "women_only",
    "men_only",
    "after_removal",
    "parents",
    "young_people",
    "anyone",
)
VOCABULARIES = {"category": CATEGORIES, "audience": AUDIENCES}

REFERRALS = ("self_referral", "professional_referral", "self_or_professional")
FEES = ("free", "low_cost", "paid")
STATUSES = ("active", "inactive")
PHONE_TYPES = ("voice", "text", "whatsapp")
SCOPES = ("uk", "nation", "local")
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")

# Rough box around the UK (mainland, islands, Northern Ireland); Channel
# Islands and the Isle of Man fall outside on purpose.
UK_BOUNDS = {"min_lat": 49.8, "max_lat": 60.95, "min_lon": -8.75, "max_lon": 1.85}


@dataclass(frozen=True)
class Column:
    name: str
    required: bool = False
    kind: str = "text"  # text | id | ref | choice | choices | date | time | number | url | email | phone | postcode
    allowed: tuple[str, ...] = ()
    ref: Optional[tuple[str, str]] = None  # (table, column) a foreign key points at


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    required_file: bool = True

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _id() -> Column:
    return Column("id", required=True, kind="id")


TABLES: tuple[Table, ...] = (
    Table("organizations", (
        _id(),
        Column("name", required=True),
        Column("description"),
        Column("url", kind="url"),
    )),
    Table("services", (
        _id(),
        Column("organization_id", required=True, kind="ref", ref=("organizations", "id")),
        Column("name", required=True),
        Column("description", required=True),
        Column("url", kind="url"),
        Column("email", kind="email"),
        Column("eligibility"),
        Column("referral", kind="choice", allowed=REFERRALS),
        Column("fees", kind="choice", allowed=FEES),
        Column("languages"),
        Column("source_url", required=True, kind="url"),
        Column("last_verified", required=True, kind="date"),
        Column("status", required=True, kind="choice", allowed=STATUSES),
    )),
    Table("locations", (
        _id(),
        Column("name"),
        Column("address_1"),
        Column("city"),
        Column("postcode", kind="postcode"),
        Column("latitude", kind="number"),
        Column("longitude", kind="number"),
    ), required_file=False),
    Table("service_at_locations", (
        _id(),
        Column("service_id", required=True, kind="ref", ref=("services", "id")),
        Column("location_id", required=True, kind="ref", ref=("locations", "id")),
    ), required_file=False),
    Table("phones", (
        _id(),
        Column("service_id", required=True, kind="ref", ref=("services", "id")),
        Column("number", required=True, kind="phone"),
        Column("type", required=True, kind="choice", allowed=PHONE_TYPES),
        Column("description"),
    ), required_file=False),
    Table("schedules", (
        _id(),
        Column("service_id", required=True, kind="ref", ref=("services", "id")),
        Column("byday", kind="choices", allowed=DAYS),
        Column("opens_at", kind="time"),
        Column("closes_at", kind="time"),
        Column("description"),
    ), required_file=False),
    Table("service_areas", (
        _id(),
        Column("service_id", required=True, kind="ref", ref=("services", "id")),
        Column("scope", required=True, kind="choice", allowed=SCOPES),
        Column("nation", kind="choice", allowed=NATIONS),
        Column("area_name"),
        Column("radius_km", kind="number"),
    )),
    Table("taxonomy_terms", (
        _id(),
        Column("term", required=True),
        Column("vocabulary", required=True, kind="choice", allowed=tuple(VOCABULARIES)),
        Column("label", required=True),
        Column("description"),
    )),
    Table("service_taxonomy", (
        _id(),
        Column("service_id", required=True, kind="ref", ref=("services", "id")),
        Column("taxonomy_term_id", required=True, kind="ref", ref=("taxonomy_terms", "id")),
    )),
)

TABLES_BY_NAME = {t.name: t for t in TABLES}

# The words a person sees for each term (also written to taxonomy_terms.csv).
TERM_LABELS: dict[str, tuple[str, str]] = {
    "child_protection_advice": ("Advice about social care and child protection",
                                "Help to understand social care, child protection plans and meetings."),
    "legal_advice_advocacy": ("Legal advice and advocacy",
                              "Solicitors, advice lines and advocates who speak up with you."),
    "peer_support": ("Peer groups",
                     "Groups run by or with people who have been through something similar."),
    "drug_alcohol_treatment": ("Drug and alcohol treatment",
                               "Services that help with drug or alcohol use, including prescriptions."),
    "harm_reduction": ("Harm reduction",
                       "Needle and syringe services, naloxone and advice to stay safer."),
    "housing_homelessness": ("Housing and homelessness",
                             "Help to find or keep a home, and advice if you are homeless."),
    "perinatal_mental_health": ("Mental health in pregnancy and after birth",
                                "Support for your mental health while pregnant and in the first years."),
    "mental_health": ("Mental health", "Support for your mental health and wellbeing."),
    "domestic_abuse": ("Domestic abuse", "Help if someone close to you hurts, scares or controls you."),
    "crisis_line": ("Someone to talk to now", "Helplines you can call or text when things feel too much."),
    "mothers": ("Mothers", "Mums and pregnant women."),
    "fathers": ("Fathers", "Dads and partners."),
    "whole_family": ("Whole family", "Families together, children welcome."),
    "women_only": ("Women only", "A space for women only."),
    "men_only": ("Men only", "A space for men only."),
    "after_removal": ("After a child is removed",
                      "Parents whose child has been taken into care or adopted."),
    "parents": ("Parents", "Any parent or carer."),
    "young_people": ("Young people", "Children and young people."),
    "anyone": ("Anyone", "Open to anyone."),
}

# When a kind of help has no service that works everywhere, these are offered
# next, in order ("no wrong door").
RELATED_CATEGORIES: dict[str, tuple[str, ...]] = {
    "child_protection_advice": ("legal_advice_advocacy", "peer_support", "crisis_line"),
    "legal_advice_advocacy": ("child_protection_advice", "crisis_line"),
    "peer_support": ("mental_health", "crisis_line"),
    "drug_alcohol_treatment": ("harm_reduction", "crisis_line"),
    "harm_reduction": ("drug_alcohol_treatment", "crisis_line"),
    "housing_homelessness": ("legal_advice_advocacy", "crisis_line"),
    "perinatal_mental_health": ("mental_health", "crisis_line"),
    "mental_health": ("crisis_line",),
    "domestic_abuse": ("crisis_line",),
    "crisis_line": ("mental_health",),
}

REFERRAL_TEXT = {
    "self_referral": "You can contact them yourself.",
    "professional_referral": "A professional, like your GP or social worker, needs to refer you.",
    "self_or_professional": "You can contact them yourself, or a professional can refer you.",
}
