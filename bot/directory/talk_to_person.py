"""The reply to "Can I talk to a person?": honest that this is a computer program,
then the lines open now (from bot.directory.open_now), when closed ones open,
and 999 for danger.

Samaritans is always named, and Lifeline in Northern Ireland, with numbers
from bot/facts.yml: both are open 24 hours there, so they are named even when
the directory cannot be read or has no opening times for them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Optional

from bot.directory.open_now import LaterLine, Line, LinesNow, OpenLine
from bot.directory.schema import NATION_LABELS
from bot.directory.search import Phone
from bot.facts import digits, load_facts

MAX_LINES = 5
NIGHT_HOURS = frozenset((22, 23, 0, 1, 2, 3, 4, 5, 6))
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

INTRO = "I am a computer program, not a person. But you can talk to a real person on these lines."
OPEN_NATION = "Open now in {nation_name}:"
OPEN_ANYWHERE = "Open now, anywhere in the UK:"
NATION_HINT = "If you tell me which part of the UK you live in, I can show more lines."
NOT_CHECKED = "I cannot check the other lines right now."
CLOSED_NIGHT = "It is night, so some lines are closed. These open later:"
CLOSED_DAY = "These lines are closed now. They open later:"
DANGER = "If you or a child are in danger now, call {emergency}."
BUTTONS = [
    {"title": "Find services near me", "payload": "/find_service"},
    {"title": "Back to the menu", "payload": "/main_menu"},
]

# Lines always named, by fact id: (name, fact id of the number, nation or None for everyone).
ALWAYS = (
    ("Lifeline", "crisis_lifeline_ni", "northern_ireland"),
    ("Samaritans", "crisis_samaritans", None),
)
# Who a line for one group is for, first match wins.
FOR_WHOM = (
    ("young_people", "for children and young people"),
    ("women_only", "for women"),
    ("men_only", "for men"),
    ("mothers", "for mums"),
    ("fathers", "for dads"),
    ("after_removal", "for parents whose child was taken into care"),
)


@lru_cache(maxsize=1)
def _facts() -> dict[str, str]:
    return {fact["id"]: str(fact["value"]) for fact in load_facts()}


def fact(fact_id: str) -> str:
    """A value from bot/facts.yml (KeyError when it is not there)."""
    return _facts()[fact_id]


def talk_to_person_messages(lines: Optional[LinesNow], nation: Optional[str]) -> list[dict[str, Any]]:
    """Chat bubbles ({"text", "buttons"}); `lines` is None when the directory could not be read."""
    nation = lines.nation if lines is not None else (nation if nation in NATION_LABELS else None)
    messages = [{"text": INTRO}, {"text": _open_text(lines, nation)}]
    if lines is not None and lines.later:
        messages.append({"text": _later_text(lines)})
    messages.append({"text": DANGER.format(emergency=fact("emergency_999")), "buttons": BUTTONS})
    return messages


def _open_text(lines: Optional[LinesNow], nation: Optional[str]) -> str:
    heading = OPEN_NATION.format(nation_name=NATION_LABELS[nation]) if nation else OPEN_ANYWHERE
    shown = list(lines.open) if lines is not None else []
    known = {digits(p.number) for o in shown for p in o.line.phones}
    always = [f"{name}: call {fact(fact_id)}. Free. Open 24 hours."
              for name, fact_id, only in ALWAYS
              if (only is None or only == nation) and digits(fact(fact_id)) not in known]
    listed = always + [open_line_text(o, lines.moment) for o in shown[:MAX_LINES - len(always)]] \
        if lines is not None else always
    notes = [] if lines is not None else [NOT_CHECKED]
    if nation is None:
        notes.append(NATION_HINT)
    return "\n".join([heading, *listed, *notes])


def _later_text(lines: LinesNow) -> str:
    heading = CLOSED_NIGHT if lines.moment.hour in NIGHT_HOURS else CLOSED_DAY
    return "\n".join([heading, *(later_line_text(c, lines.moment) for c in lines.later)])


def open_line_text(item: OpenLine, moment: datetime) -> str:
    hours = "Open 24 hours." if item.all_week or item.closes is None \
        else f"Open until {when_text(item.closes, moment)}."
    holidays = " Closed on bank holidays." if item.line.closed_on_bank_holidays else ""
    return f"{_title(item.line)}: {_how(item.line)}.{' Free.' if item.line.free else ''} {hours}{holidays}"


def later_line_text(item: LaterLine, moment: datetime) -> str:
    how = _how(item.line)
    return f"{_title(item.line)}: opens {day_and_time(item.opens, moment)}. {how[:1].upper()}{how[1:]}."


def _title(line: Line) -> str:
    if line.for_everyone:
        return line.name
    whom = next((words for audience, words in FOR_WHOM if audience in line.audiences), "")
    return f"{line.name}, {whom}" if whom else line.name


def _how(line: Line) -> str:
    """"call 0808 ..., or text DAN to 81066": voice first, at most two ways."""
    phones = sorted(line.phones, key=lambda p: p.type != "voice")[:2]
    return ", or ".join(_phone_text(p) for p in phones)


def _phone_text(phone: Phone) -> str:
    if phone.type == "text":
        first = phone.description.split(".")[0].strip()
        # "Text SHOUT to 85258" keeps the word to send; otherwise just the number.
        if first.lower().startswith("text ") and digits(phone.number) in digits(first):
            return "text" + first[4:]
        return f"text {phone.number}"
    if phone.type == "whatsapp":
        return f"send a WhatsApp message to {phone.number}"
    return f"call {phone.number}"


def when_text(closes: datetime, moment: datetime) -> str:
    """When an open line closes: "3pm", "2am" (the night after), "6am on Monday", "midnight"."""
    wall = moment.replace(tzinfo=None)
    if closes.hour == 0 and closes.minute == 0:
        last_day = closes - timedelta(minutes=1)
        return "midnight" if last_day.date() == wall.date() else f"midnight on {DAY_NAMES[last_day.weekday()]}"
    if closes.date() == wall.date() or (closes - wall < timedelta(hours=12)):
        return clock_text(closes)
    return f"{clock_text(closes)} on {DAY_NAMES[closes.weekday()]}"


def day_and_time(opens: datetime, moment: datetime) -> str:
    """When a closed line opens: "today at 9:30am", "tomorrow at 6pm", "on Monday at 9:30am"."""
    days = (opens.date() - moment.replace(tzinfo=None).date()).days
    day = "today" if days == 0 else "tomorrow" if days == 1 else f"on {DAY_NAMES[opens.weekday()]}"
    return f"{day} at {clock_text(opens)}"


def clock_text(moment: datetime) -> str:
    """9am, 9:30am, 12pm (midday), 6pm; midnight is "midnight"."""
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    suffix = "am" if moment.hour < 12 else "pm"
    hour = moment.hour % 12 or 12
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"
