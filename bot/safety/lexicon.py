"""Load bot/safety/lexicon.yml (reviewed by staff) into compiled regexes."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.safety.normalise import NormaliseTables

LEXICON_PATH = Path(__file__).with_name("lexicon.yml")
KINDS = ("suicide", "self_harm", "overdose", "danger", "child_danger", "abuse_disclosure")
_MACRO = re.compile(r"<([A-Z_]+)>")
_TOKEN = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Rule:
    """One pattern for one kind, with optional context conditions."""

    rule_id: str
    kind: str
    pattern: re.Pattern[str]
    before: re.Pattern[str] | None = None
    not_before: re.Pattern[str] | None = None
    after: re.Pattern[str] | None = None
    message_has: re.Pattern[str] | None = None  # must also be found anywhere in the message
    message_lacks: re.Pattern[str] | None = None  # cancels the rule if found anywhere
    past_if: re.Pattern[str] | None = None  # in the sentence: the match is past...
    now_if: re.Pattern[str] | None = None  # ...unless this is anywhere in the message
    window: int = 6
    when_child: str | None = None
    when_drugs: str | None = None
    negatable_inside: bool = False
    requires_child: bool = False
    check_in_only: bool = False


@dataclass(frozen=True)
class Lexicon:
    severity: tuple[str, ...]
    tables: NormaliseTables
    exclusions: re.Pattern[str]
    rules: tuple[Rule, ...]
    negation_before: re.Pattern[str]
    negation_inside: re.Pattern[str]
    past: re.Pattern[str]
    present: re.Pattern[str]
    resolution: re.Pattern[str]
    past_verbs: re.Pattern[str]
    resolvable_kinds: frozenset[str]
    child_context: re.Pattern[str]
    drug_context: re.Pattern[str]


def expand(pattern: str, macros: dict[str, str]) -> str:
    """Replace <NAME> with its macro (macros may use other macros)."""
    for _ in range(10):
        new = _MACRO.sub(lambda m: f"(?:{macros[m.group(1)]})", pattern)
        if new == pattern:
            return new
        pattern = new
    raise ValueError(f"macro loop in {pattern[:80]}")


def _compile(pattern: str, macros: dict[str, str]) -> re.Pattern[str]:
    try:
        return re.compile(expand(pattern, macros))
    except (re.error, KeyError) as err:
        raise ValueError(f"bad lexicon pattern {pattern!r}: {err}") from err


def _any(patterns: list[str], macros: dict[str, str]) -> re.Pattern[str]:
    return _compile("|".join(f"(?:{p})" for p in patterns), macros)


def _word_table(spelling: dict[str, list[str]], textspeak: list[list[str]]) -> tuple:
    table: list[tuple[re.Pattern[str], Any]] = [(re.compile(p), r) for p, r in textspeak]
    lookup = {variant: canonical for canonical, variants in spelling.items() for variant in variants}
    phrases = {v: c for v, c in lookup.items() if " " in v}
    if phrases:  # few multi-word variants: one regex, longest first
        words = "|".join(re.escape(v) for v in sorted(phrases, key=len, reverse=True))
        pattern = re.compile(rf"(?<![a-z0-9])(?:{words})(?![a-z0-9])")
        table.append((pattern, lambda m: phrases[m.group()]))
    single = {v: c for v, c in lookup.items() if " " not in v}
    if single:  # single words: a dictionary look-up per token, much faster than a regex
        table.append((_TOKEN, lambda m: single.get(m.group(), m.group())))
    return tuple(table)


def _rule(kind: str, index: int, spec: dict[str, Any] | str, macros: dict[str, str]) -> Rule:
    if isinstance(spec, str):
        spec = {"pattern": spec}
    keys = ("before", "not_before", "after", "message_has", "message_lacks", "past_if", "now_if")
    opt = {key: _compile(spec[key], macros) for key in keys if key in spec}
    return Rule(
        rule_id=spec.get("id", f"{kind}.{index}"),
        kind=kind,
        pattern=_compile(spec["pattern"], macros),
        window=int(spec.get("window", 6)),
        when_child=spec.get("when_child"),
        when_drugs=spec.get("when_drugs"),
        negatable_inside=bool(spec.get("negatable_inside", False)),
        requires_child=bool(spec.get("requires_child", False)),
        check_in_only=bool(spec.get("check_in_only", False)),
        **opt,
    )


def build(data: dict[str, Any]) -> Lexicon:
    macros: dict[str, str] = data.get("macros", {})
    norm = data["normalise"]
    tables = NormaliseTables(
        raw=tuple((re.compile(p), r) for p, r in norm.get("raw", [])),
        words=_word_table(norm.get("spelling", {}), norm.get("textspeak", [])),
    )
    rules: list[Rule] = []
    for kind, specs in data["rules"].items():
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r} in lexicon rules")
        rules.extend(_rule(kind, i, spec, macros) for i, spec in enumerate(specs, start=1))
    cues = data["cues"]
    severity = tuple(data["severity"])
    if sorted(severity) != sorted(KINDS):
        raise ValueError("severity must list every kind exactly once")
    return Lexicon(
        severity=severity,
        tables=tables,
        exclusions=_any(data["exclusions"], macros),
        rules=tuple(rules),
        negation_before=_compile(cues["negation_before"], macros),
        negation_inside=_compile(cues["negation_inside"], macros),
        past=_any(cues["past"], macros),
        present=_any(cues["present"], macros),
        resolution=_any(cues["resolution"], macros),
        past_verbs=_compile(cues["past_verbs"], macros),
        resolvable_kinds=frozenset(cues["resolvable_kinds"]),
        child_context=_compile(cues["child_context"], macros),
        drug_context=_compile(cues["drug_context"], macros),
    )


@lru_cache(maxsize=4)
def load(path: str | None = None) -> Lexicon:
    """Load and compile the lexicon once per path."""
    source = Path(path) if path else LEXICON_PATH
    with source.open(encoding="utf-8") as handle:
        return build(yaml.safe_load(handle))
