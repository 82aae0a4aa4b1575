"""Plain-text cards for search results: one chat bubble per service, under a
heading that is true of every card below it.

Honest matching: when nothing near the place is of the kind of help and for
the person asked for, one sentence says so (`none_near_message`); cards open
to a wider group than the one asked for, and cards of another kind of help,
come under their own introduction or heading (`group_intros`, `group_heading`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Optional

from bot.directory.messages import message
from bot.directory.ranking import names_an_audience
from bot.directory.schema import NATION_LABELS, REFERRAL_TEXT
from bot.directory.search import BEST, BROADER, OTHER_KIND, SearchResults, ServiceItem

PHONE_LABELS = {"voice": "Phone", "text": "Text", "whatsapp": "WhatsApp"}
FEE_TEXT = {"free": "Free.", "low_cost": "Low cost.", "paid": "You may have to pay."}
KM_PER_MILE = 1.609344

# Each kind of help as it reads in "I could not find ... near LS6."
KIND_PHRASES = {
    "child_protection_advice": "advice about social care",
    "legal_advice_advocacy": "legal advice",
    "peer_support": "a peer group",
    "drug_alcohol_treatment": "drug and alcohol help",
    "harm_reduction": "help with needles and safer use",
    "housing_homelessness": "housing help",
    "perinatal_mental_health": "help with your mood in or after pregnancy",
    "mental_health": "mental health help",
    "domestic_abuse": "domestic abuse help",
    "crisis_line": "a service to talk to now",
}
# Who the help is for, as it reads in "... for dads near LS6." ("anyone" names nobody).
WHO_PHRASES = {
    "mothers": "mums",
    "fathers": "dads",
    "whole_family": "whole families",
    "women_only": "women",
    "men_only": "men",
    "after_removal": "parents apart from their child",
    "parents": "parents",
    "young_people": "young people",
}


def distance_text(distance_km: float) -> str:
    miles = distance_km / KM_PER_MILE
    if miles < 1:
        return "Less than 1 mile away"
    return f"About {round(miles)} mile{'s' if round(miles) != 1 else ''} away"


Coverage = tuple[str, tuple[str, ...]]  # ("local" | "nation" | "uk", nations)


def coverage(item: ServiceItem) -> Coverage:
    """Where a service works, as its card says it: near the place, in some nations, or the UK."""
    if item.scope == "local" and item.distance_km is not None:
        return "local", ()
    if item.scope == "nation" and item.nations:
        return "nation", item.nations
    return "uk", ()


def where_text(item: ServiceItem) -> str:
    scope, nations = coverage(item)
    if scope == "local":
        area = f" ({item.area_name})" if item.area_name else ""
        return f"{distance_text(item.distance_km or 0.0)}{area}."
    if scope == "nation":
        return f"For people in {nations_text(nations)}."
    return "Works anywhere in the UK."


def nations_text(nations: Iterable[str]) -> str:
    return _and_list([NATION_LABELS[n] for n in nations])


@dataclass(frozen=True)
class CardGroup:
    coverage: Coverage
    items: tuple[ServiceItem, ...]
    fit: str = BEST


def group_by_coverage(items: Iterable[ServiceItem]) -> list[CardGroup]:
    """Cards that work in the same area go together, groups in the order they first appear."""
    groups: dict[Coverage, list[ServiceItem]] = {}
    for item in items:
        groups.setdefault(coverage(item), []).append(item)
    return [CardGroup(key, tuple(members)) for key, members in groups.items()]


def group_cards(items: Iterable[ServiceItem]) -> list[CardGroup]:
    """Runs of cards that fit the same way and work in the same area, in the order given
    (so a dads' group near you, then dads' lines for the UK, then family groups near you)."""
    groups: list[CardGroup] = []
    for item in items:
        key = (item.fit, coverage(item))
        if groups and (groups[-1].fit, groups[-1].coverage) == key:
            groups[-1] = CardGroup(key[1], groups[-1].items + (item,), key[0])
        else:
            groups.append(CardGroup(key[1], (item,), key[0]))
    return groups


def who_phrase(audience: Optional[str]) -> Optional[str]:
    return WHO_PHRASES.get(audience or "") if names_an_audience(audience) else None


def none_near_message(results: SearchResults) -> Optional[dict[str, Any]]:
    """One sentence when the place was found but nothing near it is of the kind and for the
    person asked for; None otherwise (or on later pages)."""
    if not results.place_found or results.local_found or results.offset:
        return None
    kind, who = KIND_PHRASES[results.category], who_phrase(results.audience)
    place = results.place_label or "you"
    if who:
        return message("services_none_near_for", kind=kind, who=who, place=place)
    return message("services_none_near", kind=kind, place=place)


def group_intros(group: CardGroup, audience: Optional[str], said: set[str]) -> list[dict[str, Any]]:
    """What to say once before the first group of wider or other-kind cards. `said` remembers."""
    intro = None
    if group.fit == BROADER and who_phrase(audience):
        intro = message("services_broader", who=who_phrase(audience) or "")
    elif group.fit == OTHER_KIND and group.coverage[0] != "local":
        intro = message("services_related")  # a related kind of help, for the nation or the UK
    if intro is None or intro["text"] in said:
        return []
    said.add(intro["text"])
    return [intro]


def group_heading(group: CardGroup, place_label: Optional[str]) -> dict[str, Any]:
    """The message to show above a group (bot/directory/messages.yml)."""
    scope, nations = group.coverage
    if scope == "local" and group.fit == OTHER_KIND:
        return message("services_other_kind_near")
    if scope == "local":
        return message("services_near", place=place_label or "you")
    if scope == "nation":
        return message("services_nation", nation_name=nations_text(nations))
    return message("services_anywhere")


def _and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def checked_text(last_verified: str) -> str:
    try:
        day = date.fromisoformat(last_verified)
    except ValueError:
        return ""
    return f"Details checked: {day.strftime('%B %Y')}."


def service_card(item: ServiceItem) -> str:
    title = item.name if not item.organisation or item.organisation in item.name \
        else f"{item.name} ({item.organisation})"
    lines = [title, item.description]
    for phone in item.phones:
        note = f" ({phone.description})" if phone.description else ""
        lines.append(f"{PHONE_LABELS.get(phone.type, 'Phone')}: {phone.number}{note}")
    if item.url:
        lines.append(f"Website: {item.url}")
    if item.email and not (item.phones or item.url):
        lines.append(f"Email: {item.email}")
    if item.eligibility:
        lines.append(f"Who can use it: {item.eligibility}")
    how = " ".join(t for t in (REFERRAL_TEXT.get(item.referral, ""), FEE_TEXT.get(item.fees, "")) if t)
    if how:
        lines.append(f"How to get in: {how}")
    if item.schedule:
        lines.append(f"When: {item.schedule}." + (" Open now." if item.open_now else ""))
    lines.append(where_text(item))
    checked = checked_text(item.last_verified)
    if checked:
        lines.append(checked)
    return "\n".join(line for line in lines if line)
