"""Find a place named anywhere in a message: a town, a postcode district or a nation.

"im in scotland and got a letter about a hearing", "we live near BT9",
"up here in Fife": each tells us where the person is, and so which nation's
rules apply. `find_place(text)` returns at most one place and the nation it is
in, or nothing when the message is unclear (two nations named, a town name
shared by two nations), because a wrong nation silently set is worse than
none.

Words that are also town names ("reading", "bath", "rugby", "halifax") and
codes that are also official words ("s20", "s47": sections of the Children
Act) count only when written with a capital letter or after a place word
("in", "near", "from" ...).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Optional

from bot.directory.locations import Gazetteer, load_gazetteer, nations_for_outcode

# Town names that are everyday words, first names or brands.
AMBIGUOUS_NAMES = frozenset({
    "reading", "bath", "bury", "barry", "leigh", "hyde", "mold", "flint", "wick", "perth",
    "hamilton", "irvine", "livingston", "leek", "rugby", "harrow", "barrow", "halifax",
    "burton", "dudley", "lincoln", "preston", "stafford", "boston", "brent", "grays",
    "stratford", "sutton", "kingston", "chester", "ely", "louth", "derby", "paisley", "dunbar",
    "mk", "boro", "newport", "newtown", "johnstone", "hatfield",
    "stone", "wells", "kent", "devon", "tyrone", "durham", "lewis",
})
# Postcode districts that are also the names of laws, vitamins or TV channels.
AMBIGUOUS_DISTRICTS = frozenset({
    "S1", "S2", "S3", "S7", "S8", "S10", "S11", "S17", "S20", "S31", "S38", "S47", "B12",
    "CH4", "E4", "M1", "M6", "N1", "W1",
})
PLACE_CUES = frozenset({
    "in", "near", "nr", "from", "at", "round", "around", "by", "outside", "live", "living",
    "lives", "moved", "postcode", "area", "to", "up", "down", "over", "frae",
})
NATION_PHRASES: dict[tuple[str, ...], str] = {
    ("england",): "england",
    ("wales",): "wales",
    ("cymru",): "wales",
    ("scotland",): "scotland",
    ("northern", "ireland"): "northern_ireland",
    ("n", "ireland"): "northern_ireland",
    ("norn", "iron"): "northern_ireland",
    ("ulster",): "northern_ireland",
    ("ni",): "northern_ireland",
}
# Counties and regions people name instead of a town: they give the nation only.
REGION_NATIONS: dict[str, str] = {
    **dict.fromkeys((
        "cornwall", "devon", "dorset", "somerset", "wiltshire", "hampshire", "kent", "sussex",
        "surrey", "essex", "norfolk", "suffolk", "lincolnshire", "yorkshire", "lancashire",
        "cumbria", "northumberland", "cheshire", "merseyside", "staffordshire", "derbyshire",
        "nottinghamshire", "leicestershire", "warwickshire", "shropshire", "herefordshire",
        "worcestershire", "gloucestershire", "oxfordshire", "berkshire", "buckinghamshire",
        "hertfordshire", "bedfordshire", "cambridgeshire", "northamptonshire", "teesside",
        "tyneside", "wearside", "london"), "england"),
    **dict.fromkeys((
        "fife", "lothian", "lothians", "lanarkshire", "ayrshire", "aberdeenshire", "highlands",
        "highland", "argyll", "moray", "angus", "perthshire", "renfrewshire", "dunbartonshire",
        "galloway", "borders", "glesga", "weegie"), "scotland"),
    **dict.fromkeys((
        "pembrokeshire", "carmarthenshire", "ceredigion", "gwynedd", "powys", "anglesey",
        "glamorgan", "gwent", "flintshire", "denbighshire", "monmouthshire", "valleys"), "wales"),
    **dict.fromkeys(("antrim", "armagh", "fermanagh", "tyrone", "londonderry"), "northern_ireland"),
}
# "NI" is also National Insurance: "my NI number".
_NI_NOT_A_PLACE = frozenset({"number", "no", "insurance", "contributions", "num"})
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)?")
_DISTRICT_SHAPE = re.compile(r"^[a-z]{1,2}[0-9][a-z0-9]?$")
MAX_CHARS = 2000


@dataclass(frozen=True)
class Token:
    raw: str
    norm: str
    start: int
    end: int


@dataclass(frozen=True)
class PlaceMention:
    """A place found in a message. `label` is what the search keeps: a town or a district."""

    kind: str                # town | district | nation
    label: Optional[str]     # "Belfast", "BT9"; None for a nation alone
    nation: Optional[str]    # None when the place lies in two nations
    start: int
    end: int


def tokens(text: str) -> list[Token]:
    out = []
    for match in _TOKEN.finditer(text[:MAX_CHARS]):
        norm = _normalise_word(match.group())
        if norm:
            out.append(Token(match.group(), norm, match.start(), match.end()))
    return out


def _normalise_word(word: str) -> str:
    word = unicodedata.normalize("NFKD", word)
    word = "".join(ch for ch in word if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]", "", word)


def find_places(text: str, gazetteer: Optional[Gazetteer] = None) -> list[PlaceMention]:
    """Every place named in the text, in order, longest names first where they overlap."""
    if not isinstance(text, str) or not text.strip():
        return []
    gaz = gazetteer or load_gazetteer()
    words = tokens(text)
    found: list[PlaceMention] = []
    index = 0
    while index < len(words):
        mention, used = _mention_at(words, index, gaz)
        if mention is not None:
            found.append(mention)
            index += used
        else:
            index += 1
    return found


def find_place(text: str, gazetteer: Optional[Gazetteer] = None) -> Optional[PlaceMention]:
    """The one place the message is about, or None when there is none or it is unclear.

    A town or district wins over a nation word; when the places named lie in
    different nations, the nation is left out (the label of the first is kept
    only if it has a nation of its own agreeing with the rest).
    """
    mentions = find_places(text, gazetteer)
    if not mentions:
        return None
    nations = {m.nation for m in mentions if m.nation}
    places = [m for m in mentions if m.label]
    if len(nations) > 1:
        return None
    first = places[0] if places else mentions[0]
    if first.nation is None and nations:
        return PlaceMention(first.kind, first.label, next(iter(nations)), first.start, first.end)
    return first


def _mention_at(words: list[Token], i: int, gaz: Gazetteer) -> tuple[Optional[PlaceMention], int]:
    for finder in (_nation_at, _town_at, _region_at, _district_at):
        mention, used = finder(words, i, gaz)
        if mention is not None:
            return mention, used
    return None, 1


def _cued(words: list[Token], i: int) -> bool:
    before = words[i - 1].norm if i > 0 else ""
    after = words[i + 1].norm if i + 1 < len(words) else ""
    return before in PLACE_CUES or after in {"area", "way", "side"}


def _nation_at(words: list[Token], i: int, gaz: Gazetteer) -> tuple[Optional[PlaceMention], int]:
    for phrase, nation in sorted(NATION_PHRASES.items(), key=lambda kv: -len(kv[0])):
        end = i + len(phrase)
        if tuple(w.norm for w in words[i:end]) != phrase:
            continue
        if phrase == ("ni",) and not _is_ni_place(words, i):
            continue
        return PlaceMention("nation", None, nation, words[i].start, words[end - 1].end), len(phrase)
    return None, 1


def _is_ni_place(words: list[Token], i: int) -> bool:
    after = words[i + 1].norm if i + 1 < len(words) else ""
    if after in _NI_NOT_A_PLACE:
        return False
    return words[i].raw == "NI" or _cued(words, i)


def _region_at(words: list[Token], i: int, gaz: Gazetteer) -> tuple[Optional[PlaceMention], int]:
    nation = REGION_NATIONS.get(words[i].norm)
    if nation is None:
        return None, 1
    if words[i].norm in AMBIGUOUS_NAMES and not (words[i].raw[:1].isupper() or _cued(words, i)):
        return None, 1
    return PlaceMention("region", None, nation, words[i].start, words[i].end), 1


def _town_at(words: list[Token], i: int, gaz: Gazetteer) -> tuple[Optional[PlaceMention], int]:
    for size in range(min(gaz.max_words, len(words) - i), 0, -1):
        phrase = " ".join(w.norm for w in words[i:i + size])
        indexes = gaz.names.get(phrase)
        if not indexes:
            continue
        if size == 1 and phrase in AMBIGUOUS_NAMES and not (
                words[i].raw[:1].isupper() or _cued(words, i)):
            continue
        towns = [gaz.towns[k] for k in indexes]
        town_nations = {t.nation for t in towns}
        nation = town_nations.pop() if len(town_nations) == 1 else None
        label = towns[0].name if nation else None
        return PlaceMention("town", label, nation, words[i].start, words[i + size - 1].end), size
    return None, 1


def _district_at(words: list[Token], i: int, gaz: Gazetteer) -> tuple[Optional[PlaceMention], int]:
    word = words[i]
    if not _DISTRICT_SHAPE.match(word.norm):
        return None, 1
    code = word.norm.upper()
    if code not in gaz.known_outcodes:
        return None, 1
    if code in AMBIGUOUS_DISTRICTS and not _cued(words, i):
        return None, 1
    nations = nations_for_outcode(code)
    used = 2 if _is_inward_code(words, i + 1) else 1  # "BT9 5AB": keep only BT9
    return PlaceMention("district", code, nations[0] if nations else None,
                        word.start, word.end), used


def _is_inward_code(words: list[Token], i: int) -> bool:
    return i < len(words) and re.fullmatch(r"[0-9][a-z]{2}", words[i].norm) is not None

