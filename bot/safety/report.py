"""Recall per kind and false-positive rate of the crisis detector over the corpora.

Usage: python -m bot.safety.report [--verbose] [--strict] [--data DIR]
--strict exits with status 1 when recall < 1.0 or any false positive is found
in the regression corpora (the development corpus has floors in its own test).
"""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.safety import detect
from bot.safety.lexicon import KINDS

DATA_DIR = Path(__file__).resolve().parents[2] / "tests" / "data"


@dataclass
class Corpus:
    crisis: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    non_crisis: list[tuple[str, bool | None]] = field(default_factory=list)  # (text, expected past_only)


def _read(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


# (crisis messages, non-crisis messages, past-only messages or None) for each corpus.
CORPORA: dict[str, tuple[str, str, str | None]] = {
    "main corpus": ("crisis_messages.yml", "non_crisis_messages.yml", "crisis_past_only_messages.yml"),
    "held-out corpus": (
        "crisis_holdout_messages.yml",
        "crisis_holdout_non_crisis_messages.yml",
        "crisis_holdout_past_only_messages.yml",
    ),
    "development corpus (2026-12-01)": (
        "crisis_dev_messages.yml",
        "crisis_dev_non_crisis_messages.yml",
        None,  # its past-only messages are a group of the non-crisis file
    ),
    "second development corpus (2026-12-01)": (
        "crisis_dev2_messages.yml",
        "crisis_dev2_non_crisis_messages.yml",
        None,
    ),
    "third development corpus (2026-12-01)": (
        "crisis_dev3_messages.yml",
        "crisis_dev3_non_crisis_messages.yml",
        None,
    ),
    # Written before the lexicon was widened, never tuned on (tests/data/blind/README.md).
    "blind corpus (2026-12-01, never tuned on)": (
        "blind/crisis_messages.yml",
        "blind/non_crisis_messages.yml",
        None,
    ),
}
# Corpora that --strict holds to recall 1.0 and no false positives.
STRICT = frozenset({"main corpus", "held-out corpus"})


def load_corpus(data_dir: Path, names: tuple[str, str, str | None] = CORPORA["main corpus"]) -> Corpus:
    """Read one corpus: its crisis, non-crisis and past-only files (missing files are skipped)."""
    corpus = Corpus()
    crisis, non_crisis, past = (data_dir / (name or "-missing-") for name in names)
    if crisis.exists():
        for item in _read(crisis)["messages"]:
            corpus.crisis.append((item["text"], tuple(item["kinds"])))
    if non_crisis.exists():
        content = _read(non_crisis)
        for group in (content.get("groups") or {}).values():
            corpus.non_crisis.extend((text, bool(group["past_only"])) for text in group["messages"])
        # The blind files list messages without saying which are past-only.
        corpus.non_crisis.extend((item["text"], None) for item in content.get("messages") or [])
    if past.exists():
        corpus.non_crisis.extend((text, True) for text in _read(past)["messages"])
    return corpus


def evaluate(corpus: Corpus, verbose: bool = False) -> dict[str, Any]:
    """Return recall per kind, overall recall, false-positive rate and past_only accuracy."""
    found = {kind: 0 for kind in KINDS}
    total = {kind: 0 for kind in KINDS}
    all_found, any_found, failures = 0, 0, []
    for text, expected in corpus.crisis:
        got = detect(text).kinds
        for kind in expected:
            total[kind] += 1
            found[kind] += kind in got
        any_found += bool(got)
        if set(expected) <= set(got):
            all_found += 1
        else:
            failures.append(f"MISSED  {expected} got {got}: {text[:100]}")
    false_pos, past_ok = 0, 0
    past_known = [want for _, want in corpus.non_crisis if want is not None]
    for text, want_past in corpus.non_crisis:
        result = detect(text)
        if result.kinds:
            false_pos += 1
            failures.append(f"FALSE+  {result.kinds} {list(result.evidence)}: {text[:100]}")
        elif want_past is None:
            continue
        elif result.past_only == want_past:
            past_ok += 1
        else:
            failures.append(f"PAST    want {want_past} got {result.past_only}: {text[:100]}")
    if verbose:
        print("\n".join(failures))
    n_crisis, n_non = len(corpus.crisis), len(corpus.non_crisis)
    return {
        "recall": {k: (found[k] / total[k] if total[k] else None, total[k]) for k in KINDS},
        "overall_recall": all_found / n_crisis if n_crisis else None,
        "any_kind": any_found / n_crisis if n_crisis else None,
        "n_crisis": n_crisis,
        "fpr": false_pos / n_non if n_non else None,
        "false_positives": false_pos,
        "n_non_crisis": n_non,
        "past_only_accuracy": past_ok / len(past_known) if past_known else None,
        "failures": failures,
    }


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _print(title: str, result: dict[str, Any]) -> None:
    print(f"== {title}")
    for kind, (recall, count) in result["recall"].items():
        print(f"  recall {kind:<17} {_fmt(recall)}  (n={count})")
    overall, n_crisis = _fmt(result["overall_recall"]), result["n_crisis"]
    print(f"  recall overall          {overall}  (n={n_crisis} crisis messages, every kind found)")
    print(f"  escalated at all        {_fmt(result['any_kind'])}  (some crisis kind found)")
    print(
        f"  false-positive rate     {_fmt(result['fpr'])}  "
        f"({result['false_positives']} of {result['n_non_crisis']} non-crisis messages)"
    )
    print(f"  past_only correct       {_fmt(result['past_only_accuracy'])}")


def _speed() -> float:
    text = ("I have been thinking about the meeting and my worries about the flat. " * 150)[:10_000]
    start = time.perf_counter()
    for _ in range(5):
        detect(text)
    return (time.perf_counter() - start) / 5 * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="list every miss and false positive")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="exit 1 unless recall is 1.0 and FPR is 0 on the regression corpora",
    )
    parser.add_argument("--data", type=Path, default=DATA_DIR)
    args = parser.parse_args(argv)
    ok = True
    for title, names in CORPORA.items():
        corpus = load_corpus(args.data, names)
        if not corpus.crisis and not corpus.non_crisis:
            continue
        result = evaluate(corpus, verbose=args.verbose)
        _print(title, result)
        if title in STRICT:
            ok = ok and result["overall_recall"] == 1.0 and result["false_positives"] == 0
    print(f"== speed: {_speed():.1f} ms for a 10,000-character message")
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    sys.exit(main())
