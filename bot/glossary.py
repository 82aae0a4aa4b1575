"""Plain-language glossary lookup.

Finds the term a person is asking about in an entity value or in a whole message,
forgiving case, dots, apostrophes, hyphens, question wording and small misspellings.
No Rasa imports: the action in actions/glossary_actions.py is a thin adapter.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

import yaml

GLOSSARY_PATH = Path(__file__).with_name("glossary.yml")

# Everyday words that are also aliases. They stay in the glossary index but are left out of
# the NLU lookup table, so a lookup-based extractor does not tag them in every message.
COMMON_WORDS = frozenset(
    "adopt adopted adoption advocacy advocate assessment concurrency contact deregistration "
    "discharge final finals grounds guardian hearing kinship proceedings register registered "
    "reporter residential safeguard safeguarding strategy threshold viability "
    # Medicine names belong to the drug treatment intents as much as to ask_term.
    "methadone buprenorphine bupe subutex subbies subs espranor buvidal suboxone naloxone "
    "prenoxad nyxoid physeptone".split()
)

# Fuzzy matching only for longer strings: short abbreviations (ico, icpc, cin, iro)
# are too close to each other to guess safely.
FUZZY_MIN_LENGTH = 5
FUZZY_CUTOFF = 0.82
STRONG_CUTOFF = 0.9

_NUMBER_WORDS = {
    "twenty five": "25",
    "seventy six": "76",
    "forty seven": "47",
    "seventeen": "17",
    "twenty": "20",
}

# Question wording around the term, removed before matching ("whats a sgo" -> "sgo").
_LEADING = re.compile(
    r"^(?:(?:please|pls|plz|can you|could you|hi|hello|hey|so|ok|and|um|erm)\s+)*"
    r"(?:(?:tell me |explain |define |meaning of |definition of |"
    r"what does |wat does |wot does |what do |what doe |whats |wats |wots |what is |wat is |wot is |"
    r"what are |what r |whats the meaning of |what is the meaning of |what does the word |"
    r"what is meant by |what do they mean by |what do you mean by |what do they mean |"
    r"what does it mean |what is an |what is a |whats an |whats a |"
    r"i dont know what |dont understand |i dont understand |im confused by |confused about |"
    r"what|wat|wot)\s*)?"
    r"(?:(?:what |about |the word |the term |by |a |an |the |my |this |that |me )\s*)*"
)
_TRAILING = re.compile(
    r"\s*(?:mean|means|meaning|stand for|stands for|is|are|in my letter|in the letter|"
    r"on my letter|in the meeting|on the letter|mean for me|means for me|all about|thing|"
    r"please|pls|plz|exactly|actually|anyway|again)?\s*$"
)


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    id: str
    title: str
    explanation: str
    aliases: Tuple[str, ...] = field(default_factory=tuple)
    nation: Optional[str] = None
    nation_note: Optional[str] = None
    source_url: Optional[str] = None

    def answer(self) -> str:
        """The text shown to the person."""
        parts = [f"{self.title}: {self.explanation}"]
        if self.nation_note:
            parts.append(self.nation_note)
        return " ".join(parts)


def normalise(text: str) -> str:
    """Lower-case, drop dots/apostrophes, unify spacing and number words.

    >>> normalise("S.20 ")
    's20'
    >>> normalise("Children's  Guardian?")
    'childrens guardian'
    """
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[’'`´.]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text).strip()
    for words, digits in _NUMBER_WORDS.items():
        text = re.sub(rf"\b{words}\b", digits, text)
    # "s 20", "sec 20", "sect 20" -> "s20"; "section 20" stays and is an alias.
    text = re.sub(r"\b(?:s|sec|sect)\s+(\d+[a-z]?)\b", r"s\1", text)
    return re.sub(r"\s+", " ", text)


def strip_question(text: str) -> str:
    """Remove question wording around a (normalised) term."""
    core = _LEADING.sub("", text, count=1)
    previous = None
    while previous != core:
        previous = core
        core = _TRAILING.sub("", core).strip()
    return core


class Glossary:
    """An index from every normalised alias to its term."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms: Dict[str, Term] = {}
        self.index: Dict[str, str] = {}
        for term in terms:
            if term.id in self.terms:
                raise ValueError(f"duplicate glossary id: {term.id}")
            self.terms[term.id] = term
            for key in {normalise(a) for a in (term.id.replace("_", " "), *term.aliases)}:
                owner = self.index.get(key)
                if owner and owner != term.id:
                    raise ValueError(f"alias '{key}' is used by both {owner} and {term.id}")
                self.index[key] = term.id
        # Longest first, so "interim supervision order" wins over "supervision order".
        self._by_length: List[str] = sorted(self.index, key=len, reverse=True)
        self._patterns = [(k, re.compile(rf"(?<![a-z0-9]){re.escape(k)}(?![a-z0-9])")) for k in self._by_length]

    def get(self, term_id: str) -> Optional[Term]:
        return self.terms.get(term_id)

    def lookup(self, text: Optional[str]) -> Optional[Term]:
        """Find the term in an entity value or a whole message, or None."""
        if not text:
            return None
        normalised = normalise(text)
        if not normalised:
            return None
        for candidate in (normalised, strip_question(normalised)):
            if candidate in self.index:
                return self.terms[self.index[candidate]]
        inside = self._find_inside(normalised)
        if inside:
            # A longer alias with a small typo ("child protection conferance") beats a
            # shorter exact one ("child protection").
            longer = [k for k in self.index if len(k) > len(inside) and len(k) >= FUZZY_MIN_LENGTH]
            typo = self._fuzzy_words(normalised, longer, cutoff=STRONG_CUTOFF)
            return typo or self.terms[self.index[inside]]
        return self._fuzzy(strip_question(normalised))

    def _find_inside(self, normalised: str) -> Optional[str]:
        """The longest alias found as whole words in the message."""
        for key, pattern in self._patterns:
            if pattern.search(normalised):
                return key
        return None

    def _fuzzy(self, core: str) -> Optional[Term]:
        if len(core) < FUZZY_MIN_LENGTH:
            return None
        keys = [k for k in self.index if len(k) >= FUZZY_MIN_LENGTH]
        match = difflib.get_close_matches(core, keys, n=1, cutoff=FUZZY_CUTOFF)
        if match:
            return self.terms[self.index[match[0]]]
        return self._fuzzy_words(core, keys)

    def _fuzzy_words(self, core: str, keys: List[str], cutoff: float = FUZZY_CUTOFF) -> Optional[Term]:
        """Try word windows of the message the same length as each alias."""
        words = core.split()
        best: Tuple[float, Optional[str]] = (0.0, None)
        for key in keys:
            size = len(key.split())
            if size > len(words):
                continue
            for start in range(len(words) - size + 1):
                window = " ".join(words[start : start + size])
                if len(window) < FUZZY_MIN_LENGTH:
                    continue
                ratio = difflib.SequenceMatcher(None, window, key).ratio()
                if ratio > best[0]:
                    best = (ratio, key)
        if best[1] and best[0] >= cutoff:
            return self.terms[self.index[best[1]]]
        return None


def load_terms(path: Path = GLOSSARY_PATH) -> List[Term]:
    """Read and check the glossary file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    terms = []
    for raw in data["terms"]:
        missing = [k for k in ("id", "title", "explanation") if not raw.get(k)]
        if missing:
            raise ValueError(f"glossary term {raw.get('id', '?')} is missing {missing}")
        terms.append(
            Term(
                id=raw["id"],
                title=raw["title"],
                explanation=" ".join(str(raw["explanation"]).split()),
                aliases=tuple(str(a) for a in raw.get("aliases", [])),
                nation=raw.get("nation"),
                nation_note=raw.get("nation_note"),
                source_url=raw.get("source_url"),
            )
        )
    return terms


def lookup_table_entries(terms: Iterable[Term]) -> List[str]:
    """Aliases for the `term` lookup table in data/nlu/glossary.yml (sorted, no common words)."""
    return sorted({a for t in terms for a in t.aliases if a not in COMMON_WORDS})


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The bundled glossary, loaded once."""
    return Glossary(load_terms())


def lookup(text: Optional[str]) -> Optional[Term]:
    """Look a term up in the bundled glossary."""
    return default_glossary().lookup(text)
