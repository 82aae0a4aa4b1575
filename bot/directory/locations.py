"""Turn what a person types into a rough place: a postcode district or a town.

Privacy: a full postcode is cut to its district (LS6 1AA -> LS6) at once; the
full postcode is never kept in a result. A district or a town is enough to
find local help.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional

from bot.directory.schema import NATION_LABELS

PLACES_DIR = Path(__file__).resolve().parents[2] / "data" / "places"
MAX_INPUT_CHARS = 200
MAX_FUZZY_CHARS = 40

FOUND, NATIONAL, UNKNOWN = "found", "national", "unknown"

SCOTTISH_AREAS = {"AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "TD", "ZE"}
WELSH_AREAS = {"CF", "LD", "LL", "NP", "SA"}
CROWN_DEPENDENCIES = {"GY", "JE", "IM"}  # not part of the UK's four nations

# Districts that cross a border: the nation most people live in first.
# An approximation from public postcode-district descriptions (see data/places/README.md).
CROSS_BORDER: dict[str, tuple[str, ...]] = {
    "CH4": ("england", "wales"),
    "CH5": ("wales",), "CH6": ("wales",), "CH7": ("wales",), "CH8": ("wales",),
    "SY5": ("england", "wales"), "SY10": ("england", "wales"),
    "SY13": ("england", "wales"), "SY14": ("england", "wales"),
    "SY15": ("wales", "england"), "SY16": ("wales",), "SY17": ("wales",), "SY18": ("wales",),
    "SY19": ("wales",), "SY20": ("wales",), "SY21": ("wales",), "SY22": ("wales", "england"),
    "SY23": ("wales",), "SY24": ("wales",), "SY25": ("wales",),
    "LD7": ("wales", "england"), "LD8": ("wales", "england"),
    "NP7": ("wales", "england"), "NP16": ("wales", "england"), "NP25": ("wales", "england"),
    "HR3": ("england", "wales"), "HR5": ("england", "wales"),
    "TD9": ("scotland", "england"), "TD12": ("scotland", "england"), "TD15": ("england", "scotland"),
    "DG16": ("scotland", "england"), "CA6": ("england", "scotland"),
}

FULL_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b")
DISTRICT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?)\b")
SPACED_DISTRICT = re.compile(r"^([A-Z]{1,2}) ([0-9][A-Z0-9]?)$")

EXACT_REFUSALS = {
    "no", "nope", "nah", "na", "skip", "pass", "none", "anywhere", "nowhere", "everywhere",
    "national", "uk", "the uk", "uk wide", "not sure", "dont know", "i dont know", "idk", "no idea",
    "private", "rather not", "id rather not", "id rather not say", "rather not say",
    "prefer not to say", "id prefer not to say", "i prefer not to say", "dont want to say",
    "i dont want to say", "do not want to say", "i do not want to say", "not saying", "no thanks",
    "no thank you", "not telling", "skip this", "skip it", "anywhere is fine", "anywhere in the uk",
    "all of the uk", "whole uk", "dont mind", "i dont mind", "no ta", "not telling you",
}
CONTAINS_REFUSAL = re.compile(
    r"\b(rather not|prefer not|dont want to|do not want to|dont wanna|not (?:going to|gonna) say|"
    r"wont say|will not say|skip|anywhere|nowhere|not saying|not telling|none of your)\b"
)
NATION_WORDS = {
    "england": "england", "english": "england",
    "wales": "wales", "welsh": "wales", "cymru": "wales",
    "scotland": "scotland", "scottish": "scotland", "alba": "scotland",
    "northern ireland": "northern_ireland", "ni": "northern_ireland", "n ireland": "northern_ireland",
    "norn iron": "northern_ireland", "ulster": "northern_ireland", "county down": "northern_ireland",
    "co down": "northern_ireland",
}
STOPWORDS = {
    "i", "im", "am", "in", "live", "living", "lives", "near", "nr", "the", "at", "around", "from",
    "my", "is", "its", "it", "a", "an", "me", "we", "are", "based", "area", "town", "city",
    "postcode", "post", "code", "close", "to", "by", "please", "pls", "plz", "thanks", "thank",
    "you", "ok", "okay", "yes", "yeah", "just", "outside", "of", "on", "centre", "center", "bit",
    "stay", "staying", "currently", "now", "here", "there", "and", "or", "so", "um", "erm", "well",
    "somewhere", "about", "side", "part", "help", "find", "look", "for", "services",
    "service", "groups", "group", "local", "nearby", "next", "moved", "move", "got", "our",
    "district", "region", "county", "really", "think", "be", "would", "like", "want", "need",
}


@dataclass(frozen=True)
class Town:
    name: str
    outcode: str
    nation: str


@dataclass(frozen=True)
class Gazetteer:
    outcodes: dict[str, tuple[float, float]]  # districts with a real position
    known_outcodes: frozenset[str]             # every district, with or without a position
    towns: tuple[Town, ...]
    names: dict[str, tuple[int, ...]]          # normalised name -> town indexes
    display: dict[str, str]                    # normalised name -> name as written
    max_words: int


@dataclass(frozen=True)
class PlaceResult:
    status: str                      # found | national | unknown
    kind: Optional[str] = None       # district | town | nation
    label: Optional[str] = None      # what to show and keep: "LS6", "Leeds", "Wales"
    outcode: Optional[str] = None
    latitude: Optional[float] = None
    longitude: Optional[float] = None
    nation: Optional[str] = None
    nations: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    corrected: bool = False          # matched a close spelling, not the exact name
    reason: str = ""                 # for logs and tests, never shown to the person

    @property
    def found(self) -> bool:
        return self.status == FOUND

    @property
    def national(self) -> bool:
        return self.status == NATIONAL


def normalise(text: str) -> str:
    """Lower case, no accents, no punctuation or emoji; apostrophes dropped, hyphens as spaces."""
    text = unicodedata.normalize("NFKD", text[:MAX_INPUT_CHARS])
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"['\u2019\u2018`]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return text.strip()


def outcode_area(outcode: str) -> str:
    match = re.match(r"[A-Z]+", outcode.upper())
    return match.group(0) if match else ""


def nations_for_outcode(outcode: str) -> tuple[str, ...]:
    """Every UK nation a district lies in, the main one first (empty outside the UK nations)."""
    outcode = outcode.upper()
    if outcode in CROSS_BORDER:
        return CROSS_BORDER[outcode]
    area = outcode_area(outcode)
    if area == "BT":
        return ("northern_ireland",)
    if area in SCOTTISH_AREAS:
        return ("scotland",)
    if area in WELSH_AREAS:
        return ("wales",)
    if area in CROWN_DEPENDENCIES or not area:
        return ()
    return ("england",)


def nation_for_outcode(outcode: str) -> Optional[str]:
    nations = nations_for_outcode(outcode)
    return nations[0] if nations else None


def district_of(postcode: str) -> Optional[str]:
    """'ls6 1aa' -> 'LS6'; a district on its own is returned as it is; anything else -> None."""
    compact = re.sub(r"\s+", "", postcode.upper())
    match = re.fullmatch(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})?", compact)
    return match.group(1) if match else None


@lru_cache(maxsize=4)
def load_gazetteer(places_dir: Path = PLACES_DIR) -> Gazetteer:
    outcodes: dict[str, tuple[float, float]] = {}
    known: set[str] = set()
    with open(places_dir / "uk_outcodes.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code = row["outcode"].strip().upper()
            known.add(code)
            lat, lon = float(row["latitude"]), float(row["longitude"])
            if (lat, lon) != (0.0, 0.0):
                outcodes[code] = (lat, lon)
    towns: list[Town] = []
    names: dict[str, list[int]] = {}
    display: dict[str, str] = {}
    with open(places_dir / "towns.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            town = Town(row["name"].strip(), row["outcode"].strip().upper(), row["nation"].strip())
            towns.append(town)
            for written in [town.name, *row.get("alt_names", "").split("|")]:
                key = normalise(written)
                if key:
                    names.setdefault(key, []).append(len(towns) - 1)
                    display.setdefault(key, written.strip())
    return Gazetteer(
        outcodes=outcodes,
        known_outcodes=frozenset(known),
        towns=tuple(towns),
        names={k: tuple(dict.fromkeys(v)) for k, v in names.items()},
        display=display,
        max_words=max(len(k.split()) for k in names),
    )


def resolve_place(text: object, gazetteer: Optional[Gazetteer] = None) -> PlaceResult:
    """Work out a place from free text. Never raises; never returns a full postcode."""
    if not isinstance(text, str):
        return PlaceResult(UNKNOWN, reason="not text")
    gaz = gazetteer or load_gazetteer()
    clean = normalise(text)
    if not clean:
        return PlaceResult(UNKNOWN, reason="empty")
    if clean in EXACT_REFUSALS:
        return PlaceResult(NATIONAL, reason="refused")
    for finder in (_find_postcode, _find_town):
        result = finder(clean, gaz)
        if result is not None:
            return result
    if CONTAINS_REFUSAL.search(clean):
        return PlaceResult(NATIONAL, reason="refused")
    nation = _nation_in(clean)
    if nation:
        guess = _fuzzy(_without_nation_words(clean), gaz)
        if guess.found and guess.nation == nation:
            return guess
        return PlaceResult(NATIONAL, kind="nation", label=NATION_LABELS[nation], nation=nation,
                           nations=(nation,), reason="nation only")
    return _fuzzy(clean, gaz)


def _without_nation_words(clean: str) -> str:
    padded = f" {clean} "
    for words in sorted(NATION_WORDS, key=len, reverse=True):
        padded = padded.replace(f" {words} ", " ")
    return padded.strip()


def _district_result(outcode: str, gaz: Gazetteer, reason: str) -> PlaceResult:
    nations = nations_for_outcode(outcode)
    position = gaz.outcodes.get(outcode)
    if position is None and outcode[-1].isalpha():
        position = gaz.outcodes.get(outcode[:-1])  # e.g. N1C has no centre; N1 is next door
    nation = nations[0] if nations else None
    if position is None:
        return PlaceResult(NATIONAL, kind="district", label=outcode, outcode=outcode, nation=nation,
                           nations=nations, reason=f"{reason}; district has no position")
    return PlaceResult(FOUND, kind="district", label=outcode, outcode=outcode, latitude=position[0],
                       longitude=position[1], nation=nation, nations=nations, reason=reason)


def _find_postcode(clean: str, gaz: Gazetteer) -> Optional[PlaceResult]:
    upper = clean.upper()
    for match in FULL_POSTCODE.finditer(upper):
        if match.group(1) in gaz.known_outcodes:
            return _district_result(match.group(1), gaz, "full postcode cut to district")
    compact = re.fullmatch(r"([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})", upper.replace(" ", ""))
    if compact and compact.group(1) in gaz.known_outcodes:
        return _district_result(compact.group(1), gaz, "full postcode cut to district")
    for match in DISTRICT.finditer(upper):
        if match.group(1) in gaz.known_outcodes:
            return _district_result(match.group(1), gaz, "district")
    spaced = SPACED_DISTRICT.match(upper)
    if spaced and spaced.group(1) + spaced.group(2) in gaz.known_outcodes:
        return _district_result(spaced.group(1) + spaced.group(2), gaz, "district")
    if FULL_POSTCODE.search(upper):
        return PlaceResult(UNKNOWN, reason="postcode district not known")
    return None


def _find_town(clean: str, gaz: Gazetteer) -> Optional[PlaceResult]:
    words = clean.split()[:60]
    for size in range(min(gaz.max_words, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start:start + size])
            if phrase in gaz.names and phrase not in STOPWORDS:
                return _town_result(phrase, gaz.names[phrase], clean, gaz, corrected=False)
    return None


def _town_result(key: str, indexes: tuple[int, ...], clean: str, gaz: Gazetteer,
                 corrected: bool) -> PlaceResult:
    towns = [gaz.towns[i] for i in indexes]
    if len({t.nation for t in towns}) > 1:
        nation = _nation_in(clean.replace(key, " "))
        chosen = [t for t in towns if t.nation == nation]
        if len(chosen) != 1:
            labels = tuple(f"{t.name} ({NATION_LABELS[t.nation]})" for t in towns)
            return PlaceResult(UNKNOWN, suggestions=labels, reason="more than one place has this name")
        towns = chosen
    town = towns[0]
    position = gaz.outcodes.get(town.outcode)
    if position is None:
        return PlaceResult(NATIONAL, kind="town", label=town.name, nation=town.nation,
                           nations=(town.nation,), reason="town district has no position")
    others = tuple(n for n in nations_for_outcode(town.outcode) if n != town.nation)
    return PlaceResult(FOUND, kind="town", label=town.name, outcode=town.outcode, latitude=position[0],
                       longitude=position[1], nation=town.nation, nations=(town.nation, *others),
                       corrected=corrected, reason="close spelling of a town" if corrected else "town")


def _nation_in(clean: str) -> Optional[str]:
    padded = f" {clean} "
    for words, nation in sorted(NATION_WORDS.items(), key=lambda kv: -len(kv[0])):
        if f" {words} " in padded:
            return nation
    return None


def _fuzzy(clean: str, gaz: Gazetteer) -> PlaceResult:
    words = [w for w in clean.split() if w not in STOPWORDS]
    if not words or len(" ".join(words)) > MAX_FUZZY_CHARS:
        return PlaceResult(UNKNOWN, reason="no place found")
    candidates = {" ".join(words[i:i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
    candidates.add(" ".join(words))
    scores: dict[str, float] = {}
    for candidate in (c for c in candidates if len(c) >= 3):
        for name in difflib.get_close_matches(candidate, gaz.names.keys(), n=5, cutoff=0.72):
            ratio = difflib.SequenceMatcher(None, candidate, name).ratio()
            scores[name] = max(scores.get(name, 0.0), ratio)
    if not scores:
        return PlaceResult(UNKNOWN, reason="no place found")
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    best, best_score = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
    if best_score >= 0.86 and best_score - runner_up >= 0.06 and len(best) >= 4:
        result = _town_result(best, gaz.names[best], clean, gaz, corrected=True)
        if result.found:
            return result
    suggestions = []
    for name, _ in ranked:
        for index in gaz.names[name]:
            town = gaz.towns[index]
            label = gaz.display[name] if len(gaz.names[name]) == 1 \
                else f"{town.name} ({NATION_LABELS[town.nation]})"
            if label not in suggestions:
                suggestions.append(label)
    return PlaceResult(UNKNOWN, suggestions=tuple(suggestions[:3]), reason="not sure; close matches")
