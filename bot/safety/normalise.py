"""Text normalisation for crisis detection: pure functions, no Rasa imports.

The output is lowercase, single-spaced tokens, with "." marking sentence ends
and "," marking clause ends, apostrophes dropped ("he's" -> "hes"), text-speak
expanded and common misspellings corrected from the lexicon.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u201c": '"', "\u201d": '"'})
_WILL = re.compile(r"\b(he|she|they|i|you|it|we)'ll\b")
_APOSTROPHE = re.compile(r"'")
_SENTENCE_END = re.compile(r"[.!?;:\n\r]+")
_CLAUSE_END = re.compile(r",+")
_JOINER = re.compile(r"[-/_+&]")
_OTHER = re.compile(r"[^a-z0-9., ]+")
_SPACES = re.compile(r"\s+")
# "but", "although"... start a new sentence: a past cue before them must not
# reach a present crisis after them ("I used to cut but now I'm cutting again").
_CONTRAST = re.compile(r" (but|although|though|however|whereas|except) ")
_RUN3 = re.compile(r"([a-z])\1{2,}")


@dataclass(frozen=True)
class NormaliseTables:
    """Compiled replacement tables from the lexicon."""

    raw: tuple[tuple[re.Pattern[str], str], ...]
    words: tuple[tuple[re.Pattern[str], Any], ...]  # replacement: str or function


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().translate(_QUOTES)
    return text


def _punctuation(text: str) -> str:
    text = _WILL.sub(r"\1 will", text)
    text = _APOSTROPHE.sub("", text)
    text = _JOINER.sub(" ", text)
    text = _SENTENCE_END.sub(" . ", text)
    text = _CLAUSE_END.sub(" , ", text)
    text = _OTHER.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    return text


def _apply(text: str, table: tuple[tuple[re.Pattern[str], Any], ...]) -> str:
    for pattern, replacement in table:
        text = pattern.sub(replacement, text)
    return text


def normalise_variants(text: str, tables: NormaliseTables) -> tuple[str, ...]:
    """Return one or two normalised forms of `text`.

    Runs of 3+ identical letters are squeezed to two ("killl" -> "kill") and,
    as a second form, to one ("diiie" -> "die"); both forms are checked.
    """
    if not text or not text.strip():
        return ("",)
    base = _apply(_clean(text), tables.raw)
    base = _punctuation(base)
    forms = {_RUN3.sub(r"\1\1", base), _RUN3.sub(r"\1", base)}
    out = []
    for form in sorted(forms):
        form = _apply(f" {form} ", tables.words)
        form = _CONTRAST.sub(r" . \1 ", form)
        out.append(_SPACES.sub(" ", form).strip())
    return tuple(dict.fromkeys(out))
