"""Plain-text cards for search results: one chat bubble per service, under a
heading that is true of every card below it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Optional

from bot.directory.messages import message
from bot.directory.schema import NATION_LABELS, REFERRAL_TEXT
from bot.directory.search import ServiceItem

PHONE_LABELS = {"voice": "Phone", "text": "Text", "whatsapp": "WhatsApp"}
FEE_TEXT = {"free": "Free.", "low_cost": "Low cost.", "paid": "You may have to pay."}
KM_PER_MILE = 1.609344


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


def group_by_coverage(items: Iterable[ServiceItem]) -> list[CardGroup]:
    """Cards that work in the same area go together, groups in the order they first appear."""
    groups: dict[Coverage, list[ServiceItem]] = {}
    for item in items:
        groups.setdefault(coverage(item), []).append(item)
    return [CardGroup(key, tuple(members)) for key, members in groups.items()]


def group_heading(group: CardGroup, place_label: Optional[str]) -> dict[str, Any]:
    """The message to show above a group (bot/directory/messages.yml)."""
    scope, nations = group.coverage
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
