"""`python -m bot lint "draft text"`: the language checks on one draft response.

The same checks tests/unit/test_language_lint.py applies to every response in
domain.yml (banned words, reading grade, sentence length), with what to change:
the sentences that are hardest to read and the long words that raise the grade.
Exit code 0 when the draft passes, 1 when it fails, 2 on a usage error.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Optional, Sequence

import textstat

from bot.language import (
    LanguageRules, explains_a_term, hard_words, load_rules, longest_sentence, reading_grade,
    scoring_text, sentences,
)

USAGE = 'usage: python -m bot lint "draft text"   (or "-" to read the draft from standard input)'
SHOWN_SENTENCES = 3


@dataclass
class DraftReport:
    text: str
    banned: list[tuple[str, str]]  # (rule name, the words as written)
    grade: float
    longest: int
    sentence_grades: list[tuple[float, int, str]]  # (grade, words, sentence), hardest first
    hard_words: list[str]
    explained_terms: list[str]
    problems: list[str] = field(default_factory=list)

    @property
    def passes(self) -> bool:
        return not self.problems


def check_draft(text: str, rules: Optional[LanguageRules] = None) -> DraftReport:
    rules = rules or load_rules()
    banned = [(name, match.group(0)) for name, pattern in rules.banned.items()
              if (match := pattern.search(text))]
    scored = scoring_text(text, rules)
    report = DraftReport(
        text=text, banned=banned, grade=reading_grade(text, rules), longest=longest_sentence(text),
        sentence_grades=_sentence_grades(text, scored),
        hard_words=[w for w in hard_words(scored) if w not in ("link", "term")],
        explained_terms=_explained_terms(text, rules),
    )
    report.problems = _problems(report, rules)
    return report


def _sentence_grades(text: str, scored: str) -> list[tuple[float, int, str]]:
    """Each sentence's own grade (scored as the whole draft is), hardest first."""
    shown, graded = sentences(text), sentences(scored)
    if len(shown) != len(graded):
        shown = graded  # splitting changed when links were dropped: show what was scored
    rows = [(float(textstat.flesch_kincaid_grade(g)), len(s.split()), s) for s, g in zip(shown, graded)]
    return sorted(rows, key=lambda row: (-row[0], -row[1]))


def _explained_terms(text: str, rules: LanguageRules) -> list[str]:
    if not explains_a_term(text):
        return []
    lowered, found = text.lower(), []
    for term in rules.official_terms:  # longest first, as scoring replaces them
        if term.lower() in lowered:
            found.append(term)
            lowered = lowered.replace(term.lower(), " ")
    return found


def _problems(report: DraftReport, rules: LanguageRules) -> list[str]:
    problems = [f"banned: {name} ({written!r})" for name, written in report.banned]
    if report.grade > rules.max_grade_per_response:
        problems.append(f"reading grade {report.grade:g} is over {rules.max_grade_per_response:g}")
    if report.longest > rules.max_words_per_sentence:
        problems.append(f"a sentence has {report.longest} words; the limit is {rules.max_words_per_sentence}")
    return problems


def format_report(report: DraftReport, rules: Optional[LanguageRules] = None) -> str:
    rules = rules or load_rules()
    lines = ["Banned words: " + (", ".join(f"{written!r} ({name})" for name, written in report.banned)
                                 if report.banned else "none")]
    lines.append(f"Reading grade: {report.grade:g} (limit {rules.max_grade_per_response:g} for one "
                 f"response; all responses together must average {rules.max_mean_grade:g} or less)")
    lines.append(f"Longest sentence: {report.longest} words (limit {rules.max_words_per_sentence}; "
                 "aim for about 15)")
    if report.sentence_grades:
        lines.append("Hardest sentences:")
        lines += [f"  grade {grade:g}, {words} words: {sentence}"
                  for grade, words, sentence in report.sentence_grades[:SHOWN_SENTENCES]]
    lines.append("Words that raise the grade (3 or more syllables): "
                 + (", ".join(report.hard_words) if report.hard_words else "none"))
    if report.explained_terms:
        lines.append("Counted as easy, because the draft explains a term: " + ", ".join(report.explained_terms))
    lines.append("Result: passes" if report.passes else "Result: FAILS - " + "; ".join(report.problems))
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip() + "\n\n" + USAGE)
        return 0 if args else 2
    text = sys.stdin.read() if args == ["-"] else " ".join(args)
    if not text.strip():
        print("the draft is empty\n" + USAGE, file=sys.stderr)
        return 2
    report = check_draft(text)
    print(format_report(report))
    return 0 if report.passes else 1
