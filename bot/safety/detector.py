"""Deterministic crisis detection over the staff-reviewed lexicon.

`detect(text)` finds every rule match, then decides for each match whether it
is current (a crisis now), negated ("I'm not suicidal"), past ("I used to
self-harm years ago") or a concern that is not an emergency now ("my partner is
abusive"). Current matches give `kinds`; a message with only the other kinds of
match gets `past_only=True` (a gentle check-in, not an escalation).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.safety.lexicon import Lexicon, Rule, load
from bot.safety.normalise import normalise_variants

CURRENT, NEGATED, PAST, CONCERN = "current", "negated", "past", "concern"
_BOUNDARY = frozenset({".", ","})


@dataclass(frozen=True)
class Detection:
    """What the detector found in one message.

    kinds: crisis kinds present now, most severe first (empty: no crisis now).
    past_only: only past, negated, resolved or not-urgent crisis-like mentions were found.
    evidence: "kind:rule_id:status" for every match, for staff review and tests.
    """

    kinds: tuple[str, ...] = ()
    past_only: bool = False
    evidence: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_crisis(self) -> bool:
        return bool(self.kinds)


@dataclass(frozen=True)
class _Text:
    """A normalised message, with idioms masked, split into tokens."""

    masked: str
    tokens: tuple[str, ...]
    starts: tuple[int, ...]  # character offset of each token
    unresolved: tuple[str, ...]  # tokens with resolution phrases masked
    has_resolution: bool
    has_drugs: bool
    memo: dict[tuple[str, str], bool] = field(default_factory=dict, compare=False)


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    return pattern.sub(lambda m: " ".join("_" for _ in m.group().split()), text)


def _prepare(norm: str, lex: Lexicon) -> _Text:
    masked = _mask(norm, lex.exclusions)
    tokens = tuple(masked.split(" ")) if masked else ()
    starts, offset = [], 0
    for token in tokens:
        starts.append(offset)
        offset += len(token) + 1
    unresolved = _mask(masked, lex.resolution)
    return _Text(
        masked=masked,
        tokens=tokens,
        starts=tuple(starts),
        unresolved=tuple(unresolved.split(" ")) if unresolved else (),
        has_resolution=unresolved != masked,
        has_drugs=bool(lex.drug_context.search(masked)),
    )


def _token_index(text: _Text, char: int) -> int:
    lo, hi = 0, len(text.starts)
    while lo < hi:  # last token starting at or before `char`
        mid = (lo + hi) // 2
        if text.starts[mid] <= char:
            lo = mid + 1
        else:
            hi = mid
    return max(lo - 1, 0)


def _span(tokens: tuple[str, ...], first: int, last: int, stops: frozenset[str]) -> tuple[int, int]:
    """Widen [first, last) to the enclosing span bounded by `stops` tokens."""
    while first > 0 and tokens[first - 1] not in stops:
        first -= 1
    while last < len(tokens) and tokens[last] not in stops:
        last += 1
    return first, last


def _window_before(tokens: tuple[str, ...], first: int, size: int, stops: frozenset[str]) -> str:
    out: list[str] = []
    i = first - 1
    while i >= 0 and len(out) < size and tokens[i] not in stops:
        out.append(tokens[i])
        i -= 1
    return " ".join(reversed(out))


def _window_after(tokens: tuple[str, ...], last: int, size: int, stops: frozenset[str]) -> str:
    out: list[str] = []
    i = last
    while i < len(tokens) and len(out) < size and tokens[i] not in stops:
        out.append(tokens[i])
        i += 1
    return " ".join(out)


def _sentence(text: _Text, first: int, last: int) -> str:
    lo, hi = _span(text.tokens, first, last, frozenset({"."}))
    return " ".join(text.tokens[lo:hi])


def _context_ok(rule: Rule, text: _Text, lex: Lexicon, first: int, last: int) -> bool:
    sentence = frozenset({"."})
    if rule.message_has and not rule.message_has.search(text.masked):
        return False
    if rule.message_lacks and rule.message_lacks.search(text.masked):
        return False
    if rule.requires_child and not lex.child_context.search(_sentence(text, first, last)):
        return False
    if rule.before or rule.not_before:
        before = _window_before(text.tokens, first, rule.window, sentence)
        if rule.before and not rule.before.search(before):
            return False
        if rule.not_before and rule.not_before.search(before):
            return False
    if rule.after:
        after = _window_after(text.tokens, last, rule.window, sentence)
        if not rule.after.search(after):
            return False
    return True


def _kind(rule: Rule, text: _Text, lex: Lexicon, first: int, last: int) -> str:
    if rule.when_child and lex.child_context.search(_sentence(text, first, last)):
        return rule.when_child
    if rule.when_drugs and text.has_drugs:
        return rule.when_drugs
    return rule.kind


def _rule_past(rule: Rule, text: _Text, first: int, last: int) -> bool:
    """The rule's own past cue, before the general present cues ("yesterday")."""
    if not rule.past_if or not _found(text, rule.past_if, _sentence(text, first, last)):
        return False
    return not (rule.now_if and _found(text, rule.now_if, text.masked))


def _found(text: _Text, pattern: re.Pattern[str], where: str) -> bool:
    """One search per message or sentence, however many matches ask (long messages)."""
    key = (pattern.pattern, where)
    if key not in text.memo:
        text.memo[key] = bool(pattern.search(where))
    return text.memo[key]


def _status(rule: Rule, kind: str, text: _Text, lex: Lexicon, first: int, last: int, matched: str) -> str:
    clause_stops = _BOUNDARY
    before = _window_before(text.tokens, first, 6, clause_stops)
    if lex.negation_before.search(before):
        return NEGATED
    if rule.check_in_only:
        return CONCERN
    if rule.negatable_inside and lex.negation_inside.search(matched):
        return NEGATED
    if _rule_past(rule, text, first, last):
        return PAST
    c_lo, c_hi = _span(text.tokens, first, last, clause_stops)
    if lex.present.search(" ".join(text.unresolved[c_lo:c_hi])):
        return CURRENT
    if lex.past.search(_sentence(text, first, last)):
        return PAST
    if text.has_resolution and kind in lex.resolvable_kinds:
        near = _window_before(text.tokens, first, 3, clause_stops) + " " + matched
        if lex.past_verbs.search(near):
            return PAST
    return CURRENT


def _scan(norm: str, lex: Lexicon) -> list[tuple[str, str, str]]:
    text = _prepare(norm, lex)
    hits: list[tuple[str, str, str]] = []
    for rule in lex.rules:
        for match in rule.pattern.finditer(text.masked):
            first = _token_index(text, match.start())
            last = _token_index(text, max(match.end() - 1, match.start())) + 1
            if not _context_ok(rule, text, lex, first, last):
                continue
            kind = _kind(rule, text, lex, first, last)
            status = _status(rule, kind, text, lex, first, last, match.group())
            hits.append((kind, rule.rule_id, status))
    return hits


def detect(text: str, lexicon: Lexicon | None = None) -> Detection:
    """Detect crisis kinds in one message. Never raises on any string input."""
    lex = lexicon or load()
    if not isinstance(text, str) or not text.strip():
        return Detection()
    hits: list[tuple[str, str, str]] = []
    for norm in normalise_variants(text, lex.tables):
        hits.extend(_scan(norm, lex))
    current = {kind for kind, _, status in hits if status == CURRENT}
    kinds = tuple(kind for kind in lex.severity if kind in current)
    evidence = tuple(dict.fromkeys(f"{k}:{r}:{s}" for k, r, s in hits))
    return Detection(kinds=kinds, past_only=bool(hits) and not kinds, evidence=evidence)
