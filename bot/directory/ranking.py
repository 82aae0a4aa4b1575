"""Who a service fits: audience rules shared by the build and the search.

Fit: a father never sees women-only services and a mother never sees
men-only ones; a service only for the other parent (say, mothers only) is
left out too. The rest are put in tiers: 0 is the closest fit (a fathers'
or men's group for a father), then groups for whole families and parents,
then everything else. With no audience given, services open to anyone come
before those for one group. A service tagged for both mothers and fathers is
a parents' service: it is not a fathers' option for a dad, nor a mothers'
option for a mum.

A search "matches" the person when a service is in their best tier
(`best_fit`); the search tells them when nothing near them does.
"""

from __future__ import annotations

from typing import Iterable, Optional

from bot.directory.schema import AUDIENCES, CATEGORIES, NATIONS

AUDIENCE_BITS = {name: 1 << i for i, name in enumerate(AUDIENCES)}
CATEGORY_INDEX = {name: i for i, name in enumerate(CATEGORIES)}

MALE = frozenset({"fathers", "men_only"})
FEMALE = frozenset({"mothers", "women_only"})
MIXED = frozenset({"whole_family", "parents", "anyone", "young_people", "after_removal"})
GENERAL = (frozenset({"anyone", "parents", "whole_family"}),)
PREFERENCES: dict[str, tuple[frozenset[str], ...]] = {
    "fathers": (frozenset({"fathers", "men_only"}), frozenset({"whole_family", "parents"})),
    "men_only": (frozenset({"men_only", "fathers"}), frozenset({"whole_family", "parents"})),
    "mothers": (frozenset({"mothers", "women_only"}), frozenset({"whole_family", "parents"})),
    "women_only": (frozenset({"women_only"}), frozenset({"mothers"})),
    "whole_family": (frozenset({"whole_family"}), frozenset({"parents", "mothers", "fathers"})),
    "parents": (frozenset({"parents", "whole_family", "mothers", "fathers"}),),
    "after_removal": (frozenset({"after_removal"}), frozenset({"parents", "mothers", "fathers"})),
    "young_people": (frozenset({"young_people"}), frozenset({"whole_family"})),
    "anyone": GENERAL,
}

# Places near a border can be in two nations; these are the pairs the search may meet.
NATION_CONTEXTS: tuple[tuple[str, ...], ...] = (
    (), *((n,) for n in NATIONS), ("england", "wales"), ("england", "scotland"),
)


def mask_of(audiences: Iterable[str]) -> int:
    return sum(AUDIENCE_BITS[a] for a in set(audiences))


def audiences_of(mask: int) -> frozenset[str]:
    return frozenset(a for a in AUDIENCES if mask & AUDIENCE_BITS[a])


def preferences(audience: Optional[str]) -> tuple[frozenset[str], ...]:
    return PREFERENCES.get(audience, GENERAL) if audience else GENERAL


def excluded(audience: Optional[str], service_audiences: frozenset[str]) -> bool:
    """True when the service is not for this person."""
    if audience in MALE:
        return "women_only" in service_audiences or (
            bool(service_audiences & FEMALE) and not service_audiences & (MALE | MIXED))
    if audience in FEMALE:
        return "men_only" in service_audiences or (
            bool(service_audiences & MALE) and not service_audiences & (FEMALE | MIXED))
    return False


def as_fitted(service_audiences: frozenset[str]) -> frozenset[str]:
    """The audiences fit is judged on: one for mothers and fathers alike counts as for parents."""
    if service_audiences & MALE and service_audiences & FEMALE:
        return (service_audiences - MALE - FEMALE) | {"parents"}
    return service_audiences


def fit_tier(audience: Optional[str], service_audiences: frozenset[str]) -> int:
    """0 is the best fit, counting up."""
    wanted = preferences(audience)
    fitted = as_fitted(service_audiences)
    for tier, group in enumerate(wanted):
        if fitted & group:
            return tier
    return len(wanted)


def names_an_audience(audience: Optional[str]) -> bool:
    """True when the person said who the help is for, so a best fit can be told apart."""
    return bool(audience) and audience in PREFERENCES and preferences(audience) != GENERAL


def exclusion_masks(audience: Optional[str]) -> tuple[int, int, int]:
    """`excluded` as bit masks (never, only-these, unless-any-of) for SQL:
    excluded = mask & never != 0 or (mask & only != 0 and mask & unless == 0)."""
    if audience in MALE:
        return mask_of({"women_only"}), mask_of(FEMALE), mask_of(MALE | MIXED)
    if audience in FEMALE:
        return mask_of({"men_only"}), mask_of(MALE), mask_of(FEMALE | MIXED)
    return 0, 0, 0


def tier_sql(audience: Optional[str], column: str = "aud_mask") -> str:
    """`fit_tier` as an SQL expression over an audience bit-mask column."""
    wanted = preferences(audience)
    male, female = mask_of(MALE), mask_of(FEMALE)
    fitted = (f"(CASE WHEN ({column} & {male}) != 0 AND ({column} & {female}) != 0 "
              f"THEN ({column} & ~{male | female}) | {AUDIENCE_BITS['parents']} ELSE {column} END)")
    cases = " ".join(f"WHEN {fitted} & {mask_of(group)} THEN {i}" for i, group in enumerate(wanted))
    return f"(CASE {cases} ELSE {len(wanted)} END)"


def context_key(nations: Iterable[str]) -> str:
    return "+".join(sorted(set(nations)))
